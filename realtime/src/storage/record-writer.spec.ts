import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { asc, count, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig, type DomainEvent, type SiteConfig } from '../contracts/index.ts';
import { Hub } from '../hub/hub.service.ts';
import { RedisEventLog } from '../hub/event-log.repository.ts';
import { openDatabase, type Database } from './database.ts';
import { createRecordState, recordsFromEvents, type AgentStateRecord, type CallRecord } from './records.ts';
import { compareStreamIds, startRecordWriter, type RecordWriter } from './record-writer.service.ts';
import { agentStateHistory, calls, streamPositions } from './schema.ts';
import { testBackends, type TestDatabase } from './testing.ts';

const redisUrl = inject('redisUrl');
const logger = pino({ level: process.env.TEST_LOG ?? "silent" });
const T0 = Date.parse('2026-03-02T08:00:00+07:00');

/** booking: 30 s wrap-up (ended by the hub's timer, a logged decision); advice: none. Both observed. */
const config = (): SiteConfig =>
  parseSiteConfig({
    id: 'writer-test',
    queues: [
      { id: 'booking', name: 'Booking', routing: 'observe', wrapupSec: 30 },
      { id: 'advice', name: 'Advice', routing: 'observe' },
    ],
    teams: [{ id: 't1', name: 'Team 1' }],
    agents: ['a1', 'a2', 'a3', 'a4', 'a5'].map((id) => ({ id, name: id, teamId: 't1', queues: ['booking', 'advice'] })),
  });

/**
 * A deterministic morning: five agents, `n` calls 20 s apart, each agent taking every fifth call;
 * every seventh call is abandoned, every third answered one gets an outcome; breaks and logouts.
 */
function morning(n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
  for (const a of ['a1', 'a2', 'a3', 'a4', 'a5']) {
    out.push({ id: `${a}-in`, type: 'agent.login', at: iso(0), agentId: a }, { id: `${a}-av`, type: 'agent.state', at: iso(0), agentId: a, state: 'available' });
  }
  for (let k = 0; k < n; k++) {
    const at = 10 + k * 20;
    const callId = `c${k}`;
    const queue = k % 2 === 0 ? 'booking' : 'advice';
    out.push({ id: `${callId}-o`, type: 'call.offered', at: iso(at), callId, queue, direction: 'inbound', from: `+8490${String(k).padStart(7, '0')}` });
    if (k % 7 === 3) {
      out.push({ id: `${callId}-x`, type: 'call.abandoned', at: iso(at + 15), callId });
      continue;
    }
    const agentId = `a${(k % 5) + 1}`;
    out.push({ id: `${callId}-a`, type: 'call.answered', at: iso(at + 5), callId, agentId });
    out.push({ id: `${callId}-e`, type: 'call.ended', at: iso(at + 60), callId, by: 'caller' });
    if (k % 3 === 0) out.push({ id: `${callId}-r`, type: 'call.outcome', at: iso(at + 62), callId, disposition: 'booked', surveyScore: k % 10 });
  }
  const end = 10 + n * 20 + 200;
  out.push({ id: 'a1-br', type: 'agent.state', at: iso(end), agentId: 'a1', state: 'break', reason: 'coffee' });
  out.push({ id: 'a2-out', type: 'agent.logout', at: iso(end + 1), agentId: 'a2' });
  // Events of one instant stay in file order; the hub wants time order.
  return out.sort((x, y) => Date.parse(x.at as string) - Date.parse(y.at as string));
}

interface Fixture {
  redis: Redis;
  streamKey: string;
  hub: Hub;
  /** Sends events to the hub (it logs them, with its own decisions, to the stream) in batches. */
  send(events: Record<string, unknown>[], batch?: number): Promise<void>;
  /** The rows every event in the stream should give: derived afresh from the whole log. */
  expected(): Promise<{ calls: CallRecord[]; states: AgentStateRecord[] }>;
  close(): Promise<void>;
}

async function fixture(): Promise<Fixture> {
  const redis = new Redis(redisUrl);
  const streamKey = `callboard:test:${randomBytes(6).toString('hex')}:events`;
  const log = new RedisEventLog(redis, streamKey);
  const hub = new Hub({ config: config(), log, logger, clock: 'event' });
  return {
    redis,
    streamKey,
    hub,
    async send(events, batch = 25) {
      for (let i = 0; i < events.length; i += batch) {
        const r = await hub.ingest(events.slice(i, i + batch));
        expect(r.rejected).toEqual([]);
      }
    },
    async expected() {
      const state = createRecordState(config());
      const callsById = new Map<string, CallRecord>();
      const states = new Map<string, AgentStateRecord>();
      await log.readAll((events: DomainEvent[]) => {
        const r = recordsFromEvents(events, state);
        for (const c of r.calls) callsById.set(c.id, c);
        for (const s of r.agentStates) states.set(`${s.agentId} ${s.fromAt.toISOString()}`, s);
      });
      return {
        calls: [...callsById.values()].sort((a, b) => a.id.localeCompare(b.id)),
        states: [...states.values()].sort((a, b) => a.agentId.localeCompare(b.agentId) || a.fromAt.getTime() - b.fromAt.getTime()),
      };
    },
    async close() {
      await redis.del(streamKey);
      redis.disconnect();
    },
  };
}

async function stored(db: Database): Promise<{ calls: CallRecord[]; states: AgentStateRecord[] }> {
  const c = await db.db.select().from(calls).orderBy(asc(calls.id));
  const s = await db.db.select().from(agentStateHistory).orderBy(asc(agentStateHistory.agentId), asc(agentStateHistory.fromAt));
  // Sort as `expected` does (JS string order, not the database's collation).
  return { calls: c.sort((a, b) => a.id.localeCompare(b.id)), states: s };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(testBackends())('record writer on $name', (backend) => {
  let tdb: TestDatabase | undefined;
  let fx: Fixture | undefined;
  const writers: RecordWriter[] = [];
  const start = (db: Database) => {
    const w = startRecordWriter({ redisUrl, streamKey: fx!.streamKey, db, logger, config: config(), blockMs: 200, retryMaxMs: 200 });
    writers.push(w);
    return w;
  };
  afterEach(async () => {
    for (const w of writers.splice(0)) await w.stop();
    await fx?.close();
    await tdb?.drop();
    fx = undefined;
    tdb = undefined;
  });

  it('given a hub logging a morning of calls, when the writer follows the log then the database holds every call and agent state exactly as derived', async () => {
    [tdb, fx] = await Promise.all([backend.create(), fixture()]);
    const w = start(tdb.database);
    await fx.send(morning(120));
    await w.caughtUp();
    const want = await fx.expected();
    expect(want.calls).toHaveLength(120);
    const got = await stored(tdb.database);
    expect(got.calls).toEqual(want.calls);
    expect(got.states).toEqual(want.states);
    // Spot checks against the hub's own records (one engine).
    const c0 = fx.hub.state.recordIndex.get('c0')!;
    expect(got.calls.find((c) => c.id === 'c0')).toMatchObject({ status: 'done', result: 'answered', waitMs: c0.waitMs, handleMs: 85_000, disposition: 'booked' });
    expect(got.calls.filter((c) => c.result === 'abandoned')).toHaveLength(17);
    expect(w.stats).toMatchObject({ refused: 0, lastId: expect.stringMatching(/^\d+-\d+$/), state: 'following' });
    const pos = await tdb.database.db.select().from(streamPositions).where(eq(streamPositions.streamKey, fx.streamKey));
    expect(pos[0]).toMatchObject({ lastId: w.stats.lastId, entries: await fx.redis.xlen(fx.streamKey) });
  });

  it('given a writer stopped halfway, when a new one starts then it resumes after the committed position: no duplicates, nothing missing', async () => {
    [tdb, fx] = await Promise.all([backend.create(), fixture()]);
    const events = morning(100);
    const half = Math.floor(events.length / 2);
    const first = start(tdb.database);
    await fx.send(events.slice(0, half));
    await first.caughtUp();
    const committed = first.stats.lastId;
    await first.stop();
    // The hub goes on while no writer runs.
    await fx.send(events.slice(half));
    const second = start(tdb.database);
    await second.caughtUp();
    expect(second.stats.rebuiltEntries).toBeGreaterThan(0);
    expect(second.stats.entries).toBe(await fx.redis.xlen(fx.streamKey));
    expect(compareStreamIds(second.stats.lastId, committed)).toBe(1);
    const got = await stored(tdb.database);
    const want = await fx.expected();
    expect(got.calls).toEqual(want.calls);
    expect(got.states).toEqual(want.states);
    const [{ n }] = (await tdb.database.db.select({ n: count() }).from(calls)) as [{ n: number }];
    expect(n).toBe(100);
  });

  it('given a running writer, when the database goes away mid-run and comes back then it retries and loses nothing', async () => {
    [tdb, fx] = await Promise.all([backend.create(), fixture()]);
    const events = morning(100);
    const w = start(tdb.database);
    await fx.send(events.slice(0, 60));
    await w.caughtUp();
    await tdb.database.close(); // the outage
    await fx.send(events.slice(60));
    await until(() => w.stats.retries > 0);
    expect(w.stats.state).toBe('retrying');
    expect(w.stats.lastError).toMatch(/write records/);
    expect(w.stats.lastError).not.toMatch(/\+849/); // the failed statement's parameters (phone numbers) stay out
    await tdb.database.reopen();
    await w.caughtUp();
    const got = await stored(tdb.database);
    const want = await fx.expected();
    expect(got.calls).toHaveLength(100);
    expect(got.calls).toEqual(want.calls);
    expect(got.states).toEqual(want.states);
  });
});

/** A TCP proxy to the PostgreSQL server that can be stopped (a server outage) and started again. */
async function proxy(target: URL): Promise<{ port: number; stop(): Promise<void>; start(): Promise<void>; close(): Promise<void> }> {
  let server: Server | undefined;
  let port = 0;
  const sockets = new Set<Socket>();
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  };
  await listen();
  return { port, stop, start: listen, close: stop };
}

// A server outage needs a server: this part runs when DATABASE_URL is set.
const servers = testBackends().filter((b) => b.name === 'postgres');
describe.each(servers)('record writer on $name behind a connection that drops', (backend) => {
  it('given the writer started while the server is unreachable, when it comes back then the writer catches up; and again after a mid-run outage', async () => {
    const [tdb, fx] = await Promise.all([backend.create(), fixture()]);
    const p = await proxy(new URL(tdb.options.url!));
    const url = new URL(tdb.options.url!);
    url.host = `127.0.0.1:${p.port}`;
    const viaProxy = await openDatabase({ url: url.toString() });
    await p.stop();
    const w = startRecordWriter({ redisUrl, streamKey: fx.streamKey, db: viaProxy, logger, config: config(), blockMs: 200, retryMaxMs: 200 });
    try {
      const events = morning(80);
      await fx.send(events.slice(0, 40));
      await until(() => w.stats.retries > 0);
      await p.start();
      await w.caughtUp();
      await p.stop(); // mid-run: established connections are cut
      await fx.send(events.slice(40));
      await until(() => w.stats.retries > 1 && w.stats.state === 'retrying');
      await p.start();
      await w.caughtUp();
      const got = await stored(tdb.database);
      const want = await fx.expected();
      expect(got.calls).toHaveLength(80);
      expect(got.calls).toEqual(want.calls);
      expect(got.states).toEqual(want.states);
    } finally {
      await w.stop();
      await viaProxy.close();
      await p.close();
      await fx.close();
      await tdb.drop();
    }
  });
});

/**
 * The Redis event log's group commit: appends made while an XADD is on its way share the next entry, the
 * entries keep the order of the appends, each append resolves once its events are written, and a failed
 * write is reported to every append that joined it and to the next checkpoint. A duplicate is answered
 * only once the original's entry is written.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig, type DomainEvent } from '../contracts/index.ts';
import { RedisEventLog } from './event-log.repository.ts';
import { Hub } from './hub.service.ts';
import { privateRedis, testSite } from './testing.ts';

const redis = new Redis(inject('redisUrl'));
const keys: string[] = [];
afterAll(async () => {
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

function newLog(): RedisEventLog {
  const key = `callboard:test:eventlog:${randomUUID()}`;
  keys.push(key);
  return new RedisEventLog(redis, key);
}

let n = 0;
const ev = (): DomainEvent => ({ id: `e${++n}`, type: 'agent.login', at: 1_700_000_000_000 + n, agentId: 'a1' }) as DomainEvent;

async function entries(log: RedisEventLog): Promise<string[][]> {
  const out: string[][] = [];
  await log.readAll((events) => out.push(events.map((e) => e.id)));
  return out;
}

describe('given a Redis event log', () => {
  it('when three appends are made in one turn, then they are written as one entry, in order, and each resolves', async () => {
    const log = newLog();
    const [a, b, c] = [[ev(), ev()], [ev()], [ev(), ev(), ev()]];
    await Promise.all([log.append(a), log.append(b), log.append(c)]);
    expect(log.entriesWritten).toBe(1);
    expect(await entries(log)).toEqual([[...a, ...b, ...c].map((e) => e.id)]);
    expect(await log.lastAppendedId()).toBe((await redis.xrevrange(log.key, '+', '-', 'COUNT', 1))[0]![0]);
  });

  it('when appends arrive while an XADD is on its way, then they share the next entry and the order of all events is kept', async () => {
    const log = newLog();
    const first = [ev()];
    const p1 = log.append(first);
    await Promise.resolve(); // the first XADD is issued
    const later = Array.from({ length: 20 }, () => [ev()]);
    const ps = later.map((x) => log.append(x));
    await Promise.all([p1, ...ps]);
    const got = await entries(log);
    expect(got).toEqual([first.map((e) => e.id), later.flat().map((e) => e.id)]);
    expect(log.entriesWritten).toBe(2);
  });

  it('when an append resolves, then its events are already in the stream', async () => {
    const log = newLog();
    const x = [ev(), ev()];
    const p = log.append(x);
    expect(await redis.xlen(log.key)).toBe(0);
    await p;
    expect((await entries(log)).flat()).toEqual(x.map((e) => e.id));
  });

  it('when more events are appended than one entry holds, then they go in several entries in order', async () => {
    const log = newLog();
    const big = Array.from({ length: 3 }, () => Array.from({ length: 900 }, () => ev()));
    await Promise.all(big.map((x) => log.append(x)));
    const got = await entries(log);
    expect(got.length).toBe(2);
    expect(got.flat()).toEqual(big.flat().map((e) => e.id));
  });

  it('when the write fails while the hub is closing, then every append that joined it rejects and no checkpoint may claim an id', async () => {
    const broken = new Redis(inject('redisUrl'), { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    const log = new RedisEventLog(broken, `callboard:test:eventlog:${randomUUID()}`);
    log.stop();
    const results = await Promise.allSettled([log.append([ev()]), log.append([ev()])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await log.lastAppendedId()).toBeNull();
    broken.disconnect();
  });
});

describe('given a hub whose log write is held up (Redis paused)', () => {
  it('when a source resends an event whose entry is not written yet, then the duplicate is answered only after the entry is written', async () => {
    // A private redis-server: pausing the shared one would hold up every other test.
    const srv = await privateRedis();
    const r = new Redis(srv.url);
    const admin = new Redis(srv.url);
    try {
      const log = new RedisEventLog(r, 'callboard:test:held:events');
      const hub = new Hub({ config: parseSiteConfig(testSite()), log, logger: pino({ level: 'silent' }), clock: 'event' });
      const e = { id: 'held-1', type: 'call.offered', at: Date.now(), callId: 'hc1', queue: 'booking', direction: 'inbound' };
      await admin.call('CLIENT', 'PAUSE', '700', 'WRITE');
      const order: string[] = [];
      const first = hub.ingest([e]).then((x) => (order.push('first'), x));
      const again = hub.ingest([e]).then((x) => (order.push('duplicate'), x));
      await new Promise((res) => setTimeout(res, 200));
      expect(order).toEqual([]); // neither answered while the entry waits
      expect(await again).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
      expect(await first).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
      expect(order[0]).toBe('first');
      expect(await admin.xlen('callboard:test:held:events')).toBe(1);
    } finally {
      r.disconnect();
      admin.disconnect();
      srv.kill();
    }
  });
});

describe('given the Redis of the event log goes away', () => {
  it('when events are appended during the outage, then they are written once Redis is back, in order, and only then answered', async () => {
    let srv = await privateRedis();
    const port = srv.port;
    // The hub's own connection settings (app.ts): a command fails after 3 reconnect attempts.
    const r = new Redis(srv.url, { maxRetriesPerRequest: 3 });
    r.on('error', () => undefined);
    const retried: number[] = [];
    const log = new RedisEventLog(r, 'callboard:test:outage:events', { onRetry: (_e, attempt) => retried.push(attempt) });
    try {
      const before = [ev()];
      await log.append(before);
      srv.kill();
      const during = [ev(), ev()];
      let written = false;
      const p = log.append(during).then(() => (written = true));
      const next = [ev()];
      const later = log.append(next);
      await new Promise((res) => setTimeout(res, 1200));
      expect(written).toBe(false);
      expect(retried.length).toBeGreaterThan(0);
      srv = await privateRedis(port);
      await Promise.all([p, later]);
      // The restarted Redis is empty: what it holds is exactly what was appended during the outage, in order.
      const admin = new Redis(srv.url);
      const got = ((await admin.xrange('callboard:test:outage:events', '-', '+')) as [string, string[]][]).map(([, f]) => (JSON.parse(f[1]!) as { id: string }[]).map((e) => e.id));
      admin.disconnect();
      expect(got.flat()).toEqual([...during, ...next].map((e) => e.id));
      expect(log.retries).toBe(retried.length);
    } finally {
      r.disconnect();
      srv.kill();
    }
  });

  it('when the stream already holds a newer entry than the clock gives (written by an earlier process), then the next entry goes after it', async () => {
    const log = newLog();
    const future = `${Date.now() + 3_600_000}-5`;
    await redis.xadd(log.key, future, 'e', '[]');
    await log.append([ev()]);
    const ids = ((await redis.xrange(log.key, '-', '+')) as [string, string[]][]).map(([id]) => id);
    expect(ids[0]).toBe(future);
    expect(ids.length).toBe(2);
    const [m1, s1] = future.split('-').map(Number) as [number, number];
    const [m2, s2] = ids[1]!.split('-').map(Number) as [number, number];
    expect(m2 > m1 || (m2 === m1 && s2 > s1)).toBe(true);
  });
});

/**
 * "Bad input gets a clear error and loses nothing", as properties: whatever arrives at the edge (any
 * JSON value, valid events with one field broken, events in an impossible order, duplicates), the hub
 * never throws, answers every item, counts every rejection, and a rejected event leaves the state
 * exactly as it was. Then the HTTP and Socket.IO edges with hostile bodies keep the hub alive.
 */
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { parseSiteConfig } from '../contracts/index.ts';
import { fingerprint } from '../core/testing.ts';
import { io as connect } from 'socket.io-client';
import { createHubMetrics } from './hub.metrics.ts';
import { MemoryEventLog } from './event-log.repository.ts';
import { Hub } from './hub.service.ts';
import { get, post, startHub, testSite, token } from './testing.ts';
import type { App } from './app.ts';

const T0 = Date.parse('2026-03-02T08:00:00+07:00');
const site = parseSiteConfig(testSite());

/** A small valid day on the test site: logins, calls answered, ended, abandoned, outcomes. */
function validDay(): Record<string, unknown>[] {
  const ev: Record<string, unknown>[] = [];
  let t = T0;
  for (const a of ['a1', 'a2']) {
    ev.push({ id: `l-${a}`, type: 'agent.login', at: t++, agentId: a }, { id: `s-${a}`, type: 'agent.state', at: t++, agentId: a, state: 'available' });
  }
  for (let i = 0; i < 12; i++) {
    const q = i % 3 ? 'booking' : 'advice';
    ev.push({ id: `o${i}`, type: 'call.offered', at: (t += 1000), callId: `c${i}`, queue: q, direction: 'inbound', from: '+84901234567' });
    if (i % 4 === 3) ev.push({ id: `x${i}`, type: 'call.abandoned', at: (t += 500), callId: `c${i}` });
    else {
      ev.push({ id: `a${i}`, type: 'call.answered', at: (t += 500), callId: `c${i}`, agentId: i % 2 ? 'a2' : 'a1' });
      ev.push({ id: `e${i}`, type: 'call.ended', at: (t += 5000), callId: `c${i}`, by: 'caller' });
      ev.push({ id: `r${i}`, type: 'call.outcome', at: (t += 100), callId: `c${i}`, disposition: 'booked' });
    }
  }
  return ev;
}

/** One field of a valid event replaced by something of the wrong kind, or removed. */
const broken = (events: Record<string, unknown>[]) =>
  fc
    .tuple(fc.constantFrom(...events), fc.constantFrom('id', 'type', 'at', 'callId', 'agentId', 'queue', 'direction', 'state', 'from'), fc.anything())
    .map(([e, k, v]) => {
      const x: Record<string, unknown> = { ...e, id: `${String(e.id)}-m` };
      if (v === undefined) delete x[k];
      else x[k] = v;
      return x;
    });

describe('hub.apply with arbitrary input', () => {
  it('never throws, answers every item, and a rejected item changes nothing', () => {
    const day = validDay();
    const item = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...day) }, // valid, but maybe out of order or repeated
      { weight: 3, arbitrary: broken(day) },
      { weight: 1, arbitrary: fc.anything() },
      { weight: 1, arbitrary: fc.jsonValue() },
    );
    let acceptedSomewhere = 0;
    let rejectedSomewhere = 0;
    fc.assert(
      // A prefix of a valid day with arbitrary items inserted anywhere.
      fc.property(
        fc.tuple(fc.integer({ min: 0, max: day.length }), fc.array(fc.tuple(fc.nat(), item), { maxLength: 40 })).map(([k, extra]) => {
          const out: unknown[] = day.slice(0, k);
          for (const [pos, x] of extra) out.splice(pos % (out.length + 1), 0, x);
          return out;
        }),
        (items) => {
        const metrics = createHubMetrics(false);
        const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock: 'event', metrics });
        let rejected = 0;
        for (const raw of items) {
          const before = fingerprint(hub.state);
          const { result } = hub.apply([raw], { route: false });
          expect(result.accepted + result.duplicates + result.rejected.length).toBe(1);
          if (result.rejected.length) {
            rejected++;
            expect(result.rejected[0]!.errors.length).toBeGreaterThan(0);
            expect(result.rejected[0]!.errors.every((m) => typeof m === 'string' && m.length > 0)).toBe(true);
            expect(fingerprint(hub.state)).toBe(before);
          }
        }
        expect(hub.counts.rejected).toBe(rejected);
        acceptedSomewhere += hub.counts.accepted;
        rejectedSomewhere += rejected;
        },
      ),
      { numRuns: 150, seed: 20261122 },
    );
    // Not vacuous: the runs both applied and refused plenty.
    expect(acceptedSomewhere).toBeGreaterThan(100);
    expect(rejectedSomewhere).toBeGreaterThan(100);
  });
});

describe('an event dated ahead of the hub\'s clock (a source whose clock is wrong)', () => {
  const wallHub = (now: number, futureToleranceMs?: number) =>
    new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock: 'wall', now: () => now, metrics: createHubMetrics(false), ...(futureToleranceMs !== undefined ? { futureToleranceMs } : {}) });

  it('given a live hub, when an event is dated years ahead, then it is refused with the reason and counted, and the state (its clock too) is as before', async () => {
    const hub = wallHub(T0);
    hub.apply([{ id: 'l1', type: 'agent.login', at: T0 - 1000, agentId: 'a1' }, { id: 's1', type: 'agent.state', at: T0 - 900, agentId: 'a1', state: 'available' }]);
    const before = fingerprint(hub.state);
    const { result } = hub.apply([{ id: 'f1', type: 'call.offered', at: '2099-01-01T00:00:00Z', callId: 'cf', queue: 'booking', direction: 'inbound' }]);
    expect(result.accepted).toBe(0);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.id).toBe('f1');
    expect(result.rejected[0]!.errors[0]).toMatch(/^at 2099-01-01T00:00:00\.000Z is \d+ s ahead of the hub's clock .*check the source's clock$/);
    expect(fingerprint(hub.state)).toBe(before);
    expect(hub.state.clock).toBe(T0 - 900);
    expect(hub.state.calls.has('cf')).toBe(false);
    expect(hub.counts.rejected).toBe(1);
    // Once its clock is right, the source's event with the same id is taken: the refused one was not remembered.
    const again = hub.apply([{ id: 'f1', type: 'call.offered', at: T0, callId: 'cf', queue: 'booking', direction: 'inbound' }]);
    expect(again.result.accepted).toBe(1);
  });

  it('given clock skew within the tolerance, then the event is taken; just past it, it is refused; the event clock takes any time', () => {
    const hub = wallHub(T0, 60_000);
    expect(hub.apply([{ id: 'l1', type: 'agent.login', at: T0 + 60_000, agentId: 'a1' }]).result.accepted).toBe(1);
    const late = hub.apply([{ id: 'l2', type: 'agent.login', at: T0 + 60_001, agentId: 'a2' }]).result;
    expect(late.rejected[0]!.errors[0]).toContain('more than 60 s ahead is refused');
    // Default tolerance: five minutes.
    expect(wallHub(T0).apply([{ id: 'l3', type: 'agent.login', at: T0 + 299_000, agentId: 'a1' }]).result.accepted).toBe(1);
    expect(wallHub(T0).apply([{ id: 'l4', type: 'agent.login', at: T0 + 301_000, agentId: 'a1' }]).result.accepted).toBe(0);
    const replay = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock: 'event' });
    expect(replay.apply([{ id: 'r1', type: 'agent.login', at: '2099-01-01T00:00:00Z', agentId: 'a1' }]).result.accepted).toBe(1);
  });
});

describe('rejected events in the hub\'s log (for the operator)', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => void vi.useRealTimers());

  it('given rejections of each reason, then the first of each is logged with the event\'s id, type and source, the rest of the interval only counted', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    const hub = new Hub({ config: site, log: new MemoryEventLog(), logger, clock: 'wall', now: () => T0 });
    hub.apply([
      { id: 'bad-1', type: 'call.offered', at: T0, source: 'pbx-1' }, // no callId: invalid
      { id: 'bad-2', type: 'call.offered', at: T0, source: 'pbx-1' },
      { id: 'x-1', type: 'call.answered', at: T0, callId: 'nope', agentId: 'a1', source: 'pbx-2' }, // unknown call: impossible
      { id: 'f-1', type: 'agent.login', at: T0 + 3_600_000, agentId: 'a1', source: 'pbx-3' }, // an hour ahead: future
      { id: 'x-2', type: 'call.answered', at: T0, callId: 'nope2', agentId: 'a1', source: 'pbx-2' },
    ]);
    const rejected = lines.filter((l) => l.msg?.toString().startsWith('telephony event rejected'));
    expect(rejected.map((l) => [l.reason, l.id, l.type, l.source])).toEqual([
      ['invalid', 'bad-1', 'call.offered', 'pbx-1'],
      ['impossible', 'x-1', 'call.answered', 'pbx-2'],
      ['future', 'f-1', 'agent.login', 'pbx-3'],
    ]);
    expect(rejected[1]!.errors).toEqual(['unknown call nope']);
    expect(hub.counts.rejected).toBe(5);
    // A minute on, the next invalid one is logged and says one was left out before it.
    vi.setSystemTime(Date.now() + 61_000);
    hub.apply([{ id: 'bad-3', type: 'call.offered', at: T0 }]);
    expect(lines.at(-1)).toMatchObject({ reason: 'invalid', id: 'bad-3', leftOutBefore: 1 });

    // With no interval, each is logged and says how many were left out before it.
    const each: Record<string, unknown>[] = [];
    const hub2 = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'warn' }, { write: (l: string) => void each.push(JSON.parse(l) as Record<string, unknown>) }), clock: 'event', rejectLogIntervalMs: 0 });
    hub2.apply([{ id: 'b1', type: 'nope', at: T0 }, { id: 'b2', type: 'nope', at: T0 }]);
    expect(each.map((l) => [l.id, l.leftOutBefore])).toEqual([['b1', 0], ['b2', 0]]);
  });
});

describe('the HTTP and Socket.IO edges with hostile bodies', () => {
  let app: App;
  let url: string;
  beforeAll(async () => {
    ({ app, url } = await startHub(inject('redisUrl')));
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers each with a clear error, counts it, and keeps serving', async () => {
    const tel = token('telephony');
    const raw = (body: string, type = 'application/json') =>
      fetch(`${url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${tel}`, 'content-type': type }, body }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));

    expect((await raw('{"id":')).status).toBe(400); // truncated JSON
    expect((await raw('[' + '['.repeat(5000) + ']'.repeat(5000) + ']')).json.rejected).toHaveLength(1); // deep nesting
    const proto = await raw('{"id":"p1","type":"call.offered","at":1,"callId":"c","queue":"booking","direction":"inbound","__proto__":{"admin":true}}');
    expect(proto.status).toBe(200);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    // Over the body limit (20 MiB by default): the limit in bytes, for the console to word.
    expect(await raw('x'.repeat(21 * 1024 * 1024))).toEqual({
      status: 413,
      json: { error: { code: 'invalid', message: 'request body: request entity too large (limit 20971520 bytes)', reason: 'body_too_large', params: { limit: '20971520' } } },
    });
    expect((await raw('{"id":"n1","type":"agent.login"}\nnot json\n', 'application/x-ndjson')).json.rejected.length).toBeGreaterThan(0);
    const many = await post(url, '/api/v1/events', tel, Array.from({ length: 2000 }, () => null));
    expect(many.json.rejected).toHaveLength(2000);

    // Socket.IO /telephony: non-array payloads, missing ack, garbage.
    const s = connect(`${url}/telephony`, { auth: { token: tel }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((r, j) => {
      s.once('connect', () => r(undefined));
      s.once('connect_error', j);
    });
    const ack = (payload: unknown) => new Promise<any>((r) => s.emit('events' as never, payload as never, r as never));
    expect((await ack('hello')).rejected.length).toBeGreaterThan(0);
    expect((await ack({ nested: { deeper: [1, 2, 3] } })).rejected.length).toBeGreaterThan(0);
    s.emit('events' as never, [{ id: 'noack' }] as never); // no ack function: must not crash the hub
    s.emit('no-such-event' as never, 1 as never);
    s.disconnect();

    const health = await get(url, '/healthz');
    expect(health.status).toBe(200);
    const prom = await (await fetch(`${url}/metrics`)).text();
    const count = (re: RegExp) => Number(prom.match(re)?.[1] ?? 0);
    expect(count(/callboard_events_rejected_total\{reason="invalid"\} (\d+)/)).toBeGreaterThanOrEqual(2003);
    expect(count(/callboard_bad_requests_total\{edge="body"\} (\d+)/)).toBeGreaterThanOrEqual(2);
  });
});

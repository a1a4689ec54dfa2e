/**
 * The Redis event log's group commit: appends made while an XADD is on its way share the next entry, the
 * entries keep the order of the appends, each append resolves once its events are written, and a failed
 * write is reported to every append that joined it and to the next checkpoint.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { DomainEvent } from '../contracts/index.ts';
import { RedisEventLog } from './event-log.repository.ts';

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

  it('when the write fails, then every append that joined it rejects and no checkpoint may claim an id', async () => {
    const broken = new Redis(inject('redisUrl'), { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    const log = new RedisEventLog(broken, `callboard:test:eventlog:${randomUUID()}`);
    const results = await Promise.allSettled([log.append([ev()]), log.append([ev()])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await log.lastAppendedId()).toBeNull();
    broken.disconnect();
  });
});

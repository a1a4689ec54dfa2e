/**
 * The campaign workers' clock at `CALLBOARD_SPEED` N: clock time runs N times faster than the wall
 * clock; pacing cycles, rings and drop deadlines are converted with floors for what does not speed up.
 * Then the workers with a scaled clock on real Redis: the pacer's job scheduler and a retry's due time.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import { testBackends } from '../../../realtime/src/storage/testing.ts';
import { campaignClock } from './clock.ts';
import { FakeHub, leadsCsv, testCampaign } from './testing.ts';
import { startCampaignWorkers } from './workers.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

describe('campaign clock', () => {
  it('given speed 60 and a fake wall clock, clock time runs 60 times faster from the hub time it starts at', () => {
    let wall = 1_000_000;
    const hubNow = Date.UTC(2026, 10, 23, 2, 0); // the hub's time (ahead of the wall clock)
    const c = campaignClock({ speed: 60, start: hubNow, wall: () => wall });
    expect(c.now()).toBe(hubNow);
    wall += 1000;
    expect(c.now()).toBe(hubNow + 60_000);
    wall += 60_000;
    expect(c.now()).toBe(hubNow + 61 * 60_000);
  });

  it('converts pacing cycles and rings to real time, with floors: a 1 s cycle at x60 is 100 ms (not 17), a 1 min cycle 1 s; drop deadlines keep at least 1 s of real time', () => {
    const c = campaignClock({ speed: 60, wall: () => 0 });
    expect(c.real(1000, 100)).toBe(100);
    expect(c.real(60_000, 100)).toBe(1000);
    expect(c.real(25_000)).toBe(417);
    expect(c.span(2000, 1000)).toBe(60_000); // 2 s of clock time would be 33 ms of real time
    expect(c.span(120_000, 1000)).toBe(120_000);
  });

  it('at speed 1 nothing changes: the wall clock (or the given one) and the same spans', () => {
    const c = campaignClock();
    expect(campaignClock({ wall: () => 7 }).now()).toBe(7);
    expect(c.real(1000, 100)).toBe(1000);
    expect(c.real(50, 100)).toBe(50);
    expect(c.span(2000, 1000)).toBe(2000);
    expect(campaignClock({ now: () => 42 }).now()).toBe(42);
  });
});

describe('campaign workers at CALLBOARD_SPEED', () => {
  it('given the hub clock at x20 and a day ahead, the pacer runs every pacingMs/20 of real time and a busy lead is due 30 min later in hub time', async () => {
    const redisUrl = inject('redisUrl');
    const redis = new Redis(redisUrl);
    cleanups.push(() => redis.quit());
    const prefix = `t:clock:${randomBytes(5).toString('hex')}`;
    const db = await testBackends()[0]!.create();
    cleanups.push(() => db.drop());
    const hubStart = Date.now() + 86_400_000;
    const w = await startCampaignWorkers({
      redisUrl,
      db: db.database,
      config: demoSite(),
      hub: new FakeHub({ redis, streamKey: `${prefix}:hubevents`, queue: 'telesales', freeAgents: 5 }),
      hubStreamKey: `${prefix}:hubevents`,
      logger: pino({ level: 'silent' }),
      prefix,
      clockSpeed: 20,
      clockStart: hubStart,
    });
    cleanups.push(() => w.stop());
    const s = w.service;
    const c = testCampaign({ id: 'fast', maxAttempts: 2, settings: { pacingMs: 4000, retry: { busy: 30 }, carrier: { connect: 0, busy: 1, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    await s.save(c);
    const csv = leadsCsv(3);
    await s.importFile('fast', csv, await s.repo.createImport('fast', 't.csv', csv.length), csv.length);
    await s.setStatus('fast', 'running');
    const sched = (await w.controlQueue.getJobSchedulers()).find((x) => x.key === 'pace:fast');
    expect(Number(sched?.every)).toBe(200);
    const t0 = Date.now();
    while ((await s.coverage('fast')).leadsRetryWaiting < 3) {
      if (Date.now() - t0 > 20_000) throw new Error('timed out waiting for the busy leads');
      await new Promise((r) => setTimeout(r, 50));
    }
    const due = (await redis.zrange(s.store.k.due('fast'), 0, -1, 'WITHSCORES')).filter((_, i) => i % 2 === 1).map(Number);
    expect(due).toHaveLength(3);
    for (const d of due) {
      expect(d).toBeGreaterThan(hubStart + 30 * 60_000);
      expect(d).toBeLessThan(hubStart + 30 * 60_000 + 20 * 20_000); // dialed within 20 s of real time
    }
  });
});

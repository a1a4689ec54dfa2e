/**
 * The drop-rate cap held over a window (24 h by default), against real Redis: the counters sampled every
 * 10 minutes by pacing, the window's counts from them, past dials kept out of it, and a predictive campaign
 * whose clean past would allow dialing ahead held back by a bad last hour.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import { testBackends } from '../../../realtime/src/storage/testing.ts';
import { CampaignStore, DROP_SAMPLE_MS } from './store.ts';
import { FakeHub, leadsCsv, testCampaign } from './testing.ts';
import { startCampaignWorkers } from './workers.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});
const H = 3_600_000;
const counts = (attempts: number, connected: number, dropped: number) => ({ attempts, connected, dropped });

describe('the drop-rate window', () => {
  it('counts since the first sample while the campaign is younger than the window, then since the sample at the window\'s start; older samples go, past dials never count', async () => {
    const redis = new Redis(inject('redisUrl'));
    cleanups.push(() => redis.quit());
    const store = new CampaignStore(redis, `t:dropw:${randomBytes(4).toString('hex')}`);
    const t0 = 100_000 * DROP_SAMPLE_MS + 1_000;
    const W = 24 * H;
    // First cycle: the sample is now, nothing in the window yet.
    expect(await store.windowCounts('c', t0, W, counts(0, 0, 0))).toEqual(counts(0, 0, 0));
    // Two weeks of a dialer's history imported afterwards (the demo's start): not the window's.
    await store.addPast('c', counts(4_000, 1_800, 40), {});
    expect(await store.windowCounts('c', t0 + 5 * 60_000, W, counts(4_100, 1_840, 45))).toEqual(counts(100, 40, 5));
    // 12 h in, then 30 h in: from the sample at or before the window's start (t0 + 6 h), the older ones dropped.
    expect(await store.windowCounts('c', t0 + 6 * H, W, counts(4_400, 1_960, 47))).toEqual(counts(400, 160, 7));
    expect(await store.windowCounts('c', t0 + 30 * H, W, counts(5_000, 2_200, 60))).toEqual(counts(600, 240, 13));
    const h = await redis.hgetall(store.k.dropWindow('c'));
    expect(h.step).toBe(String(DROP_SAMPLE_MS));
    const slots = new Set(Object.keys(h).filter((f) => f !== 'step').map((f) => Number(f.split(':')[0])));
    expect([...slots].sort()).toEqual([t0 + 6 * H, t0 + 30 * H].map((t) => Math.floor(t / DROP_SAMPLE_MS)));
    // A window of 0 is the whole campaign: the counters as they are.
    expect(await store.windowCounts('c', t0 + 31 * H, 0, counts(5_000, 2_200, 60))).toEqual(counts(5_000, 2_200, 60));
  });

  it('a 30-day window keeps about 144 samples (a 5-hour step), and a changed window starts its samples afresh', async () => {
    const redis = new Redis(inject('redisUrl'));
    cleanups.push(() => redis.quit());
    const store = new CampaignStore(redis, `t:dropw:${randomBytes(4).toString('hex')}`);
    const W = 720 * H;
    const t0 = 1_000 * W;
    let n = 0;
    // A cycle every hour for 40 days, 10 connects an hour, one drop a day.
    for (let i = 0; i <= 40 * 24; i++) {
      n = i;
      await store.windowCounts('c', t0 + i * H, W, counts(30 * i, 10 * i, Math.floor(i / 24)));
    }
    const h = await redis.hgetall(store.k.dropWindow('c'));
    expect(h.step).toBe(String(5 * H));
    expect((Object.keys(h).length - 1) / 3).toBeLessThanOrEqual(146);
    // The last 30 days (to the step): 720 hours of connects, 30 drops.
    const last = await store.windowCounts('c', t0 + n * H, W, counts(30 * n, 10 * n, Math.floor(n / 24)));
    expect(last.connected).toBeGreaterThanOrEqual(7_200);
    expect(last.connected).toBeLessThanOrEqual(7_250);
    expect(last.dropped).toBe(30);
    // Back to a day: a new step, so the samples start again and the window is empty for now.
    expect(await store.windowCounts('c', t0 + (n + 1) * H, 24 * H, counts(30 * n, 10 * n, 40))).toEqual(counts(0, 0, 0));
    expect((await redis.hgetall(store.k.dropWindow('c'))).step).toBe(String(DROP_SAMPLE_MS));
  });

  it('given a predictive campaign with a clean past and a bad last hour, the 24-hour window holds it progressive where its whole life would let it dial ahead', async () => {
    const redisUrl = inject('redisUrl');
    const redis = new Redis(redisUrl);
    cleanups.push(() => redis.quit());
    const db = await testBackends()[0]!.create();
    cleanups.push(() => db.drop());
    let now = 200_000 * DROP_SAMPLE_MS;
    const prefix = `t:dropw:${randomBytes(5).toString('hex')}`;
    const hub = new FakeHub({ redis, streamKey: `${prefix}:hubevents`, queue: 'telesales', freeAgents: 0 });
    const w = await startCampaignWorkers({ redisUrl, db: db.database, config: demoSite(), hub, hubStreamKey: `${prefix}:hubevents`, logger: pino({ level: 'silent' }), prefix, now: () => now });
    cleanups.push(() => w.stop());
    const s = w.service;
    const pace = async (id: string) => {
      // The scheduler paces too; a cycle that finds its lock taken answers null.
      for (let i = 0; i < 50; i++) {
        const p = await s.pace(id);
        if (p) return p;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('no pacing cycle');
    };
    for (const [id, windowHours] of [['win', 24], ['life', 0]] as const) {
      await s.save(testCampaign({ id, dialingMode: 'predictive', settings: { dropRateWindowHours: windowHours } as never }));
      // Leads to work (no agent is free, so nothing is dialed: the counters stay the test's).
      const csv = leadsCsv(10);
      await s.importFile(id, csv, await s.repo.createImport(id, `${id}.csv`, csv.length), csv.length);
      await s.setStatus(id, 'running');
      // Weeks of clean dialing (1 % dropped) before this run's first cycle.
      await redis.hset(s.store.k.st(id), 'attempts', 3_000, 'connected', 1_000, 'dropped', 10);
    }
    const first = await pace('win');
    expect(first.whyCode).toBe('measuring');
    await pace('life');
    // The last hour: 40 connects, 4 dropped (10 %). Over the campaign's life that is 14 of 1,040 (1.3 %).
    now += H;
    for (const id of ['win', 'life']) await redis.hset(s.store.k.st(id), 'attempts', 3_100, 'connected', 1_040, 'dropped', 14);
    const win = await pace('win');
    expect(win).toMatchObject({ whyCode: 'dropNearCap', whyArgs: { dropRatePct: 10, capPct: 3, windowHours: 24 }, why: 'predictive: drop rate 10.0% in the last 24 h over the 3% cap, progressive' });
    const life = await pace('life');
    expect(life.whyCode).toBe('predictive');
    expect(hub.dialed).toBe(0);
    expect(life.plan?.dropRatePct).toBeCloseTo((100 * 14) / 1_040, 6);
  });
});

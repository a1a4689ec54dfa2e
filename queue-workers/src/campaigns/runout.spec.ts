/**
 * The run-out alert's dial rate against real Redis: dials of the last 15 minutes from the `attempts`
 * counter sampled once a minute by pacing (no record per dial), and the alert in a running campaign.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import { testBackends } from '../../../realtime/src/storage/testing.ts';
import { CampaignStore } from './store.ts';
import { FakeHub, leadsCsv, testCampaign } from './testing.ts';
import { startCampaignWorkers } from './workers.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});
const MIN = 60_000;

describe('run-out alert', () => {
  it('dials in the last 15 minutes: since the first sample while the campaign is younger, then since the latest sample at least 15 minutes old; older samples are dropped', async () => {
    const redis = new Redis(inject('redisUrl'));
    cleanups.push(() => redis.quit());
    const store = new CampaignStore(redis, `t:runout:${randomBytes(4).toString('hex')}`);
    const t0 = 1_000 * MIN + 5_000;
    expect(await store.recentDials('c', t0, 0)).toBe(0);
    expect(await store.recentDials('c', t0 + 10_000, 40)).toBe(40); // same minute: no second sample
    expect(await store.recentDials('c', t0 + 5 * MIN, 300)).toBe(300);
    expect(await store.recentDials('c', t0 + 10 * MIN, 500)).toBe(500);
    // 20 minutes in: the sample of minute 5 (300) is the latest at least 15 minutes old.
    expect(await store.recentDials('c', t0 + 20 * MIN, 800)).toBe(500);
    expect(Object.keys(await redis.hgetall(store.k.dialsByMinute('c'))).map(Number).sort()).toEqual([1005, 1010, 1020]);
    // Paused for an hour: nothing dialed since, no rate; then dials since the pause count.
    expect(await store.recentDials('c', t0 + 80 * MIN, 800)).toBe(0);
    expect(await store.recentDials('c', t0 + 82 * MIN, 860)).toBe(60);
  });

  it('given a campaign sampled before its past dials were imported, then the past dials do not count as dials of the last 15 minutes', async () => {
    const redis = new Redis(inject('redisUrl'));
    cleanups.push(() => redis.quit());
    const store = new CampaignStore(redis, `t:runout:${randomBytes(4).toString('hex')}`);
    const t0 = 1_000 * MIN + 5_000;
    expect(await store.recentDials('c', t0, 0)).toBe(0);
    // Two weeks of a dialer's history imported a minute after the first sample (the demo's start).
    await store.addPast('c', { attempts: 4_658, connected: 2_100 }, {});
    expect(await store.recentDials('c', t0 + 5 * MIN, 4_658 + 50)).toBe(50);
  });

  it('a running campaign whose leads wait for a retry says how long they last at the current pace', async () => {
    const redisUrl = inject('redisUrl');
    const redis = new Redis(redisUrl);
    cleanups.push(() => redis.quit());
    const prefix = `t:camp:${randomBytes(5).toString('hex')}`;
    const db = await testBackends()[0]!.create();
    cleanups.push(() => db.drop());
    const hub = new FakeHub({ redis, streamKey: `${prefix}:hubevents`, queue: 'telesales', freeAgents: 20 });
    const w = await startCampaignWorkers({ redisUrl, db: db.database, config: demoSite(), hub, hubStreamKey: `${prefix}:hubevents`, logger: pino({ level: 'silent' }), prefix });
    cleanups.push(() => w.stop());
    const s = w.service;
    // Every dial busy, retried in 60 min: after the first attempts all 30 leads wait, 30 dials in the window.
    const c = testCampaign({ id: 'ro', maxAttempts: 2, settings: { retry: { busy: 60 }, carrier: { connect: 0, busy: 1, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    await s.save(c);
    const csv = leadsCsv(30);
    await s.importFile('ro', csv, await s.repo.createImport('ro', 'ro.csv', csv.length), csv.length);
    await s.setStatus('ro', 'running');
    // Every first attempt made: 30 dials over 15 minutes = 2 a minute; 30 leads left = 15 minutes (under
    // runOutAlertMin 30). (A cycle that saw 20 dials made says about 23 min.)
    const want = 'running out of leads: 30 left, about 15 min at the current pace';
    const t0 = Date.now();
    let alerts: string[] = [];
    let details: unknown[] = [];
    while (Date.now() - t0 < 20_000) {
      const p = (await s.progress('ro')) as { pacing: { alerts: string[]; alertDetails: unknown[] } | null };
      alerts = p.pacing?.alerts ?? [];
      details = p.pacing?.alertDetails ?? [];
      if (alerts.includes(want)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(alerts).toEqual([want]);
    // The same alert as a code with its arguments (the console words it).
    expect(details).toEqual([{ code: 'runningOut', args: { leadsLeft: 30, minutesLeft: 15 } }]);
    expect((await s.coverage('ro')).leadsRetryWaiting).toBe(30);
  });
});

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { queryMetrics } from '../../realtime/src/core/index.ts';
import { SiteCalendar } from '../../realtime/src/core/time.ts';
import { Hub, MemoryEventLog } from '../../realtime/src/hub/index.ts';
import { demoSite } from '../../realtime/src/site/demo-site.ts';
import { testBackends } from '../../realtime/src/storage/testing.ts';
import { DEMO_CAMPAIGN_LINES, demoCampaigns } from '../../queue-workers/src/campaigns/demo.ts';
import { FakeHub } from '../../queue-workers/src/campaigns/testing.ts';
import { startCampaignWorkers } from '../../queue-workers/src/campaigns/workers.ts';
import { demoHistory, historyDaysOf, seedCampaignHistory } from './demo-history.ts';
import { dayName, leftoversOf, missedDays, resumeDemo } from './demo-restart.ts';

const site = demoSite();

describe('a restart of the demo', () => {
  it('given a log cut in the middle of a busy morning (a caller waiting, one ringing an agent, calls connected, held and in wrap-up), when the leftovers are applied then every call is over, every agent signed out, and nothing was refused', async () => {
    const events = demoHistory(site, Date.parse('2026-03-04T10:30:00+07:00'), 7, 0);
    const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock: 'event' });
    expect((await hub.ingest(events.slice(0, Math.floor(events.length * 0.6)), { route: false })).rejected).toEqual([]);
    const live = () => [...hub.state.calls.values()].filter((c) => c.status !== 'done');
    // Cut where an agent is in wrap-up and a call connected (the simulated morning has such moments; which
    // event comes first depends on the simulator's model, so the cut is found, not fixed).
    const busy = () => [...hub.state.agents.values()].some((a) => a.state === 'wrapup') && live().some((c) => c.status === 'connected');
    for (let i = Math.floor(events.length * 0.6); !busy() && i < events.length; i++) expect((await hub.ingest([events[i]!], { route: false })).rejected).toEqual([]);
    expect(busy()).toBe(true);
    const at = hub.state.clock + 1000;
    const connected = live().find((c) => c.status === 'connected')!;
    const free = [...hub.state.agents.values()].find((a) => a.state === 'available' && a.queues.includes('vaccine-booking'))!;
    expect(free).toBeDefined();
    // A caller rung to an agent by the hub (its own offer), one left waiting, one on hold.
    expect((await hub.ingest([{ id: 'x1', type: 'call.offered', at, callId: 'ringing', queue: 'vaccine-booking', direction: 'inbound' }])).rejected).toEqual([]);
    expect((await hub.ingest([
      { id: 'x2', type: 'call.offered', at, callId: 'waiting', queue: 'clinic', direction: 'inbound', skills: ['nobody-has-it'] },
      { id: 'x3', type: 'call.held', at, callId: connected.id },
    ], { route: false })).rejected).toEqual([]);
    const statuses = new Set(live().map((c) => c.status));
    const agentStates = new Set([...hub.state.agents.values()].map((a) => a.state));
    expect([...agentStates].sort()).toEqual(expect.arrayContaining(['available', 'offline', 'onCall', 'reserved', 'wrapup']));

    const leftovers = leftoversOf(hub.state);
    expect(leftovers.length).toBeGreaterThan(0);
    expect(leftovers.every((e) => e.at === hub.state.clock)).toBe(true);
    const r = await hub.ingest(leftovers, { route: false });
    expect(r.rejected).toEqual([]);
    expect([...statuses].sort()).toEqual(['connected', 'held', 'offering', 'waiting', 'wrapup']);
    expect(live()).toEqual([]);
    expect([...hub.state.agents.values()].filter((a) => a.state !== 'offline').map((a) => a.id)).toEqual([]);
    // Applied twice (a second restart before anything new happened), the same ids are duplicates.
    expect(leftoversOf(hub.state).length).toBe(0);
  });
});

const H = 3_600_000;
const vn = (iso: string) => Date.parse(`${iso}+07:00`);

describe('the days a restart on a later day missed', () => {
  const zone = 'Asia/Ho_Chi_Minh';
  it('given a log that ended yesterday evening, then no whole day is missed (today only)', () => {
    expect(missedDays(vn('2026-03-08T20:55:00'), vn('2026-03-09T09:30:00'), zone, 14)).toEqual({ last: '2026-03-08', today: '2026-03-09', days: [], skipped: 0 });
  });

  it('given a log that ended Friday evening and a restart on Monday morning, then Saturday and Sunday are missed', () => {
    expect(missedDays(vn('2026-03-06T18:00:00'), vn('2026-03-09T08:00:00'), zone, 14)).toEqual({ last: '2026-03-06', today: '2026-03-09', days: ['2026-03-07', '2026-03-08'], skipped: 0 });
  });

  it('given a log whose last event is today (even before 07:00) or later (a faster clock), then nothing is missed', () => {
    expect(missedDays(vn('2026-03-09T06:59:00'), vn('2026-03-09T10:00:00'), zone, 14)).toBeNull();
    expect(missedDays(vn('2026-03-09T09:59:00'), vn('2026-03-09T10:00:00'), zone, 14)).toBeNull();
    expect(missedDays(vn('2026-03-12T10:00:00'), vn('2026-03-09T10:00:00'), zone, 14)).toBeNull();
  });

  it('given times on the same UTC date but on two dates in Ho Chi Minh City, then the site\'s dates count', () => {
    // 23:30 and 06:30 the next morning, site time: 16:30Z and 23:30Z, the same day in UTC.
    expect(missedDays(vn('2026-03-08T23:30:00'), vn('2026-03-09T06:30:00'), zone, 14)).toEqual({ last: '2026-03-08', today: '2026-03-09', days: [], skipped: 0 });
    // 00:30 site time is still the 8th in UTC: the same site day as 10:00, so nothing is missed.
    expect(missedDays(vn('2026-03-09T00:30:00'), vn('2026-03-09T10:00:00'), zone, 14)).toBeNull();
  });

  it('given more missed days than the cap, then the most recent ones up to yesterday, and the rest counted as skipped', () => {
    const m = missedDays(vn('2026-01-01T18:00:00'), vn('2026-03-09T10:00:00'), zone, 14)!;
    expect(m.days).toHaveLength(14);
    expect([m.days[0], m.days.at(-1), m.skipped]).toEqual(['2026-02-23', '2026-03-08', 66 - 14]);
    expect(missedDays(vn('2026-03-06T18:00:00'), vn('2026-03-09T10:00:00'), zone, 0)).toEqual({ last: '2026-03-06', today: '2026-03-09', days: [], skipped: 2 });
  });

  it('given a site in a zone with DST (Berlin, New York), then the days across a 23- or 25-hour day are whole dates, none doubled or lost', () => {
    // Berlin springs forward on Sun 29 Mar 2026 (a 23-hour day).
    expect(missedDays(Date.parse('2026-03-28T20:00:00+01:00'), Date.parse('2026-03-31T09:00:00+02:00'), 'Europe/Berlin', 14)?.days).toEqual(['2026-03-29', '2026-03-30']);
    // Just after midnight on the Monday: one day capped, the Sunday of the change is the one kept.
    expect(missedDays(Date.parse('2026-03-27T20:00:00+01:00'), Date.parse('2026-03-30T00:30:00+02:00'), 'Europe/Berlin', 1)).toEqual({ last: '2026-03-27', today: '2026-03-30', days: ['2026-03-29'], skipped: 1 });
    // New York falls back on Sun 1 Nov 2026 (a 25-hour day).
    expect(missedDays(Date.parse('2026-10-31T23:30:00-04:00'), Date.parse('2026-11-02T00:10:00-05:00'), 'America/New_York', 14)?.days).toEqual(['2026-11-01']);
    // 00:30 and 23:00 the day after the change: the same site day (two UTC dates).
    expect(missedDays(Date.parse('2026-11-02T00:30:00-05:00'), Date.parse('2026-11-02T23:00:00-05:00'), 'America/New_York', 14)).toBeNull();
  });

  it('names a date as the progress line does', () => {
    expect([dayName('2026-12-04'), dayName('2026-03-09')]).toEqual(['Fri 4 Dec', 'Mon 9 Mar']);
  });
});

/** A hub started again on `log` at `now`, rebuilt from it as `createApp` rebuilds (wall clock, as `npm start`). */
async function restartedHub(log: MemoryEventLog, now: number): Promise<Hub> {
  const hub = new Hub({ config: site, log, logger: pino({ level: 'silent' }), clock: 'wall', now: () => now });
  await hub.rebuild();
  return hub;
}

/** Offered calls per site-local date, as the hub's history API answers (`interval: 'day'`). */
function callsPerDay(hub: Hub, from: string, now: number, metric: 'offered' | 'adherencePct' = 'offered'): Record<string, number> {
  const cal = new SiteCalendar(site.timeZone, site.intervalMin);
  const a = queryMetrics(hub.state, { scope: 'site', from: cal.dayStart(vn(`${from}T12:00:00`)), to: now, interval: 'day' }, now, {});
  return Object.fromEntries((a.series ?? []).map((x) => [cal.localDate(x.start), x.values[metric] as number]));
}

const logged = (log: MemoryEventLog) => log.batches.flat();
const timeOf = (e: { at: string | number }) => (typeof e.at === 'number' ? e.at : Date.parse(e.at));

describe('a restart on a later day', () => {
  it('given a log killed on a Friday afternoon, when the demo is started on Monday at 10:00, then Saturday, Sunday and Monday morning have their calls, all after the log\'s last event, none refused; again on Monday, nothing more; then on Saturday with 2 days at most, the 2 days before it and its morning', async () => {
    const log = new MemoryEventLog();
    const first = new Hub({ config: site, log, logger: pino({ level: 'silent' }), clock: 'event' });
    // A first start on Thursday's history, then live traffic until it was killed at Friday 16:00 (calls and agents left open).
    const ran = demoHistory(site, vn('2026-03-06T16:00:00'), 7, 1, DEMO_CAMPAIGN_LINES);
    expect((await first.ingest(ran.slice(0, Math.floor(ran.length * 0.95)), { route: false })).rejected).toEqual([]);
    const lastAt = first.state.clock;
    expect([...first.state.agents.values()].some((a) => a.state !== 'offline')).toBe(true);

    const monday = vn('2026-03-09T10:00:00');
    const lines: string[] = [];
    const say = (l: string) => lines.push(l);
    let hub = await restartedHub(log, monday);
    const before = new Set(logged(log).map((e) => e.id));
    const r = await resumeDemo(hub, site, { now: monday, closeLeftovers: true, historyDays: 14, campaignIds: DEMO_CAMPAIGN_LINES, logName: 'memory', say });
    expect(r.lastAt).toBe(lastAt);
    expect(r.leftovers).toBeGreaterThan(0);
    expect(r.missed).toEqual({ last: '2026-03-06', today: '2026-03-09', days: ['2026-03-07', '2026-03-08'], skipped: 0 });
    expect([r.accepted, r.rejected]).toEqual([r.history.length, 0]);
    expect(lines.slice(1)).toEqual([
      'simulating the 2 days since the last run (Fri 6 Mar) and today\'s traffic since 07:00…',
      expect.stringMatching(/^loaded 2 days since the last run \(Sat 7 Mar – Sun 8 Mar\) and today's since 07:00: \d+ calls \(\d+ events\)$/),
    ]);
    expect(lines[0]).toMatch(/calls and sign-ins the last run left open ended then/);
    // After the log's last event and before now; ids (and call ids) none of the log's.
    const times = r.history.map(timeOf);
    expect([Math.min(...times) > lastAt, Math.max(...times) < monday]).toEqual([true, true]);
    expect(r.history.filter((e) => before.has(e.id))).toEqual([]);
    const perDay = callsPerDay(hub, '2026-03-05', monday);
    expect(Object.keys(perDay)).toEqual(['2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09']);
    for (const d of ['2026-03-07', '2026-03-08']) expect(perDay[d], d).toBeGreaterThan(1000);
    expect(perDay['2026-03-09']).toBeGreaterThan(200);
    expect(perDay['2026-03-09']).toBe(r.history.filter((e) => e.type === 'call.offered' && timeOf(e) >= vn('2026-03-09T00:00:00')).length);
    // The simulated days have their schedules, published before them, so they have adherence; the first
    // run's Friday had none. Today's are published too (the start does not publish them again).
    const adherence = callsPerDay(hub, '2026-03-06', monday, 'adherencePct');
    expect(adherence['2026-03-06']).toBeNull();
    for (const d of ['2026-03-07', '2026-03-08']) expect([d, adherence[d]! > 75 && adherence[d]! < 100]).toEqual([d, true]);
    const mondayStart = new SiteCalendar(site.timeZone, site.intervalMin).dayStart(monday);
    expect([...hub.state.agents.values()].filter((a) => a.schedule?.cover.some(([f, t]) => f <= mondayStart && t > mondayStart)).length).toBe(site.agents.length);
    // The live simulator starts on a clean hub: no call going, no one signed in.
    expect([...hub.state.calls.values()].filter((c) => c.status !== 'done')).toEqual([]);
    expect([...hub.state.agents.values()].filter((a) => a.state !== 'offline')).toEqual([]);

    // Started again the same day: where it was, nothing simulated.
    lines.length = 0;
    const seq = hub.state.seq;
    hub = await restartedHub(log, vn('2026-03-09T15:00:00'));
    const again = await resumeDemo(hub, site, { now: vn('2026-03-09T15:00:00'), closeLeftovers: true, historyDays: 14, campaignIds: DEMO_CAMPAIGN_LINES, logName: 'memory', say });
    expect([again.missed, again.history.length, hub.state.seq, lines.length]).toEqual([null, 0, seq, 1]);

    // Started on Saturday with at most 2 days: Thursday and Friday and Saturday's morning, with ids of
    // their own (none is a duplicate of Monday's); Tuesday and Wednesday stay empty.
    lines.length = 0;
    const saturday = vn('2026-03-14T09:00:00');
    hub = await restartedHub(log, saturday);
    const later = await resumeDemo(hub, site, { now: saturday, closeLeftovers: true, historyDays: 2, campaignIds: DEMO_CAMPAIGN_LINES, logName: 'memory', say });
    expect(later.missed).toEqual({ last: '2026-03-09', today: '2026-03-14', days: ['2026-03-12', '2026-03-13'], skipped: 2 });
    expect([later.accepted, later.rejected]).toEqual([later.history.length, 0]);
    expect(lines[1]).toBe('simulating the last 2 of the 4 days since the last run (Mon 9 Mar; the 2 days before them stay empty) and today\'s traffic since 07:00…');
    const week = callsPerDay(hub, '2026-03-09', saturday);
    // The day series runs through the quiet days (zero calls), so a chart keeps time.
    expect(Object.keys(week)).toEqual(['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14']);
    expect([week['2026-03-10'], week['2026-03-11']]).toEqual([0, 0]);
    expect([week['2026-03-12']! > 1000, week['2026-03-13']! > 1000, week['2026-03-14']! > 100]).toEqual([true, true, true]);
  }, 120_000);

  it("given a restart on Monday at 07:10 (today's morning left to the live traffic), then the weekend's schedules are published but not Monday's, which the start publishes from then on", async () => {
    const log = new MemoryEventLog();
    const first = new Hub({ config: site, log, logger: pino({ level: 'silent' }), clock: 'event' });
    await first.ingest(demoHistory(site, vn('2026-03-06T16:00:00'), 7, 0), { route: false });
    const monday = vn('2026-03-09T07:10:00');
    const hub = await restartedHub(log, monday);
    const r = await resumeDemo(hub, site, { now: monday, closeLeftovers: true, historyDays: 14, campaignIds: DEMO_CAMPAIGN_LINES, logName: 'memory', say: () => {} });
    expect(r.missed?.days).toEqual(['2026-03-07', '2026-03-08']);
    const covers = (at: number) => [...hub.state.agents.values()].filter((a) => a.schedule?.cover.some(([f, t]) => f <= at && t > at)).length;
    expect([covers(vn('2026-03-08T12:00:00')), covers(vn('2026-03-09T12:00:00'))]).toEqual([site.agents.length, 0]);
  });

  it('given history off (CALLBOARD_HISTORY=0), then a later-day restart only ends what the last run left open', async () => {
    const log = new MemoryEventLog();
    const first = new Hub({ config: site, log, logger: pino({ level: 'silent' }), clock: 'event' });
    const ran = demoHistory(site, vn('2026-03-06T10:00:00'), 7, 0);
    await first.ingest(ran.slice(0, Math.floor(ran.length * 0.8)), { route: false });
    const monday = vn('2026-03-09T10:00:00');
    const hub = await restartedHub(log, monday);
    // Without the simulator too: a call of an earlier day is over whoever made it.
    const r = await resumeDemo(hub, site, { now: monday, closeLeftovers: false, historyDays: historyDaysOf({ CALLBOARD_HISTORY: '0' }), logName: 'memory', say: () => {} });
    expect([r.missed, r.history.length, r.leftovers > 0]).toEqual([null, 0, true]);
    expect([...hub.state.agents.values()].filter((a) => a.state !== 'offline')).toEqual([]);
  });

  it('given a restart at 06:00 the day after, then there is nothing to simulate (the morning is the live traffic\'s)', async () => {
    const log = new MemoryEventLog();
    const first = new Hub({ config: site, log, logger: pino({ level: 'silent' }), clock: 'event' });
    await first.ingest(demoHistory(site, vn('2026-03-06T08:00:00'), 7, 0), { route: false });
    const lines: string[] = [];
    const hub = await restartedHub(log, vn('2026-03-07T06:00:00'));
    const r = await resumeDemo(hub, site, { now: vn('2026-03-07T06:00:00'), closeLeftovers: true, historyDays: 14, logName: 'memory', say: (l) => lines.push(l) });
    expect([r.missed?.days, r.history.length, lines.length]).toEqual([[], 0, 1]);
  });
});

describe('the days simulated on a restart, as the campaigns\' past dials', () => {
  it('given the history of a first start recorded, when a restart\'s simulated days are recorded, then only their dials are added, and recording either again adds nothing', async () => {
    const redis = new Redis(inject('redisUrl'));
    const prefix = `t:restart-camp:${randomBytes(5).toString('hex')}`;
    const db = await testBackends()[0]!.create();
    const w = await startCampaignWorkers({
      redisUrl: inject('redisUrl'), db: db.database, config: site, logger: pino({ level: 'silent' }), prefix, hubStreamKey: `${prefix}:hubevents`,
      hub: new FakeHub({ redis, streamKey: `${prefix}:hubevents`, queue: 'telesales', freeAgents: 0 }),
    });
    try {
      for (const c of demoCampaigns(site).filter((x) => x.id in DEMO_CAMPAIGN_LINES_BY_ID)) await w.service.save(c);
      const log = new MemoryEventLog();
      const first = new Hub({ config: site, log, logger: pino({ level: 'silent' }), clock: 'event' });
      const ran = demoHistory(site, vn('2026-03-06T16:00:00'), 7, 0, DEMO_CAMPAIGN_LINES);
      await first.ingest(ran, { route: false });
      const firstAdded = await seedCampaignHistory(w.service, ran);
      const monday = vn('2026-03-09T10:00:00');
      const r = await resumeDemo(await restartedHub(log, monday), site, { now: monday, closeLeftovers: true, historyDays: 14, campaignIds: DEMO_CAMPAIGN_LINES, logName: 'memory', say: () => {} });
      const added = await seedCampaignHistory(w.service, r.history);
      for (const campaignId of Object.values(DEMO_CAMPAIGN_LINES)) {
        const dialed = r.history.filter((e) => e.type === 'call.dialed' && e.campaignId === campaignId).length;
        expect(dialed, campaignId).toBeGreaterThan(50);
        expect([campaignId, added[campaignId]]).toEqual([campaignId, dialed]);
        expect(((await w.service.results(campaignId)) as { attempts: number }).attempts).toBe(firstAdded[campaignId]! + dialed);
      }
      expect(await seedCampaignHistory(w.service, r.history)).toEqual({ 'vaccine-packages': 0, 'satisfaction-survey': 0 });
      expect(await seedCampaignHistory(w.service, ran)).toEqual({ 'vaccine-packages': 0, 'satisfaction-survey': 0 });
    } finally {
      await w.stop();
      await db.drop();
      await redis.quit();
    }
  }, 120_000);
});

const DEMO_CAMPAIGN_LINES_BY_ID = Object.fromEntries(Object.values(DEMO_CAMPAIGN_LINES).map((c) => [c, 1]));

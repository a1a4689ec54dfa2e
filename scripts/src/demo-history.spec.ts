import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SiteCalendar } from '../../realtime/src/core/time.ts';
import { Hub, MemoryEventLog } from '../../realtime/src/hub/index.ts';
import { demoSite } from '../../realtime/src/site/demo-site.ts';
import { ComplaintsService } from '../../realtime/src/complaints/complaints.service.ts';
import { BusinessClock } from '../../realtime/src/complaints/business-hours.ts';
import { testBackends } from '../../realtime/src/storage/testing.ts';
import { demoHistory, demoSchedules, historyDaysOf, workDemoComplaints } from './demo-history.ts';
import { deriveMetrics, scopeKey } from '../../realtime/src/core/index.ts';

const site = demoSite();
const cal = new SiteCalendar(site.timeZone, site.intervalMin);
const at = (e: { at: string | number }) => (typeof e.at === 'number' ? e.at : Date.parse(e.at));

describe('the demo history', () => {
  it('given 2 past days at 10:00, then each day has the hotline\'s traffic, the hub accepts all of it, and it ends with no one signed in', async () => {
    const now = Date.parse('2026-03-04T10:00:00+07:00');
    const events = demoHistory(site, now, 7, 2);
    const times = events.map(at);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(Math.max(...times)).toBeLessThan(now);

    const offered = events.filter((e) => e.type === 'call.offered');
    const perDay = new Map<string, number>();
    for (const e of offered) {
      const d = cal.localDate(at(e));
      perDay.set(d, (perDay.get(d) ?? 0) + 1);
      const hour = (at(e) - cal.dayStart(at(e))) / 3_600_000;
      expect(hour).toBeGreaterThanOrEqual(7);
      expect(hour).toBeLessThan(21);
    }
    expect([...perDay.keys()]).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    expect(perDay.get('2026-03-02')).toBeGreaterThan(1000);
    expect(perDay.get('2026-03-04')).toBeGreaterThan(100);
    // Today's traffic reaches into the last minutes before now: no empty interval before the live traffic.
    const lastOffer = Math.max(...offered.map(at));
    expect(now - lastOffer).toBeLessThan(5 * 60_000);

    const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock: 'event' });
    const r = await hub.ingest(events, { route: false });
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toBe(events.length);
    expect([...hub.state.agents.values()].filter((a) => a.state !== 'offline').map((a) => a.id)).toEqual([]);
    expect([...hub.state.calls.values()].filter((c) => c.status !== 'done')).toEqual([]);
  });

  it("given the demo's schedules published before 2 past days, then the simulated agents' adherence is high but not perfect, and conformance near 100 %", async () => {
    const now = Date.parse('2026-03-04T07:10:00+07:00');
    const days = [Date.parse('2026-03-02T00:00:00+07:00'), Date.parse('2026-03-03T00:00:00+07:00')];
    const schedules = demoSchedules(site, days);
    expect(schedules).toHaveLength(site.agents.length * 2);
    for (const sc of schedules) {
      // Contiguous from the shift's start to its end: 8.5 h, of which 75 minutes break and lunch.
      const acts = sc.activities;
      expect(acts.every((x, i) => i === 0 || x.start === acts[i - 1]!.end)).toBe(true);
      expect(acts[acts.length - 1]!.end - acts[0]!.start).toBe(8.5 * 3_600_000);
      expect(acts.filter((x) => x.activity !== 'work').reduce((n, x) => n + x.end - x.start, 0)).toBe(75 * 60_000);
    }
    const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock: 'event' });
    expect(await hub.setSchedules(schedules, 'demo:schedules', days[0]! - 3_600_000)).toEqual({ ok: true });
    const r = await hub.ingest(demoHistory(site, now, 7, 2), { route: false });
    expect(r.rejected).toEqual([]);
    const m = deriveMetrics(hub.state.metrics.day(scopeKey.site, days[1]!), site.params);
    expect(m.adherencePct).toBeGreaterThan(75);
    expect(m.adherencePct).toBeLessThan(100);
    expect(m.conformancePct).toBeGreaterThan(90);
    expect(m.conformancePct).toBeLessThan(110);
  });

  it('given no past days before 07:30, then there is nothing to load', () => {
    expect(demoHistory(site, Date.parse('2026-03-04T07:10:00+07:00'), 7, 0)).toEqual([]);
  });

  it('given an id prefix (a restart\'s simulated days), then every event, call and lead id starts with it and the day\'s date; without one, with history-', () => {
    const now = Date.parse('2026-03-04T08:30:00+07:00');
    const ids = (events: ReturnType<typeof demoHistory>) => events.flatMap((e) => [e.id, 'callId' in e ? e.callId : e.id, e.type === 'call.dialed' ? e.leadId : e.id]);
    const own = ids(demoHistory(site, now, 3, 0, {}, 'backfill-2026-03-04'));
    expect(own.length).toBeGreaterThan(100);
    expect(own.filter((id) => !id.startsWith('backfill-2026-03-04-2026-03-04-'))).toEqual([]);
    expect(ids(demoHistory(site, now, 3, 0)).filter((id) => !id.startsWith('history-2026-03-04-'))).toEqual([]);
  });

  it('reads how many past days to simulate as npm start does (CALLBOARD_HISTORY_DAYS, 0-60; none with CALLBOARD_HISTORY=0)', () => {
    const of = (env: Record<string, string>) => historyDaysOf(env);
    expect([of({}), of({ CALLBOARD_HISTORY_DAYS: '3' }), of({ CALLBOARD_HISTORY_DAYS: '200' }), of({ CALLBOARD_HISTORY_DAYS: 'x' }), of({ CALLBOARD_HISTORY_DAYS: '-2' }), of({ CALLBOARD_HISTORY: '0' })]).toEqual([14, 3, 60, 0, 0, undefined]);
  });
});

describe('the demo history\'s complaints', () => {
  it('given open complaints of 5 days, 30 hours and 3 hours ago, when the team leads work them then the older ones are mostly closed with a root cause, the recent ones partly in progress, and nothing happens after now', async () => {
    const db = await testBackends()[0]!.create();
    try {
      const now = Date.parse('2026-03-06T10:00:00+07:00');
      let t = now;
      const svc = new ComplaintsService(db.database, { timeZone: site.timeZone, now: () => t });
      const H = 3_600_000;
      const ages = [...Array<number>(30).fill(120), ...Array<number>(20).fill(30), ...Array<number>(20).fill(3)];
      const categories = ['service', 'billing', 'vaccine-reaction', 'staff', 'stock'];
      for (const [i, age] of ages.entries()) {
        await svc.openComplaint({ siteId: site.id, channel: 'wrapup', category: categories[i % 5]!, teamId: 'team-care', callId: `c${i}`, sourceKey: `wrapup:c${i}`, at: now - age * H - i * 60_000 });
      }

      const worked = await workDemoComplaints(svc, site, (x) => (t = x), now);
      const clock = new BusinessClock(await svc.businessHours(site.id));

      const { complaints } = await svc.list(site.id, { limit: 1000 });
      const group = (g: 'old' | 'mid' | 'young') => complaints.filter((c) => { const h = (now - c.openedAt) / H; return g === 'old' ? h > 100 : g === 'mid' ? h > 20 && h < 40 : h < 10; });
      const share = (g: 'old' | 'mid' | 'young', st: string) => group(g).filter((c) => c.status === st).length / group(g).length;
      expect(group('old')).toHaveLength(30);
      expect(group('young')).toHaveLength(20);
      expect(worked).toBe(complaints.filter((c) => c.status !== 'open').length);
      expect(share('old', 'closed')).toBeGreaterThan(0.6);
      expect(group('young').filter((c) => c.status === 'closed')).toEqual([]);
      expect(share('young', 'open') + share('young', 'in_progress')).toBeGreaterThan(0.6);
      for (const c of complaints) {
        if (c.status === 'resolved' || c.status === 'closed') expect(c.rootCause).toMatch(/./);
        // Each step at its own time, in order, never after now; taken up by the team's lead.
        const d = await svc.get(site.id, c.id);
        const times = d.events.map((e) => e.at);
        expect(times.every((x, i) => i === 0 || x >= times[i - 1]!)).toBe(true);
        expect(Math.max(...times)).toBeLessThan(now);
        if (c.status !== 'open') expect(d.assignee).toBe('lead2');
        // Worked in the site's business hours (a step may land on the closing minute).
        for (const e of d.events.filter((x) => x.action !== 'opened')) expect(clock.isOpen(e.at) || clock.isOpen(e.at - 60_000), `${e.action} at ${new Date(e.at).toISOString()}`).toBe(true);
      }
      // Resolved in business hours, mostly within each category's SLA.
      const summary = await svc.summary(site.id, now - 200 * H, now);
      expect(summary.total.resolved).toBeGreaterThan(25);
      expect(summary.total.slaMetPct).toBeGreaterThan(60);
      expect(summary.total.slaMetPct).toBeLessThan(100);
      expect(summary.total.medianResolveH).toBeGreaterThan(1);
      expect(complaints.find((c) => c.category === 'vaccine-reaction' && c.rootCause)?.rootCause).toMatch(/clinical|customer-expectation/);
    } finally {
      await db.drop();
    }
  });

  it('given complaints open from before a restart and from the days it simulated, when only those opened since are worked, then the earlier ones stay open as the user left them', async () => {
    const db = await testBackends()[0]!.create();
    try {
      const now = Date.parse('2026-03-09T10:00:00+07:00');
      const since = Date.parse('2026-03-06T18:00:00+07:00');
      let t = now;
      const svc = new ComplaintsService(db.database, { timeZone: site.timeZone, now: () => t });
      const H = 3_600_000;
      // Ten of the last run (Thursday and Friday), twenty of the simulated weekend.
      const at = [...Array.from({ length: 10 }, (_, i) => since - (i + 1) * 3 * H), ...Array.from({ length: 20 }, (_, i) => since + (i + 1) * 3 * H)];
      for (const [i, x] of at.entries()) {
        await svc.openComplaint({ siteId: site.id, channel: 'wrapup', category: 'service', teamId: 'team-care', callId: `c${i}`, sourceKey: `wrapup:c${i}`, at: x });
      }
      const worked = await workDemoComplaints(svc, site, (x) => (t = x), now, 11, since);
      const { complaints } = await svc.list(site.id, { limit: 1000 });
      const before = complaints.filter((c) => c.openedAt <= since);
      const after = complaints.filter((c) => c.openedAt > since);
      expect([before.length, after.length]).toEqual([10, 20]);
      expect(before.filter((c) => c.status !== 'open')).toEqual([]);
      expect(worked).toBe(after.filter((c) => c.status !== 'open').length);
      expect(worked).toBeGreaterThan(10);
    } finally {
      await db.drop();
    }
  });
});

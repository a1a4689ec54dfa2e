/**
 * One metric engine: a simulated day goes through the hub (event clock) and, via its event log, the
 * record writer into the database; the day's report read from `interval_aggregates` must equal the
 * hub's own figures for that day (`queryMetrics`), for the site and every queue, team and agent.
 */
import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { METRIC_FORMULAS, type MetricValues } from '../contracts/index.ts';
import { queryMetrics } from '../core/index.ts';
import { startHub } from '../hub/testing.ts';
import { demoSiteInput } from '../site/demo-site.ts';
import { startRecordWriter } from '../storage/record-writer.service.ts';
import { testBackends, type TestDatabase } from '../storage/testing.ts';
import { simulateToEvents } from '../../../scripts/src/sim/index.ts';
import { parseSiteConfig } from '../contracts/index.ts';
import { SiteCalendar } from '../core/time.ts';
import { sql } from 'drizzle-orm';
import { ComplaintsService } from '../complaints/complaints.service.ts';
import { rowsOf } from '../storage/database.ts';
import { ReportsRepository } from './reports.repository.ts';
import { dayStartOf, ReportsService } from './reports.service.ts';

const redisUrl = inject('redisUrl');
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Equal figures: counts exactly, derived values to 9 digits (sums in another order). */
function expectSame(report: MetricValues, live: MetricValues, what: string): void {
  for (const k of Object.keys(live) as (keyof MetricValues)[]) {
    const a = report[k];
    const b = live[k];
    if (typeof a === 'number' && typeof b === 'number') expect(a, `${what} ${k}`).toBeCloseTo(b, 9);
    else expect(a, `${what} ${k}`).toBe(b);
  }
}

describe.each(testBackends())('report of a replayed day equals the live figures ($name)', (backend) => {
  it('site, every queue, team and agent: the same numbers from the database as on the hub', async () => {
    const site = parseSiteConfig({ ...demoSiteInput(4), id: `rep${Math.floor(Math.random() * 1e9)}` });
    const cal = new SiteCalendar(site.timeZone, site.intervalMin);
    const date = '2026-03-02';
    const dayStart = dayStartOf(cal, date);
    // 07:00-12:30 of traffic, drained by 13:00, every agent logged out.
    const events = simulateToEvents({ site, start: dayStart + 7 * 3_600_000, durationMs: 5.5 * 3_600_000, drainMs: 1_800_000, seed: 11, idPrefix: 'rep' });
    expect(events.length).toBeGreaterThan(1000);

    const { app, streamKey } = await startHub(redisUrl, site, { clock: 'event' });
    cleanup.push(() => app.close());
    const ingest = await app.hub.ingest(events, { route: false });
    expect(ingest.rejected).toEqual([]);

    const db: TestDatabase = await backend.create();
    cleanup.push(() => db.drop());
    const complaints = new ComplaintsService(db.database, { timeZone: site.timeZone });
    const writer = startRecordWriter({
      redisUrl,
      streamKey,
      db: db.database,
      logger: pino({ level: 'silent' }),
      config: site,
      onBatch: (tx, b) => complaints.intakeFromCalls(site.id, b.calls, tx),
    });
    cleanup.push(() => writer.stop());
    await writer.caughtUp();
    expect(writer.stats.aggregates.inserted).toBeGreaterThan(0);

    const reports = new ReportsService(new ReportsRepository(db.database));
    const to = cal.nextDayStart(dayStart);
    const live = (scope: 'site' | 'queue' | 'team' | 'agent', id?: string) =>
      queryMetrics(app.hub.state, { scope, ...(id ? { id } : {}), from: dayStart, to, interval: 'day' }, app.hub.now(), METRIC_FORMULAS).total;

    const siteReport = await reports.daily(site.id, date, 'site');
    expect(siteReport.total.offered).toBeGreaterThan(100);
    expect(siteReport.total.staffedAgents).toBeGreaterThan(0);
    expectSame(siteReport.total, live('site'), 'site');
    // Parts of the site report: each queue, team and agent, computed the same way.
    const checked = new Set<string>();
    for (const part of siteReport.breakdown) {
      expectSame(part.values, live(part.scope as 'queue' | 'team' | 'agent', part.id), `${part.scope} ${part.id}`);
      checked.add(part.scope);
    }
    expect([...checked].sort()).toEqual(['agent', 'queue', 'team']);
    for (const q of site.queues) {
      const r = await reports.daily(site.id, date, 'queue', q.id);
      expectSame(r.total, live('queue', q.id), `queue report ${q.id}`);
    }
    const team = site.teams[0]!.id;
    expectSame((await reports.daily(site.id, date, 'team', team)).total, live('team', team), `team report ${team}`);
    // Wrap-ups with disposition `complaint` and survey scores of 4 or less opened one complaint each, in the writer's transactions.
    const [opened] = rowsOf<{ wrapups: number; scores: number }>(
      await db.database.db.execute(sql`select (count(*) filter (where disposition = 'complaint'))::int as wrapups, (count(*) filter (where survey_score <= 4))::int as scores from calls where site_id = ${site.id}`),
    );
    expect(opened!.wrapups).toBeGreaterThan(0);
    expect((await complaints.list(site.id, { limit: 1 })).total).toBe(opened!.wrapups + opened!.scores);
    const [bySurvey] = rowsOf<{ n: number }>(await db.database.db.execute(sql`select count(*)::int as n from complaints where site_id = ${site.id} and channel = 'survey'`));
    expect(bySurvey!.n).toBe(opened!.scores);
    // The intervals add up to the day (the engine's counters, summed).
    const sumOffered = siteReport.series.reduce((a, s) => a + s.values.offered, 0);
    expect(sumOffered).toBe(siteReport.total.offered);
  }, 120_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { emptyCounters, parseSiteConfig } from '../contracts/index.ts';
import { ev, local, ready, siteInput } from '../core/testing.ts';
import { createRecordState, recordsFromEvents } from '../storage/records.ts';
import { ComplaintsService } from '../complaints/complaints.service.ts';
import { RecordsRepository } from '../storage/records.repository.ts';
import { campaignAttempts, campaigns, leads, surveyAnswers } from '../storage/schema.campaigns.ts';
import { calls } from '../storage/schema.ts';
import { SiteCalendar } from '../core/time.ts';
import { testBackends, type TestDatabase } from '../storage/testing.ts';
import {
  complaintRatePct,
  csatPct,
  customerLifetimeValue,
  cxValues,
  engagementRatePct,
  npsCounts,
  npsScore,
  retentionRatePct,
  surveyResponseRatePct,
  type CxCounts,
} from './cx.ts';
import { ReportsRepository } from './reports.repository.ts';
import { ReportsService } from './reports.service.ts';

describe('CX KPIs: the formulas of shared/spec/metrics.md, hand-computed', () => {
  it('NPS: % promoters (9-10) minus % detractors (0-6)', () => {
    const c = npsCounts([10, 9, 9, 8, 7, 6, 3, 0, 10, 5]);
    expect(c).toEqual({ promoters: 4, passives: 2, detractors: 4 });
    expect(npsScore(c)).toBe(0);
    expect(npsScore(npsCounts([10, 10, 9, 8]))).toBe(75);
    expect(npsScore(npsCounts([0, 1]))).toBe(-100);
    expect(npsScore(npsCounts([]))).toBeNull();
  });
  it('CSAT, survey response, complaint rate, engagement: plain percentages; zero denominators give null', () => {
    expect(csatPct(7, 10)).toBe(70);
    expect(surveyResponseRatePct(30, 120)).toBe(25);
    expect(complaintRatePct(3, 600)).toBe(0.5);
    expect(engagementRatePct(45, 150)).toBe(30);
    expect(csatPct(0, 0)).toBeNull();
    expect(complaintRatePct(2, 0)).toBeNull();
  });
  it('retention = (end − new) / start; lifetime value = revenue per purchase · purchases per year · years', () => {
    expect(retentionRatePct(950, 100, 1000)).toBe(85);
    expect(customerLifetimeValue(500_000, 4, 3)).toBe(6_000_000);
    expect(customerLifetimeValue(null, 4, 3)).toBeNull();
    const counts: CxCounts = {
      nps: { promoters: 0, passives: 0, detractors: 0 }, csatAnswers: 0, csatSatisfied: 0, surveysSent: 0, surveysAnswered: 0, complaints: 0, handled: 0,
      customersAtStart: 0, customersAtEnd: 12, newCustomers: 0, purchases: 20, purchaseRevenue: 10_000_000, purchasingCustomers: 10, purchasesInYear: 30, days: 73, contacted: 0, engaged: 0, conversionRatePct: null,
    };
    // 500,000 per purchase · (30 purchases by the 12 customers of the year up to the period's end = 2.5 a year) · 3 years.
    expect(cxValues(counts, 3).customerLifetimeValue).toBe(3_750_000);
    // A short period is not scaled up to a year: one day with one purchase per buyer stays one a year.
    expect(cxValues({ ...counts, purchases: 1, purchaseRevenue: 500_000, purchasingCustomers: 1, purchasesInYear: 1, customersAtEnd: 1, days: 1 }, 3).customerLifetimeValue).toBe(1_500_000);
    expect(cxValues({ ...counts, customersAtEnd: 0, purchasesInYear: 0 }, 3).customerLifetimeValue).toBeNull();
  });
});

const dbs: TestDatabase[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.drop();
});

const vn = (s: string) => new Date(`${s}+07:00`);

describe.each(testBackends())('CX KPIs from the database ($name)', (backend) => {
  it('given survey answers, post-call scores, campaign attempts and complaints of a day, the KPIs count them as documented', async () => {
    const db = await backend.create();
    dbs.push(db);
    const d = db.database.db;
    await new RecordsRepository(db.database).ensureSite({ id: 's', name: 'S', timeZone: 'Asia/Ho_Chi_Minh' });
    await d.insert(campaigns).values([
      { siteId: 's', id: 'sv', name: 'Survey', type: 'survey', queueId: 'survey' },
      { siteId: 's', id: 'ts', name: 'Telesales', type: 'telesales', queueId: 'sales' },
    ]);
    const lead = (campaignId: string, id: string, customerId: string) => ({ campaignId, id, phone: `+8490${id}`, customerId, timeZone: 'Asia/Ho_Chi_Minh' });
    await d.insert(leads).values([lead('sv', 'L1', 'K1'), lead('sv', 'L2', 'K2'), lead('sv', 'L3', 'K3'), lead('sv', 'L4', 'K4'), lead('ts', 'T1', 'K1'), lead('ts', 'T2', 'K6'), lead('ts', 'T3', 'K7')]);
    const attempt = (campaignId: string, leadId: string, result: string, at: Date, extra: Record<string, unknown> = {}) => ({ campaignId, leadId, attempt: 1, callId: `${campaignId}-${leadId}-${at.getTime()}`, phone: 'x', result, dialedAt: at, ...extra });
    await d.insert(campaignAttempts).values([
      attempt('sv', 'L1', 'connected', vn('2026-03-02T09:00:00')),
      attempt('sv', 'L2', 'connected', vn('2026-03-02T09:05:00')),
      attempt('sv', 'L3', 'no_answer', vn('2026-03-02T09:10:00')),
      attempt('sv', 'L4', 'busy', vn('2026-03-02T09:15:00')),
      attempt('ts', 'T1', 'connected', vn('2026-03-02T10:00:00'), { disposition: 'sold', revenue: 3_000_000 }),
      attempt('ts', 'T2', 'connected', vn('2026-03-02T10:05:00'), { disposition: 'no-need' }),
      attempt('ts', 'T3', 'connected', vn('2025-12-01T10:00:00'), { disposition: 'sold', revenue: 1_000_000 }),
    ]);
    const answer = (customerId: string, kind: string, score: number, callId: string | null) => ({ campaignId: 'sv', customerId, questionId: kind, kind, score, callId, answeredAt: vn('2026-03-02T09:20:00') });
    await d.insert(surveyAnswers).values([answer('K1', 'nps', 10, 'sv-1'), answer('K2', 'nps', 3, 'sv-2'), answer('K1', 'csat', 5, 'sv-1'), answer('K2', 'csat', 2, 'sv-2'), answer('K5', 'csat', 4, 'x2')]);
    // K4, dialed busy, answered a yes/no question another way (engaged, though never connected).
    await d.insert(surveyAnswers).values({ ...answer('K4', 'yes_no', 1, null), campaignId: 'ts' });
    const call = (id: string, surveyScore: number) => ({ siteId: 's', id, queueId: 'q', lastQueueId: 'q', path: ['q'], direction: 'inbound', status: 'done', offeredAt: vn('2026-03-02T11:00:00'), enteredAt: vn('2026-03-02T11:00:00'), surveyScore, source: 'live' });
    await d.insert(calls).values([call('x1', 9), call('x2', 8), { ...call('x3', 10), offeredAt: vn('2026-03-03T11:00:00') }]);
    await new RecordsRepository(db.database).upsertAggregates([
      { siteId: 's', scope: 'site', scopeId: '', intervalStart: vn('2026-03-02T11:00:00'), intervalMin: 15, counters: { ...emptyCounters(), handled: 40, outboundHandled: 4, conversions: 1 }, staffed: ['a1'] },
    ]);
    const complaints = new ComplaintsService(db.database, { now: () => vn('2026-03-02T12:00:00').getTime() });
    await complaints.openComplaint({ siteId: 's', channel: 'form', category: 'billing' });
    await complaints.openComplaint({ siteId: 's', channel: 'form', category: 'medical' });

    const cx = await new ReportsService(new ReportsRepository(db.database)).cx(db.database, 's', '2026-03-02', '2026-03-02', 'site');
    expect(cx.counts).toMatchObject({
      nps: { promoters: 2, passives: 0, detractors: 1 }, // K1 10, K2 3, call x1 9 (x2 has its own survey answer; x3 is another day)
      csatAnswers: 3,
      csatSatisfied: 2,
      surveysSent: 4,
      surveysAnswered: 2,
      complaints: 2,
      handled: 40,
      customersAtStart: 1, // K7 bought in December
      customersAtEnd: 2, // K7, K1
      newCustomers: 1, // K1's first purchase
      purchases: 1,
      purchaseRevenue: 3_000_000,
      purchasingCustomers: 1,
      purchasesInYear: 2, // K7's earlier purchase and K1's
      contacted: 5, // K1, K2, K3, K4, K6
      engaged: 4, // K1, K2, K6 connected; K4 answered
      days: 1,
    });
    expect(cx.values.npsScore).toBeCloseTo(100 / 3, 9);
    expect(cx.values.csatPct).toBeCloseTo(200 / 3, 9);
    expect(cx.values).toMatchObject({ surveyResponseRatePct: 50, complaintRatePct: 5, retentionRatePct: 100, engagementRatePct: 80, conversionRatePct: 25 });
    // 3,000,000 per purchase · (2 purchases by the 2 customers of the year = 1 a year) · 3 years; a day's
    // purchase is not scaled up to 365 a year.
    expect(cx.values.customerLifetimeValue).toBe(3_000_000 * 1 * 3);
    const perCampaign = await new ReportsService(new ReportsRepository(db.database)).cx(db.database, 's', '2026-03-02', '2026-03-02', 'campaign', 'ts');
    expect(perCampaign.counts).toMatchObject({ surveysSent: 0, contacted: 2, engaged: 2, purchases: 1, csatAnswers: 0 });
    // A dialer's survey answers (no queue of their own) are the survey line's; a post-call score stays on its call's line.
    const perQueue = (q: string) => new ReportsService(new ReportsRepository(db.database)).cx(db.database, 's', '2026-03-02', '2026-03-02', 'queue', q);
    expect((await perQueue('survey')).counts).toMatchObject({ nps: { promoters: 1, passives: 0, detractors: 1 }, csatAnswers: 3, surveysSent: 4 });
    expect((await perQueue('q')).counts).toMatchObject({ nps: { promoters: 1, passives: 0, detractors: 0 }, csatAnswers: 0 });
  });
});

describe.each(testBackends())('CX retention and lifetime value with inbound purchases ($name)', (backend) => {
  /** An inbound call answered by a1, ended and wrapped up with `disposition` (and revenue). */
  const inbound = (id: string, at: number, from: string, disposition: string, revenue?: number, attributes?: Record<string, string>) => [
    ...ready(at - 60_000, 'a1'),
    ev.offered(id, 'booking', at, { from, ...(attributes ? { attributes } : {}) }),
    ev.answered(id, 'a1', at + 5_000),
    ev.ended(id, at + 120_000),
    ev.outcome(id, at + 130_000, { disposition, ...(revenue !== undefined ? { revenue } : {}) }),
    ev.state('a1', 'available', at + 140_000),
    ev.logout('a1', at + 150_000),
  ];

  it('given customers who bought on inbound calls a year ago, when one of them buys again this month (from the same number written another way) then they count as retained, the other as lost, and lifetime value includes the inbound revenue', async () => {
    const db = await backend.create();
    dbs.push(db);
    const config = parseSiteConfig(siteInput());
    const repo = new RecordsRepository(db.database);
    await repo.syncSite(config);
    // Given: P and Q bought in March 2025; P again in March 2026 (national format this time); R, known to
    // the CRM, bought for the first time in March 2026; S only asked for information; T bought in December
    // 2024 and came back in March 2026 (a customer again, not one kept).
    const events = [
      ...inbound('p1', local('2025-03-05T09:00'), '+84901234567', 'booked', 500_000),
      ...inbound('q1', local('2025-03-05T10:00'), '+84912000111', 'booked', 300_000),
      ...inbound('p2', local('2026-03-10T09:00'), '0901 234 567', 'booked', 700_000),
      ...inbound('r1', local('2026-03-20T09:00'), '+84913000222', 'sold', 200_000, { customerId: 'KH-9' }),
      ...inbound('s1', local('2026-03-21T09:00'), '+84914000333', 'info'),
      ...inbound('t1', local('2024-12-02T09:00'), '+84915000444', 'booked', 900_000),
      ...inbound('t2', local('2026-03-15T09:00'), '+84915000444', 'booked', 450_000),
    ];
    const batch = recordsFromEvents(events, createRecordState(config));
    expect(batch.refused).toEqual([]);
    await repo.writeBatch(config.id, batch);
    const ids = Object.fromEntries((await db.database.db.select({ id: calls.id, customerId: calls.customerId }).from(calls)).map((c) => [c.id, c.customerId]));
    expect(ids.p1).toMatch(/^tel:[0-9a-f]{24}$/);
    expect(ids.p2).toBe(ids.p1);
    expect(ids.q1).not.toBe(ids.p1);
    expect(ids.r1).toBe('KH-9');
    for (const id of Object.values(ids)) expect(id).not.toMatch(/901234567|912000111|914000333|915000444/);

    // When: the CX KPIs of March 2026.
    const cx = await new ReportsService(new ReportsRepository(db.database)).cx(db.database, config.id, '2026-03-01', '2026-03-31', 'site');

    // Then: at the start P and Q (a purchase in the year before); at the end P, R and T (Q's is older than a
    // year); R and T are new (T was no customer at the start: back after more than a year, so retention
    // cannot pass 100 %). Retention = (3 − 2) / 2.
    expect(cx.counts).toMatchObject({ customersAtStart: 2, customersAtEnd: 3, newCustomers: 2, purchases: 3, purchaseRevenue: 1_350_000, purchasingCustomers: 3, purchasesInYear: 3, days: 31 });
    expect(cx.values.retentionRatePct).toBe(50);
    // 450,000 per purchase · (P's, R's and T's purchases in the year up to 31 March, by P, R and T: 1 a year)
    // · 3 years. P's purchase of March 2025 is older than that year.
    expect(cx.values.customerLifetimeValue).toBe(450_000 * 1 * 3);
    // The agent's and the queue's scopes see the same inbound purchases; a campaign's none.
    const agent = await new ReportsService(new ReportsRepository(db.database)).cx(db.database, config.id, '2026-03-01', '2026-03-31', 'agent', 'a1');
    expect(agent.counts).toMatchObject({ purchases: 3, purchaseRevenue: 1_350_000, customersAtStart: 2, customersAtEnd: 3, newCustomers: 2 });
    const campaign = await new ReportsService(new ReportsRepository(db.database)).cx(db.database, config.id, '2026-03-01', '2026-03-31', 'campaign', 'x');
    expect(campaign.counts).toMatchObject({ purchases: 0, customersAtStart: 0 });
  });
});

describe.each(testBackends())('CX series: grouped by site-local day, equal to each day on its own ($name)', (backend) => {
  const SUCCESS = ['booked', 'sold', 'converted', 'renewed'];
  const DAYS = ['2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31'];

  // Europe/Paris moves its clocks on 29 March 2026 (a 23-hour day): windows of 365 · 24 h then start
  // an hour off local midnight.
  it.each(['Asia/Ho_Chi_Minh', 'Europe/Paris'])('given answers, dials, purchases, complaints and buckets on either side of midnight in %s, and purchases a year back, when the series of five days is read then every day equals that day\'s own CX answer', async (timeZone) => {
    const db = await backend.create();
    dbs.push(db);
    const d = db.database.db;
    const cal = new SiteCalendar(timeZone, 15);
    /** Site-local wall time `YYYY-MM-DDTHH:MM` as an instant. */
    const at = (s: string) => {
      const wall = Date.parse(`${s}:00Z`);
      return new Date(wall - cal.offsetMs(wall - cal.offsetMs(wall)));
    };
    await new RecordsRepository(db.database).ensureSite({ id: 's', name: 'S', timeZone });
    await d.insert(campaigns).values([
      { siteId: 's', id: 'sv', name: 'Survey', type: 'survey', queueId: 'survey' },
      { siteId: 's', id: 'ts', name: 'Telesales', type: 'telesales', queueId: 'sales' },
    ]);
    const customers = ['K1', 'K2', 'K3', 'K4', 'K5', 'K6', 'K7'];
    await d.insert(leads).values(['sv', 'ts'].flatMap((campaignId) => customers.map((k) => ({ campaignId, id: `${campaignId}-${k}`, phone: `+8490${k}`, customerId: k, timeZone }))));
    let n = 0;
    const attempt = (campaignId: string, k: string, result: string, when: string, extra: Record<string, unknown> = {}) => ({
      campaignId, leadId: `${campaignId}-${k}`, attempt: ++n, callId: `${campaignId}-${k}-${n}`, phone: 'x', result, dialedAt: at(when), agentId: 'a1', teamId: 't1', ...extra,
    });
    const sold = (k: string, when: string, revenue: number) => attempt('ts', k, 'connected', when, { disposition: 'sold', revenue });
    await d.insert(campaignAttempts).values([
      // A year back, around the windows' edges (365 days before the days of the series).
      sold('K1', '2025-03-27T23:30', 1_000_000),
      sold('K2', '2025-03-29T00:30', 2_000_000),
      sold('K4', '2025-03-30T12:00', 700_000),
      sold('K5', '2024-12-01T10:00', 900_000),
      // In the series: K1 back on the 28th just after midnight, K3 twice across a midnight, K4 at the
      // last minute of the 31st, K5 back after more than a year.
      sold('K1', '2026-03-28T00:30', 3_000_000),
      sold('K3', '2026-03-27T23:30', 500_000),
      sold('K3', '2026-03-28T00:10', 600_000),
      sold('K4', '2026-03-31T23:59', 800_000),
      sold('K5', '2026-03-29T01:00', 400_000),
      attempt('ts', 'K6', 'no_answer', '2026-03-28T23:50'),
      attempt('ts', 'K6', 'connected', '2026-03-29T00:20', { disposition: 'no-need' }),
      attempt('sv', 'K1', 'connected', '2026-03-27T23:40'),
      attempt('sv', 'K2', 'busy', '2026-03-28T00:20'),
      attempt('sv', 'K7', 'connected', '2026-03-30T23:55'),
    ]);
    const answer = (k: string, kind: string, score: number, when: string, callId: string | null) => ({ campaignId: 'sv', customerId: k, questionId: kind, kind, score, callId, answeredAt: at(when) });
    await d.insert(surveyAnswers).values([
      answer('K1', 'nps', 10, '2026-03-27T23:50', 'sv-K1'),
      answer('K2', 'csat', 4, '2026-03-28T00:30', 'sv-K2'),
      answer('K2', 'nps', 3, '2026-03-28T00:35', 'sv-K2'),
      // Dialed on the 30th, answered on the 31st: sent on one day, answered on another.
      answer('K7', 'nps', 8, '2026-03-31T00:05', 'sv-K7'),
      answer('K7', 'csat', 2, '2026-03-31T00:06', 'sv-K7'),
    ]);
    const call = (id: string, when: string, extra: Record<string, unknown>) => ({
      siteId: 's', id, queueId: 'q', lastQueueId: 'q', path: ['q'], direction: 'inbound', status: 'done', offeredAt: at(when), enteredAt: at(when), agentId: 'a1', teamId: 't1', source: 'live', ...extra,
    });
    await d.insert(calls).values([
      call('x1', '2026-03-28T23:45', { surveyScore: 9 }),
      call('x2', '2026-03-29T00:15', { surveyScore: 6 }),
      call('x3', '2026-03-30T23:59', { surveyScore: 10 }),
      call('p1', '2025-03-28T23:30', { customerId: 'tel:1', disposition: 'booked', revenue: 250_000 }),
      call('p2', '2026-03-28T23:30', { customerId: 'tel:1', disposition: 'booked', revenue: 350_000 }),
      call('p3', '2026-03-29T00:30', { customerId: 'tel:2', disposition: 'booked', revenue: 150_000 }),
    ]);
    const bucket = (when: string, counters: Record<string, number>) => ({ siteId: 's', scope: 'site', scopeId: '', intervalStart: at(when), intervalMin: 15, counters: { ...emptyCounters(), ...counters }, staffed: ['a1'] });
    await new RecordsRepository(db.database).upsertAggregates([
      bucket('2026-03-27T23:45', { handled: 10, outboundHandled: 4, conversions: 1 }),
      bucket('2026-03-28T00:00', { handled: 20, outboundHandled: 5, conversions: 3 }),
      bucket('2026-03-29T23:45', { handled: 8 }),
      { ...bucket('2026-03-30T00:00', { handled: 6, outboundHandled: 2, conversions: 2 }), scope: 'queue', scopeId: 'q' },
    ]);
    const complaints = new ComplaintsService(db.database, { now: () => at('2026-04-01T12:00').getTime() });
    for (const [when, queueId] of [['2026-03-28T23:30', 'q'], ['2026-03-29T00:30', 'q'], ['2026-03-29T00:40', undefined], ['2026-03-31T23:59', undefined]] as const) {
      await complaints.openComplaint({ siteId: 's', channel: 'form', category: 'billing', at: at(when).getTime(), queueId, agentId: 'a1' });
    }

    const reports = new ReportsRepository(db.database);
    const service = new ReportsService(reports, { successDispositions: SUCCESS });
    for (const [scope, id] of [['site', ''], ['queue', 'q'], ['queue', 'survey'], ['queue', 'sales'], ['campaign', 'ts'], ['campaign', 'sv'], ['agent', 'a1'], ['team', 't1']] as const) {
      const series = await service.cxSeries(db.database, 's', DAYS, scope, id);
      const perDay = [];
      for (const day of DAYS) {
        const r = await service.cx(db.database, 's', day, day, scope, id);
        perDay.push({ date: day, values: r.values, counts: r.counts });
      }
      expect(series, `${scope} ${id}`).toEqual(perDay);
    }
    // Not vacuous: the days have figures, and a midnight splits them (K1's answer of the 27th at 23:50,
    // K2's of the 28th at 00:35; K3 bought on both days). K1 is new on the 28th: their purchase of
    // 27 March 2025 at 23:30 left the year before the 28th at its first minute.
    const site = await service.cxSeries(db.database, 's', DAYS, 'site');
    expect(site.map((x) => x.counts.nps)).toEqual([
      { promoters: 1, passives: 0, detractors: 0 },
      { promoters: 1, passives: 0, detractors: 1 },
      { promoters: 0, passives: 0, detractors: 1 },
      { promoters: 1, passives: 0, detractors: 0 },
      { promoters: 0, passives: 1, detractors: 0 },
    ]);
    expect(site[1]!.counts).toMatchObject({ purchases: 3, purchaseRevenue: 3_950_000, newCustomers: 1, complaints: 1, handled: 20 });
    expect(site.map((x) => x.counts.complaints)).toEqual([0, 1, 2, 0, 1]);
    expect(site.map((x) => x.counts.newCustomers).some((x) => x > 0)).toBe(true);
    expect(site.map((x) => x.counts.customersAtStart).every((x) => x > 0)).toBe(true);
  });
});

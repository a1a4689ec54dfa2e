/**
 * The counts behind the CX KPIs, read from the campaigns' tables (`survey_answers`, `campaign_attempts`,
 * `leads`, `campaigns`), the call records (post-call survey scores) and `complaints`.
 *
 * Definitions where the spec leaves the data to us (docs/REPORTS.md):
 * - NPS answers: `survey_answers` of kind `nps`, plus post-call scores on calls (`call.outcome`
 *   `surveyScore`, 0-10) that have no survey answer of their own. CSAT: answers of kind `csat` (1-5).
 * - Surveys sent: leads dialed by survey campaigns; answered: those leads (customers) with an answer.
 * - A customer is a lead's `customer_id` or an inbound call's `customer_id`; a purchase is a campaign
 *   attempt or an inbound call (not a campaign's) with a success disposition. Customers at a date: those
 *   with a purchase in the 365 days before it; new: a customer at the period's end who was none at its
 *   start (a first purchase in the period, or one back after more than a year), so that end − new are
 *   the start's customers kept and retention never passes 100 %.
 * - Contacted: customers dialed by any campaign; engaged: of those, connected or answered a survey.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database, Db } from '../storage/database.ts';
import { rowsOf } from '../storage/database.ts';
import type { CxCounts } from './cx.ts';

const DAY = 86_400_000;

type Scope = 'site' | 'queue' | 'team' | 'agent' | 'campaign';

/**
 * The scope's filter on each table, and the purchases of [a, b) (ISO instants) as rows of
 * `customer_id, revenue, at`: shared by a period's counts and the per-day series, so both count the same rows.
 */
function filtersOf(siteId: string, scope: Scope, id: string, success: readonly string[]) {
  const succ = `{${success.map((d) => `"${d.replace(/["\\]/g, '')}"`).join(',')}}`;
  // Scope filters per table: answers carry queue and campaign (a dialer's survey answer has no queue
  // of its own: it is its campaign's line's); attempts carry agent, team, campaign.
  const ans = scope === 'campaign' ? sql` and sa.campaign_id = ${id}` : scope === 'queue' ? sql` and coalesce(sa.queue_id, cp.queue_id) = ${id}` : scope === 'site' ? sql`` : sql` and false`;
  const callF =
    scope === 'queue' ? sql` and c.queue_id = ${id}` : scope === 'team' ? sql` and c.team_id = ${id}` : scope === 'agent' ? sql` and c.agent_id = ${id}` : scope === 'campaign' ? sql` and c.campaign_id = ${id}` : sql``;
  const att =
    scope === 'campaign'
      ? sql` and a.campaign_id = ${id}`
      : scope === 'agent'
        ? sql` and a.agent_id = ${id}`
        : scope === 'team'
          ? sql` and a.team_id = ${id}`
          : scope === 'queue'
            ? sql` and cp.queue_id = ${id}`
            : sql``;
  // Purchases: campaign attempts with a success disposition (the lead's customer), and inbound calls
  // with a success disposition (the call's customer_id: a CRM id the source gave, or the caller's
  // hashed E.164 number). A campaign's own calls are counted through its attempts, never twice.
  const inboundPurchases = (a: string, b: string) => sql`
      select c.customer_id, c.revenue, c.offered_at as at from calls c
      where c.site_id = ${siteId} and c.direction = 'inbound' and c.campaign_id is null and c.customer_id is not null
        and c.disposition = any(${succ}::text[]) and c.offered_at >= ${a}::timestamptz and c.offered_at < ${b}::timestamptz${callF}`;
  const campaignPurchases = (a: string, b: string) => sql`
      select l.customer_id, a.revenue, a.dialed_at as at from campaign_attempts a
        join campaigns cp on cp.id = a.campaign_id
        join leads l on l.campaign_id = a.campaign_id and l.id = a.lead_id
      where cp.site_id = ${siteId} and a.disposition = any(${succ}::text[]) and a.dialed_at >= ${a}::timestamptz and a.dialed_at < ${b}::timestamptz${att}`;
  // A campaign's scope has no inbound calls.
  const purchasesIn = (a: string, b: string) =>
    scope === 'campaign' ? campaignPurchases(a, b) : sql`${campaignPurchases(a, b)} union all ${inboundPurchases(a, b)}`;
  return { ans, callF, att, purchasesIn };
}

export class CxRepository {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  private get db(): Db {
    return this.database.db;
  }

  private async one<T>(q: SQL): Promise<T> {
    return rowsOf<T>(await this.db.execute(q))[0]!;
  }

  /** Everything but `handled` and `conversionRatePct` (the metric engine's) and `complaints`. */
  async counts(siteId: string, from: number, to: number, scope: Scope, id: string, success: readonly string[]): Promise<Omit<CxCounts, 'handled' | 'conversionRatePct' | 'complaints'>> {
    const f = new Date(from).toISOString();
    const t = new Date(to).toISOString();
    const { ans, callF, att, purchasesIn } = filtersOf(siteId, scope, id, success);

    const nps = await this.one<{ promoters: number; passives: number; detractors: number }>(sql`
      with s as (
        select sa.score from survey_answers sa join campaigns cp on cp.id = sa.campaign_id
          where cp.site_id = ${siteId} and sa.kind = 'nps' and sa.score is not null
            and sa.answered_at >= ${f}::timestamptz and sa.answered_at < ${t}::timestamptz${ans}
        union all
        select c.survey_score::float8 from calls c
          where c.site_id = ${siteId} and c.survey_score is not null
            and c.offered_at >= ${f}::timestamptz and c.offered_at < ${t}::timestamptz${callF}
            and not exists (select 1 from survey_answers x where x.call_id = c.id)
      )
      select (count(*) filter (where score >= 9))::int as promoters,
             (count(*) filter (where score >= 7 and score < 9))::int as passives,
             (count(*) filter (where score < 7))::int as detractors from s`);

    const csat = await this.one<{ answers: number; satisfied: number }>(sql`
      select count(*)::int as answers, (count(*) filter (where sa.score >= 4))::int as satisfied
      from survey_answers sa join campaigns cp on cp.id = sa.campaign_id
      where cp.site_id = ${siteId} and sa.kind = 'csat' and sa.score is not null
        and sa.answered_at >= ${f}::timestamptz and sa.answered_at < ${t}::timestamptz${ans}`);

    const surveys = await this.one<{ sent: number; answered: number }>(sql`
      with sent as (
        select distinct a.campaign_id, l.customer_id from campaign_attempts a
          join campaigns cp on cp.id = a.campaign_id
          join leads l on l.campaign_id = a.campaign_id and l.id = a.lead_id
        where cp.site_id = ${siteId} and cp.type = 'survey' and a.dialed_at >= ${f}::timestamptz and a.dialed_at < ${t}::timestamptz${att}
      ), answered as (
        select distinct sa.campaign_id, sa.customer_id from survey_answers sa
        where sa.answered_at >= ${f}::timestamptz and sa.answered_at < ${t}::timestamptz
      )
      select (select count(*) from sent)::int as sent,
             (select count(*) from sent s join answered x on x.campaign_id = s.campaign_id and x.customer_id = s.customer_id)::int as answered`);

    const yearBefore = (ms: number) => new Date(ms - 365 * DAY).toISOString();
    const customers = await this.one<{ at_start: number; at_end: number; new_customers: number; purchases: number; revenue: number; buyers: number; purchases_year: number }>(sql`
      with p as (${purchasesIn(f, t)}),
      s as (${purchasesIn(yearBefore(from), f)}),
      e as (${purchasesIn(yearBefore(to), t)})
      select (select count(distinct customer_id) from s)::int as at_start,
             (select count(distinct customer_id) from e)::int as at_end,
             (select count(*) from (select customer_id from e except select customer_id from s) n)::int as new_customers,
             (select count(*) from p)::int as purchases,
             (select coalesce(sum(revenue), 0) from p)::float8 as revenue,
             (select count(distinct customer_id) from p)::int as buyers,
             (select count(*) from e)::int as purchases_year`);

    const engagement = await this.one<{ contacted: number; engaged: number }>(sql`
      with c as (
        select l.customer_id, bool_or(a.result = 'connected') as connected from campaign_attempts a
          join campaigns cp on cp.id = a.campaign_id
          join leads l on l.campaign_id = a.campaign_id and l.id = a.lead_id
        where cp.site_id = ${siteId} and a.dialed_at >= ${f}::timestamptz and a.dialed_at < ${t}::timestamptz${att}
        group by l.customer_id
      )
      , answered as (
        select distinct sa.customer_id from survey_answers sa
        where sa.answered_at >= ${f}::timestamptz and sa.answered_at < ${t}::timestamptz
      )
      select count(*)::int as contacted, (count(*) filter (where c.connected or x.customer_id is not null))::int as engaged
      from c left join answered x on x.customer_id = c.customer_id`);

    return {
      nps: { promoters: nps.promoters, passives: nps.passives, detractors: nps.detractors },
      csatAnswers: csat.answers,
      csatSatisfied: csat.satisfied,
      surveysSent: surveys.sent,
      surveysAnswered: surveys.answered,
      customersAtStart: customers.at_start,
      customersAtEnd: customers.at_end,
      newCustomers: customers.new_customers,
      purchases: customers.purchases,
      purchaseRevenue: Number(customers.revenue),
      purchasingCustomers: customers.buyers,
      purchasesInYear: customers.purchases_year,
      days: Math.max(1, Math.round((to - from) / DAY)),
      contacted: engagement.contacted,
      engaged: engagement.engaged,
    };
  }

  /**
   * `counts` (and `complaints`, as `ComplaintsService.countOpened` counts them) for each day of a run of
   * days, in one query per KPI family: `bounds` are the days' starts and the last day's end (epoch ms,
   * site-local midnights; n + 1 bounds for n days), and a row falls in day i when
   * bounds[i - 1] <= at < bounds[i] (`width_bucket` over the bounds). The figures are those of `counts`
   * over each day on its own, including retention and lifetime value, which look back 365 days from
   * each day's start and end (see `customersByDay`).
   */
  async countsByDay(siteId: string, bounds: readonly number[], scope: Scope, id: string, success: readonly string[]): Promise<Omit<CxCounts, 'handled' | 'conversionRatePct'>[]> {
    const n = bounds.length - 1;
    if (n < 1) return [];
    const f = new Date(bounds[0]!).toISOString();
    const t = new Date(bounds[n]!).toISOString();
    const b = `{${bounds.map((ms) => new Date(ms).toISOString()).join(',')}}`;
    const day = (at: SQL) => sql`width_bucket(${at}, ${b}::timestamptz[])`;
    const { ans, callF, att, purchasesIn } = filtersOf(siteId, scope, id, success);
    const byDay = async <T extends { i: number }>(q: SQL): Promise<Map<number, T>> => new Map(rowsOf<T>(await this.db.execute(q)).map((r) => [Number(r.i), r]));

    const nps = await byDay<{ i: number; promoters: number; passives: number; detractors: number }>(sql`
      with s as (
        select ${day(sql`sa.answered_at`)} as i, sa.score from survey_answers sa join campaigns cp on cp.id = sa.campaign_id
          where cp.site_id = ${siteId} and sa.kind = 'nps' and sa.score is not null
            and sa.answered_at >= ${f}::timestamptz and sa.answered_at < ${t}::timestamptz${ans}
        union all
        select ${day(sql`c.offered_at`)}, c.survey_score::float8 from calls c
          where c.site_id = ${siteId} and c.survey_score is not null
            and c.offered_at >= ${f}::timestamptz and c.offered_at < ${t}::timestamptz${callF}
            and not exists (select 1 from survey_answers x where x.call_id = c.id)
      )
      select i, (count(*) filter (where score >= 9))::int as promoters,
             (count(*) filter (where score >= 7 and score < 9))::int as passives,
             (count(*) filter (where score < 7))::int as detractors from s group by i`);

    const csat = await byDay<{ i: number; answers: number; satisfied: number }>(sql`
      select ${day(sql`sa.answered_at`)} as i, count(*)::int as answers, (count(*) filter (where sa.score >= 4))::int as satisfied
      from survey_answers sa join campaigns cp on cp.id = sa.campaign_id
      where cp.site_id = ${siteId} and sa.kind = 'csat' and sa.score is not null
        and sa.answered_at >= ${f}::timestamptz and sa.answered_at < ${t}::timestamptz${ans}
      group by 1`);

    // A survey sent and answered on the same day: the pair (campaign, customer) per day.
    const surveys = await byDay<{ i: number; sent: number; answered: number }>(sql`
      with sent as (
        select distinct ${day(sql`a.dialed_at`)} as i, a.campaign_id, l.customer_id from campaign_attempts a
          join campaigns cp on cp.id = a.campaign_id
          join leads l on l.campaign_id = a.campaign_id and l.id = a.lead_id
        where cp.site_id = ${siteId} and cp.type = 'survey' and a.dialed_at >= ${f}::timestamptz and a.dialed_at < ${t}::timestamptz${att}
      ), answered as (
        select distinct ${day(sql`sa.answered_at`)} as i, sa.campaign_id, sa.customer_id from survey_answers sa
        where sa.answered_at >= ${f}::timestamptz and sa.answered_at < ${t}::timestamptz
      )
      select s.i, count(*)::int as sent, count(x.i)::int as answered
      from sent s left join answered x on x.i = s.i and x.campaign_id = s.campaign_id and x.customer_id = s.customer_id
      group by s.i`);

    const customers = await this.customersByDay(bounds, purchasesIn);

    const engagement = await byDay<{ i: number; contacted: number; engaged: number }>(sql`
      with c as (
        select ${day(sql`a.dialed_at`)} as i, l.customer_id, bool_or(a.result = 'connected') as connected from campaign_attempts a
          join campaigns cp on cp.id = a.campaign_id
          join leads l on l.campaign_id = a.campaign_id and l.id = a.lead_id
        where cp.site_id = ${siteId} and a.dialed_at >= ${f}::timestamptz and a.dialed_at < ${t}::timestamptz${att}
        group by 1, 2
      )
      , answered as (
        select distinct ${day(sql`sa.answered_at`)} as i, sa.customer_id from survey_answers sa
        where sa.answered_at >= ${f}::timestamptz and sa.answered_at < ${t}::timestamptz
      )
      select c.i, count(*)::int as contacted, (count(*) filter (where c.connected or x.customer_id is not null))::int as engaged
      from c left join answered x on x.i = c.i and x.customer_id = c.customer_id
      group by c.i`);

    // As `ComplaintsService.countOpened`: opened in the day, by the complaint's agent, queue, team or campaign.
    const complaintF =
      scope === 'queue' ? sql` and queue_id = ${id}` : scope === 'team' ? sql` and team_id = ${id}` : scope === 'agent' ? sql` and agent_id = ${id}` : scope === 'campaign' ? sql` and campaign_id = ${id}` : sql``;
    const complaints = await byDay<{ i: number; n: number }>(sql`
      select ${day(sql`opened_at`)} as i, count(*)::int as n from complaints
      where site_id = ${siteId} and opened_at >= ${f}::timestamptz and opened_at < ${t}::timestamptz${complaintF}
      group by 1`);

    return Array.from({ length: n }, (_, k) => {
      const i = k + 1;
      const p = nps.get(i);
      const c = customers[k]!;
      return {
        nps: { promoters: p?.promoters ?? 0, passives: p?.passives ?? 0, detractors: p?.detractors ?? 0 },
        csatAnswers: csat.get(i)?.answers ?? 0,
        csatSatisfied: csat.get(i)?.satisfied ?? 0,
        surveysSent: surveys.get(i)?.sent ?? 0,
        surveysAnswered: surveys.get(i)?.answered ?? 0,
        ...c,
        days: Math.max(1, Math.round((bounds[i]! - bounds[k]!) / DAY)),
        contacted: engagement.get(i)?.contacted ?? 0,
        engaged: engagement.get(i)?.engaged ?? 0,
        complaints: complaints.get(i)?.n ?? 0,
      };
    });
  }

  /**
   * Retention and lifetime value counts per day, from one read of the purchases of the 365 days before
   * the first day to the end of the last. With bounds b0..bn, window j is [bj − 365 d, bj): day i's
   * customers at its start are window i − 1's, at its end window i's. A purchase at p lies in windows
   * k..hi, where k = #{bounds <= p} and hi = #{bounds <= p + 365 d} − 1. Per customer, the union of
   * those ranges is a few islands of consecutive windows: customers in window j = islands covering j; new
   * customers of day i (in window i and not in window i − 1) = islands starting at i. Both, and
   * purchases per window, are running sums of +1/−1 at each range's ends, so nothing is joined day by day.
   */
  private async customersByDay(bounds: readonly number[], purchasesIn: (a: string, b: string) => SQL): Promise<Pick<CxCounts, 'customersAtStart' | 'customersAtEnd' | 'newCustomers' | 'purchases' | 'purchaseRevenue' | 'purchasingCustomers' | 'purchasesInYear'>[]> {
    const n = bounds.length - 1;
    const b = `{${bounds.map((ms) => new Date(ms).toISOString()).join(',')}}`;
    const yearBefore = new Date(bounds[0]! - 365 * DAY).toISOString();
    // 365 days as hours (365 · DAY, as `counts` takes them): an interval in days would follow the session's time zone across DST.
    const year = sql.raw(`interval '${365 * 24} hours'`);
    const rows = rowsOf<{ kind: 'w' | 'p'; j: number; customers: number; new_customers: number; purchases_year: number; purchases: number; revenue: number; buyers: number }>(
      await this.db.execute(sql`
      with p as (${purchasesIn(yearBefore, new Date(bounds[n]!).toISOString())}),
      r as (
        select customer_id, revenue, width_bucket(at, ${b}::timestamptz[]) as k, width_bucket(at + ${year}, ${b}::timestamptz[]) - 1 as hi from p
      ),
      o as (
        select customer_id, k, hi, max(hi) over (partition by customer_id order by k, hi rows between unbounded preceding and 1 preceding) as reach from r
      ),
      g as (
        select customer_id, k, hi, sum(case when reach is null or k > reach + 1 then 1 else 0 end) over (partition by customer_id order by k, hi rows unbounded preceding) as island from o
      ),
      isl as (select min(k) as a, max(hi) as z from g group by customer_id, island),
      ev as (
        select a as j, 1 as dc, 1 as dn, 0 as dp from isl
        union all select z + 1, -1, 0, 0 from isl
        union all select k, 0, 0, 1 from r
        union all select hi + 1, 0, 0, -1 from r
      )
      select 'w' as kind, j, sum(dc)::int as customers, sum(dn)::int as new_customers, sum(dp)::int as purchases_year, 0 as purchases, 0::float8 as revenue, 0 as buyers
        from ev where j <= ${n} group by j
      union all
      select 'p', k, 0, 0, 0, count(*)::int, coalesce(sum(revenue), 0)::float8, count(distinct customer_id)::int
        from r where k >= 1 group by k`),
    );
    // Running sums over windows 0..n of the +1/−1 steps.
    const customers = new Array<number>(n + 1).fill(0);
    const newAt = new Array<number>(n + 1).fill(0);
    const inYear = new Array<number>(n + 1).fill(0);
    const inDay = new Map<number, { purchases: number; revenue: number; buyers: number }>();
    for (const r of rows) {
      const j = Number(r.j);
      if (r.kind === 'p') inDay.set(j, { purchases: r.purchases, revenue: Number(r.revenue), buyers: r.buyers });
      else {
        customers[j] = r.customers;
        newAt[j] = r.new_customers;
        inYear[j] = r.purchases_year;
      }
    }
    for (let j = 1; j <= n; j++) {
      customers[j]! += customers[j - 1]!;
      inYear[j]! += inYear[j - 1]!;
    }
    return Array.from({ length: n }, (_, k) => {
      const d = inDay.get(k + 1);
      return {
        customersAtStart: customers[k]!,
        customersAtEnd: customers[k + 1]!,
        newCustomers: newAt[k + 1]!,
        purchases: d?.purchases ?? 0,
        purchaseRevenue: d?.revenue ?? 0,
        purchasingCustomers: d?.buyers ?? 0,
        purchasesInYear: inYear[k + 1]!,
      };
    });
  }
}

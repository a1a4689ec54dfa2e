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
}

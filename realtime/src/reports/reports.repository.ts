/**
 * Thin reads (and the report-run write) for reports: the site's dimensions, the metric engine's
 * interval buckets, targets, forecasts and handled calls by disposition.
 */
import { and, desc, eq, gte, inArray, isNotNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Database, Db } from '../storage/database.ts';
import { rowsOf } from '../storage/database.ts';
import { agents, calls, intervalAggregates, queues, sites, teams } from '../storage/schema.ts';
import { campaigns } from '../storage/schema.campaigns.ts';
import { metricParamVersions, reportForecasts, reportRuns, reportTargets } from '../storage/schema.reports.ts';
import type { AggregateRow, ForecastRow, ReportKind, TargetRow, WrapupCounts } from './report.ts';

/** A version of the metric parameters as stored (`metric_param_versions`). */
export interface ParamsVersionRow {
  at: number;
  site: Record<string, unknown>;
  queues: Record<string, Record<string, unknown>>;
}

export interface SiteInfo {
  id: string;
  name: string;
  timeZone: string;
  intervalMin: number;
  params: Record<string, unknown>;
}

export interface Named {
  id: string;
  name: string;
}

export class ReportsRepository {
  constructor(readonly database: Pick<Database, 'db' | 'transaction'>) {}

  private get db(): Db {
    return this.database.db;
  }

  async site(siteId: string): Promise<SiteInfo | undefined> {
    const r = await this.db.select({ id: sites.id, name: sites.name, timeZone: sites.timeZone, intervalMin: sites.intervalMin, params: sites.params }).from(sites).where(eq(sites.id, siteId));
    return r[0];
  }

  /** The metric parameters' versions the hub logged (`params.version`), oldest first. */
  async paramVersions(siteId: string): Promise<ParamsVersionRow[]> {
    const r = await this.db
      .select({ at: metricParamVersions.at, site: metricParamVersions.site, queues: metricParamVersions.queues })
      .from(metricParamVersions)
      .where(eq(metricParamVersions.siteId, siteId))
      .orderBy(metricParamVersions.at);
    return r.map((x) => ({ at: x.at.getTime(), site: x.site, queues: x.queues }));
  }

  queues(siteId: string): Promise<(Named & { params: Record<string, unknown> })[]> {
    return this.db.select({ id: queues.id, name: queues.name, params: queues.params }).from(queues).where(eq(queues.siteId, siteId)).orderBy(queues.id);
  }

  teams(siteId: string): Promise<Named[]> {
    return this.db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.siteId, siteId)).orderBy(teams.id);
  }

  agents(siteId: string): Promise<(Named & { teamId: string | null })[]> {
    return this.db.select({ id: agents.id, name: agents.name, teamId: agents.teamId }).from(agents).where(eq(agents.siteId, siteId)).orderBy(agents.id);
  }

  /** A campaign's name (campaigns live in the database, not in the site configuration). */
  async campaignName(siteId: string, id: string): Promise<string | undefined> {
    const r = await this.db.select({ name: campaigns.name }).from(campaigns).where(and(eq(campaigns.siteId, siteId), eq(campaigns.id, id)));
    return r[0]?.name;
  }

  /** Buckets in [from, to) of one scope id, or of every scope when `scope` is omitted. */
  async aggregates(siteId: string, intervalMin: number, from: number, to: number, scope?: { scope: string; scopeId: string }): Promise<AggregateRow[]> {
    const where = [
      eq(intervalAggregates.siteId, siteId),
      eq(intervalAggregates.intervalMin, intervalMin),
      gte(intervalAggregates.intervalStart, new Date(from)),
      lt(intervalAggregates.intervalStart, new Date(to)),
    ];
    if (scope) where.push(eq(intervalAggregates.scope, scope.scope), eq(intervalAggregates.scopeId, scope.scopeId));
    const rows = await this.db
      .select({ scope: intervalAggregates.scope, scopeId: intervalAggregates.scopeId, start: intervalAggregates.intervalStart, counters: intervalAggregates.counters, staffed: intervalAggregates.staffed })
      .from(intervalAggregates)
      .where(and(...where));
    return rows.map((r) => ({ scope: r.scope, scopeId: r.scopeId, start: r.start.getTime(), counters: r.counters, staffed: r.staffed }));
  }

  /**
   * Who answered a campaign's calls offered in [from, to), and when each call was offered: the agent who
   * has the call's row and, after a transfer, those who had it before (`previous_agent_ids`; rows written
   * before it was kept name the last agent only). Once per agent and call.
   */
  async campaignAgents(siteId: string, campaignId: string, from: number, to: number): Promise<{ agentId: string; offeredAt: number }[]> {
    const r = await this.db
      .select({ agentId: calls.agentId, answeredAt: calls.answeredAt, previous: calls.previousAgentIds, offeredAt: calls.offeredAt })
      .from(calls)
      .where(
        and(
          eq(calls.siteId, siteId),
          eq(calls.campaignId, campaignId),
          or(and(isNotNull(calls.agentId), isNotNull(calls.answeredAt)), sql`cardinality(${calls.previousAgentIds}) > 0`),
          gte(calls.offeredAt, new Date(from)),
          lt(calls.offeredAt, new Date(to)),
        ),
      );
    const out: { agentId: string; offeredAt: number }[] = [];
    for (const c of r) {
      const agents = new Set(c.previous);
      if (c.agentId !== null && c.answeredAt !== null) agents.add(c.agentId);
      for (const agentId of agents) out.push({ agentId, offeredAt: c.offeredAt.getTime() });
    }
    return out;
  }

  /** Targets of a scope on a day: per metric, the id's own row or else the scope's default (''), latest `valid_from` first. */
  async targets(siteId: string, scope: string, scopeId: string, day: string): Promise<TargetRow[]> {
    const rows = await this.db
      .select()
      .from(reportTargets)
      .where(and(eq(reportTargets.siteId, siteId), eq(reportTargets.scope, scope), inArray(reportTargets.scopeId, [scopeId, '']), lte(reportTargets.validFrom, day)))
      .orderBy(desc(reportTargets.validFrom));
    const out = new Map<string, TargetRow & { own: boolean }>();
    for (const r of rows) {
      const own = r.scopeId === scopeId && scopeId !== '';
      const prev = out.get(r.metric);
      if (!prev || (own && !prev.own)) out.set(r.metric, { metric: r.metric, kind: r.kind as 'min' | 'max', target: r.target, own });
    }
    return [...out.values()].map(({ own: _, ...t }) => t).sort((a, b) => a.metric.localeCompare(b.metric));
  }

  async setTarget(siteId: string, t: { scope: string; scopeId: string; metric: string; kind: 'min' | 'max'; target: number; validFrom: string }): Promise<void> {
    await this.db
      .insert(reportTargets)
      .values({ siteId, ...t })
      .onConflictDoUpdate({ target: [reportTargets.siteId, reportTargets.scope, reportTargets.scopeId, reportTargets.metric, reportTargets.validFrom], set: { kind: t.kind, target: t.target } });
  }

  /** The forecast summed over `days` (undefined when there is none for any of them). */
  async forecast(siteId: string, scope: string, scopeId: string, days: readonly string[]): Promise<ForecastRow | undefined> {
    const rows = await this.db
      .select()
      .from(reportForecasts)
      .where(and(eq(reportForecasts.siteId, siteId), eq(reportForecasts.scope, scope), eq(reportForecasts.scopeId, scopeId), inArray(reportForecasts.day, [...days])));
    if (rows.length === 0) return undefined;
    const f: ForecastRow = {};
    let ahtW = 0;
    let ahtSum = 0;
    for (const r of rows) {
      // Per day: offered and scheduled agents add up to the period as daily means x days (see factorsOf).
      if (r.offered != null) f.offered = (f.offered ?? 0) + r.offered / days.length;
      if (r.agents != null) f.agents = Math.max(f.agents ?? 0, r.agents);
      if (r.ahtSec != null) {
        ahtSum += r.ahtSec * (r.offered ?? 1);
        ahtW += r.offered ?? 1;
      }
    }
    if (ahtW > 0) f.ahtSec = ahtSum / ahtW;
    return f;
  }

  async setForecast(siteId: string, f: { scope: string; scopeId: string; day: string; offered?: number | null; ahtSec?: number | null; agents?: number | null }): Promise<void> {
    const v = { offered: f.offered ?? null, ahtSec: f.ahtSec ?? null, agents: f.agents ?? null };
    await this.db
      .insert(reportForecasts)
      .values({ siteId, scope: f.scope, scopeId: f.scopeId, day: f.day, ...v })
      .onConflictDoUpdate({ target: [reportForecasts.siteId, reportForecasts.scope, reportForecasts.scopeId, reportForecasts.day], set: v });
  }

  /** Handled calls offered in [from, to) by agent and disposition (CRM data-entry quality). */
  async wrapups(siteId: string, from: number, to: number, scope: string, scopeId: string, successDispositions: readonly string[]): Promise<WrapupCounts[]> {
    const filter =
      scope === 'queue' ? sql` and queue_id = ${scopeId}` : scope === 'team' ? sql` and team_id = ${scopeId}` : scope === 'agent' ? sql` and agent_id = ${scopeId}` : scope === 'campaign' ? sql` and campaign_id = ${scopeId}` : sql``;
    const succ = `{${successDispositions.map((d) => `"${d.replace(/["\\]/g, '')}"`).join(',')}}`;
    const r = await this.db.execute(sql`
      select agent_id as "agentId", disposition, count(*)::int as calls,
        (count(*) filter (where direction = 'outbound' and disposition = any(${succ}::text[]) and revenue is null))::int as "missingRevenue"
      from calls
      where site_id = ${siteId} and offered_at >= ${new Date(from).toISOString()}::timestamptz and offered_at < ${new Date(to).toISOString()}::timestamptz
        and agent_id is not null and result = 'answered' and status = 'done'${filter}
      group by agent_id, disposition`);
    return rowsOf<WrapupCounts>(r);
  }

  async saveRun(siteId: string, run: { kind: ReportKind; scope: string; scopeId: string; period: string; ms: number; report: unknown }): Promise<number> {
    const r = await this.db
      .insert(reportRuns)
      .values({ siteId, ...run })
      .onConflictDoUpdate({ target: [reportRuns.siteId, reportRuns.kind, reportRuns.scope, reportRuns.scopeId, reportRuns.period], set: { report: run.report, ms: run.ms, createdAt: sql`now()` } })
      .returning({ id: reportRuns.id });
    return r[0]!.id;
  }

  async runs(siteId: string, kind?: ReportKind, limit = 50): Promise<{ id: number; kind: string; scope: string; scopeId: string; period: string; createdAt: Date; ms: number }[]> {
    const where = kind ? and(eq(reportRuns.siteId, siteId), eq(reportRuns.kind, kind)) : eq(reportRuns.siteId, siteId);
    return this.db
      .select({ id: reportRuns.id, kind: reportRuns.kind, scope: reportRuns.scope, scopeId: reportRuns.scopeId, period: reportRuns.period, createdAt: reportRuns.createdAt, ms: reportRuns.ms })
      .from(reportRuns)
      .where(where)
      .orderBy(desc(reportRuns.period), desc(reportRuns.id))
      .limit(limit);
  }

  async run(siteId: string, kind: ReportKind, scope: string, scopeId: string, period: string): Promise<unknown> {
    const r = await this.db
      .select({ report: reportRuns.report })
      .from(reportRuns)
      .where(and(eq(reportRuns.siteId, siteId), eq(reportRuns.kind, kind), eq(reportRuns.scope, scope), eq(reportRuns.scopeId, scopeId), eq(reportRuns.period, period)));
    return r[0]?.report;
  }
}

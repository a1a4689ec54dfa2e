/**
 * Daily and weekly reports per site, queue, team, agent or campaign, read from `interval_aggregates`
 * (the metric engine's buckets as the record writer and the importer stored them) and derived with
 * the engine's `deriveMetrics` (`report.ts`). Days are site-local (the site's time zone).
 */
import { apiFail, MetricParamsSchema, type ApiFail, type MetricParams, type MetricParamsUsed } from '../contracts/index.ts';
import { versionAt } from '../core/state.ts';
import { SiteCalendar } from '../core/time.ts';
import {
  buildReport,
  COMMON_DISPOSITIONS,
  hasCalls,
  valuesOf,
  withWorkedAgents,
  wrapupQuality,
  type AggregateRow,
  type BuildInput,
  type Report,
  type ReportKind,
  type ReportScope,
} from './report.ts';
import type { ParamsVersionRow, ReportsRepository, SiteInfo } from './reports.repository.ts';
import { ComplaintsService } from '../complaints/complaints.service.ts';
import type { Database } from '../storage/database.ts';
import { CxRepository } from './cx.repository.ts';
import type { CxReportDTO } from '../contracts/records.ts';
import { CX_FORMULAS, cxValues, type CxCounts, type CxValues } from './cx.ts';

/** `GET /api/v1/reports/cx` (the wire shape is the contract's). */
export type CxReport = CxReportDTO & { scope: ReportScope };

/** A refusal: its code, and (most) a reason with params that the console words (`contracts/api-errors.ts`). */
export class ReportError extends Error {
  readonly fail: ApiFail | undefined;
  constructor(
    readonly code: 'not_found' | 'invalid',
    why: string | ApiFail,
  ) {
    super(typeof why === 'string' ? why : why.message);
    this.fail = typeof why === 'string' ? undefined : why;
  }
}

export interface ReportsServiceOptions {
  /** Dispositions that are a sale (revenue expected on outbound). @defaultValue booked, sold, converted, renewed */
  successDispositions?: readonly string[];
  /**
   * Known disposition codes for the data-entry check; `null`: any well-formed code.
   * @defaultValue the success dispositions plus `COMMON_DISPOSITIONS`
   */
  knownDispositions?: readonly string[] | null;
  /** Weeks of the same weekday used as the baseline when there is no forecast. @defaultValue 4 */
  baselineWeeks?: number;
  /** Average customer lifespan in years, for `customerLifetimeValue`. @defaultValue 3 */
  lifespanYears?: number;
  now?: () => number;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;

/** Local midnight of a site-local date. */
export function dayStartOf(cal: SiteCalendar, date: string): number {
  if (!DAY_RE.test(date) || Number.isNaN(Date.parse(date))) throw new ReportError('invalid', apiFail('not_a_date', { date }));
  return cal.dateStart(date);
}

/** ISO weekday 1 (Monday) .. 7 of a site-local date. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T12:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

export class ReportsService {
  private readonly success: readonly string[];
  private readonly known: ReadonlySet<string> | null;

  constructor(
    private readonly repo: ReportsRepository,
    private readonly opts: ReportsServiceOptions = {},
  ) {
    this.success = opts.successDispositions ?? ['booked', 'sold', 'converted', 'renewed'];
    this.known = opts.knownDispositions === null ? null : new Set([...(opts.knownDispositions ?? [...this.success, ...COMMON_DISPOSITIONS])]);
  }

  daily(siteId: string, date: string, scope: ReportScope, id = ''): Promise<Report> {
    return this.build('daily', siteId, [date], scope, id);
  }

  /** The ISO week (Monday to Sunday) containing `date`. */
  weekly(siteId: string, date: string, scope: ReportScope, id = ''): Promise<Report> {
    const monday = addDays(date, 1 - isoWeekday(date));
    return this.build('weekly', siteId, Array.from({ length: 7 }, (_, i) => addDays(monday, i)), scope, id);
  }

  /**
   * CX KPIs of a scope over site-local days [fromDate, toDate]: NPS, CSAT, survey response, complaint
   * rate (over the engine's `handled`), retention, lifetime value, engagement, conversion (the engine's).
   */
  async cx(database: Pick<Database, 'db' | 'transaction'>, siteId: string, fromDate: string, toDate: string, scope: ReportScope, id = ''): Promise<CxReport> {
    const site = await this.repo.site(siteId);
    if (!site) throw new ReportError('not_found', apiFail('unknown_site', { site: siteId }));
    if (scope !== 'site' && !id) throw new ReportError('invalid', apiFail('scope_id_required', { scope }));
    if (toDate < fromDate) throw new ReportError('invalid', apiFail('to_before_from', {}));
    const cal = new SiteCalendar(site.timeZone, site.intervalMin);
    const from = dayStartOf(cal, fromDate);
    const to = cal.nextDayStart(dayStartOf(cal, toDate));
    const scopeId = scope === 'site' ? '' : id;
    const [queues, versions] = await Promise.all([scope === 'queue' ? this.repo.queues(siteId) : [], this.repo.paramVersions(siteId)]);
    const params = paramsIn(versions, to - 1, site, queues, scope === 'queue' ? id : undefined);
    const engine = valuesOf(await this.repo.aggregates(siteId, site.intervalMin, from, to, { scope, scopeId }), params);
    const complaints = await new ComplaintsService(database).countOpened(siteId, from, to, scope === 'site' ? undefined : { scope, id });
    const rest = await new CxRepository(database).counts(siteId, from, to, scope, id, this.success);
    const counts: CxCounts = { ...rest, complaints, handled: engine.handled, conversionRatePct: engine.conversionRatePct };
    const lifespanYears = this.opts.lifespanYears ?? 3;
    return {
      siteId,
      scope,
      id: scopeId,
      period: { from: fromDate, to: toDate },
      from,
      to,
      values: cxValues(counts, lifespanYears),
      counts,
      params: { lifespanYears, timeZone: site.timeZone },
      formulas: CX_FORMULAS,
    };
  }

  /**
   * The CX figures of each site-local day of `dates` (consecutive `YYYY-MM-DD`): for each day d what
   * `cx(database, siteId, d, d, scope, id)` answers, read with one query per KPI family grouped by day
   * (`CxRepository.countsByDay`) and one read of the engine's buckets, instead of a period's queries per
   * day (about 100 ms a day on the demo's PGlite).
   */
  async cxSeries(database: Pick<Database, 'db'>, siteId: string, dates: readonly string[], scope: ReportScope, id = ''): Promise<{ date: string; values: CxValues; counts: CxCounts }[]> {
    const site = await this.repo.site(siteId);
    if (!site) throw new ReportError('not_found', apiFail('unknown_site', { site: siteId }));
    if (scope !== 'site' && !id) throw new ReportError('invalid', apiFail('scope_id_required', { scope }));
    if (dates.length === 0) return [];
    // Each day [its local midnight, the next one), as a day's own report reads it; consecutive days share
    // their bounds, so n days have n + 1.
    const cal = new SiteCalendar(site.timeZone, site.intervalMin);
    const starts = dates.map((d) => dayStartOf(cal, d));
    const bounds = [...starts, cal.nextDayStart(starts[starts.length - 1]!)];
    for (let i = 1; i < starts.length; i++) {
      if (cal.nextDayStart(starts[i - 1]!) !== starts[i]) throw new ReportError('invalid', `${dates[i]} does not follow ${dates[i - 1]}`);
    }
    const [queues, versions] = await Promise.all([scope === 'queue' ? this.repo.queues(siteId) : [], this.repo.paramVersions(siteId)]);
    // Each day with the parameters then in force.
    const paramsOf = (i: number) => paramsIn(versions, bounds[i]!, site, queues, scope === 'queue' ? id : undefined);
    const rows = await this.repo.aggregates(siteId, site.intervalMin, bounds[0]!, bounds[bounds.length - 1]!, { scope, scopeId: scope === 'site' ? '' : id });
    const byDay: AggregateRow[][] = dates.map(() => []);
    for (const r of rows) byDay[dayIndex(bounds, r.start)]?.push(r);
    const rest = await new CxRepository(database).countsByDay(siteId, bounds, scope, id, this.success);
    const lifespanYears = this.opts.lifespanYears ?? 3;
    return dates.map((date, i) => {
      const engine = valuesOf(byDay[i]!, paramsOf(i));
      const counts: CxCounts = { ...rest[i]!, handled: engine.handled, conversionRatePct: engine.conversionRatePct };
      return { date, values: cxValues(counts, lifespanYears), counts };
    });
  }

  /** Builds and stores a report (`report_runs`; a re-run replaces it). */
  async run(kind: ReportKind, siteId: string, date: string, scope: ReportScope, id = ''): Promise<{ id: number; report: Report; ms: number }> {
    const t0 = performance.now();
    const report = kind === 'daily' ? await this.daily(siteId, date, scope, id) : await this.weekly(siteId, date, scope, id);
    const ms = Math.round(performance.now() - t0);
    const runId = await this.repo.saveRun(siteId, { kind, scope, scopeId: id, period: report.period.from, ms, report });
    return { id: runId, report, ms };
  }

  private async build(kind: ReportKind, siteId: string, days: string[], scope: ReportScope, id: string): Promise<Report> {
    const site = await this.repo.site(siteId);
    if (!site) throw new ReportError('not_found', apiFail('unknown_site', { site: siteId }));
    if (scope !== 'site' && !id) throw new ReportError('invalid', apiFail('scope_id_required', { scope }));
    const cal = new SiteCalendar(site.timeZone, site.intervalMin);
    const dayStarts = days.map((d) => dayStartOf(cal, d));
    const from = dayStarts[0]!;
    const to = cal.nextDayStart(dayStarts[dayStarts.length - 1]!);
    const [queues, teams, agents, versions] = await Promise.all([this.repo.queues(siteId), this.repo.teams(siteId), this.repo.agents(siteId), this.repo.paramVersions(siteId)]);
    // The scope's parameters in force at a time: the total (and the parts) with those at the end of the
    // period, each point of the series with those at its start (buildReport).
    const paramsAt = (at: number) => paramsIn(versions, at, site, queues, scope === 'queue' ? id : undefined);
    const siteParams = paramsIn(versions, to - 1, site, queues);
    const queueParams = (qid: string) => paramsIn(versions, to - 1, site, queues, qid);
    const params = scope === 'queue' ? queueParams(id) : siteParams;
    const scopeId = scope === 'site' ? '' : id;
    const name =
      scope === 'site'
        ? site.name
        : scope === 'campaign'
          ? ((await this.repo.campaignName(siteId, id)) ?? id)
          : (scope === 'queue' ? queues : scope === 'team' ? teams : agents).find((x) => x.id === id)?.name;
    // A report of zeros for a misspelt line, team or agent would read as a quiet day (a campaign's calls
    // may come from a dialer the database does not list: named by its id).
    if (name === undefined) throw new ReportError('not_found', apiFail('unknown_scope_id', { scope, id }));

    // Site and team reports list their parts: read every scope's buckets of the period at once.
    const withParts = scope === 'site' || scope === 'team';
    const all = await this.repo.aggregates(siteId, site.intervalMin, from, to, withParts ? undefined : { scope, scopeId });
    const groups = new Map<string, AggregateRow[]>();
    for (const r of all) {
      const k = `${r.scope}\u0000${r.scopeId}`;
      let l = groups.get(k);
      if (!l) groups.set(k, (l = []));
      l.push(r);
    }
    // A campaign's agents: those who answered its calls (the engine's buckets name none, see withWorkedAgents).
    if (scope === 'campaign') groups.set(`campaign\u0000${id}`, await this.withCampaignAgents(site, cal, id, from, to, groups.get(`campaign\u0000${id}`) ?? []));
    const rowsOf = (s: string, i: string) => groups.get(`${s}\u0000${i}`) ?? [];
    const seen = (s: string) => [...groups.keys()].filter((k) => k.startsWith(`${s}\u0000`)).map((k) => k.slice(s.length + 1));
    const parts: BuildInput['parts'] = [];
    if (scope === 'site') {
      const qids = new Set([...queues.map((q) => q.id), ...seen('queue')]);
      for (const q of [...qids].sort()) if (rowsOf('queue', q).length) parts.push({ scope: 'queue', id: q, name: queues.find((x) => x.id === q)?.name ?? q, params: queueParams(q), rows: rowsOf('queue', q) });
      for (const t of teams) if (rowsOf('team', t.id).length) parts.push({ scope: 'team', id: t.id, name: t.name, params: siteParams, rows: rowsOf('team', t.id) });
    }
    if (withParts) {
      const members = scope === 'team' ? agents.filter((a) => a.teamId === id) : agents;
      for (const a of members) if (rowsOf('agent', a.id).length) parts.push({ scope: 'agent', id: a.id, name: a.name, params: siteParams, rows: rowsOf('agent', a.id) });
    }

    const [targets, forecast, baseline, wrapups, complaints] = await Promise.all([
      this.targetsWithDefaults(siteId, scope, scopeId, days[0]!, params),
      this.repo.forecast(siteId, scope, scopeId, days),
      this.baseline(site, cal, scope, scopeId, days, paramsAt),
      this.repo.wrapups(siteId, from, to, scope, scopeId, this.success),
      new ComplaintsService(this.repo.database, this.opts.now ? { now: this.opts.now } : {}).summary(siteId, from, to, scope === 'site' ? undefined : { scope, id }),
    ]);
    const paramsUsed: MetricParamsUsed = { ...params, intervalMin: site.intervalMin, timeZone: site.timeZone };
    const hhmm = (ms: number) => new Date(ms + cal.offsetMs(ms)).toISOString().slice(11, 16);
    return buildReport({
      kind,
      siteId,
      siteName: site.name,
      scope,
      id: scopeId,
      name,
      days,
      dayStarts,
      to,
      params,
      paramsAt,
      versionStarts: versions.map((v) => v.at),
      paramsUsed,
      rows: rowsOf(scope, scopeId),
      parts,
      targets,
      forecast,
      baseline,
      quality: wrapupQuality(wrapups, this.known, new Map(agents.map((a) => [a.id, a.name]))),
      complaints,
      label: hhmm,
      intervalMs: site.intervalMin * 60_000,
      generatedAt: this.opts.now?.() ?? Date.now(),
    });
  }

  /** Stored targets; without a service-level target, the site's own goal (`slTargetPct`). */
  private async targetsWithDefaults(siteId: string, scope: string, scopeId: string, day: string, params: MetricParams) {
    const t = await this.repo.targets(siteId, scope, scopeId, day);
    if (!t.some((x) => x.metric === 'serviceLevelPct') && scope !== 'agent') t.unshift({ metric: 'serviceLevelPct', kind: 'min', target: params.slTargetPct });
    return t;
  }

  /**
   * The buckets of a campaign in [from, to) with, as each interval's staffed agents, those who answered its
   * calls offered then (`withWorkedAgents`): the agents who worked the campaign.
   */
  private async withCampaignAgents(site: SiteInfo, cal: SiteCalendar, id: string, from: number, to: number, rows?: AggregateRow[]): Promise<AggregateRow[]> {
    const [own, worked] = await Promise.all([rows ?? this.repo.aggregates(site.id, site.intervalMin, from, to, { scope: 'campaign', scopeId: id }), this.repo.campaignAgents(site.id, id, from, to)]);
    return withWorkedAgents(own, worked.map((w) => ({ agentId: w.agentId, start: cal.intervalStart(w.offeredAt) })), id);
  }

  /**
   * The same weekdays of the previous weeks: mean offered, AHT and staffed agents per day with calls. Each
   * earlier period is derived with the metric parameters in force at its end (`paramsAt`), as its own report
   * was (metrics.md: versioned, never applied to history), not with this report's.
   */
  private async baseline(site: SiteInfo, cal: SiteCalendar, scope: string, scopeId: string, days: string[], paramsAt: (at: number) => MetricParams) {
    const weeks = this.opts.baselineWeeks ?? 4;
    if (weeks <= 0) return undefined;
    // The same period 1..N weeks before (a day: the same weekday; a week: the week), each as a whole;
    // periods without calls do not count. Only those days are read (a daily report reads 4 days, not 28).
    let n = 0;
    let offered = 0;
    let staffed = 0;
    const all: AggregateRow[] = [];
    // The end of the latest period with calls: the whole baseline's AHT is derived with the parameters then.
    let lastEnd = 0;
    for (let w = 1; w <= weeks; w++) {
      const f = dayStartOf(cal, addDays(days[0]!, -7 * w));
      const t = cal.nextDayStart(dayStartOf(cal, addDays(days[days.length - 1]!, -7 * w)));
      const rows = scope === 'campaign' ? await this.withCampaignAgents(site, cal, scopeId, f, t) : await this.repo.aggregates(site.id, site.intervalMin, f, t, { scope, scopeId });
      const v = valuesOf(rows, paramsAt(t - 1));
      // A team's or an agent's calls are those its agents answered (none are offered to it).
      if (!hasCalls(v)) continue;
      n++;
      offered += v.offered;
      staffed += v.staffedAgents;
      all.push(...rows);
      if (t > lastEnd) lastEnd = t;
    }
    if (n === 0) return undefined;
    // `offered` per day of the period (factorsOf multiplies by the days); staffed agents per period.
    return { offered: offered / n / days.length, ahtSec: valuesOf(all, paramsAt(lastEnd - 1)).ahtSec, staffedAgents: staffed / n, days: n };
  }
}

/**
 * The metric parameters of a line (or the site without `qid`) in force at `at` (metrics.md: versioned, never
 * applied silently to history): the stored version then in force (`versionAt`, as the hub picks it); without
 * any version, the configuration's.
 */
function paramsIn(versions: readonly ParamsVersionRow[], at: number, site: { params: Record<string, unknown> }, queues: readonly { id: string; params: Record<string, unknown> }[], qid?: string): MetricParams {
  const v = versionAt(versions, at);
  if (v) return parseParams(qid !== undefined ? (v.queues[qid] ?? v.site) : v.site);
  return parseParams(qid !== undefined ? { ...site.params, ...(queues.find((q) => q.id === qid)?.params ?? {}) } : site.params);
}

function parseParams(raw: Record<string, unknown>): MetricParams {
  const r = MetricParamsSchema.safeParse(raw);
  return r.success ? r.data : MetricParamsSchema.parse({});
}

/** i such that bounds[i] <= ms < bounds[i + 1] (-1 or bounds.length - 1 outside them). */
function dayIndex(bounds: readonly number[], ms: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid]! <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

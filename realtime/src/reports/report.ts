/**
 * Daily and weekly reports, pure: from the metric engine's interval buckets (`interval_aggregates`
 * rows) to figures with the engine's own `addCounters` + `deriveMetrics`, so a report shows the numbers
 * the live boards showed for the same day (one metric engine). Also: targets vs actual, the causes of
 * each miss (volume over forecast, handle time up, agents absent), and CRM data-entry quality per agent.
 * No I/O here; `ReportsService` reads the rows and calls `buildReport`.
 */
import { emptyCounters, everyStep, METRIC_FORMULAS, type ComplaintsSummary, type Counters, type MetricParams, type MetricParamsUsed, type MetricValues, type ReportFactor, type TargetCause } from '../contracts/index.ts';
import { addCounters, deriveMetrics, type Bucket } from '../core/metrics.ts';
import { sameParams } from '../core/state.ts';

export type ReportKind = 'daily' | 'weekly';
export type ReportScope = 'site' | 'queue' | 'team' | 'agent' | 'campaign';

/** One stored bucket: what `interval_aggregates` holds for a scope and report interval. */
export interface AggregateRow {
  scope: string;
  scopeId: string;
  /** Epoch ms. */
  start: number;
  counters: Partial<Counters>;
  staffed: readonly string[];
}

export interface TargetRow {
  metric: string;
  kind: 'min' | 'max';
  target: number;
}

export interface ForecastRow {
  offered?: number | null;
  ahtSec?: number | null;
  /** Agents scheduled. */
  agents?: number | null;
}

/** Handled calls of one agent by recorded disposition (`null`: nothing recorded). */
export interface WrapupCounts {
  agentId: string;
  disposition: string | null;
  /** Outbound success dispositions without a revenue figure. */
  missingRevenue: number;
  calls: number;
}

export interface TargetResult extends TargetRow {
  actual: number | null;
  met: boolean | null;
  /** Why it was missed, in English words, one line per cause (the `text` of each of `causeDetails`). */
  causes: string[];
  /**
   * The same causes as data, for wording them in any language: the factors that explain the miss, or
   * `noneFound` with the occupancy. Missing in reports stored before it existed.
   */
  causeDetails: TargetCause[];
}

/** What differed from expectations (volume, AHT, agents): the kind, its figures and the English sentence. */
export type Factor = ReportFactor;

export interface AgentQuality {
  agentId: string;
  name: string;
  handled: number;
  /** Calls with a disposition recorded. */
  complete: number;
  /** Complete, a known disposition, and revenue recorded for a sale. */
  valid: number;
  validPct: number | null;
}

export interface ReportLine {
  scope: ReportScope;
  id: string;
  name: string;
  values: MetricValues;
}

export interface Report {
  kind: ReportKind;
  siteId: string;
  siteName: string;
  scope: ReportScope;
  id: string;
  name: string;
  /** First and last site-local date of the period. */
  period: { from: string; to: string; days: string[] };
  /** Epoch ms [from, to). */
  from: number;
  to: number;
  params: MetricParamsUsed;
  /**
   * The versions of the scope's metric parameters that began inside the period and changed them, oldest
   * first, as `GET /api/v1/metrics` names them (`paramsChanged`): each applied from `at` (T and S to the
   * calls counted from then, the SL basis to the points of `series` starting from then). Absent when one
   * version applied to the whole period, and in reports stored before it existed.
   */
  paramsChanged?: { at: number; params: MetricParams }[];
  /** With `paramsChanged`: the parameters in force at the period's start (`params` are those at its end). */
  paramsAtStart?: MetricParams;
  total: MetricValues;
  /**
   * The figures that mean nothing for the scope (`notApplicable`): a team's or an agent's offered and
   * abandoned calls (calls belong to lines). Their values in `total` and `series` stay the engine's (0 or
   * null, as the live boards give them); readers leave them out rather than show a 0.
   */
  omitted: (keyof MetricValues)[];
  /** Report intervals (daily) or days (weekly), with data. */
  series: { start: number; label: string; values: MetricValues }[];
  /** The scope's parts: queues, teams and agents of a site; agents of a team. */
  breakdown: ReportLine[];
  targets: TargetResult[];
  /** What differed from the forecast (or, without one, the same weekdays of the 4 weeks before). */
  factors: Factor[];
  quality: AgentQuality[];
  /** The complaints of the period: opened, resolved within the SLA, root causes, backlog at the end. */
  complaints: ComplaintsSummary;
  formulas: Record<string, string>;
  generatedAt: number;
}

/** Sum of buckets, as the engine sums them (`addCounters`; staffed agents: the union). */
export function sumRows(rows: Iterable<AggregateRow>): Bucket {
  const b: Bucket = { c: emptyCounters(), staffed: new Set() };
  const c = emptyCounters();
  for (const r of rows) {
    Object.assign(c, emptyCounters(), r.counters);
    addCounters(b.c, c);
    for (const a of r.staffed) b.staffed.add(a);
  }
  return b;
}

/** Metric values of rows: the engine's `deriveMetrics` over their sum. */
export function valuesOf(rows: Iterable<AggregateRow>, params: MetricParams): MetricValues {
  return deriveMetrics(sumRows(rows), params);
}

/**
 * Calls are offered to a line and abandoned there (metrics.md: queue metrics; a call belongs to the line it
 * was offered to), and dialed by a campaign: the engine counts no such call for a team or an agent, whose
 * calls are those its agents answered (`answered`, `handled`, `asaSec`, `ahtSec`). Shown, these would read
 * as "no calls" (`offered` 0) or an unknown abandon rate.
 */
const LINE_CALLS: readonly (keyof MetricValues)[] = [
  'offered',
  'abandoned',
  'shortAbandoned',
  'abandonRatePct',
  'abandonRateRawPct',
  'avgAbandonWaitSec',
  'overflowed',
  'rejectedClosed',
  'attempts',
  'connectivityRatePct',
  'dropRatePct',
];

/**
 * The figures that mean nothing for a scope: for a team or an agent, the calls offered, abandoned and dialed
 * (`LINE_CALLS`), and the service level on the `offered` basis (no offered calls: it could never be
 * computed). A team's service level on the other bases is that of the calls its agents answered (the
 * abandons are the lines'), as the hub's boards give it.
 */
export function notApplicable(scope: string, slBasis: MetricParams['slBasis']): (keyof MetricValues)[] {
  if (scope !== 'team' && scope !== 'agent') return [];
  return slBasis === 'offered' ? [...LINE_CALLS, 'serviceLevelPct'] : [...LINE_CALLS];
}

/** Whether a period's figures have calls: offered to a line, or (a team, an agent) answered by its agents. */
export const hasCalls = (v: MetricValues): boolean => v.offered > 0 || v.answered > 0;

/**
 * The buckets of a campaign with the agents who worked it. Agents are not members of a campaign: the
 * buckets the record writer stores name the agents of its calls, older rows may name none (`staffedAgents`
 * 0, `volumePerAgent` null). Here each interval's are also the agents who answered its calls offered in
 * that interval (`worked`, by interval start, transfers included). An interval with such calls and no
 * bucket gets one with zero counts.
 */
export function withWorkedAgents(rows: readonly AggregateRow[], worked: readonly { agentId: string; start: number }[], scopeId: string): AggregateRow[] {
  const by = new Map<number, Set<string>>();
  for (const w of worked) {
    let set = by.get(w.start);
    if (!set) by.set(w.start, (set = new Set()));
    set.add(w.agentId);
  }
  const out = rows.map((r) => {
    const agents = by.get(r.start);
    by.delete(r.start);
    return agents ? { ...r, staffed: [...new Set([...r.staffed, ...agents])].sort() } : r;
  });
  for (const [start, agents] of by) out.push({ scope: 'campaign', scopeId, start, counters: {}, staffed: [...agents].sort() });
  return out;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const pctChange = (actual: number, expected: number) => (expected > 0 ? (100 * (actual - expected)) / expected : 0);

/** Metrics whose miss is explained by volume, handle time and staffing. */
const QUEUE_METRICS = new Set(['serviceLevelPct', 'abandonRatePct', 'abandonRateRawPct', 'asaSec', 'maxWaitSec', 'occupancyPct', 'volumePerAgent']);

export interface CauseInput {
  total: MetricValues;
  forecast?: ForecastRow | undefined;
  /** Mean of the same weekday over previous weeks (only days with calls), when there are any. */
  baseline?: { offered: number; ahtSec: number | null; staffedAgents: number; days: number } | undefined;
  /** Days in the period (a weekly forecast/baseline is per day: scaled). */
  days: number;
  /** A change smaller than this, in percent, is not a cause. @defaultValue 5 */
  thresholdPct?: number;
  /** Figures without meaning for the scope (`notApplicable`): without `offered`, volume is no factor. @defaultValue none */
  omitted?: readonly string[];
}

/** What differed from expectations: volume, AHT, agents (each against the forecast if any, else the baseline). */
export function factorsOf(x: CauseInput): Factor[] {
  const th = x.thresholdPct ?? 5;
  const out: Factor[] = [];
  const t = x.total;
  const f = x.forecast;
  const b = x.baseline;
  const expOffered = x.omitted?.includes('offered') ? undefined : f?.offered != null ? { v: f.offered * x.days, basis: 'forecast' as const } : b && b.days > 0 ? { v: b.offered * x.days, basis: 'baseline' as const } : undefined;
  if (expOffered && expOffered.v > 0) {
    const pct = pctChange(t.offered, expOffered.v);
    if (Math.abs(pct) >= th) {
      const word = expOffered.basis === 'forecast' ? 'forecast' : 'the usual (same weekday, previous weeks)';
      out.push({
        kind: 'volume',
        pct: round1(pct),
        actual: t.offered,
        expected: round1(expOffered.v),
        basis: expOffered.basis,
        text: `volume was ${Math.abs(round1(pct))}% ${pct > 0 ? 'over' : 'under'} ${word} (${t.offered} calls vs ${round1(expOffered.v)})`,
      });
    }
  }
  const expAht = f?.ahtSec != null ? { v: f.ahtSec, basis: 'forecast' as const } : b?.ahtSec != null ? { v: b.ahtSec, basis: 'baseline' as const } : undefined;
  if (expAht && t.ahtSec !== null) {
    const pct = pctChange(t.ahtSec, expAht.v);
    if (Math.abs(pct) >= th) {
      out.push({
        kind: 'aht',
        pct: round1(pct),
        actual: round1(t.ahtSec),
        expected: round1(expAht.v),
        basis: expAht.basis,
        text: `AHT ${pct > 0 ? 'rose' : 'fell'} ${Math.abs(round1(pct))}% (${round1(t.ahtSec)} s vs ${round1(expAht.v)} s ${expAht.basis === 'forecast' ? 'forecast' : 'usual'})`,
      });
    }
  }
  if (f?.agents != null) {
    const absent = f.agents - t.staffedAgents;
    if (absent > 0) {
      out.push({ kind: 'absent', actual: t.staffedAgents, expected: f.agents, basis: 'forecast', agents: absent, text: `${absent} agent${absent === 1 ? '' : 's'} absent (${t.staffedAgents} staffed of ${f.agents} scheduled)` });
    }
  } else if (b && b.days > 0 && b.staffedAgents > 0) {
    const fewer = Math.round(b.staffedAgents - t.staffedAgents);
    if (fewer > 0 && (100 * fewer) / b.staffedAgents >= th) {
      out.push({ kind: 'staffing', actual: t.staffedAgents, expected: round1(b.staffedAgents), basis: 'baseline', agents: fewer, text: `${fewer} agent${fewer === 1 ? '' : 's'} fewer than usual (${t.staffedAgents} staffed vs ${round1(b.staffedAgents)})` });
    }
  }
  return out;
}

/**
 * Targets vs actual; each miss carries the factors that explain it. A target on a figure the scope does
 * not have (`omitted`: a team's offered calls) is neither met nor missed.
 */
export function checkTargets(total: MetricValues, targets: readonly TargetRow[], factors: readonly Factor[], omitted: readonly string[] = []): TargetResult[] {
  return targets.map((t) => {
    const v = omitted.includes(t.metric) ? null : (total as unknown as Record<string, number | null>)[t.metric];
    const actual = typeof v === 'number' ? v : null;
    const met = actual === null ? null : t.kind === 'min' ? actual >= t.target : actual <= t.target;
    const details: TargetCause[] = [];
    if (met === false) {
      if (QUEUE_METRICS.has(t.metric)) {
        for (const f of factors) if (f.kind !== 'aht' || (f.pct ?? 0) > 0) details.push(f);
        if (details.length === 0 && total.occupancyPct !== null) {
          details.push({ kind: 'noneFound', occupancyPct: total.occupancyPct, text: `no volume, handle-time or staffing change found; occupancy was ${round1(total.occupancyPct)}%` });
        }
      } else if (t.metric === 'ahtSec') {
        for (const f of factors) if (f.kind === 'aht') details.push(f);
      }
    }
    return { ...t, actual, met, causes: details.map((c) => c.text), causeDetails: details };
  });
}

/** Known dispositions: the site's success dispositions plus these everyday ones. */
export const COMMON_DISPOSITIONS = ['resolved', 'unresolved', 'info', 'callback', 'escalated', 'complaint', 'no-need', 'completed', 'refused', 'wrong_number', 'no_sale', 'not_interested', 'rescheduled', 'cancelled', 'other'];

/**
 * CRM data-entry quality per agent: the share of handled calls with a complete, valid wrap-up
 * (a disposition recorded, one of the known codes, and a revenue figure on a sale).
 */
export function wrapupQuality(rows: readonly WrapupCounts[], known: ReadonlySet<string> | null, names: ReadonlyMap<string, string>): AgentQuality[] {
  const by = new Map<string, AgentQuality>();
  for (const r of rows) {
    let q = by.get(r.agentId);
    if (!q) by.set(r.agentId, (q = { agentId: r.agentId, name: names.get(r.agentId) ?? r.agentId, handled: 0, complete: 0, valid: 0, validPct: null }));
    q.handled += r.calls;
    if (r.disposition !== null && r.disposition.trim() !== '') {
      q.complete += r.calls;
      const ok = known === null ? /^[\p{L}\p{N}_-]{2,64}$/u.test(r.disposition) : known.has(r.disposition);
      if (ok) q.valid += r.calls - r.missingRevenue;
    }
  }
  const out = [...by.values()];
  for (const q of out) q.validPct = q.handled > 0 ? (100 * q.valid) / q.handled : null;
  return out.sort((a, b) => (a.validPct ?? 101) - (b.validPct ?? 101) || a.agentId.localeCompare(b.agentId));
}

export interface BuildInput {
  kind: ReportKind;
  siteId: string;
  siteName: string;
  scope: ReportScope;
  id: string;
  name: string;
  days: string[];
  /** Start of each day (epoch ms), and the end of the last. */
  dayStarts: number[];
  to: number;
  /** The scope's parameters for the total: those in force at the end of the period. */
  params: MetricParams;
  /**
   * The scope's parameters in force at a time (the stored version then in force): each point of the series
   * (an interval of a day, a day of a week) is derived with those at its start, as the hub's
   * `GET /api/v1/metrics` derives its series (`queryMetrics`), so a change in the middle of a day does not
   * rewrite its morning. @defaultValue `params` for every point
   */
  paramsAt?: (at: number) => MetricParams;
  /**
   * When the stored versions of the parameters began (epoch ms, oldest first): those inside the period that
   * changed the scope's parameters (`paramsAt`) are the report's `paramsChanged`. @defaultValue none
   */
  versionStarts?: readonly number[];
  paramsUsed: MetricParamsUsed;
  /** Rows of the scope in the period. */
  rows: readonly AggregateRow[];
  /** Rows of the scope's parts, with their names and parameters. */
  parts: { scope: ReportScope; id: string; name: string; params: MetricParams; rows: readonly AggregateRow[] }[];
  targets: readonly TargetRow[];
  forecast?: ForecastRow | undefined;
  baseline?: CauseInput['baseline'];
  quality: AgentQuality[];
  complaints: ComplaintsSummary;
  label: (start: number) => string;
  /**
   * Length of the daily report's intervals (ms). With it, the intervals between the first and the last with
   * data are all in the series, empty ones with zero counts, so a chart's axis keeps time (a quiet evening
   * is a gap, not the next bar). @defaultValue only intervals with data
   */
  intervalMs?: number;
  generatedAt: number;
}

/**
 * The versions that began inside [from, to) and changed the parameters `paramsAt` gives (a new version may
 * change another line's only), as the hub's `queryMetrics` names them: each with the parameters from then.
 */
export function paramsChangedIn(from: number, to: number, versionStarts: readonly number[], paramsAt: (at: number) => MetricParams): { at: number; params: MetricParams }[] {
  const out: { at: number; params: MetricParams }[] = [];
  let prev = paramsAt(from);
  for (const at of versionStarts) {
    if (at <= from || at >= to) continue;
    const p = paramsAt(at);
    if (!sameParams(p, prev)) out.push({ at, params: p });
    prev = p;
  }
  return out;
}

export function buildReport(x: BuildInput): Report {
  // The total with the version in force at the period's end; each point with the one in force at its start.
  const total = valuesOf(x.rows, x.params);
  const paramsAt = x.paramsAt ?? (() => x.params);
  const series: Report['series'] = [];
  if (x.kind === 'daily') {
    const byStart = new Map<number, AggregateRow[]>();
    for (const r of x.rows) {
      let l = byStart.get(r.start);
      if (!l) byStart.set(r.start, (l = []));
      l.push(r);
    }
    const starts = [...byStart.keys()].sort((a, b) => a - b);
    for (const start of x.intervalMs ? everyStep(starts, x.intervalMs) : starts) series.push({ start, label: x.label(start), values: valuesOf(byStart.get(start) ?? [], paramsAt(start)) });
  } else {
    for (let i = 0; i < x.dayStarts.length; i++) {
      const from = x.dayStarts[i]!;
      const to = x.dayStarts[i + 1] ?? x.to;
      const rs = x.rows.filter((r) => r.start >= from && r.start < to);
      series.push({ start: from, label: x.days[i]!, values: valuesOf(rs, paramsAt(from)) });
    }
  }
  const omitted = notApplicable(x.scope, x.params.slBasis);
  const factors = factorsOf({ total, forecast: x.forecast, baseline: x.baseline, days: x.days.length, omitted });
  const from = x.dayStarts[0]!;
  const changed = paramsChangedIn(from, x.to, x.versionStarts ?? [], paramsAt);
  return {
    kind: x.kind,
    siteId: x.siteId,
    siteName: x.siteName,
    scope: x.scope,
    id: x.id,
    name: x.name,
    period: { from: x.days[0]!, to: x.days[x.days.length - 1]!, days: x.days },
    from,
    to: x.to,
    params: x.paramsUsed,
    ...(changed.length > 0 ? { paramsChanged: changed, paramsAtStart: paramsAt(from) } : {}),
    total,
    omitted,
    series,
    breakdown: x.parts.map((p) => ({ scope: p.scope, id: p.id, name: p.name, values: valuesOf(p.rows, p.params) })),
    targets: checkTargets(total, x.targets, factors, omitted),
    factors,
    quality: x.quality,
    complaints: x.complaints,
    formulas: METRIC_FORMULAS,
    generatedAt: x.generatedAt,
  };
}

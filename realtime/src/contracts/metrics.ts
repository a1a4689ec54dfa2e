/**
 * Metric names and values, exactly as `shared/spec/metrics.md` names them. A value is `null` when its
 * denominator is zero (no calls yet), never NaN.
 */

/** Raw additive counters kept per scope and time bucket; every metric is derived from these. */
export interface Counters {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredWithinT: number;
  /** Sum of waits of answered calls, ms. */
  answeredWaitMs: number;
  /** Sum of waits of abandoned calls, ms. */
  abandonedWaitMs: number;
  maxWaitMs: number;
  /** Calls moved to another queue by overflow (not answered or abandoned here). */
  overflowed: number;
  /** Calls refused because the line was closed. */
  rejectedClosed: number;
  transferred: number;
  handled: number;
  /** Talk + hold + wrap-up of handled calls, ms. */
  handleMs: number;
  holdMs: number;
  missedOffers: number;
  /** Agent time, ms. */
  availableMs: number;
  busyMs: number;
  staffedMs: number;
  /** Minutes of the agents' schedules (any activity) that have passed, ms. */
  scheduledMs: number;
  /** Of those, the time the agent was in the scheduled activity (working, on break, at lunch...), ms. */
  adherentMs: number;
  /** Staffed time within the days the agent has a schedule for, ms (conformance's numerator). */
  scheduledStaffedMs: number;
  attempts: number;
  connected: number;
  /** Outbound connected calls abandoned before an agent answered. */
  dropped: number;
  outboundHandled: number;
  conversions: number;
  revenue: number;
  outcomes: number;
}

export const COUNTER_KEYS: readonly (keyof Counters)[] = [
  'offered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'answeredWithinT',
  'answeredWaitMs',
  'abandonedWaitMs',
  'maxWaitMs',
  'overflowed',
  'rejectedClosed',
  'transferred',
  'handled',
  'handleMs',
  'holdMs',
  'missedOffers',
  'availableMs',
  'busyMs',
  'staffedMs',
  'scheduledMs',
  'adherentMs',
  'scheduledStaffedMs',
  'attempts',
  'connected',
  'dropped',
  'outboundHandled',
  'conversions',
  'revenue',
  'outcomes',
];

export function emptyCounters(): Counters {
  return {
    offered: 0,
    answered: 0,
    abandoned: 0,
    shortAbandoned: 0,
    answeredWithinT: 0,
    answeredWaitMs: 0,
    abandonedWaitMs: 0,
    maxWaitMs: 0,
    overflowed: 0,
    rejectedClosed: 0,
    transferred: 0,
    handled: 0,
    handleMs: 0,
    holdMs: 0,
    missedOffers: 0,
    availableMs: 0,
    busyMs: 0,
    staffedMs: 0,
    scheduledMs: 0,
    adherentMs: 0,
    scheduledStaffedMs: 0,
    attempts: 0,
    connected: 0,
    dropped: 0,
    outboundHandled: 0,
    conversions: 0,
    revenue: 0,
    outcomes: 0,
  };
}

/** Metric values of `shared/spec/metrics.md` over one scope and window. */
export interface MetricValues {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredWithinT: number;
  overflowed: number;
  rejectedClosed: number;
  serviceLevelPct: number | null;
  abandonRatePct: number | null;
  abandonRateRawPct: number | null;
  asaSec: number | null;
  avgAbandonWaitSec: number | null;
  maxWaitSec: number;
  ahtSec: number | null;
  transferRatePct: number | null;
  handled: number;
  occupancyPct: number | null;
  utilizationPct: number | null;
  volumePerAgent: number | null;
  staffedAgents: number;
  missedOffers: number;
  /** 100 · minutes in the scheduled activity / scheduled minutes (null without a schedule). */
  adherencePct: number | null;
  /** 100 · staffed minutes / scheduled minutes, can exceed 100 (null without a schedule). */
  conformancePct: number | null;
  attempts: number;
  connectivityRatePct: number | null;
  dropRatePct: number | null;
  conversionRatePct: number | null;
  revenue: number;
}

/** Live snapshot figures (now, not a window). */
export interface LiveFigures {
  inQueue: number;
  longestWaitSec: number;
  /** Epoch ms the oldest waiting call entered the queue, so a board can keep the age ticking. */
  oldestWaitingSince: number | null;
  available: number;
  reserved: number;
  onCall: number;
  wrapup: number;
  break: number;
  /** Agents on break by the reason given (`break` for none): metrics.md's "`break` (by reason)". */
  breakReasons: Record<string, number>;
  /** Not-ready agents by reason (break included under `break`). */
  notReady: Record<string, number>;
  offline: number;
  staffed: number;
}

export type MetricScope = 'site' | 'queue' | 'team' | 'agent' | 'campaign';

/** The parameters a value was computed with, shown next to it ("explain this number"). */
export interface MetricParamsUsed {
  slThresholdSec: number;
  slTargetPct: number;
  shortAbandonSec: number;
  slBasis: 'spec' | 'answered' | 'offered';
  intervalMin: number;
  timeZone: string;
}

/**
 * A campaign's lead coverage (shared/spec/metrics.md: nothing may sit unprocessed unseen): every lead
 * is in exactly one part. Computed by the campaign workers, drawn by the console.
 */
export interface LeadCoverage {
  leadsPending: number;
  leadsRetryWaiting: number;
  leadsExhausted: number;
  leadsDone: number;
  /** Being dialed, or connected and not finished yet. */
  leadsInProgress: number;
  leadsDnc: number;
  leadsInvalid: number;
  leadsQuota: number;
  total: number;
}

/** Formulas as shown by "explain this number". */
/**
 * Every start from the first of `starts` (sorted) to the last, `step` ms apart: a series with its quiet
 * intervals, so a chart's axis keeps time (an evening without calls is a gap, not the next bar). Starts
 * that are not all on one grid of `step` come back as they are. The hub's series, the daily report's and
 * the wallboard's sum of several lines use it.
 */
export function everyStep(starts: readonly number[], step: number): number[] {
  const first = starts[0];
  const last = starts[starts.length - 1];
  if (first === undefined || last === undefined || !(step > 0) || starts.some((t) => (t - first) % step !== 0)) return [...starts];
  const out: number[] = [];
  for (let t = first; t <= last; t += step) out.push(t);
  return out;
}

export const METRIC_FORMULAS: Record<string, string> = {
  offered: 'calls offered to the queue',
  answered: 'offered calls answered by an agent',
  abandoned: 'offered calls that ended with call.abandoned',
  shortAbandoned: 'abandoned with wait < S (shortAbandonSec)',
  answeredWithinT: 'answered with wait <= T (slThresholdSec)',
  serviceLevelPct: '100 · answeredWithinT / (answered + abandoned − shortAbandoned)',
  abandonRatePct: '100 · (abandoned − shortAbandoned) / (offered − shortAbandoned)',
  abandonRateRawPct: '100 · abandoned / offered',
  asaSec: 'mean wait of answered calls',
  avgAbandonWaitSec: 'mean wait of abandoned calls',
  maxWaitSec: 'longest wait of any call offered in the window',
  ahtSec: 'mean of (talk + hold + wrap-up) over handled calls',
  transferRatePct: '100 · transferred / answered',
  handled: 'calls the agent answered and ended',
  occupancyPct: '100 · handle time / (handle time + available time)',
  utilizationPct: '100 · handle time / staffed time',
  volumePerAgent: 'handled / agents who were staffed in the window',
  missedOffers: 'offers that timed out or were declined',
  adherencePct: '100 · minutes in the scheduled activity / scheduled minutes',
  conformancePct: '100 · staffed minutes / scheduled minutes (can exceed 100)',
  attempts: 'call.dialed events',
  connectivityRatePct: '100 · dialed with result connected / attempts',
  dropRatePct: '100 · connected calls abandoned before an agent answered / connected calls',
  conversionRatePct: '100 · outcomes with a success disposition / connected calls handled',
  revenue: 'sum of revenue on outcomes',
  inQueue: 'calls waiting now',
  longestWaitSec: 'age of the oldest waiting call',
};

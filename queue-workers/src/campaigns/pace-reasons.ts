/**
 * Why the pacer does what it does, machine-readable: a code with its arguments, beside the English
 * sentence the API has always carried (`why`, `governor.reason`, `alerts`: kept for compatibility and
 * logs, and built here from the same code and arguments, so the two never disagree). The console words
 * the codes in the page's language (`console/src/lib/campaigns/text.ts`) and falls back to the English
 * sentence when a code is missing (a pace record written by an older worker).
 *
 * Dependency-free on purpose: the console imports these types (`console/src/lib/campaigns/api.ts`).
 */

/** A shared inbound queue under its service-level target, behind a governor back-off. */
export interface GovernorQueue {
  id: string;
  /** Service level of the last 30 minutes (%). */
  serviceLevelPct: number;
  targetPct: number;
  /** Calls waiting in the queue now. */
  waiting: number;
}

/**
 * The governor's state as a code:
 * - `notChecked`: not evaluated this cycle (the campaign is not dialing: paused, outside its window...);
 * - `atTarget`: every shared queue at its target (or none shared);
 * - `recovered`: the first cycle at target + 2 points after a back-off;
 * - `backingOff`: some shared queue under target; `factor` 0 paused (calls waiting), 0.5 half pace.
 */
export type GovernorCode = 'notChecked' | 'atTarget' | 'recovered' | 'backingOff';

/** Arguments of each `whyCode` (numbers raw, not rounded: the reader formats them). */
export interface PaceWhyArgs {
  /** Preview mode: agents dial the lead they see. */
  preview: Record<string, never>;
  /** Progressive: one dial per free agent not covered yet. */
  progressive: Record<string, never>;
  /** Predictive, still measuring the connect rate: progressive for the first `minAttempts` attempts. */
  measuring: { attempts: number; minAttempts: number };
  /** Predictive without a drop budget (drop rate near the cap, or past it): progressive. */
  /** `windowHours`: the rate is over the last N hours (0: the whole campaign). */
  dropNearCap: { dropRatePct: number; capPct: number; windowHours: number };
  /** Predictive dialing ahead: `dialsInFlight` for `agents` expected free, at `connectRatePct`. */
  predictive: { dialsInFlight: number; agents: number; connectRatePct: number };
  /** `planDials` with the governor at 0 (the pacer reports `backingOff` instead, with the queues). */
  governorStopped: Record<string, never>;
  /** The governor holds the pace back: the same `factor` and `queues` as `governor`. */
  backingOff: { factor: number; queues: GovernorQueue[] };
  /** The campaign is not running. */
  notRunning: { status: 'draft' | 'paused' | 'stopped' | 'completed' };
  /** The end date passed: the campaign completes. `endAt` epoch ms. */
  ended: { endAt: number };
  /** Before the start date. `startAt` epoch ms. */
  notStarted: { startAt: number };
  /** Every lead finished: the campaign completes. */
  allDone: Record<string, never>;
  /** The survey's total quota is reached: the campaign completes. */
  quotaReached: { quota: number | null };
  /** No lead's time zone is inside the call window (callee time). */
  outsideWindow: { start: string; end: string };
}
export type PaceWhyCode = keyof PaceWhyArgs;

/** Why, as a code with its arguments and the English sentence. */
export type PaceWhy = { [K in PaceWhyCode]: { why: string; whyCode: K; whyArgs: PaceWhyArgs[K] } }[PaceWhyCode];

/** Arguments of each alert code. */
export interface PaceAlertArgs {
  /** Survey: these segments' quotas are reached; their leads are no longer dialed. */
  segmentQuota: { segments: string[] };
  /** The leads left last about `minutesLeft` (rounded) at the dial rate of the last 15 minutes. */
  runningOut: { leadsLeft: number; minutesLeft: number };
}
export type PaceAlertCode = keyof PaceAlertArgs;
export type PaceAlert = { [K in PaceAlertCode]: { code: K; args: PaceAlertArgs[K] } }[PaceAlertCode];

// ------------------------------------------------------------------------- the English sentences

const pct0 = (n: number) => `${n.toFixed(0)}%`;

function backOffEn(factor: number, queues: readonly GovernorQueue[]): string {
  const parts = queues.map((q) => `${q.id}: SL ${pct0(q.serviceLevelPct)} < target ${q.targetPct}%${q.waiting > 0 ? `, ${q.waiting} waiting` : ''}`);
  return `backing off (${factor === 0 ? 'paused' : 'half pace'}): ${parts.join('; ')}`;
}

const WHY_EN: { [K in PaceWhyCode]: (a: PaceWhyArgs[K]) => string } = {
  preview: () => 'preview: agents dial',
  progressive: () => 'progressive: one dial per free agent',
  measuring: (a) => `predictive: measuring (progressive for the first ${a.minAttempts} attempts)`,
  dropNearCap: (a) =>
    `predictive: drop rate ${a.dropRatePct.toFixed(1)}% ${a.windowHours ? `in the last ${a.windowHours} h ` : ''}${a.dropRatePct > a.capPct ? 'over' : 'near'} the ${a.capPct}% cap, progressive`,
  predictive: (a) => `predictive: ${a.dialsInFlight.toFixed(0)} dials in flight for ${a.agents.toFixed(1)} agents at ${pct0(a.connectRatePct)} connect`,
  governorStopped: () => 'governor: inbound service level below target',
  backingOff: (a) => backOffEn(a.factor, a.queues),
  notRunning: (a) => `campaign ${a.status}`,
  ended: () => 'end date reached',
  notStarted: () => 'before the start date',
  allDone: () => 'every lead finished',
  quotaReached: () => 'survey quota reached',
  outsideWindow: (a) => `outside the call window (${a.start}-${a.end} callee time)`,
};

/** `{ why, whyCode, whyArgs }`: the code, its arguments and the English sentence. */
export function paceWhy<K extends PaceWhyCode>(whyCode: K, whyArgs: PaceWhyArgs[K]): PaceWhy {
  const en = WHY_EN[whyCode] as (a: PaceWhyArgs[K]) => string;
  return { why: en(whyArgs), whyCode, whyArgs } as PaceWhy;
}

/** The governor's English reason (`governor.reason`); empty when not checked. */
export function governorReasonEn(code: GovernorCode, factor: number, queues: readonly GovernorQueue[]): string {
  switch (code) {
    case 'notChecked':
      return '';
    case 'atTarget':
      return 'inbound service level at target';
    case 'recovered':
      return 'recovered: inbound service level back at target';
    case 'backingOff':
      return backOffEn(factor, queues);
  }
}

const ALERT_EN: { [K in PaceAlertCode]: (a: PaceAlertArgs[K]) => string } = {
  segmentQuota: (a) => `quota reached for ${a.segments.join(', ')}: those leads are no longer dialed`,
  runningOut: (a) => `running out of leads: ${a.leadsLeft} left, about ${a.minutesLeft} min at the current pace`,
};

/** An alert: its English sentence (`alerts`) and its code with arguments (`alertDetails`). */
export function paceAlert<K extends PaceAlertCode>(code: K, args: PaceAlertArgs[K]): { text: string; detail: PaceAlert } {
  const en = ALERT_EN[code] as (a: PaceAlertArgs[K]) => string;
  return { text: en(args), detail: { code, args } as PaceAlert };
}

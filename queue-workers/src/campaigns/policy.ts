/**
 * The campaign rules as pure functions (time arrives as data): call windows in the callee's time zone,
 * retry rules by result and disposition, the pacing plan of the three dialing modes with the drop-rate
 * cap, the inbound service-level governor and survey quotas. The workers call these; the tests drive
 * them directly and through the simulated carrier.
 */
import { SiteCalendar } from '../../../realtime/src/core/time.ts';
import type { CallWindow, CampaignSettings, DialResult, RetryDelay } from './model.ts';
import { governorReasonEn, paceWhy, type GovernorCode, type GovernorQueue, type PaceWhy } from './pace-reasons.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

const calendars = new Map<string, SiteCalendar>();
function calendar(tz: string): SiteCalendar {
  let c = calendars.get(tz);
  if (!c) {
    c = new SiteCalendar(tz, 15);
    calendars.set(tz, c);
  }
  return c;
}

/** True when `tz` is an IANA zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The instant of local clock time `ms` after midnight on the local day starting at `dayStart` (DST-safe). */
function atLocal(dayStart: number, ms: number, tz: string): number {
  const cal = calendar(tz);
  const t = dayStart + ms;
  return t - (cal.offsetMs(t) - cal.offsetMs(dayStart));
}

/** ISO weekday (1 Monday .. 7 Sunday) of the local day starting at `dayStart` in `tz`. */
function isoWeekday(dayStart: number, tz: string): number {
  const local = dayStart + calendar(tz).offsetMs(dayStart);
  const d = new Date(local).getUTCDay();
  return d === 0 ? 7 : d;
}

export interface WindowCheck {
  open: boolean;
  /** When the window is closed: the next opening (epoch ms). When open: when it closes. */
  next: number;
}

/**
 * Whether `now` is inside the call window in the callee's local time `tz`, and the next opening (or
 * closing). A window whose end is before its start (22:00-06:00) is not supported: use two campaigns.
 */
export function checkWindow(now: number, tz: string, w: CallWindow): WindowCheck {
  const cal = calendar(tz);
  const start = minutesOf(w.start) * MINUTE;
  const end = minutesOf(w.end) * MINUTE;
  let day = cal.dayStart(now);
  // Today: open now?
  if (w.days.includes(isoWeekday(day, tz))) {
    const open = atLocal(day, start, tz);
    const close = atLocal(day, end, tz);
    if (now >= open && now < close) return { open: true, next: close };
    if (now < open) return { open: false, next: open };
  }
  for (let i = 0; i < 8; i++) {
    day = cal.nextDayStart(day);
    if (w.days.includes(isoWeekday(day, tz))) return { open: false, next: atLocal(day, start, tz) };
  }
  return { open: false, next: now + DAY };
}

/** The next day's window opening in `tz` (a `next-day` retry). */
export function nextDayOpening(now: number, tz: string, w: CallWindow): number {
  const cal = calendar(tz);
  let day = cal.dayStart(now);
  for (let i = 0; i < 8; i++) {
    day = cal.nextDayStart(day);
    if (w.days.includes(isoWeekday(day, tz))) return atLocal(day, minutesOf(w.start) * MINUTE, tz);
  }
  return now + DAY;
}

export type NextStep =
  | { status: 'retry'; dueAt: number; reason: string }
  | { status: 'done'; success: boolean; reason: string }
  | { status: 'exhausted'; reason: string }
  | { status: 'invalid'; reason: string };

/**
 * What happens to a lead after an attempt: `key` is the network result (`busy`, `no_answer`,
 * `voicemail`, `failed`, `invalid`), `dropped`, or the agent's disposition on a connected call.
 * Retries need an attempt left (`attempts < maxAttempts`); a retry falls inside the call window.
 */
export function nextStep(
  key: string,
  ctx: { attempts: number; maxAttempts: number; now: number; tz: string; settings: Pick<CampaignSettings, 'retry' | 'successDispositions' | 'window'> },
): NextStep {
  if (key === 'invalid') return { status: 'invalid', reason: 'invalid number' };
  const s = ctx.settings;
  if (s.successDispositions.includes(key)) return { status: 'done', success: true, reason: key };
  const delay: RetryDelay | undefined = s.retry[key];
  const isResult = key === 'busy' || key === 'no_answer' || key === 'voicemail' || key === 'failed' || key === 'dropped';
  if (delay === undefined || delay === 'never') {
    // A network result without a rule retries in an hour; a disposition without one finishes the lead.
    if (!isResult || delay === 'never') return { status: 'done', success: false, reason: key };
  }
  if (ctx.attempts >= ctx.maxAttempts) return { status: 'exhausted', reason: `${key} after ${ctx.attempts} attempts` };
  let due = delay === 'next-day' ? nextDayOpening(ctx.now, ctx.tz, s.window) : ctx.now + (typeof delay === 'number' ? delay : 60) * MINUTE;
  const w = checkWindow(due, ctx.tz, s.window);
  if (!w.open) due = w.next;
  return { status: 'retry', dueAt: due, reason: key };
}

// --------------------------------------------------------------------------------------- pacing

export interface PacingInput {
  mode: 'preview' | 'progressive' | 'predictive';
  /** Agents of the campaign's queue available now. */
  freeAgents: number;
  /** Agents on a campaign call whose talk has lasted longer than the mean handle time minus the dial lead. */
  agentsFreeingSoon: number;
  /** Dials placed and not yet resolved. */
  inflight: number;
  /** Connected calls waiting for an agent. */
  waitingConnected: number;
  /** Over the drop-rate window (`windowHours`): attempts with a result (dials in flight are not counted). */
  attempts: number;
  connected: number;
  dropped: number;
  /** The window the counts are over, in hours (0: the whole campaign); the reasons say it. @defaultValue 0 */
  windowHours?: number;
  dropRateCapPct: number;
  maxDialRatio: number;
  /** Governor: 0 (stopped) .. 1 (full pace). */
  governor: number;
}

/** The plan of one cycle; `why` (English) with `whyCode` and `whyArgs` (`pace-reasons.ts`). */
export type PacingPlan = {
  dials: number;
  ratio: number;
  connectRate: number;
  dropRatePct: number;
} & PaceWhy;

/** Predictive dials progressively until this many attempts have a result (the connect rate is measured). */
export const MEASURE_ATTEMPTS = 30;

/**
 * How many new dials to place this cycle.
 * - preview: none (agents dial the lead they see).
 * - progressive: one dial per free agent not already covered by a dial in flight or a waiting call.
 * - predictive: dials ahead from the measured connect rate p (with a cautious prior until measured)
 *   and the agents about to finish (handle time): it keeps n dials in flight such that the connects
 *   they bring exceed the agents there to take them only with small probability
 *   (n·p + z·sqrt(n·p·(1-p)) <= agents, normal approximation of the binomial). The campaign's drop
 *   budget (3/4 of the cap as a share of the window's connected calls, minus its drops) decides how bold it may be: under one
 *   drop of budget it is progressive (which drops nothing), with a little z = 2.3, with 3 or more z = 1.3
 *   and a quarter of the budget as allowed surplus. So a drop can only happen while the budget covers it,
 *   and the drop rate over the window stays under the cap (the predictive test runs the simulator).
 */
export function planDials(p: PacingInput): PacingPlan {
  const dropRatePct = p.connected > 0 ? (100 * p.dropped) / p.connected : 0;
  // Prior: 1 connect in 3 attempts until measured (shrinkage toward it with 15 pseudo-attempts).
  const connectRate = Math.min(0.95, Math.max(0.05, (p.connected + 5) / (p.attempts + 15)));
  const base = { connectRate, dropRatePct };
  if (p.mode === 'preview') return { dials: 0, ratio: 0, ...base, ...paceWhy('preview', {}) };
  if (p.governor <= 0) return { dials: 0, ratio: 0, ...base, ...paceWhy('governorStopped', {}) };
  const progressive = Math.max(0, Math.floor((p.freeAgents - p.inflight - p.waitingConnected) * p.governor));
  if (p.mode === 'progressive') return { dials: progressive, ratio: 1, ...base, ...paceWhy('progressive', {}) };
  const cap = p.dropRateCapPct;
  // The budget aims at 3/4 of the cap: drops of dials already in flight land after the decision.
  const budget = ((0.75 * cap) / 100) * p.connected - p.dropped;
  // Dialing ahead may drop a call: only with a budget of at least one drop left under the cap.
  if (cap <= 0 || budget < 1 || p.attempts < MEASURE_ATTEMPTS) {
    return {
      dials: progressive,
      ratio: 1,
      ...base,
      ...(p.attempts < MEASURE_ATTEMPTS
        ? paceWhy('measuring', { attempts: p.attempts, minAttempts: MEASURE_ATTEMPTS })
        : paceWhy('dropNearCap', { dropRatePct, capPct: cap, windowHours: p.windowHours ?? 0 })),
    };
  }
  const q = connectRate;
  const z = budget >= 3 ? 1.3 : 2.3;
  const allowed = Math.max(0, budget) * 0.25;
  // Agents to take the connects: free now (minus callees already waiting), half of those about to finish.
  const capacity = (p.freeAgents - p.waitingConnected + 0.5 * p.agentsFreeingSoon) * p.governor + allowed;
  let n = 0;
  if (capacity > 0) {
    const b = z * Math.sqrt(q * (1 - q));
    const x = (-b + Math.sqrt(b * b + 4 * q * capacity)) / (2 * q);
    n = x * x;
  }
  const maxInflight = p.maxDialRatio * Math.max(0, p.freeAgents + p.agentsFreeingSoon);
  const dials = Math.max(progressive, Math.floor(Math.min(n, maxInflight) - p.inflight));
  const ratio = p.freeAgents > 0 ? (p.inflight + dials) / p.freeAgents : 0;
  return { dials, ratio, ...base, ...paceWhy('predictive', { dialsInFlight: p.inflight + dials, agents: capacity, connectRatePct: 100 * q }) };
}

// ------------------------------------------------------------------------------------- governor

export interface SharedQueueSL {
  id: string;
  serviceLevelPct: number | null;
  targetPct: number;
  /** Calls waiting now. */
  inQueue: number;
}

export interface GovernorState {
  /** 1 full pace, 0.5 halved, 0 stopped. */
  factor: number;
  backingOff: boolean;
  /** In English (logs, older consoles); `code` and `queues` say the same for the console to word. */
  reason: string;
  code: GovernorCode;
  /** The shared queues under target behind a back-off (empty otherwise). */
  queues: GovernorQueue[];
}

/** The governor's state when it was not evaluated this cycle (the campaign is not dialing). */
export const GOVERNOR_NOT_CHECKED: Readonly<GovernorState> = Object.freeze({ factor: 1, backingOff: false, reason: '', code: 'notChecked', queues: [] });

/**
 * The inbound governor: when a shared queue's service level (last 30 minutes) is under its target
 * (minus `marginPct`) and calls are waiting, outbound stops; while it is under the target with nobody
 * waiting, outbound runs at half pace; it resumes fully once every shared queue is back at its target.
 * Hysteresis: a queue that made us back off must reach target + 2 points to count as recovered.
 */
export function governor(queues: readonly SharedQueueSL[], prev: GovernorState | undefined, marginPct = 0): GovernorState {
  let factor = 1;
  const under: GovernorQueue[] = [];
  for (const q of queues) {
    if (q.serviceLevelPct === null) continue;
    const threshold = prev?.backingOff ? q.targetPct + 2 : q.targetPct - marginPct;
    if (q.serviceLevelPct < threshold) {
      const f = q.inQueue > 0 ? 0 : 0.5;
      factor = Math.min(factor, f);
      under.push({ id: q.id, serviceLevelPct: q.serviceLevelPct, targetPct: q.targetPct, waiting: q.inQueue });
    }
  }
  const state = (code: GovernorCode, f: number, qs: GovernorQueue[]): GovernorState => ({ factor: f, backingOff: code === 'backingOff', reason: governorReasonEn(code, f, qs), code, queues: qs });
  if (factor >= 1) return state(prev?.backingOff ? 'recovered' : 'atTarget', 1, []);
  return state('backingOff', factor, under);
}

// ---------------------------------------------------------------------------------------- quotas

/** Segments whose quota is reached, and whether the whole campaign's is. */
export function quotaState(
  quota: CampaignSettings['quota'],
  completed: { total: number; bySegment: Record<string, number> },
): { totalReached: boolean; fullSegments: string[] } {
  const totalReached = quota.total !== undefined && completed.total >= quota.total;
  const fullSegments = Object.entries(quota.perSegment)
    .filter(([seg, n]) => (completed.bySegment[seg] ?? 0) >= n)
    .map(([seg]) => seg);
  return { totalReached, fullSegments };
}

/** Which retry rule key a dial result maps to (connected calls wait for their disposition). */
export function resultKey(r: DialResult): string {
  return r;
}

/**
 * The campaign rules as pure functions (time arrives as data): call windows in the callee's time zone,
 * retry rules by result and disposition, the pacing plan of the three dialing modes with the drop-rate
 * cap, the inbound service-level governor and survey quotas. The workers call these; the tests drive
 * them directly and through the simulated carrier.
 */
import { SiteCalendar } from '../../../realtime/src/core/time.ts';
import type { CallWindow, CampaignSettings, DialResult, RetryDelay } from './model.ts';

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
    const open = day + start;
    const close = day + end;
    if (now >= open && now < close) return { open: true, next: close };
    if (now < open) return { open: false, next: open };
  }
  for (let i = 0; i < 8; i++) {
    day = cal.nextDayStart(day);
    if (w.days.includes(isoWeekday(day, tz))) return { open: false, next: day + start };
  }
  return { open: false, next: now + DAY };
}

/** The next day's window opening in `tz` (a `next-day` retry). */
export function nextDayOpening(now: number, tz: string, w: CallWindow): number {
  const cal = calendar(tz);
  let day = cal.dayStart(now);
  for (let i = 0; i < 8; i++) {
    day = cal.nextDayStart(day);
    if (w.days.includes(isoWeekday(day, tz))) return day + minutesOf(w.start) * MINUTE;
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
  /** Over the campaign window. */
  attempts: number;
  connected: number;
  dropped: number;
  dropRateCapPct: number;
  maxDialRatio: number;
  /** Governor: 0 (stopped) .. 1 (full pace). */
  governor: number;
}

export interface PacingPlan {
  dials: number;
  ratio: number;
  connectRate: number;
  dropRatePct: number;
  why: string;
}

/**
 * How many new dials to place this cycle.
 * - preview: none (agents dial the lead they see).
 * - progressive: one dial per free agent not already covered by a dial in flight or a waiting call.
 * - predictive: dials ahead by 1 / connect rate (measured, with a cautious prior until 50 attempts),
 *   counting agents about to finish; the ratio shrinks as the measured drop rate nears the cap and falls
 *   back to progressive at 80% of it, so the campaign's drop rate stays under the cap. Also bounded so
 *   the expected connects of this cycle cannot drop more calls than the cap still allows.
 */
export function planDials(p: PacingInput): PacingPlan {
  const dropRatePct = p.connected > 0 ? (100 * p.dropped) / p.connected : 0;
  // Prior: 1 connect in 2 attempts until measured (Beta(5,5)-like shrinkage).
  const connectRate = Math.max(0.05, (p.connected + 5) / (p.attempts + 10));
  const base = { connectRate, dropRatePct };
  if (p.mode === 'preview') return { dials: 0, ratio: 0, ...base, why: 'preview: agents dial' };
  if (p.governor <= 0) return { dials: 0, ratio: 0, ...base, why: 'governor: inbound service level below target' };
  const progressive = Math.max(0, p.freeAgents - p.inflight - p.waitingConnected);
  if (p.mode === 'progressive') {
    const d = Math.floor(progressive * p.governor);
    return { dials: d, ratio: 1, ...base, why: 'progressive: one dial per free agent' };
  }
  const cap = p.dropRateCapPct;
  if (cap <= 0 || dropRatePct >= 0.8 * cap || p.attempts < 20) {
    const d = Math.floor(progressive * p.governor);
    return { dials: d, ratio: 1, ...base, why: p.attempts < 20 ? 'predictive: measuring (progressive until 20 attempts)' : `predictive: drop rate ${dropRatePct.toFixed(1)}% near the cap, progressive` };
  }
  // Headroom: how much of the cap is left shrinks the dial-ahead.
  const headroom = 1 - dropRatePct / (0.8 * cap);
  const ratio = Math.min(p.maxDialRatio, 1 + (1 / connectRate - 1) * headroom);
  const capacity = p.freeAgents + 0.5 * p.agentsFreeingSoon - p.waitingConnected;
  const expectedConnects = p.inflight * connectRate;
  let dials = Math.floor(Math.max(0, capacity - expectedConnects) * ratio * p.governor);
  // Drops allowed before the cap: cap% of (connected + connects to come) minus drops so far.
  const allowed = (cap / 100) * (p.connected + (dials + p.inflight) * connectRate) - p.dropped;
  const surplus = (dials + p.inflight) * connectRate - Math.max(0, capacity);
  if (surplus > allowed && dials > 0) {
    dials = Math.max(0, Math.floor((Math.max(0, capacity) + Math.max(0, allowed)) / connectRate - p.inflight));
    dials = Math.min(dials, Math.floor(Math.max(0, p.freeAgents - p.inflight - p.waitingConnected) * ratio));
  }
  return { dials, ratio, ...base, why: `predictive: ratio ${ratio.toFixed(2)} from connect rate ${(100 * connectRate).toFixed(0)}%` };
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
  reason: string;
}

/**
 * The inbound governor: when a shared queue's service level (last 30 minutes) is under its target
 * (minus `marginPct`) and calls are waiting, outbound stops; while it is under the target with nobody
 * waiting, outbound runs at half pace; it resumes fully once every shared queue is back at its target.
 * Hysteresis: a queue that made us back off must reach target + 2 points to count as recovered.
 */
export function governor(queues: readonly SharedQueueSL[], prev: GovernorState | undefined, marginPct = 0): GovernorState {
  let factor = 1;
  const reasons: string[] = [];
  for (const q of queues) {
    if (q.serviceLevelPct === null) continue;
    const threshold = prev?.backingOff ? q.targetPct + 2 : q.targetPct - marginPct;
    if (q.serviceLevelPct < threshold) {
      const f = q.inQueue > 0 ? 0 : 0.5;
      factor = Math.min(factor, f);
      reasons.push(`${q.id}: SL ${q.serviceLevelPct.toFixed(0)}% < target ${q.targetPct}%${q.inQueue > 0 ? `, ${q.inQueue} waiting` : ''}`);
    }
  }
  if (factor >= 1) return { factor: 1, backingOff: false, reason: prev?.backingOff ? 'recovered: inbound service level back at target' : 'inbound service level at target' };
  return { factor, backingOff: true, reason: `backing off (${factor === 0 ? 'paused' : 'half pace'}): ${reasons.join('; ')}` };
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

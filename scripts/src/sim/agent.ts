/**
 * Simulated agent behaviour, independent of how it reaches the phone system. A `SimAgent` reacts
 * to offers and connected calls and follows its shift (login, breaks, lunch, logout); everything it
 * does goes through an `AgentPort`. The file mode plugs in the in-process ACD, the hub mode plugs in
 * Socket.IO commands, so the same behaviour drives both.
 */
import type { AgentConfig } from '../../../realtime/src/contracts/index.ts';
import type { AgentBehaviour, QueueModel, ResolvedSimOptions } from './model.ts';
import { HOTLINE_CLOSE_MIN, HOTLINE_OPEN_MIN } from './model.ts';
import type { Rng } from './random.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';
import { localParts, localToUtc, TIME } from './time.ts';

/** What the agent records at wrap-up. */
export interface Outcome {
  disposition: string;
  notes?: string;
  revenue?: number;
  surveyScore?: number;
}

/** A not-ready state the agent goes to (break, lunch, coaching...). */
export interface AwayState {
  state: string;
  reason?: string;
}

/** What an agent does after wrap-up instead of becoming available. */
export type AfterWrapup = AwayState | 'logout' | undefined;

/**
 * The agent's hands on the phone system. Calls are fire-and-forget; results come back through
 * `SimAgent.connected` (after `accept`) and `SimAgent.offerGone`.
 */
export interface AgentPort {
  /** Sign in to `queues` and become available. */
  login(agentId: string, queues: readonly string[]): void;
  /** `available`, or a not-ready state. */
  setState(agentId: string, state: string, reason?: string): void;
  accept(agentId: string, callId: string): void;
  decline(agentId: string, callId: string): void;
  hold(agentId: string, callId: string, on: boolean): void;
  end(agentId: string, callId: string, by: 'caller' | 'agent'): void;
  /** Record the outcome; then become available, or go to `next`. */
  finishWrapup(agentId: string, callId: string, outcome: Outcome, next: AfterWrapup): void;
  /**
   * Ask, during a call, for the state to take once it is over (the desk's "break after this call"), so
   * the boards show it coming. Optional: `finishWrapup` sets the state anyway.
   */
  afterCall?(agentId: string, state: string, reason?: string): void;
  logout(agentId: string): void;
}

/** A planned absence within a shift. */
export interface Activity extends AwayState {
  at: number;
  durationMs: number;
}

export interface ShiftPlan {
  login: number;
  logout: number;
  activities: Activity[];
}

/** Queue facts the agent needs: the wrap-up limit and the traffic model (talk times, dispositions). */
export interface QueueFacts {
  wrapupSec: number;
  model: QueueModel;
}

type LocalState = 'offline' | 'idle' | 'ringing' | 'talking' | 'wrapup' | 'away';

export interface SimAgentStats {
  offers: number;
  accepted: number;
  declined: number;
  missed: number;
  handled: number;
}

/** The behaviour of one agent. Time comes only from the scheduler. */
export class SimAgent {
  readonly id: string;
  readonly name: string;
  readonly teamId: string | undefined;
  readonly queues: readonly string[];
  private state: LocalState = 'offline';
  private callId: string | undefined;
  private callQueue: string | undefined;
  private timer: TimerHandle | undefined;
  private pending: Array<Activity | 'logout'> = [];
  private missedInRow = 0;
  readonly stats: SimAgentStats = { offers: 0, accepted: 0, declined: 0, missed: 0, handled: 0 };

  constructor(
    config: AgentConfig,
    private readonly scheduler: Scheduler,
    private readonly port: AgentPort,
    private readonly rng: Rng,
    private readonly behaviour: AgentBehaviour,
    private readonly facts: (queueId: string) => QueueFacts,
    private readonly maxMissedOffers: number,
  ) {
    this.id = config.id;
    this.name = config.name;
    this.teamId = config.teamId;
    this.queues = config.queues;
  }

  get localState(): LocalState {
    return this.state;
  }
  get currentCall(): string | undefined {
    return this.callId;
  }

  /** Schedules the shifts: login, activities, logout. */
  plan(shifts: readonly ShiftPlan[]): void {
    for (const s of shifts) {
      this.scheduler.at(s.login, () => this.startShift());
      for (const a of s.activities) this.scheduler.at(a.at, () => this.due(a));
      if (Number.isFinite(s.logout)) this.scheduler.at(s.logout, () => this.due('logout'));
    }
  }

  startShift(): void {
    if (this.state !== 'offline') return;
    this.state = 'idle';
    this.missedInRow = 0;
    this.pending = [];
    this.port.login(this.id, this.queues);
  }

  /** An activity or the end of the shift is due: now if idle, else when the current work is done. */
  private due(a: Activity | 'logout'): void {
    if (this.state === 'offline') return;
    if (a === 'logout') {
      if (this.state === 'idle' || this.state === 'away') return this.leave();
      this.pending.push('logout');
      return;
    }
    if (this.state === 'idle') return this.goAway(a, a.durationMs);
    // On a call, say so on the desk: the first thing waiting is what comes after the call.
    if (this.state === 'talking' && this.pending.length === 0) this.port.afterCall?.(this.id, a.state, a.reason);
    // Busy or already away: do it afterwards, shortened by the delay (a late lunch ends on time).
    this.pending.push(a);
  }

  private leave(): void {
    this.scheduler.cancel(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.state = 'offline';
    this.port.logout(this.id);
  }

  private goAway(a: AwayState, durationMs: number): void {
    this.state = 'away';
    this.port.setState(this.id, a.state, a.reason);
    this.timer = this.scheduler.after(durationMs, () => this.comeBack());
  }

  private comeBack(): void {
    this.timer = undefined;
    if (this.state !== 'away') return;
    const next = this.nextPending();
    if (next === 'logout') return this.leave();
    if (next) {
      this.state = 'away';
      this.port.setState(this.id, next.state, next.reason);
      this.timer = this.scheduler.after(next.durationMs, () => this.comeBack());
      return;
    }
    this.state = 'idle';
    this.port.setState(this.id, 'available');
  }

  /** The next pending thing to do, with activities shortened to what is left of them. */
  private nextPending(): (Activity & { durationMs: number }) | 'logout' | undefined {
    const now = this.scheduler.now();
    while (this.pending.length > 0) {
      if (this.pending.includes('logout')) {
        this.pending = [];
        return 'logout';
      }
      const a = this.pending.shift() as Activity;
      const left = a.at + a.durationMs - now;
      // Take at least a third of a break that was delayed by a long call.
      const durationMs = Math.max(left, a.durationMs / 3);
      if (durationMs > 0) return { ...a, durationMs };
    }
    return undefined;
  }

  private becomeIdle(): void {
    this.state = 'idle';
    this.callId = undefined;
    this.callQueue = undefined;
    const next = this.nextPending();
    if (next === 'logout') return this.leave();
    if (next) this.goAway(next, next.durationMs);
  }

  /** An offer rings on this agent's desk. */
  offer(callId: string, queue: string): void {
    if (this.state !== 'idle') {
      // Can happen in hub mode when a break and an offer cross; a real agent would press decline.
      this.port.decline(this.id, callId);
      return;
    }
    this.stats.offers++;
    this.state = 'ringing';
    this.callId = callId;
    this.callQueue = queue;
    const b = this.behaviour;
    const r = this.rng.next();
    const delay = this.rng.uniform(b.acceptDelaySec[0], b.acceptDelaySec[1]) * TIME.SECOND;
    if (r < b.missProbability) {
      // Lets it ring out; the phone system takes it back (offerGone 'timeout').
      return;
    }
    if (r < b.missProbability + b.declineProbability) {
      this.timer = this.scheduler.after(delay, () => {
        this.timer = undefined;
        if (this.state !== 'ringing' || this.callId !== callId) return;
        this.stats.declined++;
        this.becomeIdle();
        this.port.decline(this.id, callId);
      });
      return;
    }
    this.timer = this.scheduler.after(delay, () => {
      this.timer = undefined;
      if (this.state !== 'ringing' || this.callId !== callId) return;
      this.port.accept(this.id, callId);
    });
  }

  /**
   * The offer is gone without a connection: `timeout` (rang out), `abandoned` (the caller hung up),
   * or anything else the hub says (`answered-elsewhere`, a refused accept...).
   */
  offerGone(callId: string, reason: string): void {
    if (this.state !== 'ringing' || this.callId !== callId) return;
    this.scheduler.cancel(this.timer);
    this.timer = undefined;
    if (reason === 'timeout') {
      this.stats.missed++;
      this.missedInRow++;
      if (this.missedInRow >= this.maxMissedOffers) {
        // The phone system pauses an agent who misses offers in a row; the agent notices and comes back.
        this.missedInRow = 0;
        this.state = 'away';
        this.callId = undefined;
        const [lo, hi] = this.behaviour.missedComebackSec;
        this.timer = this.scheduler.after(this.rng.uniform(lo, hi) * TIME.SECOND, () => this.comeBack());
        return;
      }
    }
    this.becomeIdle();
  }

  /** The call is connected to this agent: talk (maybe with a hold), end it, wrap up. */
  connected(callId: string, queue?: string): void {
    if (this.state !== 'ringing' || this.callId !== callId) return;
    this.scheduler.cancel(this.timer);
    this.state = 'talking';
    this.stats.accepted++;
    this.missedInRow = 0;
    const q = queue ?? this.callQueue ?? '';
    this.callQueue = q;
    const { model } = this.facts(q);
    const talkMs = Math.max(5, this.rng.lognormal(model.talkMedianSec, model.talkSigma)) * TIME.SECOND;
    let holdMs = 0;
    if (this.rng.chance(model.holdProbability)) {
      holdMs = Math.max(5, this.rng.lognormal(model.holdMedianSec, 0.5)) * TIME.SECOND;
      const holdAt = talkMs * this.rng.uniform(0.2, 0.7);
      this.timer = this.scheduler.after(holdAt, () => {
        if (this.callId !== callId || this.state !== 'talking') return;
        this.port.hold(this.id, callId, true);
        this.timer = this.scheduler.after(holdMs, () => {
          if (this.callId !== callId || this.state !== 'talking') return;
          this.port.hold(this.id, callId, false);
          this.timer = this.scheduler.after(talkMs - holdAt, () => this.hangUp(callId));
        });
      });
    } else {
      this.timer = this.scheduler.after(talkMs, () => this.hangUp(callId));
    }
  }

  private hangUp(callId: string): void {
    if (this.callId !== callId || this.state !== 'talking') return;
    const q = this.callQueue ?? '';
    const facts = this.facts(q);
    this.state = 'wrapup';
    this.port.end(this.id, callId, this.rng.chance(this.behaviour.callerHangsUpProbability) ? 'caller' : 'agent');
    const [lo, hi] = facts.model.wrapupFraction;
    const wrapMs = facts.wrapupSec * this.rng.uniform(lo, hi) * TIME.SECOND;
    const outcome = this.drawOutcome(facts.model);
    this.timer = this.scheduler.after(wrapMs, () => {
      this.timer = undefined;
      if (this.callId !== callId || this.state !== 'wrapup') return;
      this.stats.handled++;
      // Decide before telling the phone system, so an offer that arrives at once finds the right state.
      this.state = 'idle';
      this.callId = undefined;
      this.callQueue = undefined;
      const next = this.nextPending();
      if (next === 'logout') {
        this.state = 'offline';
        this.pending = [];
        this.port.finishWrapup(this.id, callId, outcome, 'logout');
      } else if (next) {
        this.state = 'away';
        this.port.finishWrapup(this.id, callId, outcome, { state: next.state, ...(next.reason ? { reason: next.reason } : {}) });
        this.timer = this.scheduler.after(next.durationMs, () => this.comeBack());
      } else {
        this.port.finishWrapup(this.id, callId, outcome, undefined);
      }
    });
  }

  private drawOutcome(model: QueueModel): Outcome {
    const d = this.rng.weighted(model.dispositions, (x) => x.weight);
    const out: Outcome = { disposition: d.name };
    if (d.notes && d.notes.length > 0) {
      const noted = this.rng.chance(0.7);
      // A complaint is always written up: the form asks for its category, severity and what happened.
      if (noted || d.name === 'complaint') out.notes = this.rng.pick(d.notes);
    }
    if (d.revenue && this.rng.chance(d.revenue.probability)) {
      out.revenue = Math.round(this.rng.uniform(d.revenue.min, d.revenue.max) / 10_000) * 10_000;
    }
    if (d.surveyScore) out.surveyScore = this.rng.weighted(d.surveyScore, ([, w]) => w)[0];
    return out;
  }
}

// ------------------------------------------------------------------------------------ shift plans

/** The hotline's shift patterns (local minutes of day), 8.5 h each with 1.25 h of breaks and lunch. */
export const SHIFTS = [
  { from: 7 * 60, to: 15 * 60 + 30 },
  { from: 8 * 60, to: 16 * 60 + 30 },
  { from: 10 * 60, to: 18 * 60 + 30 },
  { from: 12 * 60 + 30, to: 21 * 60 },
] as const;

/** Shift pattern of the k-th agent of a team: 30% 07:00, 20% 08:00, 20% 10:00, 30% 12:30. */
export function shiftIndex(k: number): number {
  const m = k % 10;
  return m < 3 ? 0 : m < 5 ? 1 : m < 7 ? 2 : 3;
}

function breaksFor(shiftStart: number, shiftEnd: number, k: number, rng: Rng, notReady: readonly string[]): Activity[] {
  const out: Activity[] = [];
  // Only states the site knows (the hub refuses others): lunch falls back to a break with reason lunch.
  const lunchState = notReady.includes('lunch') ? 'lunch' : 'break';
  const sessions = ['coaching', 'meeting', 'training'].filter((r) => notReady.includes(r));
  const jitter = (min: number): number => rng.uniform(-min, min) * TIME.MINUTE;
  const len = shiftEnd - shiftStart;
  const hours = len / TIME.HOUR;
  if (hours >= 2.5) out.push({ at: shiftStart + 2 * TIME.HOUR + jitter(15), durationMs: 15 * TIME.MINUTE, state: 'break', reason: 'short-break' });
  if (hours >= 5.5) {
    out.push({
      at: shiftStart + 4 * TIME.HOUR + (k % 3) * 20 * TIME.MINUTE + jitter(5),
      durationMs: 45 * TIME.MINUTE,
      state: lunchState,
      reason: 'lunch',
    });
  }
  if (hours >= 7.5) out.push({ at: shiftStart + 6.5 * TIME.HOUR + jitter(15), durationMs: 15 * TIME.MINUTE, state: 'break', reason: 'short-break' });
  if (hours >= 3 && rng.chance(0.2) && sessions.length > 0) {
    const reason = rng.pick(sessions);
    out.push({
      at: shiftStart + rng.uniform(1, Math.max(1.5, hours - 1)) * TIME.HOUR,
      durationMs: rng.uniform(20, 30) * TIME.MINUTE,
      state: reason,
      reason,
    });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The agent's shifts within the run. Hotline profile: each local day, the agent's shift pattern
 * (by its index in its team), clipped to the run (an agent whose shift already started logs in at
 * the start); the last shift of the run may run into the drain period. Flat profile: one shift
 * for the whole run. Logins are spread over the first minutes so they do not all happen at once.
 */
export function planShifts(opts: ResolvedSimOptions, k: number, rng: Rng): ShiftPlan[] {
  const endAll = opts.end + opts.drainMs;
  const withBreaks = (login: number, logout: number, nominalStart: number, nominalEnd: number): ShiftPlan => {
    const acts = opts.behaviour.breaks ? breaksFor(nominalStart, nominalEnd, k, rng, opts.site.notReadyReasons) : [];
    return {
      login,
      logout,
      activities: acts.filter((a) => a.at >= login && a.at + TIME.MINUTE < logout && a.at < opts.end),
    };
  };
  if (opts.profile === 'flat') {
    const login = opts.start + rng.uniform(0, 60) * TIME.SECOND;
    if (!Number.isFinite(opts.end)) {
      const horizon = opts.start + 14 * TIME.DAY;
      const plan = withBreaks(login, horizon, opts.start, horizon);
      // Unlimited runs: a break every ~2 h and lunch every ~8 h, for two weeks ahead.
      plan.activities = [];
      for (let t = opts.start + 2 * TIME.HOUR, i = 1; t < horizon; t += 2 * TIME.HOUR, i++) {
        plan.activities.push(
          i % 4 === 2
            ? {
                at: t + (k % 3) * 20 * TIME.MINUTE,
                durationMs: 45 * TIME.MINUTE,
                state: opts.site.notReadyReasons.includes('lunch') ? 'lunch' : 'break',
                reason: 'lunch',
              }
            : { at: t + rng.uniform(-15, 15) * TIME.MINUTE, durationMs: 15 * TIME.MINUTE, state: 'break', reason: 'short-break' },
        );
      }
      if (!opts.behaviour.breaks) plan.activities = [];
      plan.logout = Number.POSITIVE_INFINITY;
      return [plan];
    }
    return [withBreaks(login, endAll, opts.start, Math.max(endAll, opts.start + 8 * TIME.HOUR))];
  }
  const shift = SHIFTS[shiftIndex(k)]!;
  const out: ShiftPlan[] = [];
  const horizon = Number.isFinite(endAll) ? endAll : opts.start + 14 * TIME.DAY;
  // Walk local days from the day before the start (a late shift may still be on) to the end.
  const first = localParts(opts.timeZone, opts.start - TIME.DAY);
  for (let i = 0; ; i++) {
    const day = localToUtc(opts.timeZone, first.y, first.month, first.d + i).utc;
    if (day > horizon) break;
    const at = (min: number): number => day + min * TIME.MINUTE;
    const nominalStart = at(shift.from) + rng.uniform(-10, 3) * TIME.MINUTE;
    const nominalEnd = at(shift.to) + rng.uniform(0, 10) * TIME.MINUTE;
    const login = Math.max(nominalStart, opts.start + rng.uniform(0, 60) * TIME.SECOND);
    const logout = Math.min(nominalEnd, horizon);
    if (login >= logout || logout <= opts.start) continue;
    if (nominalStart >= opts.end) continue;
    out.push(withBreaks(login, logout, nominalStart, nominalEnd));
  }
  return out;
}

/** True when the hotline profile is open at `t` (07:00-21:00 local). */
export function hotlineOpen(opts: ResolvedSimOptions, t: number): boolean {
  if (opts.profile === 'flat') return true;
  const m = localParts(opts.timeZone, t).minuteOfDay;
  return m >= HOTLINE_OPEN_MIN && m < HOTLINE_CLOSE_MIN;
}

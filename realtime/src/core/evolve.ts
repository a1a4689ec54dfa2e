/**
 * `evolve(state, event)`: the one place the hub's state changes. Deterministic, no I/O, no clock:
 * time arrives as the event's `at`. It checks that the event is possible in the current state and
 * returns a rejection reason without changing anything when it is not; otherwise it applies the event
 * in place (mutation keeps ingest at >100k events/s) and returns null.
 *
 * Side effects the I/O shell must carry out (push an offer, tell the PBX) are appended to
 * `state.effects`; what changed for live boards is noted in `state.dirty`.
 */
import {
  commandFailMessage,
  QueueConfigSchema,
  type CommandFail,
  type CommandFailParams,
  type DomainEvent,
  type EventOf,
  type OfferDTO,
  type RejectionReason,
} from '../contracts/index.ts';
import type { NumericDelta, ScopeSeries } from './metrics.ts';
import {
  keepFor,
  newAgent,
  newCall,
  releaseHold,
  releasePreference,
  queueFromConfig,
  applyParams,
  scopeKey,
  type AgentState,
  type CallState,
  type Effect,
  type HubState,
  type QueueState,
  type Segment,
} from './state.ts';

/** Not-ready reasons every site has, besides its own `notReadyReasons`. */
export const BUILTIN_NOT_READY = ['missed', 'login', 'disconnected'] as const;

declare const rejection: unique symbol;
/**
 * Why an event is impossible: an English sentence of `COMMAND_FAIL_EN` (contracts), made only by
 * `reject`, so `commandFailOf` reads its reason and params back. A plain string at run time: the
 * brand only stops a sentence written by hand from compiling.
 */
export type Rejection = string & { readonly [rejection]: true };

/** The rejection for `reason` (on the failure path only: the success path returns a bare null). */
function reject<K extends RejectionReason>(reason: K, params: CommandFailParams[K]): Rejection {
  return commandFailMessage(reason, params) as Rejection;
}

// ------------------------------------------------------------------------------------- helpers

function markCall(s: HubState, call: CallState): void {
  s.dirty.calls.add(call.id);
  s.dirty.queues.add(call.queue);
  s.dirty.site = true;
}

function markAgent(s: HubState, a: AgentState): void {
  s.dirty.agents.add(a.id);
  for (const q of a.queues) s.dirty.queues.add(q);
  s.dirty.site = true;
}

function getOrCreateQueue(s: HubState, id: string): QueueState | undefined {
  let q = s.queues.get(id);
  if (!q && s.config.autoCreateQueues) {
    q = queueFromConfig(QueueConfigSchema.parse({ id, name: id, routing: 'observe' }), s.config);
    // The site's parameters in force (a `params.version` may have changed them since the start).
    q.params = { ...s.siteParams };
    s.queues.set(id, q);
  }
  return q;
}

function agentScopes(a: AgentState): string[] {
  return a.teamId ? [scopeKey.agent(a.id), scopeKey.team(a.teamId), scopeKey.site] : [scopeKey.agent(a.id), scopeKey.site];
}

/** The agent's metric series: agent, team, site (resolved once: string keys cost a hash per lookup). */
function agentSeries(s: HubState, a: AgentState): ScopeSeries[] {
  return (a.series ??= s.metrics.resolve(agentScopes(a)));
}

/** A queue's metric series (cached on the queue). */
function qs(s: HubState, queueId: string): ScopeSeries {
  const q = s.queues.get(queueId);
  if (!q) return s.metrics.seriesOf(scopeKey.queue(queueId));
  return (q.series ??= s.metrics.seriesOf(scopeKey.queue(queueId)));
}

/** Accounts the agent's time in its current state up to `to` into the metrics. */
export function accrue(s: HubState, a: AgentState, to: number): void {
  if (a.schedule !== undefined && to > a.schedule.until) accrueSchedule(s, a, to);
  if (a.state === 'offline' || !(to > a.accruedUntil)) {
    if (to > a.accruedUntil) a.accruedUntil = to;
    return;
  }
  const kind =
    a.state === 'available' || a.state === 'reserved' ? 'availableMs' : a.state === 'onCall' || a.state === 'wrapup' ? 'busyMs' : null;
  s.metrics.recordAgentTime(agentSeries(s, a), a.accruedUntil, to, kind);
  a.accruedUntil = to;
}

/** Accounts every staffed (or scheduled) agent's time up to `now` (called by the hub's ticker). */
export function accrueAll(s: HubState, now: number): void {
  for (const a of s.agents.values()) if (a.state !== 'offline' || a.schedule !== undefined) accrue(s, a, now);
}

/** Whether the agent's state now is the scheduled `activity` (`work`, `break`, or a not-ready reason). */
function inActivity(a: AgentState, activity: string): boolean {
  if (activity === 'work') return a.state === 'available' || a.state === 'reserved' || a.state === 'onCall' || a.state === 'wrapup';
  if (a.state === 'break') return activity === 'break' || a.reason === activity;
  return a.state === 'notReady' && a.reason === activity;
}

/**
 * Accounts the agent's schedule up to `to` (the state has not changed since `schedule.until`): scheduled
 * time, the part of it in the scheduled activity, and staffed time within the scheduled periods.
 */
function accrueSchedule(s: HubState, a: AgentState, to: number): void {
  const sch = a.schedule!;
  const from = sch.until;
  sch.until = to;
  // Boards see the agent's adherence move once a minute (an absent agent has no state change to carry it).
  if (Math.floor(to / 60_000) !== Math.floor(from / 60_000)) s.dirty.agents.add(a.id);
  const series = agentSeries(s, a);
  for (const [start, end, activity] of sch.spans) {
    if (end <= from) continue;
    if (start >= to) break;
    const f = start > from ? start : from;
    const t = end < to ? end : to;
    s.metrics.recordTime(series, f, t, 'scheduledMs');
    if (inActivity(a, activity)) s.metrics.recordTime(series, f, t, 'adherentMs');
  }
  if (a.state === 'offline') return;
  for (const [cf, ct] of sch.cover) {
    if (ct <= from) continue;
    if (cf >= to) break;
    // Staffed time counts from the day's first scheduled activity (a day off: all of it) to the end of
    // the day: overtime after the shift makes conformance exceed 100 %, but signing in early does not,
    // or the figure would be thousands of per cent in the first minutes of a shift.
    const begin = firstActivityIn(sch.spans, cf, ct);
    const f = Math.max(cf, begin, from);
    const t = ct < to ? ct : to;
    if (t > f) s.metrics.recordTime(series, f, t, 'scheduledStaffedMs');
  }
}

/** Start of the first activity scheduled in [from, to); `from` when there is none (a day off). */
function firstActivityIn(spans: readonly [number, number, string][], from: number, to: number): number {
  for (const [start, end] of spans) {
    if (end <= from) continue;
    return start < to ? start : from;
  }
  return from;
}

/** Schedules kept this long after they end (enough for a week's report from the live state). */
const SCHEDULE_KEPT_MS = 8 * 86_400_000;

/** Why `evolve` would refuse this schedule (unknown agent, bad activities), without applying it; null if it would not. */
export function checkSchedule(s: HubState, e: EventOf<'agent.schedule'>): Rejection | null {
  if (!s.agents.has(e.agentId)) return reject('unknown_agent', { agentId: e.agentId });
  // An activity is work, a break or a not-ready state of the site: anything else could never be adhered to.
  const odd = e.activities.find((x) => x.activity !== 'work' && x.activity !== 'break' && !isKnownNotReady(s, x.activity));
  if (odd) return reject('invalid_schedule', { agentId: e.agentId, why: `unknown activity ${odd.activity} (work, break, ${s.config.notReadyReasons.join(', ')})` });
  const why = scheduleProblem(e.from, e.to, e.activities);
  return why ? reject('invalid_schedule', { agentId: e.agentId, why }) : null;
}

/** Why a schedule cannot be taken (activities out of order, overlapping, outside its period), or null. */
function scheduleProblem(from: number, to: number, activities: readonly { start: number; end: number }[]): string | null {
  if (!(to > from)) return 'its end is not after its start';
  let last = from;
  for (const x of activities) {
    if (!(x.end > x.start)) return 'an activity ends before it starts';
    if (x.start < last) return x.start < from ? 'an activity starts before the period' : 'activities overlap or are out of order';
    if (x.end > to) return 'an activity ends after the period';
    last = x.end;
  }
  return null;
}

function setAgentState(s: HubState, a: AgentState, state: AgentState['state'], reason: string | undefined, at: number): void {
  accrue(s, a, at);
  const ac = a.afterCall;
  if (ac !== undefined) {
    if (ac.wrapFrom !== undefined) {
      if (state !== 'wrapup') {
        lateWrapEnds(s, a, ac, at);
        a.afterCall = undefined;
      }
    } else if (state === 'wrapup' && a.state === 'available' && a.since === ac.endedAt) ac.wrapFrom = at;
    else a.afterCall = undefined;
  }
  const wasAvailable = a.state === 'available';
  if (a.state === 'offline' && state !== 'offline') {
    a.accruedUntil = at;
    a.spans.push([at, Infinity]);
    if (a.spans.length > 1000) a.spans.splice(0, 100);
  } else if (a.state !== 'offline' && state === 'offline') {
    const last = a.spans[a.spans.length - 1];
    if (last) last[1] = at;
  }
  a.state = state;
  if (state === 'reserved' || state === 'wrapup') s.timed.add(a);
  else s.timed.delete(a);
  if (reason === undefined) a.reason = undefined;
  else a.reason = reason;
  a.since = at;
  if (wasAvailable && state !== 'available') for (const q of a.queues) s.queues.get(q)?.available.delete(a.id);
  if (state === 'available') {
    for (const qid of a.queues) {
      const q = s.queues.get(qid);
      if (!q) continue;
      q.available.delete(a.id); // re-insert at the end: idle order
      q.available.set(a.id, a);
    }
    s.routeAgents.add(a.id);
  }
  if (state !== 'wrapup') a.wrapupUntil = undefined;
  markAgent(s, a);
}

function insertWaiting(q: QueueState, call: CallState): void {
  const w = q.waiting;
  // Binary search for the first element that sorts after `call` (priority, then time entered).
  let lo = 0;
  let hi = w.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = w[mid]!;
    if (m.priority < call.priority || (m.priority === call.priority && m.enteredQueueAt <= call.enteredQueueAt)) lo = mid + 1;
    else hi = mid;
  }
  w.splice(lo, 0, call);
}

function removeWaiting(s: HubState, call: CallState): void {
  const q = s.queues.get(call.queue);
  if (!q) return;
  const i = q.waiting.indexOf(call);
  if (i >= 0) q.waiting.splice(i, 1);
}

function enqueue(s: HubState, q: QueueState, call: CallState, at: number): void {
  call.queue = q.id;
  call.status = 'waiting';
  call.enteredQueueAt = at;
  if (q.overflow) call.overflowAt = at + q.overflow.afterSec * 1000;
  else call.overflowAt = undefined;
  insertWaiting(q, call);
  s.routeQueues.add(q.id);
  markCall(s, call);
}

/** Scopes of a call other than its queue: site, campaign and (when set) the answering agent and team. */
function otherScopes(s: HubState, call: CallState, agentId?: string): (string | ScopeSeries)[] {
  const aid = agentId ?? call.agentId;
  const a = aid ? s.agents.get(aid) : undefined;
  const out: (string | ScopeSeries)[] = a ? [...agentSeries(s, a)] : aid ? [scopeKey.site, scopeKey.agent(aid)] : [scopeKey.site];
  if (call.campaignId) out.push(scopeKey.campaign(call.campaignId));
  return out;
}

function completeCall(s: HubState, call: CallState): void {
  releasePreference(s, call);
  call.status = 'done';
  s.calls.delete(call.id);
  s.records.push(call);
  s.recordIndex.set(call.id, call);
  const max = s.config.recordsRetention;
  if (s.records.length > max + Math.ceil(max / 10)) {
    const drop = s.records.splice(0, s.records.length - max);
    for (const c of drop) s.recordIndex.delete(c.id);
  }
  s.dirty.removedCalls.add(call.id);
  s.dirty.calls.delete(call.id);
  s.dirty.queues.add(call.queue);
  s.dirty.site = true;
}

/** Withdraws a ringing offer: the call goes back to its place in the queue. */
function withdrawOffer(
  s: HubState,
  call: CallState,
  reason: Extract<Effect, { kind: 'offerCancelled' }>['reason'],
  at: number,
  /** The agent's next state; default available; `keep` when the caller sets it itself. */
  agentNext?: { state: AgentState['state']; reason?: string } | 'keep',
): void {
  const agentId = call.offerAgentId;
  call.status = 'waiting';
  call.offerAgentId = undefined;
  call.offerExpiresAt = undefined;
  s.routeQueues.add(call.queue);
  markCall(s, call);
  if (!agentId) return;
  const a = s.agents.get(agentId);
  if (a && a.offerCallId === call.id) {
    a.offerCallId = undefined;
    s.effects.push({ kind: 'offerCancelled', agentId, callId: call.id, reason });
    if (agentNext === 'keep') return;
    if (agentNext) setAgentState(s, a, agentNext.state, agentNext.reason, at);
    else if (a.state === 'reserved') setAgentState(s, a, 'available', undefined, at);
  }
}


/** The agent's part of a call ended at `at`: wrap-up if the queue has it, else handled now. */
function endSegment(s: HubState, a: AgentState, call: CallState, at: number): void {
  a.segment = {
    callId: call.id,
    queue: call.queue,
    answeredAt: call.answeredAt ?? at,
    enteredQueueAt: call.enteredQueueAt,
    offeredAt: call.offeredAt,
    holdMs: call.holdMs,
  };
  a.callId = undefined;
  const q = s.queues.get(call.queue);
  a.wrapCallId = call.id;
  if (q && q.wrapupSec > 0) {
    setAgentState(s, a, 'wrapup', undefined, at);
    a.wrapupUntil = at + q.wrapupSec * 1000;
  } else {
    const seg = a.segment;
    finishHandle(s, a, at);
    afterWork(s, a, at);
    // Available at once: a wrap-up reported next still belongs to this call (`afterCall`).
    if (a.state === 'available' && a.since === at) a.afterCall = { seg, endedAt: at };
  }
}

/**
 * A wrap-up reported right after a call its line gave no wrap-up time (the phone system's after-call work in
 * observation mode, or the agent's own) has ended: its time is that call's handle time too (metrics.md:
 * AHT = talk + hold + wrap-up). The call was already counted as handled; only its time is added.
 */
function lateWrapEnds(s: HubState, a: AgentState, ac: NonNullable<AgentState['afterCall']>, at: number): void {
  const ms = at - ac.wrapFrom!;
  if (!(ms > 0)) return;
  const call = s.calls.get(ac.seg.callId) ?? s.recordIndex.get(ac.seg.callId);
  recordHandle(s, a, ac.seg, call, { handleMs: ms });
  if (call && call.agentId === a.id) {
    call.handleMs = (call.handleMs ?? 0) + ms;
    call.wrapEndAt = at;
    markCall(s, call);
  }
}

/**
 * The agent's work on a call is over (no wrap-up, or wrap-up ended): the state they asked for after the
 * call (`agent.next`), else available. A state the site no longer has falls back to available.
 */
function afterWork(s: HubState, a: AgentState, at: number): void {
  const next = a.next;
  if (next && agentTo(s, a, next.state, next.reason, at) === null) return;
  a.next = undefined;
  setAgentState(s, a, 'available', undefined, at);
}

/**
 * Adds an agent's handle counters of a call part to its line (by when it entered the line), the agent, their
 * team, the site and the call's campaign (by its first offer).
 */
function recordHandle(s: HubState, a: AgentState, seg: Segment, call: CallState | undefined, delta: NumericDelta): void {
  s.metrics.record([qs(s, seg.queue)], seg.enteredQueueAt, delta);
  const others: (string | ScopeSeries)[] = [...agentSeries(s, a)];
  if (call?.campaignId) others.push(scopeKey.campaign(call.campaignId));
  s.metrics.record(others, seg.offeredAt, delta);
}

/** The agent finished wrap-up (or had none): the call counts as handled with its full handle time. */
function finishHandle(s: HubState, a: AgentState, at: number): void {
  const seg = a.segment;
  const callId = a.wrapCallId;
  a.wrapCallId = undefined;
  a.wrapupUntil = undefined;
  if (!seg) return;
  a.segment = undefined;
  const handleMs = Math.max(0, at - seg.answeredAt);
  const call = s.calls.get(seg.callId) ?? s.recordIndex.get(seg.callId);
  recordHandle(s, a, seg, call, { handled: 1, handleMs, holdMs: seg.holdMs, ...(call?.direction === 'outbound' ? { outboundHandled: 1 } : {}) });
  // Only the agent who has the call now completes it: after a transfer to an agent, the first
  // agent's wrap-up may end while the second one still wraps it up.
  if (call && call.status === 'wrapup' && call.id === callId && call.agentId === a.id) {
    call.wrapEndAt = at;
    call.handleMs = (call.handleMs ?? 0) + handleMs;
    completeCall(s, call);
  } else if (call) {
    call.handleMs = (call.handleMs ?? 0) + handleMs;
  }
}

function ensureAgent(s: HubState, id: string, at: number): AgentState {
  let a = s.agents.get(id);
  if (!a) {
    a = newAgent({ id, name: id, queues: [], skills: {}, state: 'offline', since: at, accruedUntil: at });
    s.agents.set(id, a);
  }
  return a;
}

function setAgentQueues(s: HubState, a: AgentState, queues: string[], at: number): void {
  const next = [...new Set(queues)];
  for (const qid of a.queues) {
    const q = s.queues.get(qid);
    q?.members.delete(a.id);
    q?.available.delete(a.id);
    s.dirty.queues.add(qid);
    if (q && !next.includes(qid)) {
      const spans = q.memberSpans.get(a.id);
      const last = spans?.[spans.length - 1];
      if (last && last[1] === Infinity) last[1] = at;
    }
  }
  const before = a.queues;
  a.queues = next;
  for (const qid of a.queues) {
    const q = getOrCreateQueue(s, qid);
    if (!q) continue;
    q.members.add(a.id);
    if (!before.includes(qid)) {
      let spans = q.memberSpans.get(a.id);
      if (!spans) q.memberSpans.set(a.id, (spans = []));
      const last = spans[spans.length - 1];
      if (!last || last[1] !== Infinity) spans.push([at, Infinity]);
      if (spans.length > 1000) spans.splice(0, 100);
    }
    if (a.state === 'available') q.available.set(a.id, a);
  }
  if (a.state === 'available') s.routeAgents.add(a.id);
  markAgent(s, a);
}

/**
 * Why the line cannot leave the live state (`queue.removed`), or null: only a line the configuration does
 * not name, with no call on it, that no other line overflows to.
 */
export function queueRemovable(s: HubState, id: string): Extract<CommandFail, { reason: 'unknown_queue' | 'queue_configured' | 'queue_busy' | 'queue_is_overflow_target' }> | null {
  const q = s.queues.get(id);
  if (!q) return { reason: 'unknown_queue', params: { queue: id } };
  if (s.config.queues.some((c) => c.id === id)) return { reason: 'queue_configured', params: { queue: id } };
  let count = 0;
  for (const c of s.calls.values()) if (c.queue === id) count++;
  if (count > 0) return { reason: 'queue_busy', params: { queue: id, count: String(count) } };
  for (const other of s.queues.values()) {
    if (other.id !== id && (other.overflow?.toQueue === id || other.closedOverflowTo === id)) {
      return { reason: 'queue_is_overflow_target', params: { queue: id, from: other.id } };
    }
  }
  return null;
}

function isKnownNotReady(s: HubState, state: string): boolean {
  return (BUILTIN_NOT_READY as readonly string[]).includes(state) || s.config.notReadyReasons.includes(state);
}

// ------------------------------------------------------------------------------------- evolve

/** The offer pushed to `agentId` for `call` (numbers as the hub holds them: the socket edge masks them). */
export function offerOf(s: HubState, call: CallState, agentId: string, expiresAt: number): OfferDTO {
  const q = s.queues.get(call.queue);
  const offer: OfferDTO = { callId: call.id, agentId, queue: call.queue, queueName: q?.nameVi ?? q?.name ?? call.queue, expiresAt, offeredAt: call.offeredAt, direction: call.direction };
  if (call.from !== undefined) offer.from = call.from;
  if (call.to !== undefined) offer.to = call.to;
  if (call.attributes !== undefined) offer.attributes = call.attributes;
  return offer;
}

/**
 * Applies one event. Returns null when applied, or the reason it is impossible in the current state
 * (then nothing changed).
 */
export function evolve(s: HubState, e: DomainEvent): Rejection | null {
  const r = apply(s, e);
  if (r === null) {
    s.seq++;
    if (e.at > s.clock) s.clock = e.at;
  }
  return r;
}

function apply(s: HubState, e: DomainEvent): Rejection | null {
  switch (e.type) {
    case 'call.offered':
      return callOffered(s, e);
    case 'call.answered':
      return callAnswered(s, e);
    case 'call.abandoned':
      return callAbandoned(s, e);
    case 'call.held': {
      const call = s.calls.get(e.callId);
      if (!call) return unknownCall(s, e.callId);
      if (call.status !== 'connected') return reject('call_not_holdable', { callId: e.callId, status: call.status });
      call.status = 'held';
      call.heldSince = e.at;
      markCall(s, call);
      return null;
    }
    case 'call.resumed': {
      const call = s.calls.get(e.callId);
      if (!call) return unknownCall(s, e.callId);
      if (call.status !== 'held') return reject('call_not_held', { callId: e.callId, status: call.status });
      call.status = 'connected';
      call.holdMs += Math.max(0, e.at - (call.heldSince ?? e.at));
      call.heldSince = undefined;
      markCall(s, call);
      return null;
    }
    case 'call.transferred':
      return callTransferred(s, e);
    case 'call.ended': {
      const call = s.calls.get(e.callId);
      if (!call) return unknownCall(s, e.callId);
      if (call.status !== 'connected' && call.status !== 'held') {
        return reject('call_not_endable', { callId: e.callId, status: call.status });
      }
      if (call.status === 'held') {
        call.holdMs += Math.max(0, e.at - (call.heldSince ?? e.at));
        call.heldSince = undefined;
      }
      call.endedAt = e.at;
      if (e.by) call.endedBy = e.by;
      call.status = 'wrapup';
      call.result = 'answered';
      markCall(s, call);
      const a = call.agentId ? s.agents.get(call.agentId) : undefined;
      if (a && a.callId === call.id) endSegment(s, a, call, e.at);
      else completeCall(s, call);
      return null;
    }
    case 'call.outcome':
      return callOutcome(s, e);
    case 'call.dialed': {
      const scopes = [scopeKey.site, scopeKey.campaign(e.campaignId)];
      s.metrics.record(scopes, e.at, e.result === 'connected' ? { attempts: 1, connected: 1 } : { attempts: 1 });
      s.dirty.site = true;
      return null;
    }
    case 'agent.login': {
      const a = ensureAgent(s, e.agentId, e.at);
      if (e.skills) a.skills = { ...e.skills };
      if (e.queues) setAgentQueues(s, a, e.queues, e.at);
      if (a.state === 'offline') setAgentState(s, a, 'notReady', 'login', e.at);
      else markAgent(s, a);
      return null;
    }
    case 'agent.logout': {
      const a = s.agents.get(e.agentId);
      if (!a) return reject('unknown_agent', { agentId: e.agentId });
      return agentTo(s, a, 'offline', undefined, e.at);
    }
    case 'agent.state': {
      const a = s.agents.get(e.agentId);
      if (!a) return reject('agent_never_logged_in', { agentId: e.agentId });
      return agentTo(s, a, e.state, e.reason, e.at);
    }
    case 'params.version': {
      const v = { at: e.at, site: { ...e.site }, queues: { ...e.queues } };
      applyParams(s, v);
      s.paramVersions.push(v);
      // Boards show the goals and thresholds: every line and the site.
      for (const id of s.queues.keys()) s.dirty.queues.add(id);
      s.dirty.site = true;
      return null;
    }
    case 'agent.schedule': {
      const refused = checkSchedule(s, e);
      if (refused) return refused;
      const a = s.agents.get(e.agentId)!;
      // Time so far is counted against the schedule as it was.
      accrue(s, a, e.at);
      const keepFrom = e.at - SCHEDULE_KEPT_MS;
      const old = a.schedule ?? { spans: [], cover: [], until: e.at };
      const clip = <T extends [number, number, ...unknown[]]>(list: T[]): T[] =>
        list.flatMap((x): T[] => {
          if (x[1] <= keepFrom) return [];
          if (x[1] <= e.from || x[0] >= e.to) return [x];
          const parts: T[] = [];
          if (x[0] < e.from) parts.push([x[0], e.from, ...x.slice(2)] as T);
          if (x[1] > e.to) parts.push([e.to, x[1], ...x.slice(2)] as T);
          return parts;
        });
      const spans = clip(old.spans);
      for (const x of e.activities) spans.push([x.start, x.end, x.activity]);
      spans.sort((p, q) => p[0] - q[0]);
      const cover = clip(old.cover);
      cover.push([e.from, e.to]);
      cover.sort((p, q) => p[0] - q[0]);
      a.schedule = { spans, cover, until: Math.max(old.until, e.at) };
      markAgent(s, a);
      return null;
    }
    case 'agent.next': {
      const a = s.agents.get(e.agentId);
      if (!a) return reject('unknown_agent', { agentId: e.agentId });
      if (e.state === null) {
        if (a.next) {
          a.next = undefined;
          markAgent(s, a);
        }
        return null;
      }
      // Wrap-up follows a call by itself; after it comes the state asked for.
      const bad = e.state === 'wrapup' ? reject('state_not_requestable', { state: e.state }) : requestable(s, e.state);
      if (bad) return bad;
      if (!a.callId) return reject('agent_not_on_call', { agentId: a.id });
      a.next = {
        state: e.state,
        at: e.at,
        ...(e.reason !== undefined ? { reason: e.reason } : {}),
        ...(e.source !== undefined ? { by: e.source } : {}),
        ...(e.byName !== undefined ? { byName: e.byName } : {}),
      };
      markAgent(s, a);
      return null;
    }
    case 'offer.created': {
      const call = s.calls.get(e.callId);
      const a = s.agents.get(e.agentId);
      if (!call || call.status !== 'waiting') return reject('call_not_waiting', { callId: e.callId });
      if (!a || a.state !== 'available') return reject('agent_not_available', { agentId: e.agentId });
      call.status = 'offering';
      call.offerAgentId = a.id;
      call.offerExpiresAt = e.expiresAt;
      a.offerCallId = call.id;
      releaseHold(s, a);
      setAgentState(s, a, 'reserved', undefined, e.at);
      markCall(s, call);
      s.effects.push({ kind: 'offer', offer: offerOf(s, call, a.id, e.expiresAt) });
      return null;
    }
    case 'offer.rejected': {
      const call = s.calls.get(e.callId);
      if (!call || call.status !== 'offering' || call.offerAgentId !== e.agentId) {
        return reject('offer_not_ringing_for_agent', { callId: e.callId, agentId: e.agentId });
      }
      const a = s.agents.get(e.agentId)!;
      a.missedInRow++;
      call.missedOffers++;
      // Whoever let it ring out or declined comes last for this call: the next agent gets it.
      (call.declinedBy ??= []).push(a.id);
      if (e.reason === 'declined') (call.refusedBy ??= []).push(a.id);
      // The preferred agent did not take it: it is anyone's now.
      if (call.preferredAgentId === a.id) releasePreference(s, call);
      const next =
        e.reason === 'disconnected'
          ? { state: 'notReady' as const, reason: 'disconnected' }
          : a.missedInRow >= s.config.maxMissedOffers
            ? { state: 'notReady' as const, reason: 'missed' }
            : { state: 'available' as const };
      withdrawOffer(s, call, e.reason, e.at, next);
      s.metrics.record([qs(s, call.queue)], e.at, { missedOffers: 1 });
      s.metrics.record(agentSeries(s, a), e.at, { missedOffers: 1 });
      return null;
    }
    case 'call.overflowed': {
      const call = s.calls.get(e.callId);
      if (!call) return unknownCall(s, e.callId);
      if (call.status !== 'waiting' && call.status !== 'offering') return reject('call_not_overflowable', { callId: e.callId, status: call.status });
      const target = getOrCreateQueue(s, e.toQueue);
      if (!target) return reject('unknown_queue', { queue: e.toQueue });
      if (call.status === 'offering') withdrawOffer(s, call, 'state-change', e.at);
      removeWaiting(s, call);
      releasePreference(s, call);
      const waited = e.at - call.enteredQueueAt;
      s.metrics.record([qs(s, call.queue)], call.enteredQueueAt, { overflowed: 1, maxWaitMs: waited });
      s.dirty.queues.add(call.queue);
      call.path.push(target.id);
      enqueue(s, target, call, e.at);
      s.metrics.record([qs(s, target.id)], e.at, { offered: 1 });
      return null;
    }
    case 'queue.status': {
      const q = getOrCreateQueue(s, e.queue);
      if (!q) return reject('unknown_queue', { queue: e.queue });
      q.open = e.open;
      if (e.closedAction) q.closedAction = e.closedAction;
      if (e.overflowTo) q.closedOverflowTo = e.overflowTo;
      if (q.open) s.routeQueues.add(q.id);
      s.dirty.queues.add(q.id);
      s.dirty.site = true;
      return null;
    }
    case 'queue.removed': {
      const refused = queueRemovable(s, e.queue);
      if (refused) return commandFailMessage(refused.reason, refused.params as never) as Rejection;
      const q = s.queues.get(e.queue)!;
      for (const id of [...q.members]) {
        const a = s.agents.get(id);
        if (a) setAgentQueues(s, a, a.queues.filter((x) => x !== q.id), e.at);
      }
      s.queues.delete(q.id);
      s.routeQueues.delete(q.id);
      s.dirty.queues.add(q.id);
      s.dirty.site = true;
      return null;
    }
    case 'queue.priority': {
      const q = s.queues.get(e.queue);
      if (!q) return reject('unknown_queue', { queue: e.queue });
      q.priority = e.priority;
      s.dirty.queues.add(q.id);
      return null;
    }
    case 'agent.held': {
      const a = s.agents.get(e.agentId);
      if (!a) return reject('unknown_agent', { agentId: e.agentId });
      if (e.until <= e.at) {
        releaseHold(s, a);
        s.routeAgents.add(a.id);
        return null;
      }
      if (a.state === 'offline') return reject('agent_offline', { agentId: e.agentId });
      a.heldUntil = e.until;
      if (e.ref !== undefined) a.heldRef = e.ref;
      else a.heldRef = undefined;
      s.held.add(a);
      s.dirty.agents.add(a.id);
      return null;
    }
    case 'agent.queues': {
      const a = s.agents.get(e.agentId);
      if (!a) return reject('unknown_agent', { agentId: e.agentId });
      for (const qid of e.queues) if (!s.queues.has(qid) && !s.config.autoCreateQueues) return reject('unknown_queue', { queue: qid });
      setAgentQueues(s, a, e.queues, e.at);
      return null;
    }
    default: {
      const _exhaustive: never = e;
      return reject('unknown_event_type', { type: (_exhaustive as { type: string }).type });
    }
  }
}

function unknownCall(s: HubState, callId: string): Rejection {
  return s.recordIndex.has(callId) ? reject('call_ended', { callId }) : reject('unknown_call', { callId });
}

function callOffered(s: HubState, e: EventOf<'call.offered'>): Rejection | null {
  if (s.calls.has(e.callId) || s.recordIndex.has(e.callId)) return reject('call_exists', { callId: e.callId });
  const q = getOrCreateQueue(s, e.queue);
  if (!q) return reject('unknown_queue', { queue: e.queue });
  const call = newCall({
    id: e.callId,
    queue: q.id,
    path: [q.id],
    direction: e.direction,
    status: 'waiting',
    priority: e.priority ?? 5,
    skills: e.skills ?? [],
    from: e.from,
    to: e.to,
    campaignId: e.campaignId,
    leadId: e.leadId,
    attributes: e.attributes,
    offeredAt: e.at,
    enteredQueueAt: e.at,
  });
  if (e.preferredAgentId !== undefined) {
    call.preferredAgentId = e.preferredAgentId;
    if (q.preferredAgentWaitSec > 0) {
      call.preferredUntil = e.at + q.preferredAgentWaitSec * 1000;
      keepFor(s, call);
    }
  }
  s.calls.set(call.id, call);
  const others = otherScopes(s, call);
  if (!q.open) {
    const target = q.closedAction === 'overflow' && q.closedOverflowTo ? getOrCreateQueue(s, q.closedOverflowTo) : undefined;
    if (target && target.open && target.id !== q.id) {
      s.metrics.record([qs(s, q.id)], e.at, { offered: 1, overflowed: 1 });
      s.metrics.record(others, e.at, { offered: 1 });
      call.path.push(target.id);
      enqueue(s, target, call, e.at);
      s.metrics.record([qs(s, target.id)], e.at, { offered: 1 });
      return null;
    }
    s.metrics.record([qs(s, q.id), ...others], e.at, { rejectedClosed: 1 });
    call.result = 'rejected';
    call.endedAt = e.at;
    call.endedBy = 'system';
    completeCall(s, call);
    s.effects.push({
      kind: 'telephony',
      command: { callId: call.id, queue: q.id, action: q.closedAction === 'announce' ? 'announce' : 'reject' },
    });
    return null;
  }
  s.metrics.record([qs(s, q.id)], e.at, { offered: 1 });
  s.metrics.record(others, e.at, { offered: 1 });
  enqueue(s, q, call, e.at);
  return null;
}

function callAnswered(s: HubState, e: EventOf<'call.answered'>): Rejection | null {
  const call = s.calls.get(e.callId);
  if (!call) return unknownCall(s, e.callId);
  if (call.status !== 'waiting' && call.status !== 'offering') return reject('call_not_answerable', { callId: e.callId, status: call.status });
  const q = s.queues.get(call.queue)!;
  let a = s.agents.get(e.agentId);
  if (!a) {
    if (q.routing !== 'observe' && !s.config.autoCreateQueues) return reject('unknown_agent', { agentId: e.agentId });
    a = ensureAgent(s, e.agentId, e.at);
    setAgentQueues(s, a, [q.id], e.at);
  }
  if (a.callId) return reject('agent_already_on_call', { agentId: a.id, callId: a.callId });
  releaseHold(s, a);
  // The phone system is the source of truth: clear whatever the agent was doing.
  if (a.state === 'wrapup') finishHandle(s, a, e.at);
  if (a.offerCallId && a.offerCallId !== call.id) {
    const other = s.calls.get(a.offerCallId);
    if (other) withdrawOffer(s, other, 'answered-elsewhere', e.at, 'keep');
  }
  if (call.status === 'offering' && call.offerAgentId !== a.id) withdrawOffer(s, call, 'answered-elsewhere', e.at);
  a.offerCallId = undefined;
  removeWaiting(s, call);
  releasePreference(s, call);
  call.offerAgentId = undefined;
  call.offerExpiresAt = undefined;
  call.overflowAt = undefined;
  call.status = 'connected';
  call.answeredAt = e.at;
  call.agentId = a.id;
  const waitQ = e.at - call.enteredQueueAt;
  const waitSite = e.at - call.offeredAt;
  call.waitMs = waitQ;
  a.callId = call.id;
  a.missedInRow = 0;
  setAgentState(s, a, 'onCall', undefined, e.at);
  const T = q.params.slThresholdSec * 1000;
  s.metrics.record([qs(s, q.id)], call.enteredQueueAt, {
    answered: 1,
    answeredWithinT: waitQ <= T ? 1 : 0,
    answeredWaitMs: waitQ,
    maxWaitMs: waitQ,
  });
  // A call transferred to a queue and answered there was already answered once for the site (its
  // wait since the first offer would include the first agent's talk): only its new queue counts it.
  if (call.transferred === 0) {
    s.metrics.record(otherScopes(s, call), call.offeredAt, {
      answered: 1,
      answeredWithinT: waitSite <= T ? 1 : 0,
      answeredWaitMs: waitSite,
      maxWaitMs: waitSite,
    });
  }
  markCall(s, call);
  return null;
}

function callAbandoned(s: HubState, e: EventOf<'call.abandoned'>): Rejection | null {
  const call = s.calls.get(e.callId);
  if (!call) return unknownCall(s, e.callId);
  if (call.status !== 'waiting' && call.status !== 'offering') {
    return reject('call_not_abandonable', { callId: e.callId, status: call.status });
  }
  if (call.status === 'offering') withdrawOffer(s, call, 'abandoned', e.at);
  removeWaiting(s, call);
  const q = s.queues.get(call.queue)!;
  const waitQ = e.at - call.enteredQueueAt;
  const waitSite = e.at - call.offeredAt;
  const S = q.params.shortAbandonSec * 1000;
  const dropped = call.direction === 'outbound' ? 1 : 0;
  s.metrics.record([qs(s, q.id)], call.enteredQueueAt, {
    abandoned: 1,
    shortAbandoned: waitQ < S ? 1 : 0,
    abandonedWaitMs: waitQ,
    maxWaitMs: waitQ,
    dropped,
  });
  // A call transferred to a queue was already answered for the site: only its new queue counts
  // the abandon (its wait since the first offer would include the first agent's talk).
  if (call.transferred === 0) {
    s.metrics.record(otherScopes(s, call), call.offeredAt, {
      abandoned: 1,
      shortAbandoned: waitSite < S ? 1 : 0,
      abandonedWaitMs: waitSite,
      maxWaitMs: waitSite,
      dropped,
    });
  }
  call.waitMs = waitQ;
  call.abandonedAt = e.at;
  call.endedAt = e.at;
  call.endedBy = 'caller';
  call.result = 'abandoned';
  completeCall(s, call);
  return null;
}

function callTransferred(s: HubState, e: EventOf<'call.transferred'>): Rejection | null {
  const call = s.calls.get(e.callId);
  if (!call) return unknownCall(s, e.callId);
  if (call.status !== 'connected' && call.status !== 'held') return reject('call_not_transferable', { callId: e.callId, status: call.status });
  let target: QueueState | undefined;
  let targetAgent: AgentState | undefined;
  if (e.queue !== undefined) {
    target = getOrCreateQueue(s, e.queue);
    if (!target) return reject('unknown_queue', { queue: e.queue });
  } else if (e.agentId !== undefined) {
    targetAgent = s.agents.get(e.agentId);
    if (!targetAgent) return reject('unknown_agent', { agentId: e.agentId });
    if (targetAgent.callId) return reject('agent_already_on_call', { agentId: e.agentId, callId: targetAgent.callId });
    if (targetAgent.state === 'offline') return reject('agent_offline', { agentId: e.agentId });
  }
  if (call.status === 'held') {
    call.holdMs += Math.max(0, e.at - (call.heldSince ?? e.at));
    call.heldSince = undefined;
  }
  call.transferred++;
  // The agent who transfers the call worked on it too (their part counts as handled): kept with the call.
  if (call.agentId !== undefined) (call.previousAgents ??= []).push(call.agentId);
  s.metrics.record([qs(s, call.queue)], call.enteredQueueAt, { transferred: 1 });
  s.metrics.record(otherScopes(s, call), call.offeredAt, { transferred: 1 });
  const from = call.agentId ? s.agents.get(call.agentId) : undefined;
  if (from && from.callId === call.id) endSegment(s, from, call, e.at);
  if (target) {
    call.agentId = undefined;
    call.answeredAt = undefined;
    call.path.push(target.id);
    enqueue(s, target, call, e.at);
    s.metrics.record([qs(s, target.id)], e.at, { offered: 1 });
  } else if (targetAgent) {
    if (targetAgent.state === 'wrapup') finishHandle(s, targetAgent, e.at);
    if (targetAgent.offerCallId) {
      const other = s.calls.get(targetAgent.offerCallId);
      if (other) withdrawOffer(s, other, 'answered-elsewhere', e.at, 'keep');
    }
    call.status = 'connected';
    call.agentId = targetAgent.id;
    call.answeredAt = e.at;
    targetAgent.callId = call.id;
    setAgentState(s, targetAgent, 'onCall', undefined, e.at);
    markCall(s, call);
  }
  return null;
}

function callOutcome(s: HubState, e: EventOf<'call.outcome'>): Rejection | null {
  const call = s.calls.get(e.callId) ?? s.recordIndex.get(e.callId);
  if (!call) return reject('unknown_call', { callId: e.callId });
  if (call.status === 'waiting' || call.status === 'offering' || call.result === 'abandoned' || call.result === 'rejected') {
    return reject('call_not_answered', { callId: e.callId });
  }
  if (e.disposition !== undefined) call.disposition = e.disposition;
  if (e.notes !== undefined) call.notes = e.notes;
  if (e.revenue !== undefined) call.revenue = e.revenue;
  if (e.surveyScore !== undefined) call.surveyScore = e.surveyScore;
  const next = {
    outcomes: 1,
    conversions:
      call.direction === 'outbound' && call.disposition !== undefined && s.config.successDispositions.includes(call.disposition) ? 1 : 0,
    revenue: call.revenue ?? 0,
  };
  // A corrected outcome replaces the earlier one in the figures.
  const prev = call.outcomeContrib;
  const delta = prev
    ? { outcomes: 0, conversions: next.conversions - prev.conversions, revenue: next.revenue - prev.revenue }
    : next;
  call.outcomeContrib = next;
  s.metrics.record([qs(s, call.queue)], call.enteredQueueAt, delta);
  s.metrics.record(otherScopes(s, call), call.offeredAt, delta);
  if (s.calls.has(call.id)) markCall(s, call);
  return null;
}

/** Why `target` cannot be requested (a state calls set, or one the site does not have); null if it can. */
export function requestable(s: HubState, target: string): Rejection | null {
  if (target === 'reserved' || target === 'oncall' || target === 'on_call') return reject('state_not_requestable', { state: target });
  const builtin = target === 'available' || target === 'break' || target === 'wrapup' || target === 'offline';
  if (!builtin && !isKnownNotReady(s, target)) {
    return reject('unknown_state', { state: target, allowed: ['available', 'break', 'wrapup', 'offline', ...BUILTIN_NOT_READY, ...s.config.notReadyReasons].join(', ') });
  }
  return null;
}

/** An agent state change requested by the phone system, a supervisor or the agent. */
function agentTo(s: HubState, a: AgentState, target: string, reason: string | undefined, at: number): Rejection | null {
  const bad = requestable(s, target);
  if (bad) return bad;
  if (a.callId) return reject('agent_on_call', { agentId: a.id, callId: a.callId });
  // A state set now replaces the one asked for after the call.
  a.next = undefined;
  if (a.offerCallId) {
    const call = s.calls.get(a.offerCallId);
    if (call) withdrawOffer(s, call, 'state-change', at, 'keep');
    a.offerCallId = undefined;
  }
  if (a.state === 'wrapup' && target !== 'wrapup') finishHandle(s, a, at);
  if (target === 'available') {
    a.missedInRow = 0;
    setAgentState(s, a, 'available', undefined, at);
  } else if (target === 'break') setAgentState(s, a, 'break', reason, at);
  else if (target === 'wrapup') setAgentState(s, a, 'wrapup', reason, at);
  else if (target === 'offline') setAgentState(s, a, 'offline', reason, at);
  else setAgentState(s, a, 'notReady', target, at);
  return null;
}

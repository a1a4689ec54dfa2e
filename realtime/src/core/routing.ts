/**
 * Routing and timers: the hub's own decisions, as events. `route` matches waiting calls with available
 * agents (skills with levels, queue priority, call priority, oldest call first, longest-idle eligible
 * agent); `due` fires what time makes happen (unanswered offers, overflow, wrap-up end). Both apply
 * each decision with `evolve` at once and return the events, which the hub appends to the log.
 */
import type { DomainEvent, HubEvent } from '../contracts/index.ts';
import { evolve } from './evolve.ts';
import { isHeld, releaseHold, releasePreference, reservedFor, type AgentState, type CallState, type HubState, type QueueState } from './state.ts';

export type IdGen = () => string;

/** True when the agent has every skill the call and the queue need, at the queue's minimum level. */
export function eligible(a: AgentState, q: QueueState, call: CallState): boolean {
  for (const sk of call.skills) if ((a.skills[sk] ?? 0) < (q.skills[sk] ?? 1)) return false;
  for (const sk in q.skills) if ((a.skills[sk] ?? 0) < q.skills[sk]!) return false;
  return true;
}

function skillScore(a: AgentState, call: CallState): number {
  let n = 0;
  for (const sk of call.skills) n += a.skills[sk] ?? 0;
  return n;
}

/**
 * The agent to offer `call` to in `q`, or undefined. Agents who let its offer ring out come last; those who
 * declined it are not offered it again. A call kept for
 * its preferred agent goes to that agent when free, and to nobody else until the preference lapses.
 */
export function pickAgent(s: HubState, q: QueueState, call: CallState, now = -Infinity): AgentState | undefined {
  if (call.preferredAgentId !== undefined && !call.declinedBy?.includes(call.preferredAgentId)) {
    const p = q.available.get(call.preferredAgentId);
    if (p && p.state === 'available' && eligible(p, q, call)) return p;
    if (reservedFor(call, now) !== undefined) return undefined;
  }
  let fallback: AgentState | undefined;
  let best: AgentState | undefined;
  let bestScore = -1;
  const mostSkilled = s.config.routingStrategy === 'most-skilled';
  for (const a of q.available.values()) {
    if (a.state !== 'available' || !eligible(a, q, call)) continue;
    // Held for a call the dialer is ringing for them: only that call (it comes through the preferred path).
    if (isHeld(a, now)) continue;
    if (call.declinedBy?.includes(a.id)) {
      // Nobody else free: one who let it ring out may get it again (K misses set them not ready), not one who declined it.
      if (!call.refusedBy?.includes(a.id)) fallback ??= a;
      continue;
    }
    if (!mostSkilled) return a; // insertion order = longest idle first
    const sc = skillScore(a, call);
    if (sc > bestScore) {
      best = a;
      bestScore = sc;
    }
  }
  return best ?? fallback;
}

/** The oldest waiting call kept for agent `a` in one of its lines, if any. */
function keptFor(s: HubState, a: AgentState): CallState | undefined {
  const set = s.preferred.get(a.id);
  if (!set) return undefined;
  let best: CallState | undefined;
  for (const call of set) {
    if (call.status !== 'waiting' || call.declinedBy?.includes(a.id) || !a.queues.includes(call.queue)) continue;
    const q = s.queues.get(call.queue);
    if (!q || q.routing !== 'hub' || !eligible(a, q, call)) continue;
    if (!best || call.enteredQueueAt < best.enteredQueueAt) best = call;
  }
  return best;
}

/**
 * The best waiting call for an agent across the agent's queues: a call kept for this agent first, then
 * queue priority, call priority, oldest. Calls kept for another agent are skipped until their preference lapses.
 */
export function pickCall(s: HubState, a: AgentState, now = -Infinity): CallState | undefined {
  if (s.preferred.size > 0) {
    const kept = keptFor(s, a);
    if (kept) return kept;
  }
  // Held for a call being dialed for them: nothing else (that call finds them when it connects).
  if (isHeld(a, now)) return undefined;
  let best: CallState | undefined;
  let bestQ: QueueState | undefined;
  for (const qid of a.queues) {
    const q = s.queues.get(qid);
    if (!q || q.routing !== 'hub' || q.waiting.length === 0) continue;
    if (bestQ && q.priority > bestQ.priority) continue;
    for (const call of q.waiting) {
      if (call.status !== 'waiting' || !eligible(a, q, call)) continue;
      // A call this agent already missed goes to others first (the call-centric pass may still
      // come back to this agent when nobody else is free).
      if (call.declinedBy?.includes(a.id)) continue;
      const keeper = reservedFor(call, now);
      if (keeper !== undefined && keeper !== a.id && !call.declinedBy?.includes(keeper)) continue;
      if (
        !best ||
        !bestQ ||
        q.priority < bestQ.priority ||
        (q.priority === bestQ.priority &&
          (call.priority < best.priority || (call.priority === best.priority && call.enteredQueueAt < best.enteredQueueAt)))
      ) {
        best = call;
        bestQ = q;
      }
      break; // the list is sorted: the first eligible call is this queue's best
    }
  }
  return best;
}

function offerEvent(s: HubState, call: CallState, a: AgentState, now: number, nextId: IdGen): HubEvent {
  return {
    id: nextId(),
    type: 'offer.created',
    at: now,
    source: 'hub',
    callId: call.id,
    agentId: a.id,
    expiresAt: now + Math.round(s.config.offerTimeoutSec * 1000),
  };
}

function applyAll(s: HubState, out: DomainEvent[], ev: DomainEvent): void {
  if (evolve(s, ev) === null) out.push(ev);
}

/** Offers waiting calls to available agents; returns the offers made (already applied). */
export function route(s: HubState, now: number, nextId: IdGen): DomainEvent[] {
  const out: DomainEvent[] = [];
  // Agents who just became available pick the best call across their lines first, so a
  // higher-priority line is served before a lower one that happens to have a new call.
  while (s.routeAgents.size > 0) {
    const ids = [...s.routeAgents];
    s.routeAgents.clear();
    for (const id of ids) {
      const a = s.agents.get(id);
      if (!a || a.state !== 'available') continue;
      const call = pickCall(s, a, now);
      if (call) applyAll(s, out, offerEvent(s, call, a, now, nextId));
    }
  }
  if (s.routeQueues.size > 0) {
    const qs: QueueState[] = [];
    for (const id of s.routeQueues) {
      const q = s.queues.get(id);
      if (q && q.routing === 'hub') qs.push(q);
    }
    s.routeQueues.clear();
    qs.sort((x, y) => x.priority - y.priority);
    for (const q of qs) {
      for (let i = 0; i < q.waiting.length && q.available.size > 0; i++) {
        const call = q.waiting[i]!;
        if (call.status !== 'waiting') continue;
        const a = pickAgent(s, q, call, now);
        if (a) applyAll(s, out, offerEvent(s, call, a, now, nextId));
      }
    }
  }
  return out;
}

/**
 * Fires what time makes happen at `now`: unanswered offers time out, waiting calls overflow,
 * wrap-up ends. Returns the events (already applied).
 */
export function due(s: HubState, now: number, nextId: IdGen): DomainEvent[] {
  const out: DomainEvent[] = [];
  // Lapsed holds: the dial did not connect in time (or its release was lost); the agent takes calls again.
  for (const a of s.held) {
    if (a.heldUntil! <= now) {
      releaseHold(s, a);
      s.routeAgents.add(a.id);
    }
  }
  // Lapsed agent preferences: the call is anyone's now (no event: the lapse follows from the call's
  // offered time and the line's setting, so a replay lapses it the same way).
  for (const set of s.preferred.values()) {
    for (const call of set) {
      if (call.preferredUntil! <= now) {
        releasePreference(s, call);
        s.routeQueues.add(call.queue);
      }
    }
  }
  for (const a of [...s.timed]) {
    if (a.state === 'reserved' && a.offerCallId) {
      const call = s.calls.get(a.offerCallId);
      if (call && call.offerExpiresAt !== undefined && call.offerExpiresAt <= now) {
        // Decisions carry the moment they were due, so a late tick does not stretch waits or handle times.
        applyAll(s, out, { id: nextId(), type: 'offer.rejected', at: call.offerExpiresAt, source: 'hub', callId: call.id, agentId: a.id, reason: 'timeout' });
      }
    } else if (a.state === 'wrapup' && a.wrapupUntil !== undefined && a.wrapupUntil <= now) {
      // Wrap-up is over: the state asked for after the call, if any, else available.
      const next = a.next;
      const to = next ? { state: next.state, ...(next.reason !== undefined ? { reason: next.reason } : {}) } : { state: 'available', reason: 'wrapup-timeout' };
      applyAll(s, out, { id: nextId(), type: 'agent.state', at: a.wrapupUntil, source: 'hub', agentId: a.id, ...to });
    }
  }
  for (const q of s.queues.values()) {
    if (!q.overflow || q.waiting.length === 0) continue;
    // Collect first: overflow changes the list being walked.
    const moving = q.waiting.filter((c) => c.overflowAt !== undefined && c.overflowAt <= now);
    for (const call of moving) {
      applyAll(s, out, { id: nextId(), type: 'call.overflowed', at: call.overflowAt!, source: 'hub', callId: call.id, toQueue: q.overflow.toQueue });
    }
  }
  return out;
}

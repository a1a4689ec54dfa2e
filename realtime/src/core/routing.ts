/**
 * Routing and timers: the hub's own decisions, as events. `route` matches waiting calls with available
 * agents (skills with levels, queue priority, call priority, oldest call first, longest-idle eligible
 * agent); `due` fires what time makes happen (unanswered offers, overflow, wrap-up end). Both apply
 * each decision with `evolve` at once and return the events, which the hub appends to the log.
 */
import type { DomainEvent, HubEvent } from '../contracts/index.ts';
import { evolve } from './evolve.ts';
import type { AgentState, CallState, HubState, QueueState } from './state.ts';

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

/** The agent to offer `call` to in `q`, or undefined. Agents who declined it come last. */
export function pickAgent(s: HubState, q: QueueState, call: CallState): AgentState | undefined {
  let fallback: AgentState | undefined;
  let best: AgentState | undefined;
  let bestScore = -1;
  const mostSkilled = s.config.routingStrategy === 'most-skilled';
  for (const a of q.available.values()) {
    if (a.state !== 'available' || !eligible(a, q, call)) continue;
    if (call.declinedBy?.includes(a.id)) {
      fallback ??= a;
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

/** The best waiting call for an agent across the agent's queues: queue priority, call priority, oldest. */
export function pickCall(s: HubState, a: AgentState): CallState | undefined {
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
      const call = pickCall(s, a);
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
        const a = pickAgent(s, q, call);
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
  for (const a of [...s.timed]) {
    if (a.state === 'reserved' && a.offerCallId) {
      const call = s.calls.get(a.offerCallId);
      if (call && call.offerExpiresAt !== undefined && call.offerExpiresAt <= now) {
        // Decisions carry the moment they were due, so a late tick does not stretch waits or handle times.
        applyAll(s, out, { id: nextId(), type: 'offer.rejected', at: call.offerExpiresAt, source: 'hub', callId: call.id, agentId: a.id, reason: 'timeout' });
      }
    } else if (a.state === 'wrapup' && a.wrapupUntil !== undefined && a.wrapupUntil <= now) {
      applyAll(s, out, { id: nextId(), type: 'agent.state', at: a.wrapupUntil, source: 'hub', agentId: a.id, state: 'available', reason: 'wrapup-timeout' });
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

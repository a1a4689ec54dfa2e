/**
 * A plausibility check of an event sequence, playing the part of the hub's state machine in the
 * simplest form: a call is offered once, then answered or abandoned once; an answered call ends
 * once; an agent answers only when signed in and not already on a call. Used by the tests of the
 * simulator and the replay, and by `replay --check`.
 */
import { parseCtiEvent, type CtiEventIn } from '../../../realtime/src/contracts/index.ts';

export interface SequenceReport {
  events: number;
  /** First problems found (at most `limit`), each with the event id. */
  problems: string[];
  /** Total number of problems. */
  problemCount: number;
  invalid: number;
  unsorted: number;
  duplicateIds: number;
  offered: number;
  answered: number;
  abandoned: number;
  ended: number;
  /** Offered calls that were neither answered nor abandoned. */
  unresolved: number;
  /** Answered calls never ended. */
  neverEnded: number;
  /** Agents still signed in at the end. */
  stillLoggedIn: number;
}

type CallState = 'waiting' | 'connected' | 'ended' | 'abandoned';

export function checkEventSequence(events: readonly CtiEventIn[], limit = 20): SequenceReport {
  const r: SequenceReport = {
    events: events.length,
    problems: [],
    problemCount: 0,
    invalid: 0,
    unsorted: 0,
    duplicateIds: 0,
    offered: 0,
    answered: 0,
    abandoned: 0,
    ended: 0,
    unresolved: 0,
    neverEnded: 0,
    stillLoggedIn: 0,
  };
  const problem = (msg: string): void => {
    r.problemCount++;
    if (r.problems.length < limit) r.problems.push(msg);
  };
  const ids = new Set<string>();
  const calls = new Map<string, { state: CallState; agentId?: string }>();
  const agents = new Map<string, { loggedIn: boolean; callId?: string }>();
  let lastAt = Number.NEGATIVE_INFINITY;
  for (const raw of events) {
    const p = parseCtiEvent(raw);
    if (!p.ok) {
      r.invalid++;
      problem(`${raw.id}: invalid: ${p.errors.join('; ')}`);
      continue;
    }
    const e = p.event;
    if (ids.has(e.id)) {
      r.duplicateIds++;
      problem(`${e.id}: duplicate id`);
    }
    ids.add(e.id);
    if (e.at < lastAt) {
      r.unsorted++;
      problem(`${e.id}: earlier than the event before it`);
    }
    lastAt = Math.max(lastAt, e.at);
    const agent = (id: string): { loggedIn: boolean; callId?: string } => {
      let a = agents.get(id);
      if (!a) {
        a = { loggedIn: false };
        agents.set(id, a);
      }
      return a;
    };
    switch (e.type) {
      case 'agent.login':
        if (agent(e.agentId).loggedIn) problem(`${e.id}: ${e.agentId} logs in twice`);
        agent(e.agentId).loggedIn = true;
        break;
      case 'agent.logout': {
        const a = agent(e.agentId);
        if (!a.loggedIn) problem(`${e.id}: ${e.agentId} logs out while logged out`);
        if (a.callId) problem(`${e.id}: ${e.agentId} logs out during call ${a.callId}`);
        a.loggedIn = false;
        break;
      }
      case 'agent.state':
        if (!agent(e.agentId).loggedIn) problem(`${e.id}: state of ${e.agentId} while logged out`);
        break;
      case 'call.offered':
        r.offered++;
        if (calls.has(e.callId)) problem(`${e.id}: ${e.callId} offered twice`);
        calls.set(e.callId, { state: 'waiting' });
        break;
      case 'call.answered': {
        r.answered++;
        const c = calls.get(e.callId);
        const a = agent(e.agentId);
        if (!c || c.state !== 'waiting') problem(`${e.id}: ${e.callId} answered in state ${c?.state ?? 'unknown'}`);
        if (!a.loggedIn) problem(`${e.id}: ${e.agentId} answers while logged out`);
        if (a.callId) problem(`${e.id}: ${e.agentId} answers ${e.callId} while on ${a.callId}`);
        a.callId = e.callId;
        if (c) {
          c.state = 'connected';
          c.agentId = e.agentId;
        }
        break;
      }
      case 'call.abandoned': {
        r.abandoned++;
        const c = calls.get(e.callId);
        if (!c || c.state !== 'waiting') problem(`${e.id}: ${e.callId} abandoned in state ${c?.state ?? 'unknown'}`);
        if (c) c.state = 'abandoned';
        break;
      }
      case 'call.held':
      case 'call.resumed':
      case 'call.outcome': {
        const c = calls.get(e.callId);
        if (!c) problem(`${e.id}: ${e.type} of unknown call ${e.callId}`);
        else if (e.type !== 'call.outcome' && c.state !== 'connected') problem(`${e.id}: ${e.type} of ${e.callId} in state ${c.state}`);
        break;
      }
      case 'call.ended': {
        r.ended++;
        const c = calls.get(e.callId);
        if (!c || c.state !== 'connected') problem(`${e.id}: ${e.callId} ended in state ${c?.state ?? 'unknown'}`);
        if (c) {
          c.state = 'ended';
          if (c.agentId) {
            const a = agent(c.agentId);
            if (a.callId === e.callId) delete a.callId;
          }
        }
        break;
      }
      case 'call.transferred':
      case 'call.dialed':
        break;
      default: {
        const _: never = e;
        void _;
      }
    }
  }
  for (const c of calls.values()) {
    if (c.state === 'waiting') r.unresolved++;
    if (c.state === 'connected') r.neverEnded++;
  }
  for (const a of agents.values()) if (a.loggedIn) r.stillLoggedIn++;
  return r;
}

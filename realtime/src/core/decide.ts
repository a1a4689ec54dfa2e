/**
 * `decide(command, state)`: turns a console command into the events that carry it out, after checking
 * who may do it. The hub then applies them with `evolve` (which checks the state once more) and logs
 * them. Time and ids arrive as data.
 */
import {
  commandFailMessage,
  nextSetByLead,
  type CommandFailParams,
  type CommandName,
  type CommandPayload,
  type DomainEvent,
  type ErrorBody,
  type SessionDTO,
} from '../contracts/index.ts';
import { queueRemovable, requestable } from './evolve.ts';
import type { AgentState, HubState } from './state.ts';

export type Decision = { ok: true; events: DomainEvent[] } | { ok: false; error: ErrorBody };

/** A refusal: the reason and its params, with the English sentence built from them. */
function fail<K extends keyof CommandFailParams>(code: ErrorBody['code'], reason: K, params: CommandFailParams[K]): Decision {
  return { ok: false, error: { code, message: commandFailMessage(reason, params), reason, params } };
}

export interface DecideContext {
  now: number;
  nextId: () => string;
  session: SessionDTO;
}

/** Source tag of events a person caused: `role:userId`. */
export function sourceOf(session: SessionDTO): string {
  return `${session.role}:${session.userId}`;
}

export function decide<K extends CommandName>(s: HubState, name: K, payload: CommandPayload<K>, ctx: DecideContext): Decision {
  const { now, nextId, session } = ctx;
  const base = { at: now, source: sourceOf(session) };
  const own = () => {
    if (!session.agentId) return undefined;
    return s.agents.get(session.agentId);
  };
  /**
   * A state asked for while on a call: taken once the call and its wrap-up are over. Available while on
   * a call is "nothing after the call": it cancels a state asked for before.
   */
  const afterCall = (a: AgentState, state: string, reason: string | undefined): Decision => {
    if (state === 'available') {
      // Nothing to cancel: the plain state change, which evolve refuses (on a call).
      if (!a.next) return { ok: true, events: [{ id: nextId(), type: 'agent.state', ...base, agentId: a.id, state }] };
      return { ok: true, events: [{ id: nextId(), type: 'agent.next', ...base, agentId: a.id, state: null }] };
    }
    return { ok: true, events: [{ id: nextId(), type: 'agent.next', ...base, agentId: a.id, state, ...(reason ? { reason } : {}), byName: session.name }] };
  };
  /**
   * A state a lead or supervisor set for after the agent's call (a sudden absence) is theirs to change: the
   * agent's own state changes until it is taken are refused (signing out stays the agent's).
   */
  const leadsNext = (a: AgentState, state: string): Decision | undefined => {
    if (!a.next?.by || !nextSetByLead(a.next) || state === 'offline') return undefined;
    if (!a.callId && a.state !== 'wrapup') return undefined;
    const by = a.next.by;
    return fail('conflict', 'next_set_by_lead', { agentId: a.id, by: a.next.byName ?? by.slice(by.indexOf(':') + 1) });
  };
  switch (name) {
    case 'agent:setState': {
      const p = payload as CommandPayload<'agent:setState'>;
      const a = own();
      if (!a) return fail('forbidden', 'not_linked', {});
      if (a.state === 'offline' && p.state !== 'offline') {
        // The console is the agent's phone login in the demo: going ready from offline logs in.
        return {
          ok: true,
          events: [
            { id: nextId(), type: 'agent.login', ...base, agentId: a.id },
            { id: nextId(), type: 'agent.state', ...base, agentId: a.id, state: p.state, ...(p.reason ? { reason: p.reason } : {}) },
          ],
        };
      }
      const lead = leadsNext(a, p.state);
      if (lead) return lead;
      if (a.callId) return afterCall(a, p.state, p.reason);
      if (p.state === 'offline') return { ok: true, events: [{ id: nextId(), type: 'agent.logout', ...base, agentId: a.id }] };
      return { ok: true, events: [{ id: nextId(), type: 'agent.state', ...base, agentId: a.id, state: p.state, ...(p.reason ? { reason: p.reason } : {}) }] };
    }
    case 'offer:accept':
    case 'offer:decline': {
      const p = payload as CommandPayload<'offer:accept'>;
      const a = own();
      if (!a) return fail('forbidden', 'not_linked', {});
      const call = s.calls.get(p.callId);
      if (!call || call.status !== 'offering' || call.offerAgentId !== a.id) {
        return fail('conflict', 'offer_not_ringing', { callId: p.callId });
      }
      if (name === 'offer:accept') {
        return { ok: true, events: [{ id: nextId(), type: 'call.answered', at: now, source: 'hub', callId: call.id, agentId: a.id }] };
      }
      return { ok: true, events: [{ id: nextId(), type: 'offer.rejected', at: now, source: sourceOf(session), callId: call.id, agentId: a.id, reason: 'declined' }] };
    }
    case 'call:hold': {
      const p = payload as CommandPayload<'call:hold'>;
      const a = own();
      if (!a || a.callId !== p.callId) return fail('conflict', 'not_your_current_call', { callId: p.callId });
      return { ok: true, events: [{ id: nextId(), type: p.on ? 'call.held' : 'call.resumed', ...base, callId: p.callId }] };
    }
    case 'call:end': {
      const p = payload as CommandPayload<'call:end'>;
      const a = own();
      if (!a || a.callId !== p.callId) return fail('conflict', 'not_your_current_call', { callId: p.callId });
      return { ok: true, events: [{ id: nextId(), type: 'call.ended', ...base, callId: p.callId, by: 'agent' }] };
    }
    case 'wrapup:finish': {
      const p = payload as CommandPayload<'wrapup:finish'>;
      const a = own();
      if (!a) return fail('forbidden', 'not_linked', {});
      const callId = p.callId ?? a.wrapCallId;
      const events: DomainEvent[] = [];
      if (callId && (p.disposition !== undefined || p.notes !== undefined || p.revenue !== undefined)) {
        const call = s.calls.get(callId) ?? s.recordIndex.get(callId);
        if (!call || call.agentId !== a.id) return fail('conflict', 'not_your_call', { callId });
        events.push({
          id: nextId(),
          type: 'call.outcome',
          ...base,
          callId,
          ...(p.disposition !== undefined ? { disposition: p.disposition } : {}),
          ...(p.notes !== undefined ? { notes: p.notes } : {}),
          ...(p.revenue !== undefined ? { revenue: p.revenue } : {}),
        });
      }
      if (a.state === 'wrapup') {
        // Wrap-up done: the state asked for after the call, if any.
        const next = a.next;
        events.push({ id: nextId(), type: 'agent.state', ...base, agentId: a.id, state: next?.state ?? 'available', ...(next?.reason !== undefined ? { reason: next.reason } : {}) });
      }
      if (events.length === 0) return fail('conflict', 'not_in_wrapup', {});
      return { ok: true, events };
    }
    case 'queue:setOpen': {
      const p = payload as CommandPayload<'queue:setOpen'>;
      if (!s.queues.has(p.queue)) return fail('not_found', 'unknown_queue', { queue: p.queue });
      if (p.overflowTo !== undefined && !s.queues.has(p.overflowTo)) return fail('not_found', 'unknown_queue', { queue: p.overflowTo });
      return {
        ok: true,
        events: [
          {
            id: nextId(),
            type: 'queue.status',
            ...base,
            queue: p.queue,
            open: p.open,
            ...(p.closedAction ? { closedAction: p.closedAction } : {}),
            ...(p.overflowTo ? { overflowTo: p.overflowTo } : {}),
          },
        ],
      };
    }
    case 'queue:setPriority': {
      const p = payload as CommandPayload<'queue:setPriority'>;
      if (!s.queues.has(p.queue)) return fail('not_found', 'unknown_queue', { queue: p.queue });
      return { ok: true, events: [{ id: nextId(), type: 'queue.priority', ...base, queue: p.queue, priority: p.priority }] };
    }
    case 'queue:remove': {
      const p = payload as CommandPayload<'queue:remove'>;
      const refused = queueRemovable(s, p.queue);
      if (refused) return fail(refused.reason === 'unknown_queue' ? 'not_found' : 'conflict', refused.reason, refused.params as never);
      return { ok: true, events: [{ id: nextId(), type: 'queue.removed', ...base, queue: p.queue }] };
    }
    case 'agent:forceState':
    case 'agent:move': {
      const p = payload as CommandPayload<'agent:forceState'> & CommandPayload<'agent:move'>;
      const a = s.agents.get(p.agentId);
      if (!a) return fail('not_found', 'unknown_agent', { agentId: p.agentId });
      if (session.role === 'team_lead' && (!a.teamId || !session.teamIds.includes(a.teamId))) {
        return fail('forbidden', 'not_your_team', { agentId: a.id });
      }
      if (name === 'agent:move') {
        for (const q of p.queues) if (!s.queues.has(q)) return fail('not_found', 'unknown_queue', { queue: q });
        return { ok: true, events: [{ id: nextId(), type: 'agent.queues', ...base, agentId: a.id, queues: p.queues }] };
      }
      // On a call: the state waits for the end of it (a sudden absence, "offline after this call").
      if (a.callId) return afterCall(a, p.state, p.reason);
      if (p.state === 'offline') return { ok: true, events: [{ id: nextId(), type: 'agent.logout', ...base, agentId: a.id }] };
      // Forcing a signed-out agent into a state would sign them in: calls would ring at an empty desk. (A
      // state the site does not have is refused as such by `evolve`.)
      if (a.state === 'offline' && requestable(s, p.state) === null) return fail('conflict', 'agent_signed_out', { agentId: a.id });
      return {
        ok: true,
        events: [{ id: nextId(), type: 'agent.state', ...base, agentId: a.id, state: p.state, ...(p.reason ? { reason: p.reason } : {}) }],
      };
    }
    default: {
      const _exhaustive: never = name;
      return fail('invalid', 'unknown_command', { command: String(_exhaustive) });
    }
  }
}

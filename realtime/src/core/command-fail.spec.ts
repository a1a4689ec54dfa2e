/**
 * Every way a command or an event can fail has a stable reason with params beside its English
 * sentence, and the sentences are the ones API clients have always had. Each of evolve's rejections is
 * triggered once (the table is keyed by the reason union) and read back with `commandFailOf`.
 */
import { describe, expect, it } from 'vitest';
import {
  COMMAND_FAIL_EN,
  COMMAND_FAIL_REASONS,
  commandFailMessage,
  commandFailOf,
  type CommandCheckParams,
  type CommandFailParams,
  type CommandFailReason,
  type CommandName,
  type DomainEvent,
  type RejectionReason,
  type SessionDTO,
  type SiteConfigInput,
} from '../contracts/index.ts';
import { decide } from './decide.ts';
import { evolve } from './evolve.ts';
import type { HubState } from './state.ts';
import { apply, ev, fingerprint, ready, site, t } from './testing.ts';

interface RejectionCase {
  site?: Partial<SiteConfigInput>;
  given: () => DomainEvent[];
  when: () => DomainEvent;
  /** The sentence as evolve wrote it before reasons existed (pinned: API clients and logs read it). */
  message: string;
  params: Record<string, string>;
}

const answered = () => [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(1)), ev.answered('c1', 'a1', t(2))];
const abandoned = () => [ev.offered('c1', 'booking', t(1)), ev.abandoned('c1', t(2))];

/** One event evolve refuses, for each of its reasons. */
const REJECTIONS: { [K in RejectionReason]: RejectionCase } = {
  unknown_call: { given: () => [], when: () => ev.held('ghost', t(3)), message: 'unknown call ghost', params: { callId: 'ghost' } },
  call_ended: { given: abandoned, when: () => ev.held('c1', t(3)), message: 'call c1 has already ended', params: { callId: 'c1' } },
  call_exists: {
    given: () => [ev.offered('c1', 'booking', t(1))],
    when: () => ev.offered('c1', 'advice', t(3)),
    message: 'call c1 already exists',
    params: { callId: 'c1' },
  },
  call_not_holdable: {
    given: () => [ev.offered('c1', 'booking', t(1))],
    when: () => ev.held('c1', t(3)),
    message: 'call c1 is waiting, cannot be held',
    params: { callId: 'c1', status: 'waiting' },
  },
  call_not_held: {
    given: answered,
    when: () => ev.resumed('c1', t(3)),
    message: 'call c1 is connected, not held',
    params: { callId: 'c1', status: 'connected' },
  },
  call_not_endable: {
    given: () => [ev.offered('c1', 'booking', t(1))],
    when: () => ev.ended('c1', t(3)),
    message: 'call c1 is waiting, not connected (a caller hanging up in queue is call.abandoned)',
    params: { callId: 'c1', status: 'waiting' },
  },
  call_not_answerable: {
    given: answered,
    when: () => ev.answered('c1', 'a1', t(3)),
    message: 'call c1 is connected, cannot be answered',
    params: { callId: 'c1', status: 'connected' },
  },
  call_not_abandonable: {
    given: answered,
    when: () => ev.abandoned('c1', t(3)),
    message: 'call c1 is connected; a connected call ends with call.ended',
    params: { callId: 'c1', status: 'connected' },
  },
  call_not_transferable: {
    given: () => [ev.offered('c1', 'booking', t(1))],
    when: () => ev.transferredToQueue('c1', 'advice', t(3)),
    message: 'call c1 is waiting, not connected',
    params: { callId: 'c1', status: 'waiting' },
  },
  call_not_overflowable: {
    given: answered,
    when: () => ev.overflowed('c1', 'advice', t(3)),
    message: 'call c1 is connected, not waiting',
    params: { callId: 'c1', status: 'connected' },
  },
  call_not_waiting: { given: () => ready(t(0), 'a1'), when: () => ev.offer('ghost', 'a1', t(3)), message: 'call ghost is not waiting', params: { callId: 'ghost' } },
  call_not_answered: {
    given: abandoned,
    when: () => ev.outcome('c1', t(3), { disposition: 'booked' }),
    message: 'call c1 has not been answered: nothing to record an outcome of',
    params: { callId: 'c1' },
  },
  unknown_agent: { given: () => [], when: () => ev.logout('ghost', t(3)), message: 'unknown agent ghost', params: { agentId: 'ghost' } },
  agent_never_logged_in: {
    given: () => [],
    when: () => ev.state('ghost', 'available', t(3)),
    message: 'unknown agent ghost (send agent.login first)',
    params: { agentId: 'ghost' },
  },
  agent_not_available: {
    given: () => [ev.login('a1', t(0)), ev.offered('c1', 'booking', t(1))],
    when: () => ev.offer('c1', 'a1', t(3)),
    message: 'agent a1 is not available',
    params: { agentId: 'a1' },
  },
  agent_offline: { given: () => [], when: () => ev.agentHeld('a1', t(60), t(3)), message: 'agent a1 is offline', params: { agentId: 'a1' } },
  agent_already_on_call: {
    given: () => [...answered(), ev.offered('c2', 'booking', t(2))],
    when: () => ev.answered('c2', 'a1', t(3)),
    message: 'agent a1 is already on call c1',
    params: { agentId: 'a1', callId: 'c1' },
  },
  agent_on_call: {
    given: answered,
    when: () => ev.state('a1', 'break', t(3)),
    message: 'agent a1 is on call c1; end it first',
    params: { agentId: 'a1', callId: 'c1' },
  },
  agent_not_on_call: {
    given: () => ready(t(0), 'a1'),
    when: () => ev.agentNext('a1', 'break', t(3)),
    message: 'agent a1 is not on a call; change the state now instead',
    params: { agentId: 'a1' },
  },
  invalid_schedule: {
    given: () => [],
    when: () => ev.schedule('a1', t(0), t(3600), [[t(1800), t(3600), 'work'], [t(0), t(1800), 'work']], t(0)),
    message: 'the schedule of agent a1 is invalid: activities overlap or are out of order',
    params: { agentId: 'a1', why: 'activities overlap or are out of order' },
  },
  offer_not_ringing_for_agent: {
    given: () => [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(1))],
    when: () => ev.offerRejected('c1', 'a1', t(3), 'declined'),
    message: 'no offer of call c1 is ringing for agent a1',
    params: { callId: 'c1', agentId: 'a1' },
  },
  unknown_queue: { given: () => [], when: () => ev.queuePriority('nope', 1, t(3)), message: 'unknown queue nope', params: { queue: 'nope' } },
  queue_configured: {
    given: () => [],
    when: () => ev.queueRemoved('booking', t(3)),
    message: 'line booking is in the site configuration: change the configuration to remove it',
    params: { queue: 'booking' },
  },
  queue_busy: {
    given: () => [ev.offered('c1', 'q-9', t(1)), ev.offered('c2', 'q-9', t(2))],
    when: () => ev.queueRemoved('q-9', t(3)),
    message: 'line q-9 has 2 call(s) on it: remove it once they are over',
    params: { queue: 'q-9', count: '2' },
  },
  queue_is_overflow_target: {
    given: () => [ev.offered('c1', 'q-9', t(1)), ev.abandoned('c1', t(2)), ev.queueStatus('booking', false, t(2), { closedAction: 'overflow', overflowTo: 'q-9' })],
    when: () => ev.queueRemoved('q-9', t(3)),
    message: 'line booking overflows to line q-9: change that first',
    params: { queue: 'q-9', from: 'booking' },
  },
  state_not_requestable: {
    given: () => ready(t(0), 'a1'),
    when: () => ev.state('a1', 'reserved', t(3)),
    message: 'state reserved is set by calls, not requested',
    params: { state: 'reserved' },
  },
  unknown_state: {
    site: { notReadyReasons: ['lunch', 'meeting'] },
    given: () => ready(t(0), 'a1'),
    when: () => ev.state('a1', 'napping', t(3)),
    message: 'unknown state napping; this site allows available, break, wrapup, offline, missed, login, disconnected, lunch, meeting',
    params: { state: 'napping', allowed: 'available, break, wrapup, offline, missed, login, disconnected, lunch, meeting' },
  },
  unknown_event_type: {
    given: () => [],
    when: () => ({ id: 'x1', type: 'call.teleported', at: t(3), source: 'pbx' }) as unknown as DomainEvent,
    message: 'unknown event type call.teleported',
    params: { type: 'call.teleported' },
  },
};

const agent = (agentId: string, teamIds: string[] = ['t1']): SessionDTO => ({ userId: agentId, name: agentId, role: 'agent', agentId, teamIds });
const supervisor: SessionDTO = { userId: 'sup', name: 'Sup', role: 'supervisor', teamIds: [] };
const lead = (teamIds: string[]): SessionDTO => ({ userId: 'lead', name: 'Lead', role: 'team_lead', teamIds });

interface DecideCase {
  given: () => DomainEvent[];
  session: SessionDTO;
  name: CommandName;
  payload: unknown;
  code: string;
  message: string;
  params: Record<string, string>;
}

/** One command `decide` refuses, for each of its reasons (the hub's own checks are in hub/command-errors.spec.ts). */
/** The hub's and the access check's own reasons are tested where they are given (hub/command-errors.spec.ts, hub/app.spec.ts, accounts/access.spec.ts). */
type NotFromDecide = 'role_not_allowed' | 'invalid_payload' | 'no_access_grant' | 'not_you';
const DECIDE: { [K in Exclude<keyof CommandCheckParams, NotFromDecide>]: DecideCase } = {
  not_linked: { given: () => [], session: supervisor, name: 'agent:setState', payload: { state: 'available' }, code: 'forbidden', message: 'this login is not linked to an agent', params: {} },
  offer_not_ringing: {
    given: () => [...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(1)), ev.offer('c1', 'a1', t(1))],
    session: agent('a2'),
    name: 'offer:accept',
    payload: { callId: 'c1' },
    code: 'conflict',
    message: 'no offer of call c1 is ringing for you (it may have expired)',
    params: { callId: 'c1' },
  },
  not_your_current_call: {
    given: answered,
    session: agent('a2'),
    name: 'call:end',
    payload: { callId: 'c1' },
    code: 'conflict',
    message: 'call c1 is not your current call',
    params: { callId: 'c1' },
  },
  not_your_call: {
    given: () => [...ready(t(0), 'a2'), ...answered()],
    session: agent('a2'),
    name: 'wrapup:finish',
    payload: { callId: 'c1', disposition: 'booked' },
    code: 'conflict',
    message: 'call c1 is not yours',
    params: { callId: 'c1' },
  },
  not_in_wrapup: { given: () => ready(t(0), 'a1'), session: agent('a1'), name: 'wrapup:finish', payload: {}, code: 'conflict', message: 'you are not in wrap-up and gave no outcome', params: {} },
  unknown_queue: {
    given: () => [],
    session: supervisor,
    name: 'queue:setOpen',
    payload: { queue: 'booking', open: false, closedAction: 'overflow', overflowTo: 'nope' },
    code: 'not_found',
    message: 'unknown queue nope',
    params: { queue: 'nope' },
  },
  unknown_agent: { given: () => [], session: supervisor, name: 'agent:forceState', payload: { agentId: 'ghost', state: 'break' }, code: 'not_found', message: 'unknown agent ghost', params: { agentId: 'ghost' } },
  not_your_team: { given: () => [], session: lead(['t2']), name: 'agent:move', payload: { agentId: 'a1', queues: ['advice'] }, code: 'forbidden', message: 'agent a1 is not in your team', params: { agentId: 'a1' } },
  agent_signed_out: { given: () => [], session: supervisor, name: 'agent:forceState', payload: { agentId: 'a1', state: 'available' }, code: 'conflict', message: 'agent a1 is not signed in: only the agent can sign in', params: { agentId: 'a1' } },
  next_set_by_lead: {
    given: () => [...answered(), { ...ev.agentNext('a1', 'offline', t(3)), source: 'team_lead:lead1', byName: 'Trần Thu Hà' } as DomainEvent],
    session: agent('a1'),
    name: 'agent:setState',
    payload: { state: 'available' },
    code: 'conflict',
    message: 'Trần Thu Hà set the state of agent a1 for after this call: ask them to change it',
    params: { agentId: 'a1', by: 'Trần Thu Hà' },
  },
  unknown_command: { given: () => [], session: supervisor, name: 'queue:explode' as CommandName, payload: {}, code: 'invalid', message: 'unknown command queue:explode', params: { command: 'queue:explode' } },
};

function stateWith(c: { site?: Partial<SiteConfigInput>; given: () => DomainEvent[] }): HubState {
  return apply(site(c.site), c.given());
}

describe('evolve: every rejection has a reason', () => {
  for (const [reason, c] of Object.entries(REJECTIONS)) {
    it(`given a state that does not allow it, when the event comes, then it is refused as ${reason} with the sentence it always had`, () => {
      const s = stateWith(c);
      const before = fingerprint(s);
      const why = evolve(s, c.when());
      expect(why).toBe(c.message);
      expect(commandFailOf(why!)).toEqual({ reason, params: c.params });
      expect(fingerprint(s), 'a rejected event changes nothing').toBe(before);
    });
  }
});

describe('decide: every refusal has a reason', () => {
  for (const [reason, c] of Object.entries(DECIDE)) {
    it(`given a command it may not carry out, then it answers ${reason} with its params beside the sentence`, () => {
      let n = 0;
      const d = decide(stateWith(c), c.name, c.payload as never, { now: t(100), nextId: () => `cmd${++n}`, session: c.session });
      expect(d).toEqual({ ok: false, error: { code: c.code, message: c.message, reason, params: c.params } });
    });
  }
});

describe('the reasons table', () => {
  it('every reason is tested: by an evolve rejection, a decide refusal, or (role, payload) by the hub spec', () => {
    const tested = new Set<string>([...Object.keys(REJECTIONS), ...Object.keys(DECIDE), 'role_not_allowed', 'invalid_payload', 'no_access_grant', 'not_you']);
    expect(COMMAND_FAIL_REASONS.filter((r) => !tested.has(r))).toEqual([]);
    expect([...tested].filter((r) => !(r in COMMAND_FAIL_EN))).toEqual([]);
  });

  it('every sentence reads back as its own reason and params, also with ids full of regex and replace characters', () => {
    for (const reason of COMMAND_FAIL_REASONS) {
      const names = [...COMMAND_FAIL_EN[reason].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const style of ['plain', 'special'] as const) {
        const params = Object.fromEntries(names.map((k, i) => [k, style === 'plain' ? `${k}-${i}` : `${k} (a.b*c+?[d]) $& $1 {x} \\ ${i}`])) as CommandFailParams[CommandFailReason];
        const message = commandFailMessage(reason, params);
        expect(message, reason).not.toMatch(/undefined/);
        expect(commandFailOf(message), `${reason} (${style})`).toEqual({ reason, params });
      }
    }
  });

  it('a sentence that is not one of them has no reason', () => {
    expect(commandFailOf('not connected')).toBeUndefined();
    expect(commandFailOf('')).toBeUndefined();
  });
});

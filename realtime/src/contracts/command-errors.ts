/**
 * Why a console command failed, machine-readable: a `reason` with its `params` beside the English
 * `message` API clients have always had (`ErrorBody`). The message is built here from the same reason
 * and params (`commandFailMessage`), so the two never disagree; the console words the reason in its
 * language and shows the message only for a reason it does not know (an older or newer hub).
 *
 * `evolve` returns its rejections as these English sentences (a string, so its success path stays a
 * bare `null`); `commandFailOf` reads the reason and params back from one. Dependency-free: the
 * console imports it.
 */

/** Why `evolve` refuses an event: the state does not allow it. A command answers them as `conflict`. */
export interface RejectionParams {
  unknown_call: { callId: string };
  call_ended: { callId: string };
  call_exists: { callId: string };
  /** `status` is the call's (`waiting`, `offering`, `connected`, `held`, `wrapup`, `done`), here and below. */
  call_not_holdable: { callId: string; status: string };
  call_not_held: { callId: string; status: string };
  call_not_endable: { callId: string; status: string };
  call_not_answerable: { callId: string; status: string };
  call_not_abandonable: { callId: string; status: string };
  call_not_transferable: { callId: string; status: string };
  call_not_overflowable: { callId: string; status: string };
  call_not_waiting: { callId: string };
  call_not_answered: { callId: string };
  unknown_agent: { agentId: string };
  /** An `agent.state` for an agent the hub has never seen log in. */
  agent_never_logged_in: { agentId: string };
  agent_not_available: { agentId: string };
  agent_offline: { agentId: string };
  agent_already_on_call: { agentId: string; callId: string };
  /** A state change while on a call. */
  agent_on_call: { agentId: string; callId: string };
  /** A state for after the call (`agent.next`) for an agent who is on none: their state changes at once instead. */
  agent_not_on_call: { agentId: string };
  /** An `agent.schedule` whose activities are out of order, overlap, or lie outside its period. */
  invalid_schedule: { agentId: string; why: string };
  offer_not_ringing_for_agent: { callId: string; agentId: string };
  unknown_queue: { queue: string };
  /** A line of the site's configuration cannot be removed (`queue.removed`): the configuration brings it back. */
  queue_configured: { queue: string };
  /** A line with calls on it (`count`, waiting or in progress) cannot be removed. */
  queue_busy: { queue: string; count: string };
  /** A line that another line overflows to (`from`) cannot be removed. */
  queue_is_overflow_target: { queue: string; from: string };
  /** `reserved`, `oncall`: states calls set. */
  state_not_requestable: { state: string };
  /** `allowed`: the site's states, comma-separated. */
  unknown_state: { state: string; allowed: string };
  unknown_event_type: { type: string };
}

/** Why a command is refused before any event: the hub's checks and `decide`. */
export interface CommandCheckParams {
  unknown_command: { command: string };
  role_not_allowed: { role: string; command: string };
  /** `fields`: the paths of the invalid fields, comma-separated (may be empty); `details` has zod's messages. */
  invalid_payload: { command: string; fields: string };
  not_linked: Record<string, never>;
  offer_not_ringing: { callId: string };
  not_your_current_call: { callId: string };
  not_your_call: { callId: string };
  not_in_wrapup: Record<string, never>;
  unknown_queue: { queue: string };
  unknown_agent: { agentId: string };
  not_your_team: { agentId: string };
  /** A supervisor's forced state for an agent who is not signed in: calls would ring at an empty desk. */
  agent_signed_out: { agentId: string };
  /** The login's access grants (`console`, `phone`, `campaigns`) do not include the one the command needs. */
  no_access_grant: { userId: string; grant: string };
  /** An agent acting on another agent. */
  not_you: { agentId: string };
  /**
   * An agent's state change while a team lead's or supervisor's state for after the call waits (`by`: their
   * name): theirs to change.
   */
  next_set_by_lead: { agentId: string; by: string };
}

export interface CommandFailParams extends RejectionParams, CommandCheckParams {}
export type CommandFailReason = keyof CommandFailParams;
export type RejectionReason = keyof RejectionParams;

/** A reason with its params, as `ErrorBody` carries them. */
export type CommandFail = { [K in CommandFailReason]: { reason: K; params: CommandFailParams[K] } }[CommandFailReason];

/**
 * The English sentence of each reason (the `message` API clients get), `{name}` standing for a param.
 * Keyed by the reason union: a reason without a sentence does not compile.
 */
export const COMMAND_FAIL_EN: { readonly [K in CommandFailReason]: string } = {
  unknown_call: 'unknown call {callId}',
  call_ended: 'call {callId} has already ended',
  call_exists: 'call {callId} already exists',
  call_not_holdable: 'call {callId} is {status}, cannot be held',
  call_not_held: 'call {callId} is {status}, not held',
  call_not_endable: 'call {callId} is {status}, not connected (a caller hanging up in queue is call.abandoned)',
  call_not_answerable: 'call {callId} is {status}, cannot be answered',
  call_not_abandonable: 'call {callId} is {status}; a connected call ends with call.ended',
  call_not_transferable: 'call {callId} is {status}, not connected',
  call_not_overflowable: 'call {callId} is {status}, not waiting',
  call_not_waiting: 'call {callId} is not waiting',
  call_not_answered: 'call {callId} has not been answered: nothing to record an outcome of',
  unknown_agent: 'unknown agent {agentId}',
  agent_never_logged_in: 'unknown agent {agentId} (send agent.login first)',
  agent_not_available: 'agent {agentId} is not available',
  agent_offline: 'agent {agentId} is offline',
  agent_already_on_call: 'agent {agentId} is already on call {callId}',
  agent_on_call: 'agent {agentId} is on call {callId}; end it first',
  agent_not_on_call: 'agent {agentId} is not on a call; change the state now instead',
  invalid_schedule: 'the schedule of agent {agentId} is invalid: {why}',
  offer_not_ringing_for_agent: 'no offer of call {callId} is ringing for agent {agentId}',
  unknown_queue: 'unknown queue {queue}',
  queue_configured: 'line {queue} is in the site configuration: change the configuration to remove it',
  queue_busy: 'line {queue} has {count} call(s) on it: remove it once they are over',
  queue_is_overflow_target: 'line {from} overflows to line {queue}: change that first',
  state_not_requestable: 'state {state} is set by calls, not requested',
  unknown_state: 'unknown state {state}; this site allows {allowed}',
  unknown_event_type: 'unknown event type {type}',
  unknown_command: 'unknown command {command}',
  role_not_allowed: '{role} may not {command}',
  invalid_payload: 'invalid {command} payload',
  not_linked: 'this login is not linked to an agent',
  offer_not_ringing: 'no offer of call {callId} is ringing for you (it may have expired)',
  not_your_current_call: 'call {callId} is not your current call',
  not_your_call: 'call {callId} is not yours',
  not_in_wrapup: 'you are not in wrap-up and gave no outcome',
  not_your_team: 'agent {agentId} is not in your team',
  agent_signed_out: 'agent {agentId} is not signed in: only the agent can sign in',
  no_access_grant: '{userId} has no {grant} access',
  not_you: 'agent {agentId} is not you',
  next_set_by_lead: '{by} set the state of agent {agentId} for after this call: ask them to change it',
};

/** Every reason (for tests and for clients that list them). */
export const COMMAND_FAIL_REASONS = Object.keys(COMMAND_FAIL_EN) as CommandFailReason[];

interface Compiled {
  reason: CommandFailReason;
  /** Literal text and param names, alternating: `[text, name, text, ..., text]`. */
  parts: string[];
  re: RegExp;
  /** Characters of literal text: of two sentences that both match, the one with more is the one meant. */
  literal: number;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(reason: CommandFailReason): Compiled {
  const parts = COMMAND_FAIL_EN[reason].split(/\{(\w+)\}/);
  let re = '^';
  let literal = 0;
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      re += escapeRe(parts[i]!);
      literal += parts[i]!.length;
    } else re += '([\\s\\S]+?)';
  }
  return { reason, parts, re: new RegExp(`${re}$`), literal };
}

const COMPILED = Object.fromEntries(COMMAND_FAIL_REASONS.map((r) => [r, compile(r)])) as Record<CommandFailReason, Compiled>;
/** Most literal text first: `unknown agent X (send agent.login first)` is not `unknown agent {agentId}`. */
const BY_SPECIFICITY = Object.values(COMPILED).sort((a, b) => b.literal - a.literal);

/** The English sentence of `reason` with its params filled in. */
export function commandFailMessage<K extends CommandFailReason>(reason: K, params: CommandFailParams[K]): string {
  const parts = COMPILED[reason].parts;
  const p = params as Record<string, string>;
  let s = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) s += p[parts[i]!]! + parts[i + 1]!;
  return s;
}

/** `{ reason, params }` of one of the sentences above (e.g. an `evolve` rejection); undefined for any other text. */
export function commandFailOf(message: string): CommandFail | undefined {
  for (const c of BY_SPECIFICITY) {
    const m = c.re.exec(message);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (let i = 1; i < c.parts.length; i += 2) params[c.parts[i]!] = m[(i + 1) / 2]!;
    return { reason: c.reason, params } as CommandFail;
  }
  return undefined;
}

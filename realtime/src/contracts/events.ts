/**
 * Telephony (CTI) event contract: `shared/spec/cti-events.md`, as zod schemas.
 *
 * Wire events (`CtiEvent`) are what PBX adapters, the simulator, the replay and the dialer send.
 * Hub events (`HubEvent`) are the hub's own decisions (offers, overflow, supervisor actions); they are
 * written to the same append-only log so the state can be rebuilt from it. Both are validated with
 * `.strict()` schemas: an unknown field is an error, never silently dropped.
 */
import { z } from 'zod';
import { MetricParamsSchema } from './site.ts';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';


const Id = z.string().min(1).max(128);
/** ISO-8601 with an offset, or epoch milliseconds. */
export const EventTime = z.union([
  z.iso.datetime({ offset: true }),
  z.number().int().min(0).max(8_640_000_000_000_000),
]);

const base = {
  id: Id,
  at: EventTime,
  source: z.string().min(1).max(128).optional(),
};

/**
 * Agent states the phone system may report. Any other token must be one of the site's not-ready states
 * (`notReadyReasons`, e.g. `lunch`), else the event is rejected as `unknown_state`.
 */
export const ReportedAgentState = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'state must be a lower-case token');

export const CallOffered = z.strictObject({
  ...base,
  type: z.literal('call.offered'),
  callId: Id,
  queue: Id,
  direction: z.enum(['inbound', 'outbound']),
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
  priority: z.number().int().min(1).max(10).optional(),
  skills: z.array(z.string().min(1).max(64)).max(32).optional(),
  campaignId: Id.optional(),
  leadId: Id.optional(),
  attributes: z.record(z.string().max(64), z.string().max(1024)).optional(),
  /**
   * Callboard extension (optional, additive): the agent this call should go to first, e.g. the agent a
   * campaign lead is assigned to. The call waits for that agent up to the queue's `preferredAgentWaitSec`,
   * then any eligible agent may take it.
   */
  preferredAgentId: Id.optional(),
});
export const CallAnswered = z.strictObject({ ...base, type: z.literal('call.answered'), callId: Id, agentId: Id });
export const CallAbandoned = z.strictObject({ ...base, type: z.literal('call.abandoned'), callId: Id });
export const CallHeld = z.strictObject({ ...base, type: z.literal('call.held'), callId: Id });
export const CallResumed = z.strictObject({ ...base, type: z.literal('call.resumed'), callId: Id });
export const CallTransferred = z
  .strictObject({ ...base, type: z.literal('call.transferred'), callId: Id, queue: Id.optional(), agentId: Id.optional() })
  .refine((e) => (e.queue === undefined) !== (e.agentId === undefined), {
    message: 'call.transferred needs exactly one of queue or agentId',
  });
export const CallEnded = z.strictObject({
  ...base,
  type: z.literal('call.ended'),
  callId: Id,
  by: z.enum(['caller', 'agent', 'system']).optional(),
});
export const CallOutcome = z.strictObject({
  ...base,
  type: z.literal('call.outcome'),
  callId: Id,
  disposition: z.string().min(1).max(64).optional(),
  notes: z.string().max(4000).optional(),
  revenue: z.number().finite().min(0).optional(),
  surveyScore: z.number().finite().min(0).max(10).optional(),
});
export const DialResult = z.enum(['connected', 'busy', 'no_answer', 'voicemail', 'failed', 'invalid']);
export const CallDialed = z.strictObject({
  ...base,
  type: z.literal('call.dialed'),
  callId: Id,
  campaignId: Id,
  leadId: Id,
  to: z.string().min(1).max(64),
  result: DialResult,
});
export const AgentLogin = z.strictObject({
  ...base,
  type: z.literal('agent.login'),
  agentId: Id,
  queues: z.array(Id).max(64).optional(),
  skills: z.record(z.string().min(1).max(64), z.number().int().min(1).max(10)).optional(),
});
export const AgentLogout = z.strictObject({ ...base, type: z.literal('agent.logout'), agentId: Id });
export const AgentStateEvent = z.strictObject({
  ...base,
  type: z.literal('agent.state'),
  agentId: Id,
  state: ReportedAgentState,
  reason: z.string().min(1).max(64).optional(),
});

// The refine on CallTransferred makes it a ZodEffects-like type that discriminatedUnion cannot use,
// so the union is over the plain object and the refinement is checked after parsing.
const CallTransferredObject = z.strictObject({
  ...base,
  type: z.literal('call.transferred'),
  callId: Id,
  queue: Id.optional(),
  agentId: Id.optional(),
});

export const CtiEventSchema = z.discriminatedUnion('type', [
  CallOffered,
  CallAnswered,
  CallAbandoned,
  CallHeld,
  CallResumed,
  CallTransferredObject,
  CallEnded,
  CallOutcome,
  CallDialed,
  AgentLogin,
  AgentLogout,
  AgentStateEvent,
]);
export type CtiEventIn = z.input<typeof CtiEventSchema>;
export type CtiEventWire = z.output<typeof CtiEventSchema>;

export const CTI_EVENT_TYPES = [
  'call.offered',
  'call.answered',
  'call.abandoned',
  'call.held',
  'call.resumed',
  'call.transferred',
  'call.ended',
  'call.outcome',
  'call.dialed',
  'agent.login',
  'agent.logout',
  'agent.state',
] as const;

// ---------------------------------------------------------------------------------------------
// Hub decisions, written to the event log beside the telephony events.

const hubBase = { id: Id, at: z.number().int(), source: z.string().min(1).max(128).optional() };
export const OfferCreated = z.strictObject({
  ...hubBase,
  type: z.literal('offer.created'),
  callId: Id,
  agentId: Id,
  expiresAt: z.number().int(),
});
export const OfferRejected = z.strictObject({
  ...hubBase,
  type: z.literal('offer.rejected'),
  callId: Id,
  agentId: Id,
  reason: z.enum(['declined', 'timeout', 'disconnected']),
});
export const CallOverflowed = z.strictObject({
  ...hubBase,
  type: z.literal('call.overflowed'),
  callId: Id,
  toQueue: Id,
});
export const QueueStatus = z.strictObject({
  ...hubBase,
  type: z.literal('queue.status'),
  queue: Id,
  open: z.boolean(),
  closedAction: z.enum(['reject', 'overflow', 'announce']).optional(),
  overflowTo: Id.optional(),
});
/**
 * A line that is no longer wanted leaves the live state: one that a `call.offered` created for an id the
 * site's configuration does not name (`autoCreateQueues`), with no call on it. Its members lose it; its
 * history stays in the records (reports), and a later call for the id creates it again.
 */
export const QueueRemoved = z.strictObject({
  ...hubBase,
  type: z.literal('queue.removed'),
  queue: Id,
});
export const QueuePriority = z.strictObject({
  ...hubBase,
  type: z.literal('queue.priority'),
  queue: Id,
  priority: z.number().int().min(1).max(10),
});
export const AgentQueues = z.strictObject({
  ...hubBase,
  type: z.literal('agent.queues'),
  agentId: Id,
  queues: z.array(Id).max(64),
});
/**
 * The dialer rings a lead assigned to this agent: until `until` the agent is offered no other call, so the
 * connected callee finds them free. `until` <= `at` releases the hold (the dial did not connect).
 */
export const AgentHeld = z.strictObject({
  ...hubBase,
  type: z.literal('agent.held'),
  agentId: Id,
  until: z.number().int(),
  ref: z.string().max(256).optional(),
});
/**
 * The agent's state once their current call (and its wrap-up) is over: "break after this call", or a
 * team lead's "absent after this call". `state: null` cancels it. Only while the agent is on a call:
 * otherwise a state change applies at once.
 */
export const AgentNext = z.strictObject({
  ...hubBase,
  type: z.literal('agent.next'),
  agentId: Id,
  state: z.string().min(1).max(64).nullable(),
  reason: z.string().max(64).optional(),
  /** The display name of who asked (`source` has their role and login id). */
  byName: z.string().max(128).optional(),
});
/**
 * An agent's schedule for [from, to) (usually one site day), replacing what was scheduled there: the
 * activities in time order (`work`, `break`, or a not-ready reason such as `lunch`); none is a day off.
 * Adherence and conformance (metrics.md) are counted against it from the moment it is known.
 */
export const AgentScheduled = z.strictObject({
  ...hubBase,
  type: z.literal('agent.schedule'),
  agentId: Id,
  from: z.number().int(),
  to: z.number().int(),
  activities: z.array(z.strictObject({ start: z.number().int(), end: z.number().int(), activity: z.string().min(1).max(64) })).max(96),
});
/**
 * A version of the metric parameters (metrics.md: "settings, versioned, never applied silently to
 * history"): the site's and each line's T, S, SL goal and basis from `at` on, logged when the hub starts with
 * parameters other than the last version's. Events after it are counted with it, also on a replay of the
 * log; figures of a period are derived with the version then in force. A line not named takes the site's.
 */
export const ParamsVersioned = z.strictObject({
  ...hubBase,
  type: z.literal('params.version'),
  site: MetricParamsSchema,
  queues: z.record(Id, MetricParamsSchema),
});
export const HubEventSchema = z.discriminatedUnion('type', [
  OfferCreated,
  OfferRejected,
  CallOverflowed,
  QueueStatus,
  QueueRemoved,
  QueuePriority,
  AgentQueues,
  AgentHeld,
  AgentNext,
  AgentScheduled,
  ParamsVersioned,
]);
export type HubEventWire = z.output<typeof HubEventSchema>;

type WithMsTime<T> = T extends { at: unknown } ? Omit<T, 'at'> & { at: number } : never;

/** A telephony event after validation, with `at` as epoch milliseconds. */
export type CtiEvent = WithMsTime<CtiEventWire>;
/** A hub decision. */
export type HubEvent = HubEventWire;
/** Everything `evolve` understands: telephony events and hub decisions. */
export type DomainEvent = CtiEvent | HubEvent;
export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

/** One reason an event was refused, as answered to the sender. */
export interface EventRejection {
  index: number;
  id?: string;
  errors: string[];
}
/** The answer to `POST /api/v1/events` and to the `/telephony` `events` message. */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: EventRejection[];
}

/**
 * The fast path of validation: the same zod schemas, compiled once to JSON Schema and from there by
 * ajv into plain functions, one per event type (4-6x faster than zod on the hot path). zod stays the
 * source of truth and gives the error messages: anything ajv does not accept goes through zod.
 * `events.spec.ts` checks that the two agree on valid and mutated events.
 */
const FAST_SCHEMAS: Record<string, z.ZodType> = {
  'call.offered': CallOffered,
  'call.answered': CallAnswered,
  'call.abandoned': CallAbandoned,
  'call.held': CallHeld,
  'call.resumed': CallResumed,
  'call.transferred': CallTransferredObject,
  'call.ended': CallEnded,
  'call.outcome': CallOutcome,
  'call.dialed': CallDialed,
  'agent.login': AgentLogin,
  'agent.logout': AgentLogout,
  'agent.state': AgentStateEvent,
};
let fast: Map<string, ValidateFunction> | undefined;
function fastValidators(): Map<string, ValidateFunction> {
  if (!fast) {
    // zod's JSON Schema carries its own date-time `pattern`: ajv's `format` check would only repeat it.
    const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
    fast = new Map(Object.entries(FAST_SCHEMAS).map(([t, sch]) => [t, ajv.compile(z.toJSONSchema(sch, { io: 'input' }))]));
  }
  return fast;
}

/** The fast path alone (exported for the agreement test): true when ajv accepts `raw`. */
export function fastAccepts(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const v = fastValidators().get((raw as { type?: unknown }).type as string);
  return v !== undefined && v(raw) === true;
}

/**
 * Validates one wire event and converts its time to epoch ms.
 * Returns the event or a list of human-readable errors (`path: message`).
 */
export function parseCtiEvent(raw: unknown): { ok: true; event: CtiEvent } | { ok: false; errors: string[] } {
  if (fastAccepts(raw)) {
    const e = raw as CtiEventWire;
    const transferOk = e.type !== 'call.transferred' || (e.queue === undefined) !== (e.agentId === undefined);
    const at = typeof e.at === 'number' ? e.at : Date.parse(e.at);
    if (transferOk && Number.isFinite(at)) return { ok: true, event: { ...e, at } as CtiEvent };
  }
  const r = CtiEventSchema.safeParse(raw);
  if (!r.success) {
    return { ok: false, errors: r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)) };
  }
  const e = r.data;
  if (e.type === 'call.transferred') {
    const t = CallTransferred.safeParse(raw);
    if (!t.success) return { ok: false, errors: t.error.issues.map((i) => i.message) };
  }
  const at = typeof e.at === 'number' ? e.at : Date.parse(e.at);
  if (!Number.isFinite(at)) return { ok: false, errors: ['at: not a valid time'] };
  return { ok: true, event: { ...e, at } as CtiEvent };
}

export function parseHubEvent(raw: unknown): { ok: true; event: HubEvent } | { ok: false; errors: string[] } {
  const r = HubEventSchema.safeParse(raw);
  if (!r.success) return { ok: false, errors: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  return { ok: true, event: r.data };
}

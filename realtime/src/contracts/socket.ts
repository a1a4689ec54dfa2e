/**
 * Socket.IO event maps, wire DTOs and client command schemas, shared by the hub, the console,
 * the simulator and the workers. Every client command is answered by an ack `Response<T>`.
 */
import { z } from 'zod';
import type { ApiFailReason } from './api-errors.ts';
import type { CommandFailReason } from './command-errors.ts';
import type { IngestResult } from './events.ts';
import type { LiveFigures, MetricValues } from './metrics.ts';
import type { EntityPatch, Patch } from './patch.ts';
import type { AccessKind, Role } from './site.ts';

export type ErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  /** REST only: the database, Redis or the campaign workers are missing or down (503). */
  | 'unavailable'
  | 'internal';
export interface ErrorBody {
  code: ErrorCode;
  /** English, for people reading logs and API answers; a client words `reason` in its own language. */
  message: string;
  details?: string[];
  /** Why, as a stable code (a failed command): see `COMMAND_FAIL_EN` in `command-errors.ts`. */
  reason?: CommandFailReason;
  /** The reason's arguments (`CommandFailParams`): ids, states, field paths. */
  params?: Record<string, string>;
}
/** A REST answer's `{ error }`: the same fields, with a REST reason (`API_FAIL_EN` in `api-errors.ts`, `ApiFailParams`). */
export interface ApiErrorBody extends Omit<ErrorBody, 'reason'> {
  reason?: ApiFailReason;
}
export type Response<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type Ack<T> = (res: Response<T>) => void;

// ------------------------------------------------------------------------------------------ DTOs

export type AgentStateName = 'offline' | 'available' | 'reserved' | 'onCall' | 'wrapup' | 'break' | 'notReady';
export type CallStatus = 'waiting' | 'offering' | 'connected' | 'held' | 'wrapup';

export interface QueueDTO {
  id: string;
  name: string;
  nameVi?: string;
  open: boolean;
  closedAction: 'reject' | 'overflow' | 'announce';
  priority: number;
  routing: 'hub' | 'observe';
  direction: 'inbound' | 'outbound';
  slThresholdSec: number;
  slTargetPct: number;
  shortAbandonSec: number;
  wrapupSec: number;
  /**
   * Created by a call for an id the site's configuration does not name (`autoCreateQueues`); only such a
   * line can be removed (`queue:remove`), once no call is on it.
   */
  autoCreated?: true;
  live: LiveFigures;
  /** Since the start of the site's day. */
  today: MetricValues;
  /** Sliding window of the last 30 minutes. */
  last30: MetricValues;
}

/**
 * Whether a state for after the call was set by a team lead, supervisor or admin (`next.by`, `role:userId`):
 * then it is theirs to change, not the agent's (a sudden absence), except that the agent may sign out.
 */
export function nextSetByLead(next: { by?: string | undefined } | undefined): boolean {
  return /^(team_lead|supervisor|admin):/.test(next?.by ?? '');
}

export interface AgentDTO {
  id: string;
  name: string;
  teamId?: string;
  queues: string[];
  skills: Record<string, number>;
  state: AgentStateName;
  reason?: string;
  /** Epoch ms the agent entered the current state. */
  since: number;
  callId?: string;
  offerCallId?: string;
  /** Held until then for a call the dialer is ringing for them (a lead assigned to them). */
  heldUntil?: number;
  missedInRow: number;
  /**
   * The state the agent takes once the current call and its wrap-up are over ("break after this call",
   * a lead's "absent after this call"); `by` is who asked (`role:userId`).
   */
  /** A state for after the call: `by` is `role:userId` of who asked, `byName` their display name. */
  next?: { state: string; reason?: string; by?: string; byName?: string; at: number };
  today: {
    handled: number;
    occupancyPct: number | null;
    ahtSec: number | null;
    missedOffers: number;
    /** Logged-in time today, seconds (the shift as worked). */
    staffedSec: number;
    /** When the agent logged in for the shift that reaches into today (epoch ms), or null if not today. */
    shiftStart: number | null;
    /** Today's shift as scheduled (`PUT /api/v1/schedules/:date`): first activity's start, last one's end; null without one. */
    scheduled: [number, number] | null;
    /** Schedule adherence so far today (metrics.md), null without a schedule. */
    adherencePct: number | null;
  };
}

export interface CallDTO {
  id: string;
  queue: string;
  direction: 'inbound' | 'outbound';
  status: CallStatus;
  priority: number;
  offeredAt: number;
  enteredQueueAt: number;
  answeredAt?: number;
  agentId?: string;
  /** Caller number, masked for roles that do not need it. */
  from?: string;
  /** An outbound call's number dialled (the customer), masked like `from`. */
  to?: string;
  campaignId?: string;
  attributes?: Record<string, string>;
  /** The agent this call goes to first; `keptUntil` while nobody else may take it yet. */
  preferredAgentId?: string;
  keptUntil?: number;
}

export interface TeamDTO {
  id: string;
  name: string;
  /** Vietnamese display name, when the site configures one. */
  nameVi?: string;
  leadUserId?: string;
  today: MetricValues;
}

export interface SiteDTO {
  id: string;
  name: string;
  timeZone: string;
  locale: 'vi' | 'en';
  intervalMin: number;
  notReadyReasons: string[];
  live: LiveFigures;
  today: MetricValues;
  last30: MetricValues;
}

export interface SnapshotDTO {
  /** Number of events applied; deltas with a lower or equal seq are already in this snapshot. */
  seq: number;
  /** Hub clock when the snapshot was taken (epoch ms). */
  at: number;
  site: SiteDTO;
  queues: QueueDTO[];
  agents: AgentDTO[];
  teams: TeamDTO[];
  calls: CallDTO[];
}

/**
 * What changed for a room since its last delta, as field-level patches (`contracts/patch.ts`): an entity
 * the room has not been sent since a socket (re)joined it comes whole, later ones carry only the fields
 * that changed. A client merges them with `applyPatch` into its snapshot, in the order they arrive.
 */
export interface DeltaDTO {
  seq: number;
  at: number;
  site?: Patch<SiteDTO>;
  queues?: EntityPatch<QueueDTO>[];
  agents?: EntityPatch<AgentDTO>[];
  teams?: EntityPatch<TeamDTO>[];
  calls?: EntityPatch<CallDTO>[];
  /** Calls that left the live set (ended, abandoned, completed wrap-up). */
  removedCalls?: string[];
  /** Lines removed from the live state (`queue:remove`). */
  removedQueues?: string[];
}

export interface OfferDTO {
  callId: string;
  agentId: string;
  queue: string;
  queueName: string;
  expiresAt: number;
  offeredAt: number;
  /** `outbound`: a campaign's call the dialer connected (the number is `to`). */
  direction: 'inbound' | 'outbound';
  /** The caller's number (inbound), masked. */
  from?: string;
  /** The number dialled (outbound), masked. */
  to?: string;
  attributes?: Record<string, string>;
}

export interface SessionDTO {
  userId: string;
  name: string;
  role: Role;
  agentId?: string;
  teamIds: string[];
  /** Grants of a database account (absent: a token minted without one; the role's defaults apply). */
  access?: AccessKind[];
}

/** What the hub asks of the phone system (e.g. reject or announce a call to a closed line). */
export interface TelephonyCommandDTO {
  callId: string;
  action: 'reject' | 'announce';
  queue: string;
}

// ------------------------------------------------------------------------------ client commands

const Id = z.string().min(1).max(128);
const StateToken = z.string().min(1).max(64).regex(/^[a-z][a-z0-9_-]*$/);

export const SetStateCmd = z.strictObject({ state: StateToken, reason: z.string().min(1).max(64).optional() });
export const CallRefCmd = z.strictObject({ callId: Id });
export const HoldCmd = z.strictObject({ callId: Id, on: z.boolean() });
/**
 * Wrap-up form fields written as `name: value` lines in front of `notes` (the console's form writes them,
 * the complaint intake reads `category` and `severity` back).
 */
export const WRAPUP_NOTE_FIELDS = ['appointment', 'branch', 'callbackAt', 'category', 'severity'] as const;
export type WrapupNoteField = (typeof WRAPUP_NOTE_FIELDS)[number];

export const FinishWrapupCmd = z.strictObject({
  callId: Id.optional(),
  disposition: z.string().min(1).max(64).optional(),
  notes: z.string().max(4000).optional(),
  revenue: z.number().finite().min(0).optional(),
});
export const QueueOpenCmd = z.strictObject({
  queue: Id,
  open: z.boolean(),
  closedAction: z.enum(['reject', 'overflow', 'announce']).optional(),
  overflowTo: Id.optional(),
});
export const QueuePriorityCmd = z.strictObject({ queue: Id, priority: z.number().int().min(1).max(10) });
/** Removes a line the configuration does not name (created by a call for an unknown id), with no call on it. */
export const QueueRemoveCmd = z.strictObject({ queue: Id });
export const ForceStateCmd = z.strictObject({
  agentId: Id,
  state: StateToken,
  reason: z.string().min(1).max(64).optional(),
});
export const MoveAgentCmd = z.strictObject({
  agentId: Id,
  /** The agent's new set of queues. */
  queues: z.array(Id).max(64),
});

export type SetStateCmd = z.infer<typeof SetStateCmd>;
export type CallRefCmd = z.infer<typeof CallRefCmd>;
export type HoldCmd = z.infer<typeof HoldCmd>;
export type FinishWrapupCmd = z.infer<typeof FinishWrapupCmd>;
export type QueueOpenCmd = z.infer<typeof QueueOpenCmd>;
export type QueuePriorityCmd = z.infer<typeof QueuePriorityCmd>;
export type QueueRemoveCmd = z.infer<typeof QueueRemoveCmd>;
export type ForceStateCmd = z.infer<typeof ForceStateCmd>;
export type MoveAgentCmd = z.infer<typeof MoveAgentCmd>;

/** Command name -> payload schema; also the list of commands a role may send (see `COMMAND_ROLES`). */
export const COMMANDS = {
  'agent:setState': SetStateCmd,
  'offer:accept': CallRefCmd,
  'offer:decline': CallRefCmd,
  'call:hold': HoldCmd,
  'call:end': CallRefCmd,
  'wrapup:finish': FinishWrapupCmd,
  'queue:setOpen': QueueOpenCmd,
  'queue:setPriority': QueuePriorityCmd,
  'queue:remove': QueueRemoveCmd,
  'agent:forceState': ForceStateCmd,
  'agent:move': MoveAgentCmd,
} as const;
export type CommandName = keyof typeof COMMANDS;
export type CommandPayload<K extends CommandName> = z.infer<(typeof COMMANDS)[K]>;

export const COMMAND_ROLES: Record<CommandName, readonly Role[]> = {
  'agent:setState': ['agent'],
  'offer:accept': ['agent'],
  'offer:decline': ['agent'],
  'call:hold': ['agent'],
  'call:end': ['agent'],
  'wrapup:finish': ['agent'],
  'queue:setOpen': ['admin', 'supervisor'],
  'queue:setPriority': ['admin', 'supervisor'],
  'queue:remove': ['admin', 'supervisor'],
  'agent:forceState': ['admin', 'supervisor', 'team_lead'],
  'agent:move': ['admin', 'supervisor', 'team_lead'],
};

/** The result of a command: the events it produced (ids) and the hub's seq after them. */
export interface CommandResult {
  seq: number;
  events: string[];
  /**
   * Applied (boards show it) but not in the event log yet: Redis did not take it within a couple of
   * seconds. The hub keeps writing it until Redis is back; only a hub crash before then would lose it.
   */
  unsaved?: true;
}

// ------------------------------------------------------------------------------------ event maps

export interface ServerToClientEvents {
  /** Full state for this client's view; sent on connect, on reconnect and on `snapshot:get`. */
  snapshot: (s: SnapshotDTO) => void;
  /** Coalesced changes since the last delta (at most one per room per 250 ms by default). */
  delta: (d: DeltaDTO) => void;
  'session:info': (s: SessionDTO) => void;
  'offer:new': (o: OfferDTO) => void;
  'offer:cancelled': (o: { callId: string; reason: 'declined' | 'timeout' | 'disconnected' | 'abandoned' | 'answered-elsewhere' | 'state-change' }) => void;
  /**
   * Every 2 s to every client: the hub is alive and its deltas are current (deltas come only when
   * something changed, so a quiet line is fresh, not stale). `seq` and `at` are the hub's.
   */
  'hub:heartbeat': (h: { seq: number; at: number }) => void;
}

type CommandHandlers = { [K in CommandName]: (payload: CommandPayload<K>, ack: Ack<CommandResult>) => void };
export interface ClientToServerEvents extends CommandHandlers {
  'snapshot:get': (ack: Ack<SnapshotDTO>) => void;
}

export interface TelephonyServerToClientEvents {
  'telephony:command': (c: TelephonyCommandDTO) => void;
}
export interface TelephonyClientToServerEvents {
  /** Same payload and answer as `POST /api/v1/events`. */
  events: (payload: unknown, ack: (res: IngestResult) => void) => void;
}

export interface InterServerEvents {
  ping: () => void;
}

export interface SocketData {
  session: SessionDTO;
  /** Queues a wallboard asked for (handshake `auth.queues`); empty means the whole site. */
  queues: string[];
}

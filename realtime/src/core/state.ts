/**
 * The hub's in-memory state: queues (lines), agents, live calls, completed call records and metric
 * counters. Built only by `evolve` from events, so replaying the event log rebuilds it exactly.
 */
import type {
  AgentStateName,
  CallStatus,
  MetricParams,
  OfferDTO,
  QueueConfig,
  SiteConfig,
  TelephonyCommandDTO,
} from '../contracts/index.ts';
import { MetricsStore, type ScopeSeries } from './metrics.ts';
import { SiteCalendar } from './time.ts';

export interface QueueState {
  id: string;
  name: string;
  nameVi?: string;
  open: boolean;
  closedAction: 'reject' | 'overflow' | 'announce';
  closedOverflowTo?: string;
  overflow?: { afterSec: number; toQueue: string };
  priority: number;
  routing: 'hub' | 'observe';
  direction: 'inbound' | 'outbound';
  wrapupSec: number;
  /** Seconds a call with a preferred agent waits for that agent before anyone may take it. */
  preferredAgentWaitSec: number;
  skills: Record<string, number>;
  params: MetricParams;
  /** Waiting calls, ordered by (call priority, time entered this queue). */
  waiting: CallState[];
  /** This queue's metric series (cache). */
  series?: ScopeSeries;
  /** Available member agents in the order they became available (first = longest idle). */
  available: Map<string, AgentState>;
  members: Set<string>;
  /**
   * When each agent (ever) was a member: [start, end) spans in event time, end Infinity while a member.
   * Queue figures over a past window count the agents who were members then, not the members of now.
   */
  memberSpans: Map<string, [number, number][]>;
}

export interface AgentState {
  id: string;
  name: string;
  teamId?: string;
  queues: string[];
  skills: Record<string, number>;
  state: AgentStateName;
  reason?: string;
  /** When the current state began (event time, ms). */
  since: number;
  /** Agent time is accounted into metrics up to here. */
  accruedUntil: number;
  callId?: string;
  offerCallId?: string;
  /** The call whose wrap-up the agent is doing. */
  wrapCallId?: string;
  wrapupUntil?: number;
  /** Held for a call the dialer is ringing for them (a lead assigned to them): no other call until then. */
  heldUntil?: number;
  heldRef?: string;
  missedInRow: number;
  /** The state to take once the current call and its wrap-up are over (`agent.next`); who asked for it. */
  next?: PendingState;
  /** The agent's schedule (`agent.schedule`), for adherence and conformance. */
  schedule?: AgentSchedule;
  /** The agent's part of the call being wrapped up (handle time is counted when wrap-up ends). */
  segment?: Segment;
  /**
   * The agent's last call, handled at once because its line has no wrap-up time, while nothing else has
   * happened since: a wrap-up the phone system (or the agent) reports right after it (`wrapFrom`) adds to
   * that call's handle time when it ends (observation mode: the ACD's own after-call work).
   */
  afterCall?: { seg: Segment; endedAt: number; wrapFrom?: number };
  /** Metric series the agent's time goes to (cache). */
  series?: ScopeSeries[];
  /** Staffed periods [start, end) in event time, oldest first; end is Infinity while staffed. */
  spans: [number, number][];
}

/**
 * An agent with every field present, in one order, so that all agents share one hidden class: the core
 * sets a field that ends to `undefined` and never `delete`s it (a `delete` turned each agent into a slow
 * dictionary object, and every field read into a hash lookup).
 */
export function newAgent(a: Pick<AgentState, 'id' | 'name' | 'queues' | 'skills' | 'state' | 'since' | 'accruedUntil'> & Partial<AgentState>): AgentState {
  // Every key of AgentState, optional ones included: a field added to the type and not here does not compile.
  const agent: { [K in keyof Required<AgentState>]: AgentState[K] } = {
    id: a.id,
    name: a.name,
    teamId: a.teamId,
    queues: a.queues,
    skills: a.skills,
    state: a.state,
    reason: a.reason,
    since: a.since,
    accruedUntil: a.accruedUntil,
    callId: a.callId,
    offerCallId: a.offerCallId,
    wrapCallId: a.wrapCallId,
    wrapupUntil: a.wrapupUntil,
    heldUntil: a.heldUntil,
    heldRef: a.heldRef,
    missedInRow: a.missedInRow ?? 0,
    next: a.next,
    schedule: a.schedule,
    segment: a.segment,
    afterCall: a.afterCall,
    series: a.series,
    spans: a.spans ?? [],
  };
  return agent;
}

export interface AgentSchedule {
  /** Scheduled activities [start, end, activity], in time order, not overlapping. */
  spans: [number, number, string][];
  /** The periods [from, to) a schedule was given for, in time order (a day off is a period without spans). */
  cover: [number, number][];
  /** Schedule time is accounted into the metrics up to here. */
  until: number;
}

export interface PendingState {
  state: string;
  reason?: string;
  /** The event's source (`role:userId`): the agent themselves or a lead. */
  by?: string;
  /** Their display name, when the event carries it. */
  byName?: string;
  /** When it was asked for (event time). */
  at: number;
}

export interface Segment {
  callId: string;
  queue: string;
  answeredAt: number;
  enteredQueueAt: number;
  offeredAt: number;
  holdMs: number;
}

export interface CallState {
  id: string;
  queue: string;
  /** Queues the call passed through (overflow, transfer), first = where it was offered. */
  path: string[];
  direction: 'inbound' | 'outbound';
  status: CallStatus | 'done';
  priority: number;
  skills: string[];
  from?: string;
  to?: string;
  campaignId?: string;
  leadId?: string;
  attributes?: Record<string, string>;
  offeredAt: number;
  enteredQueueAt: number;
  overflowAt?: number;
  offerAgentId?: string;
  offerExpiresAt?: number;
  /** Agents who declined this call or let its offer ring out; others are preferred for the next offer. */
  declinedBy?: string[];
  /**
   * Agents who declined it with the button: never offered it again (it rang again at once when nobody else
   * was free, as if the decline had done nothing). One who let it ring out may be offered it again when
   * nobody else is free, which is how K missed offers set an absent agent not ready.
   */
  refusedBy?: string[];
  /** The agent this call goes to first (e.g. the agent a campaign lead is assigned to). */
  preferredAgentId?: string;
  /** Until when (event time) only the preferred agent may take the call; deleted once it lapses. */
  preferredUntil?: number;
  answeredAt?: number;
  agentId?: string;
  /**
   * Agents who had the call before a transfer (to another agent or a line), oldest first; undefined until
   * one. Each answered it and worked on it: a campaign counts them among its agents, as `handled` counts
   * their parts of the call.
   */
  previousAgents?: string[];
  heldSince?: number;
  holdMs: number;
  endedAt?: number;
  wrapEndAt?: number;
  abandonedAt?: number;
  transferred: number;
  missedOffers: number;
  /** Final result of the call. */
  result?: 'answered' | 'abandoned' | 'rejected' | 'transferred';
  /** Wait until answered or abandoned in the last queue, ms. */
  waitMs?: number;
  handleMs?: number;
  disposition?: string;
  notes?: string;
  revenue?: number;
  surveyScore?: number;
  endedBy?: 'caller' | 'agent' | 'system';
  /** What this call's outcome added to the figures, so a corrected outcome replaces it. */
  outcomeContrib?: { outcomes: number; conversions: number; revenue: number };
}

/** A call with every field present, in one order (see {@link newAgent}). */
export function newCall(c: Pick<CallState, 'id' | 'queue' | 'path' | 'direction' | 'status' | 'priority' | 'skills' | 'offeredAt' | 'enteredQueueAt'> & Partial<CallState>): CallState {
  // Every key of CallState, optional ones included: a field added to the type and not here does not compile.
  const call: { [K in keyof Required<CallState>]: CallState[K] } = {
    id: c.id,
    queue: c.queue,
    path: c.path,
    direction: c.direction,
    status: c.status,
    priority: c.priority,
    skills: c.skills,
    from: c.from,
    to: c.to,
    campaignId: c.campaignId,
    leadId: c.leadId,
    attributes: c.attributes,
    offeredAt: c.offeredAt,
    enteredQueueAt: c.enteredQueueAt,
    overflowAt: c.overflowAt,
    offerAgentId: c.offerAgentId,
    offerExpiresAt: c.offerExpiresAt,
    declinedBy: c.declinedBy,
    refusedBy: c.refusedBy,
    preferredAgentId: c.preferredAgentId,
    preferredUntil: c.preferredUntil,
    answeredAt: c.answeredAt,
    agentId: c.agentId,
    previousAgents: c.previousAgents,
    heldSince: c.heldSince,
    holdMs: c.holdMs ?? 0,
    endedAt: c.endedAt,
    wrapEndAt: c.wrapEndAt,
    abandonedAt: c.abandonedAt,
    transferred: c.transferred ?? 0,
    missedOffers: c.missedOffers ?? 0,
    result: c.result,
    waitMs: c.waitMs,
    handleMs: c.handleMs,
    disposition: c.disposition,
    notes: c.notes,
    revenue: c.revenue,
    surveyScore: c.surveyScore,
    endedBy: c.endedBy,
    outcomeContrib: c.outcomeContrib,
  };
  return call;
}

/** Things the I/O shell must do after an event (push an offer, tell the PBX); not part of the state. */
export type Effect =
  | { kind: 'offer'; offer: OfferDTO }
  | { kind: 'offerCancelled'; agentId: string; callId: string; reason: 'declined' | 'timeout' | 'disconnected' | 'abandoned' | 'answered-elsewhere' | 'state-change' }
  | { kind: 'telephony'; command: TelephonyCommandDTO };

export interface Dirty {
  queues: Set<string>;
  agents: Set<string>;
  calls: Set<string>;
  removedCalls: Set<string>;
  site: boolean;
}

export interface HubState {
  config: SiteConfig;
  calendar: SiteCalendar;
  queues: Map<string, QueueState>;
  agents: Map<string, AgentState>;
  /** Live calls: waiting, offering, connected, held, in wrap-up. */
  calls: Map<string, CallState>;
  /** Completed calls in completion order (bounded by `config.recordsRetention`). */
  records: CallState[];
  recordIndex: Map<string, CallState>;
  metrics: MetricsStore;
  /** Events applied so far (telephony + hub). */
  seq: number;
  /** Latest event time seen. */
  clock: number;
  /** Routing triggers since the last `route`. */
  routeQueues: Set<string>;
  routeAgents: Set<string>;
  /** Agents with a running timer (an offer ringing or a wrap-up), so `due` need not scan everyone. */
  timed: Set<AgentState>;
  /**
   * Live calls with a pending agent preference, by preferred agent (derived: rebuilt from the calls on
   * load), so an agent finds the calls kept for them and `due` finds lapsed preferences without a scan.
   */
  preferred: Map<string, Set<CallState>>;
  /** Agents with a hold running (derived: rebuilt from the agents on load), so `due` lapses it without a scan. */
  held: Set<AgentState>;
  effects: Effect[];
  dirty: Dirty;
  /** The site's metric parameters in force (the configuration's until a `params.version` says otherwise). */
  siteParams: MetricParams;
  /** The versions of the metric parameters logged so far, oldest first (`params.version`). */
  paramVersions: ParamsVersion[];
}

/** The site's and each line's metric parameters from `at` on. */
export interface ParamsVersion {
  at: number;
  site: MetricParams;
  queues: Record<string, MetricParams>;
}

export function newDirty(): Dirty {
  return { queues: new Set(), agents: new Set(), calls: new Set(), removedCalls: new Set(), site: false };
}

export function queueFromConfig(q: QueueConfig, site: SiteConfig): QueueState {
  const qs: QueueState = {
    id: q.id,
    name: q.name,
    open: q.open,
    closedAction: q.closedAction,
    priority: q.priority,
    routing: q.routing,
    direction: q.direction,
    wrapupSec: q.wrapupSec,
    preferredAgentWaitSec: q.preferredAgentWaitSec ?? (q.direction === 'outbound' ? 0 : 30),
    skills: q.skills,
    params: { ...site.params, ...q.params },
    waiting: [],
    available: new Map(),
    members: new Set(),
    memberSpans: new Map(),
  };
  if (q.nameVi !== undefined) qs.nameVi = q.nameVi;
  if (q.closedOverflowTo !== undefined) qs.closedOverflowTo = q.closedOverflowTo;
  if (q.overflow !== undefined) qs.overflow = q.overflow;
  return qs;
}

export function createState(config: SiteConfig): HubState {
  const calendar = new SiteCalendar(config.timeZone, config.intervalMin);
  const s: HubState = {
    config,
    calendar,
    queues: new Map(),
    agents: new Map(),
    calls: new Map(),
    records: [],
    recordIndex: new Map(),
    metrics: new MetricsStore(calendar),
    seq: 0,
    clock: 0,
    routeQueues: new Set(),
    routeAgents: new Set(),
    timed: new Set(),
    preferred: new Map(),
    held: new Set(),
    effects: [],
    dirty: newDirty(),
    siteParams: { ...config.params },
    paramVersions: [],
  };
  s.metrics.staffedResolver = (scope, from, to) => staffedIn(s, scope, from, to);
  for (const q of config.queues) s.queues.set(q.id, queueFromConfig(q, config));
  for (const a of config.agents) {
    const agent = newAgent({ id: a.id, name: a.name, teamId: a.teamId, queues: [...a.queues], skills: { ...a.skills }, state: 'offline', since: 0, accruedUntil: 0 });
    s.agents.set(a.id, agent);
    for (const qid of a.queues) {
      const q = s.queues.get(qid);
      q?.members.add(a.id);
      // Configured members belong to the line from the start of time.
      q?.memberSpans.set(a.id, [[0, Infinity]]);
    }
  }
  return s;
}

/** Indexes a call whose agent preference is pending (see {@link HubState.preferred}). */
export function keepFor(s: HubState, call: CallState): void {
  const id = call.preferredAgentId;
  if (id === undefined) return;
  let set = s.preferred.get(id);
  if (!set) s.preferred.set(id, (set = new Set()));
  set.add(call);
}

/** Ends a call's agent preference: from now on any eligible agent may take it. */
export function releasePreference(s: HubState, call: CallState): void {
  if (call.preferredUntil === undefined) return;
  call.preferredUntil = undefined;
  const set = s.preferred.get(call.preferredAgentId!);
  if (set) {
    set.delete(call);
    if (set.size === 0) s.preferred.delete(call.preferredAgentId!);
  }
}

/** Ends an agent's hold (see {@link AgentState.heldUntil}). */
export function releaseHold(s: HubState, a: AgentState): void {
  if (a.heldUntil === undefined) return;
  a.heldUntil = undefined;
  a.heldRef = undefined;
  s.held.delete(a);
  s.dirty.agents.add(a.id);
}

/** True while `a` is held at `now` for a call the dialer rings for them. */
export function isHeld(a: AgentState, now: number): boolean {
  return a.heldUntil !== undefined && a.heldUntil > now;
}

/** True while only `call`'s preferred agent may take it at `now`. */
export function reservedFor(call: CallState, now: number): string | undefined {
  return call.preferredUntil !== undefined && call.preferredUntil > now ? call.preferredAgentId : undefined;
}

/** Scope keys used by the metrics store. */
export const scopeKey = {
  site: 'site',
  queue: (id: string) => `q:${id}`,
  team: (id: string) => `t:${id}`,
  agent: (id: string) => `a:${id}`,
  campaign: (id: string) => `c:${id}`,
};

function wasStaffed(a: AgentState, from: number, to: number): boolean {
  for (let i = a.spans.length - 1; i >= 0; i--) {
    const [start, end] = a.spans[i]!;
    if (end <= from) return false; // spans are in order: every earlier one ended earlier
    if (start < to) return true;
  }
  return false;
}

/** Staffed while a member of the queue, at some time in [from, to). */
function wasStaffedMember(a: AgentState, member: [number, number][], from: number, to: number): boolean {
  for (let i = member.length - 1; i >= 0; i--) {
    const [ms, me] = member[i]!;
    if (me <= from) return false;
    const f = ms > from ? ms : from;
    const t = me < to ? me : to;
    if (f < t && wasStaffed(a, f, t)) return true;
  }
  return false;
}

/** Agents of a scope who were staffed at some time in [from, to): the denominator of volumePerAgent. */
export function staffedIn(s: HubState, scope: string, from: number, to: number): Set<string> {
  const out = new Set<string>();
  const check = (a: AgentState | undefined) => {
    if (a && wasStaffed(a, from, to)) out.add(a.id);
  };
  if (scope === scopeKey.site) for (const a of s.agents.values()) check(a);
  else if (scope.startsWith('q:')) {
    for (const [id, spans] of s.queues.get(scope.slice(2))?.memberSpans ?? []) {
      const a = s.agents.get(id);
      if (a && wasStaffedMember(a, spans, from, to)) out.add(a.id);
    }
  }
  else if (scope.startsWith('t:')) {
    const team = scope.slice(2);
    for (const a of s.agents.values()) if (a.teamId === team) check(a);
  } else if (scope.startsWith('a:')) check(s.agents.get(scope.slice(2)));
  else if (scope.startsWith('c:')) {
    // Nobody is a member of a campaign: its agents are those who answered its calls offered in the range,
    // the agents who transferred one too (as the reports count them), among the calls the hub holds
    // (`recordsRetention`).
    const campaign = scope.slice(2);
    const worked = (c: CallState) => {
      if (c.campaignId !== campaign || c.offeredAt < from || c.offeredAt >= to) return;
      if (c.agentId !== undefined && c.answeredAt !== undefined) out.add(c.agentId);
      if (c.previousAgents) for (const id of c.previousAgents) out.add(id);
    };
    for (const c of s.records) worked(c);
    for (const c of s.calls.values()) worked(c);
  }
  return out;
}

/** Puts a version of the metric parameters in force: each line's it names, the site's for the site and every other line. */
export function applyParams(s: HubState, v: ParamsVersion): void {
  s.siteParams = { ...v.site };
  for (const [id, q] of s.queues) q.params = { ...(v.queues[id] ?? v.site) };
}

/**
 * The version in force at `at`: the last one from at or before it; before the first, the first (the
 * earliest known); undefined without any. `versions` oldest first (the hub's, or the reports' stored rows).
 */
export function versionAt<V extends { at: number }>(versions: readonly V[], at: number): V | undefined {
  let v: V | undefined;
  for (const x of versions) {
    if (v !== undefined && x.at > at) break;
    v = x;
  }
  return v;
}

/** Whether two sets of metric parameters are the same (a new version is logged only when they differ). */
export function sameParams(a: MetricParams, b: MetricParams): boolean {
  return a.slThresholdSec === b.slThresholdSec && a.slTargetPct === b.slTargetPct && a.shortAbandonSec === b.shortAbandonSec && a.slBasis === b.slBasis;
}

/**
 * The metric parameters in force at `at` for a line (or the site without `queue`): those of the version
 * then in force (`versionAt`); with none logged, or at or after the last one, those in force now.
 */
export function paramsAt(s: HubState, at: number, queue?: string): MetricParams {
  const vs = s.paramVersions;
  if (vs.length === 0 || at >= vs[vs.length - 1]!.at) return queue !== undefined ? s.queues.get(queue)?.params ?? s.siteParams : s.siteParams;
  const v = versionAt(vs, at)!;
  return queue !== undefined ? v.queues[queue] ?? v.site : v.site;
}

/**
 * From events to rows: call detail records and agent state history, derived by the hub's own
 * `evolve` so a stored call has exactly the waits, handle times and results the live boards showed
 * (one engine). Pure: no I/O, no clock; the state carries over from one batch to the next.
 *
 * The events must be the ones the hub applied, in the order it applied them (the event log), or
 * telephony events in time order (an import). An event `evolve` refuses is reported, never applied.
 */
import { emptyCounters, type DomainEvent, type SiteConfig } from '../contracts/index.ts';
import { createState, due, evolve, type AgentState, type CallState, type HubState, type ParamsVersion } from '../core/index.ts';
import type { ScopeSeries } from '../core/metrics.ts';
import type { agentStateHistory, calls, intervalAggregates } from './schema.ts';
import { countryOfZone, customerIdOf } from './customer-id.ts';

/** A `calls` row. */
export type CallRecord = typeof calls.$inferInsert;
/** An `agent_state_history` row. */
export type AgentStateRecord = typeof agentStateHistory.$inferInsert;

/** An `interval_aggregates` row: one metric-engine bucket (scope, report interval). */
export type IntervalAggregateRecord = typeof intervalAggregates.$inferInsert & { staffed: string[] };

/** The state an agent is in now, as last written to the history. */
interface OpenState {
  state: string;
  reason: string | undefined;
  from: number;
}

export interface RecordState {
  readonly siteId: string;
  /** `source` written on every row (`live`, `anonymous-bank`, `ndjson`, ...). */
  readonly source: string;
  /** The hub state the events are applied to. */
  readonly hub: HubState;
  readonly agents: Map<string, OpenState>;
  /** Events applied and refused so far. */
  applied: number;
  refused: number;
  /** With `timers`: when they last ran, and how many decisions they made. */
  lastDueAt: number;
  timersFired: number;
  /** Report intervals whose counters changed since the last batch, per scope key. */
  readonly dirty: Map<string, Set<number>>;
  /**
   * Agents staffed per queue and interval, with the queues they served at that time (an agent's
   * queues change from one login to the next), so a queue's staffed agents do not depend on how the
   * events were cut into batches.
   */
  readonly queueStaffed: Map<string, Map<number, Set<string>>>;
  /** Buckets taken just before the store pruned old intervals (a batch spanning more than its retention). */
  readonly pending: IntervalAggregateRecord[];
}

export interface RecordOptions {
  /**
   * Run the hub's timers (end of wrap-up, offer timeout, overflow) in event time before each event,
   * as a hub on the event clock does. For recorded telephony events (imports), which carry no hub
   * decisions; never for the event log, which already holds them. Routing never runs: recorded calls
   * were routed by whoever recorded them. @defaultValue false
   */
  timers?: boolean;
}

export interface RecordBatch {
  /** The latest row of every call an event of the batch touched (once per call). */
  calls: CallRecord[];
  /** State-history rows opened or closed by the batch (once per agent and start time). */
  agentStates: AgentStateRecord[];
  /** Events `evolve` refused, with its reason. */
  refused: { id: string; type: string; reason: string }[];
  /** Queues and agents the rows mention (so their dimension rows can be ensured). */
  queueIds: Set<string>;
  agentIds: Set<string>;
  /** The metric engine's interval buckets the batch changed, whole (latest counters), once each. */
  aggregates: IntervalAggregateRecord[];
  /** Versions of the metric parameters the batch logged (`params.version`), for the reports. */
  paramVersions: ParamsVersion[];
}

/**
 * A fresh derivation state for a site. Keep one per event stream (or per imported file) and pass
 * every batch through it in order.
 * @param source the `source` column of the rows. @defaultValue 'live'
 */
export function createRecordState(config: SiteConfig, source = 'live'): RecordState {
  const hub = createState(config);
  const dirty = new Map<string, Set<number>>();
  const queueStaffed = new Map<string, Map<number, Set<string>>>();
  const state: RecordState = { siteId: config.id, source, hub, agents: new Map(), applied: 0, refused: 0, lastDueAt: 0, timersFired: 0, dirty, queueStaffed, pending: [] };
  // The store drops intervals older than its retention when event time enters a new day: take the
  // changed buckets first, so a batch spanning many days (a sparse import) loses none.
  // (Nothing is pruned yet at that moment, so every changed bucket is still there: no horizon.)
  trackIntervals(hub, dirty, queueStaffed, () => {
    // A loop, not push(...): after a long gap the list can exceed the arguments a call may take.
    for (const a of collectAggregates(state, -Infinity)) state.pending.push(a);
  });
  return state;
}

/**
 * Notes which (scope, report interval) buckets of the state's metric store each event changes, so a
 * batch yields exactly the buckets it touched. Wraps the store's two writers on this instance only: the
 * counting itself stays the engine's (`evolve` -> `MetricsStore`), nothing is recomputed here.
 */
/** Notes that `agentId` was staffed for queue key `qk` in the interval starting at `k`. */
function staffedIn(queueStaffed: Map<string, Map<number, Set<string>>>, qk: string, k: number, agentId: string): void {
  let m = queueStaffed.get(qk);
  if (!m) queueStaffed.set(qk, (m = new Map()));
  let set = m.get(k);
  if (!set) m.set(k, (set = new Set()));
  set.add(agentId);
}

function trackIntervals(hub: HubState, dirty: Map<string, Set<number>>, queueStaffed: Map<string, Map<number, Set<string>>>, beforeNewDay: () => void): void {
  const m = hub.metrics;
  const cal = hub.calendar;
  let lastDay = 0;
  const newDay = (at: number): void => {
    const day = cal.dayStart(at);
    if (day > lastDay) {
      if (lastDay !== 0 && dirty.size > 0) beforeNewDay();
      lastDay = day;
    }
  };
  const mark = (scopes: readonly (string | ScopeSeries)[], k: number): void => {
    for (const x of scopes) {
      const key = typeof x === 'string' ? x : x.key;
      let set = dirty.get(key);
      if (!set) dirty.set(key, (set = new Set()));
      set.add(k);
    }
  };
  const record = m.record.bind(m);
  m.record = (scopes, at, delta) => {
    newDay(at);
    record(scopes, at, delta);
    mark(scopes, cal.intervalStart(at));
  };
  const recordAgentTime = m.recordAgentTime.bind(m);
  m.recordAgentTime = (scopes, from, to, kind) => {
    if (to > from) newDay(to);
    recordAgentTime(scopes, from, to, kind);
    // Queues get no agent time, but who was staffed there changes with it (volumePerAgent): the
    // agent's queues now are the ones it served during this span (they change only at a login).
    const queues: string[] = [];
    let agentId: string | undefined;
    for (const x of scopes) {
      if (!x.key.startsWith('a:')) continue;
      agentId = x.key.slice(2);
      for (const q of hub.agents.get(agentId)?.queues ?? []) queues.push(`q:${q}`);
    }
    // The same walk as the store's: interval by interval, aligned to site-local clock time.
    for (let t = from; t < to; ) {
      const k = cal.intervalStart(t);
      mark(scopes, k);
      mark(queues, k);
      if (agentId !== undefined) for (const qk of queues) staffedIn(queueStaffed, qk, k, agentId);
      t = k + cal.intervalMs;
    }
  };
}

const SCOPE_NAMES: Record<string, IntervalAggregateRecord['scope']> = { q: 'queue', t: 'team', a: 'agent', c: 'campaign' };

/** `site` -> ['site', ''], `q:booking` -> ['queue', 'booking'] (the store's scope keys). */
export function splitScopeKey(key: string): [scope: string, id: string] {
  if (key === 'site') return ['site', ''];
  const i = key.indexOf(':');
  return [SCOPE_NAMES[key.slice(0, i)] ?? key.slice(0, i), key.slice(i + 1)];
}

/**
 * The rows of the buckets changed since the last call, once each with their latest counters (and
 * forgets them).
 */
export function takeAggregates(state: RecordState): IntervalAggregateRecord[] {
  const current = collectAggregates(state, state.hub.metrics.intervalHorizon(state.hub.clock));
  if (state.pending.length === 0) return current;
  const byKey = new Map<string, IntervalAggregateRecord>();
  for (const r of [...state.pending, ...current]) byKey.set(`${r.scope}\u0000${r.scopeId}\u0000${r.intervalStart.getTime()}`, r);
  state.pending.length = 0;
  return [...byKey.values()];
}

/** Rows of the changed buckets; a bucket the store no longer has is skipped when older than `horizon`. */
function collectAggregates(state: RecordState, horizon: number): IntervalAggregateRecord[] {
  const out: IntervalAggregateRecord[] = [];
  const m = state.hub.metrics;
  const ivMs = state.hub.calendar.intervalMs;
  const intervalMin = state.hub.config.intervalMin;
  for (const [key, starts] of state.dirty) {
    const [scope, scopeId] = splitScopeKey(key);
    for (const k of starts) {
      const b = m.intervalCounters(key, k);
      const staffed = scope === 'queue' ? [...(state.queueStaffed.get(key)?.get(k) ?? [])].sort() : [...m.staffedResolver(key, k, k + ivMs)].sort();
      // No bucket: nothing counted there; still a row if someone was staffed. Never for an interval
      // the store no longer keeps: its row was written before the store dropped it.
      if (!b && (staffed.length === 0 || k < horizon)) continue;
      out.push({
        siteId: state.siteId,
        scope,
        scopeId,
        intervalStart: new Date(k),
        intervalMin,
        counters: { ...(b ?? emptyCounters()) },
        staffed,
      });
    }
  }
  state.dirty.clear();
  // Queue staffing older than the store keeps intervals is final: forget it.
  if (horizon > -Infinity)
    for (const byStart of state.queueStaffed.values()) for (const k of byStart.keys()) if (k < horizon) byStart.delete(k);
  return out;
}

const date = (ms: number | undefined): Date | null => (ms === undefined ? null : new Date(ms));

/** The `calls` row of a call as the hub knows it now. */
export function callRecord(s: RecordState, c: CallState): CallRecord {
  const teamId = c.agentId === undefined ? undefined : s.hub.agents.get(c.agentId)?.teamId;
  return {
    siteId: s.siteId,
    id: c.id,
    queueId: c.path[0] ?? c.queue,
    lastQueueId: c.queue,
    path: [...c.path],
    direction: c.direction,
    status: c.status,
    result: c.result ?? null,
    priority: c.priority,
    offeredAt: new Date(c.offeredAt),
    enteredAt: new Date(c.enteredQueueAt),
    answeredAt: date(c.answeredAt),
    abandonedAt: date(c.abandonedAt),
    endedAt: date(c.endedAt),
    wrapEndAt: date(c.wrapEndAt),
    waitMs: c.waitMs ?? null,
    handleMs: c.handleMs ?? null,
    holdMs: c.holdMs,
    agentId: c.agentId ?? null,
    teamId: teamId ?? null,
    transfers: c.transferred,
    previousAgentIds: [...(c.previousAgents ?? [])],
    missedOffers: c.missedOffers,
    endedBy: c.endedBy ?? null,
    disposition: c.disposition ?? null,
    notes: c.notes ?? null,
    revenue: c.revenue ?? null,
    surveyScore: c.surveyScore ?? null,
    campaignId: c.campaignId ?? null,
    leadId: c.leadId ?? null,
    fromNumber: c.from ?? null,
    toNumber: c.to ?? null,
    skills: [...c.skills],
    attributes: c.attributes ?? null,
    customerId: customerIdOf(c, countryOfZone(s.hub.config.timeZone)),
    source: s.source,
  };
}

function stateRow(s: RecordState, a: AgentState, o: OpenState, to: number | null): AgentStateRecord {
  return {
    siteId: s.siteId,
    agentId: a.id,
    fromAt: new Date(o.from),
    toAt: to === null ? null : new Date(to),
    state: o.state,
    reason: o.reason ?? null,
    teamId: a.teamId ?? null,
    source: s.source,
  };
}

/** Forgets what the last event changed. Effects are for the hub's I/O shell (offers to push): here they would only pile up. */
function clearDirty(hub: HubState): void {
  const d = hub.dirty;
  if (d.calls.size) d.calls.clear();
  if (d.removedCalls.size) d.removedCalls.clear();
  if (d.agents.size) d.agents.clear();
  if (d.queues.size) d.queues.clear();
  d.site = false;
  hub.effects.length = 0;
}

/**
 * Applies `events` to `state` (in place, like `evolve`) and returns the rows they changed.
 *
 * - `call.offered` creates the call's row; answered, abandoned, held/resumed, ended, outcome,
 *   overflowed, transferred and the hub's offers update it (every event that touches a call gives its
 *   latest row, so a batch upserted twice changes nothing).
 * - Any change of an agent's state or reason (login, logout, `agent.state`, offers, answering, ending
 *   and wrap-up) closes the agent's open history row at that instant and opens the next one.
 *   A state that lasted 0 ms is not kept: the next row, starting at the same instant, replaces it.
 */
export function recordsFromEvents(events: readonly DomainEvent[], state: RecordState, options: RecordOptions = {}): RecordBatch {
  const hub = state.hub;
  const touched = new Map<string, CallState>();
  const rows = new Map<string, AgentStateRecord>();
  const refused: RecordBatch['refused'] = [];
  const paramVersions: ParamsVersion[] = [];
  const agentIds = new Set<string>();
  const touch = (id: string): void => {
    const c = hub.calls.get(id) ?? hub.recordIndex.get(id);
    if (c) touched.set(id, c);
  };
  /** Rows for what the last change did (calls it touched, agents whose state changed). */
  const collect = (): void => {
    const d = hub.dirty;
    for (const id of d.calls) touch(id);
    for (const id of d.removedCalls) touch(id);
    for (const id of d.agents) {
      const a = hub.agents.get(id);
      if (!a) continue;
      const prev = state.agents.get(id);
      if (prev && prev.state === a.state && prev.reason === a.reason) continue;
      if (prev) {
        const key = `${id}\u0000${prev.from}`;
        if (a.since > prev.from) rows.set(key, stateRow(state, a, prev, a.since));
        else rows.delete(key); // lasted 0 ms: the row below (same start) replaces it
      }
      const open: OpenState = { state: a.state, reason: a.reason, from: a.since };
      state.agents.set(id, open);
      rows.set(`${id}\u0000${a.since}`, stateRow(state, a, open, null));
      agentIds.add(id);
    }
    clearDirty(hub);
  };
  for (const e of events) {
    if (options.timers && e.at - state.lastDueAt >= 1000) {
      // As a hub on the event clock does before an event: timers due by now fire first.
      state.lastDueAt = e.at;
      const wrapping: string[] = [];
      for (const a of hub.timed) if (a.segment) wrapping.push(a.segment.callId);
      const fired = due(hub, e.at, () => `timer-${++state.timersFired}`);
      if (fired.length > 0) {
        for (const f of fired) if ('callId' in f) touch(f.callId);
        for (const id of wrapping) touch(id);
        collect();
      }
    }
    // An agent's wrap-up can end on its next event (a new answer, a state change): that completes
    // the call it was wrapping up, which the event itself does not name.
    const agentId = 'agentId' in e ? e.agentId : undefined;
    const wrapping = agentId === undefined ? undefined : hub.agents.get(agentId)?.segment?.callId;
    const why = evolve(hub, e);
    if (why !== null) {
      refused.push({ id: e.id, type: e.type, reason: why });
      state.refused++;
      clearDirty(hub);
      continue;
    }
    state.applied++;
    if (e.type === 'params.version') paramVersions.push(hub.paramVersions.at(-1)!);
    if ('callId' in e) touch(e.callId);
    if (wrapping !== undefined) touch(wrapping);
    collect();
  }
  const queueIds = new Set<string>();
  const out: CallRecord[] = [];
  for (const c of touched.values()) {
    const r = callRecord(state, c);
    out.push(r);
    for (const q of c.path) queueIds.add(q);
    if (r.agentId) agentIds.add(r.agentId);
  }
  // Logins and logouts change who was staffed in an interval even when no time was accounted yet.
  for (const r of rows.values()) {
    const a = hub.agents.get(r.agentId);
    if (!a || r.state === 'offline') continue;
    const k = hub.calendar.intervalStart(r.fromAt.getTime());
    for (const key of [...(a.series ?? []).map((x) => x.key), ...a.queues.map((q) => `q:${q}`)]) {
      let set = state.dirty.get(key);
      if (!set) state.dirty.set(key, (set = new Set()));
      set.add(k);
    }
    for (const q of a.queues) staffedIn(state.queueStaffed, `q:${q}`, k, a.id);
  }
  return { calls: out, agentStates: [...rows.values()], refused, queueIds, agentIds, aggregates: takeAggregates(state), paramVersions };
}

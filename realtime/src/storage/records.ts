/**
 * From events to rows: call detail records and agent state history, derived by the hub's own
 * `evolve` so a stored call has exactly the waits, handle times and results the live boards showed
 * (one engine). Pure: no I/O, no clock; the state carries over from one batch to the next.
 *
 * The events must be the ones the hub applied, in the order it applied them (the event log), or
 * telephony events in time order (an import). An event `evolve` refuses is reported, never applied.
 */
import type { DomainEvent, SiteConfig } from '../contracts/index.ts';
import { createState, due, evolve, type AgentState, type CallState, type HubState } from '../core/index.ts';
import type { agentStateHistory, calls } from './schema.ts';

/** A `calls` row. */
export type CallRecord = typeof calls.$inferInsert;
/** An `agent_state_history` row. */
export type AgentStateRecord = typeof agentStateHistory.$inferInsert;

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
}

/**
 * A fresh derivation state for a site. Keep one per event stream (or per imported file) and pass
 * every batch through it in order.
 * @param source the `source` column of the rows. @defaultValue 'live'
 */
export function createRecordState(config: SiteConfig, source = 'live'): RecordState {
  return { siteId: config.id, source, hub: createState(config), agents: new Map(), applied: 0, refused: 0, lastDueAt: 0, timersFired: 0 };
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
  return { calls: out, agentStates: [...rows.values()], refused, queueIds, agentIds };
}

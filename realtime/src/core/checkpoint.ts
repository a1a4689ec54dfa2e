/**
 * Checkpoints of the hub state: the whole `HubState` as plain JSON data and back, so a restart
 * loads the latest checkpoint and replays only the event log after it (instead of the whole log,
 * which then can be trimmed). `loadState(config, dumpState(s))` must give a state that behaves
 * exactly like `s` for every later event: the checkpoint spec replays a day both ways and compares.
 *
 * Object identity matters in the state: a call sits in `calls`, in its queue's `waiting` list and,
 * once done, in `records`; available agents sit in their queues' `available` maps. The dump stores
 * each call once and refers to calls and agents by position / id, and `loadState` rebuilds the links.
 */
import { createHash } from 'node:crypto';
import type { SiteConfig } from '../contracts/index.ts';
import type { MetricsDump } from './metrics.ts';
import { applyParams, createState, keepFor, newAgent, newCall, type AgentState, type CallState, type HubState, type ParamsVersion, type QueueState } from './state.ts';

/** Bump when the shape of the state or the meaning of a field changes: older checkpoints are then ignored. */
export const STATE_VERSION = 2;

type QueueDump = Omit<QueueState, 'waiting' | 'available' | 'members' | 'series' | 'memberSpans'> & {
  waiting: number[];
  available: string[];
  members: string[];
  memberSpans: [string, [number, number | null][]][];
};
type AgentDump = Omit<AgentState, 'series' | 'spans'> & { spans: [number, number | null][] };

export interface StateDump {
  v: number;
  /** Hash of the site configuration the state was built with (a changed site replays the whole log). */
  configHash: string;
  seq: number;
  clock: number;
  /** Every call object once; the lists below index into it. */
  calls: CallState[];
  live: number[];
  records: number[];
  queues: QueueDump[];
  agents: AgentDump[];
  routeQueues: string[];
  routeAgents: string[];
  timed: string[];
  metrics: MetricsDump;
  /** The metric parameters' versions (`params.version`); absent in dumps made before them. */
  paramVersions?: ParamsVersion[];
}

/** A stable hash of the site configuration (keys sorted). */
export function configHash(config: SiteConfig): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]))
        : v;
  return createHash('sha256').update(JSON.stringify(canon(config))).digest('hex').slice(0, 32);
}

/** The state as plain data (no Maps, Sets, shared references or Infinity). Pending effects and dirty marks are not part of it. */
export function dumpState(s: HubState): StateDump {
  const calls: CallState[] = [];
  const index = new Map<CallState, number>();
  const ref = (c: CallState): number => {
    let i = index.get(c);
    if (i === undefined) {
      i = calls.length;
      calls.push(c);
      index.set(c, i);
    }
    return i;
  };
  const live = [...s.calls.values()].map(ref);
  const records = s.records.map(ref);
  const queues = [...s.queues.values()].map((q): QueueDump => {
    const { waiting, available, members, memberSpans, series: _series, ...rest } = q;
    return {
      ...rest,
      waiting: waiting.map(ref),
      available: [...available.keys()],
      members: [...members],
      memberSpans: [...memberSpans].map(([id, spans]) => [id, spans.map(([f, t]): [number, number | null] => [f, Number.isFinite(t) ? t : null])]),
    };
  });
  const agents = [...s.agents.values()].map((a): AgentDump => {
    const { series: _series, spans, ...rest } = a;
    return { ...rest, spans: spans.map(([from, to]) => [from, Number.isFinite(to) ? to : null]) };
  });
  return {
    v: STATE_VERSION,
    configHash: configHash(s.config),
    seq: s.seq,
    clock: s.clock,
    calls,
    live,
    records,
    queues,
    agents,
    routeQueues: [...s.routeQueues],
    routeAgents: [...s.routeAgents],
    timed: [...s.timed].map((a) => a.id),
    metrics: s.metrics.dump(),
    paramVersions: s.paramVersions,
  };
}

export class CheckpointMismatch extends Error {}

/**
 * A state from a dump. Throws {@link CheckpointMismatch} when the dump is of another state version.
 * A dump made under another site configuration is brought in line with `config` (`reconciled` lists
 * what changed): new lines and agents are added, and the lines' settings (names, wrap-up, skills,
 * targets, overflow, routing mode) come from the new configuration; live data (calls, agent states,
 * open/closed, priorities changed at runtime, figures) is kept. Lines and agents no longer in the
 * configuration stay, as they hold today's history.
 */
export function loadState(config: SiteConfig, d: StateDump): { state: HubState; reconciled: string[] } {
  if (d.v !== STATE_VERSION) throw new CheckpointMismatch(`checkpoint of state version ${d.v}, this hub is version ${STATE_VERSION}`);
  const s = createState(config);
  const fresh = { queues: new Map(s.queues), agents: new Map(s.agents) };
  // JSON gives fresh objects; rebuilt with every field in the core's order (one hidden class, see newAgent).
  const calls = d.calls.map((c) => newCall(c));
  s.seq = d.seq;
  s.clock = d.clock;
  s.agents.clear();
  for (const a of d.agents) {
    const { spans, ...rest } = a;
    s.agents.set(a.id, newAgent({ ...rest, spans: spans.map(([from, to]) => [from, to ?? Infinity]) }));
  }
  s.queues.clear();
  for (const q of d.queues) {
    const { waiting, available, members, memberSpans, ...rest } = q;
    const qs: QueueState = {
      ...rest,
      // Dumps made before preferred agents have no wait setting: the line's configured one (or 30 s).
      preferredAgentWaitSec: (rest.preferredAgentWaitSec as number | undefined) ?? fresh.queues.get(q.id)?.preferredAgentWaitSec ?? 30,
      waiting: waiting.map((i) => calls[i]!),
      available: new Map(available.map((id) => [id, s.agents.get(id)!])),
      members: new Set(members),
      memberSpans: new Map(memberSpans.map(([id, spans]) => [id, spans.map(([f, t]): [number, number] => [f, t ?? Infinity])])),
    };
    s.queues.set(q.id, qs);
  }
  for (const i of d.live) s.calls.set(calls[i]!.id, calls[i]!);
  for (const i of d.records) {
    s.records.push(calls[i]!);
    s.recordIndex.set(calls[i]!.id, calls[i]!);
  }
  for (const id of d.routeQueues) s.routeQueues.add(id);
  for (const id of d.routeAgents) s.routeAgents.add(id);
  for (const id of d.timed) {
    const a = s.agents.get(id);
    if (a) s.timed.add(a);
  }
  s.metrics.load(d.metrics);
  for (const call of s.calls.values()) if (call.preferredUntil !== undefined) keepFor(s, call);
  for (const a of s.agents.values()) if (a.heldUntil !== undefined) s.held.add(a);

  const reconciled: string[] = [];
  if (d.configHash !== configHash(config)) {
    for (const [id, q] of fresh.queues) {
      const old = s.queues.get(id);
      if (!old) {
        s.queues.set(id, q);
        reconciled.push(`line ${id} added`);
        continue;
      }
      const { waiting: _w, available: _a, members: _m, memberSpans: _ms, series: _s, open: _o, priority: _p, ...settings } = q;
      for (const k of ['nameVi', 'closedOverflowTo', 'overflow'] as const) delete old[k];
      Object.assign(old, settings);
    }
    for (const [id, a] of fresh.agents) {
      if (s.agents.has(id)) {
        const old = s.agents.get(id)!;
        old.name = a.name;
        if (a.teamId === undefined) old.teamId = undefined;
        else old.teamId = a.teamId;
        continue;
      }
      s.agents.set(id, a);
      for (const qid of a.queues) {
        s.queues.get(qid)?.members.add(id);
        s.queues.get(qid)?.memberSpans.set(id, [[d.clock, Infinity]]);
      }
      reconciled.push(`agent ${id} added`);
    }
    if (reconciled.length === 0) reconciled.push('settings updated');
  }
  // The metric parameters stay the logged version's (a changed configuration is versioned after the
  // rebuild, from then on: `Hub.versionParams`), so the log's events after the checkpoint count as they did.
  s.paramVersions = d.paramVersions ?? [];
  const last = s.paramVersions.at(-1);
  if (last) applyParams(s, last);
  return { state: s, reconciled };
}

/**
 * Test helpers for the pure core: a small site, event builders (telephony events go through the
 * contract's `parseCtiEvent`, so every test event is a valid wire event) and a given/when/then
 * helper that applies events with `evolve` and checks that a rejected event changed nothing.
 */
import { expect } from 'vitest';
import {
  parseCtiEvent,
  parseHubEvent,
  parseSiteConfig,
  type CtiEvent,
  type DomainEvent,
  type CommandName,
  type CommandPayload,
  type HubEvent,
  type MetricParams,
  type SessionDTO,
  type SiteConfigInput,
} from '../contracts/index.ts';
import { decide, type Decision } from './decide.ts';
import { evolve } from './evolve.ts';
import { due, route } from './routing.ts';
import { createState, type HubState } from './state.ts';

/** Monday 2 March 2026, 08:00 in Asia/Ho_Chi_Minh (UTC+7, no DST). */
export const T0 = Date.parse('2026-03-02T08:00:00+07:00');
/** Epoch ms `n` seconds after T0. */
export const t = (n: number): number => T0 + n * 1000;
/** Epoch ms of a site-local (UTC+7) wall-clock time, e.g. `local('2026-03-02T23:55')`. */
export const local = (isoNoOffset: string): number => Date.parse(`${isoNoOffset}+07:00`);

/** A small site: two hub-routed queues, one team, two agents. Override anything. */
export function siteInput(over: Partial<SiteConfigInput> = {}): SiteConfigInput {
  return {
    id: 'test',
    queues: [
      { id: 'booking', name: 'Booking', nameVi: 'Đặt lịch', priority: 2 },
      { id: 'advice', name: 'Advice', priority: 4 },
    ],
    teams: [
      { id: 't1', name: 'Team 1' },
      { id: 't2', name: 'Team 2' },
    ],
    agents: [
      { id: 'a1', name: 'Agent One', teamId: 't1', queues: ['booking', 'advice'] },
      { id: 'a2', name: 'Agent Two', teamId: 't1', queues: ['booking'] },
    ],
    ...over,
  };
}

export function site(over: Partial<SiteConfigInput> = {}): HubState {
  return createState(parseSiteConfig(siteInput(over)));
}

let seq = 0;
const nextEventId = (): string => `e${++seq}`;
/** Id generator for `route`/`due`. */
export function ids(prefix = 'h'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

/** Validates a telephony event against the wire contract and converts it (fails the test if invalid). */
export function cti(raw: Record<string, unknown>): CtiEvent {
  const r = parseCtiEvent({ id: nextEventId(), ...raw });
  if (!r.ok) throw new Error(`invalid test event ${JSON.stringify(raw)}: ${r.errors.join('; ')}`);
  return r.event;
}

function hub(raw: Record<string, unknown>): HubEvent {
  const r = parseHubEvent({ id: nextEventId(), source: 'hub', ...raw });
  if (!r.ok) throw new Error(`invalid hub event ${JSON.stringify(raw)}: ${r.errors.join('; ')}`);
  return r.event;
}

type Extra = Record<string, unknown>;

/** Event builders; `at` is epoch ms. */
export const ev = {
  offered: (callId: string, queue: string, at: number, extra: Extra = {}) =>
    cti({ type: 'call.offered', at, callId, queue, direction: 'inbound', ...extra }),
  answered: (callId: string, agentId: string, at: number) => cti({ type: 'call.answered', at, callId, agentId }),
  abandoned: (callId: string, at: number) => cti({ type: 'call.abandoned', at, callId }),
  held: (callId: string, at: number) => cti({ type: 'call.held', at, callId }),
  resumed: (callId: string, at: number) => cti({ type: 'call.resumed', at, callId }),
  transferredToQueue: (callId: string, queue: string, at: number) => cti({ type: 'call.transferred', at, callId, queue }),
  transferredToAgent: (callId: string, agentId: string, at: number) => cti({ type: 'call.transferred', at, callId, agentId }),
  ended: (callId: string, at: number, by?: 'caller' | 'agent' | 'system') =>
    cti({ type: 'call.ended', at, callId, ...(by ? { by } : {}) }),
  outcome: (callId: string, at: number, extra: Extra = {}) => cti({ type: 'call.outcome', at, callId, ...extra }),
  dialed: (callId: string, campaignId: string, result: string, at: number) =>
    cti({ type: 'call.dialed', at, callId, campaignId, leadId: `lead-${callId}`, to: '+84900000000', result }),
  login: (agentId: string, at: number, extra: Extra = {}) => cti({ type: 'agent.login', at, agentId, ...extra }),
  logout: (agentId: string, at: number) => cti({ type: 'agent.logout', at, agentId }),
  state: (agentId: string, state: string, at: number, reason?: string) =>
    cti({ type: 'agent.state', at, agentId, state, ...(reason ? { reason } : {}) }),
  offer: (callId: string, agentId: string, at: number, expiresAt = at + 15_000) =>
    hub({ type: 'offer.created', at, callId, agentId, expiresAt }),
  offerRejected: (callId: string, agentId: string, at: number, reason: 'declined' | 'timeout' | 'disconnected') =>
    hub({ type: 'offer.rejected', at, callId, agentId, reason }),
  overflowed: (callId: string, toQueue: string, at: number) => hub({ type: 'call.overflowed', at, callId, toQueue }),
  queueStatus: (queue: string, open: boolean, at: number, extra: Extra = {}) =>
    hub({ type: 'queue.status', at, queue, open, ...extra }),
  queuePriority: (queue: string, priority: number, at: number) => hub({ type: 'queue.priority', at, queue, priority }),
  queueRemoved: (queue: string, at: number) => hub({ type: 'queue.removed', at, queue }),
  agentQueues: (agentId: string, queues: string[], at: number) => hub({ type: 'agent.queues', at, agentId, queues }),
  agentHeld: (agentId: string, until: number, at: number) => hub({ type: 'agent.held', at, agentId, until }),
  /** The agent's schedule for [from, to): `[start, end, activity]` triples. */
  schedule: (agentId: string, from: number, to: number, activities: [number, number, string][], at: number) =>
    hub({ type: 'agent.schedule', at, agentId, from, to, activities: activities.map(([start, end, activity]) => ({ start, end, activity })) }),
  /** A version of the metric parameters: the site's, and each line's (defaults of metrics.md for the rest). */
  params: (at: number, site: Partial<MetricParams>, queues: Record<string, Partial<MetricParams>> = {}) => {
    const full = (p: Partial<MetricParams>) => ({ slThresholdSec: 20, slTargetPct: 80, shortAbandonSec: 5, slBasis: 'spec', ...p });
    return hub({ type: 'params.version', at, site: full(site), queues: Object.fromEntries(Object.entries(queues).map(([id, p]) => [id, full({ ...site, ...p })])) });
  },
  /** The state after the current call; `null` cancels it. */
  agentNext: (agentId: string, state: string | null, at: number, reason?: string) =>
    hub({ type: 'agent.next', at, agentId, state, ...(reason ? { reason } : {}) }),
};

/** Login + available at `at` for each agent. */
export function ready(at: number, ...agentIds: string[]): DomainEvent[] {
  return agentIds.flatMap((id) => [ev.login(id, at), ev.state(id, 'available', at)]);
}

/**
 * A JSON picture of everything `evolve` may change (Maps and Sets as arrays), used to prove that
 * a rejected event changed nothing. The calendar's offset cache and the config are left out.
 */
export function fingerprint(s: HubState): string {
  return JSON.stringify(s, (key, value: unknown) => {
    if (key === 'calendar' || key === 'config') return undefined;
    if (value instanceof Map) return [...value.entries()];
    if (value instanceof Set) return [...value.values()];
    // Metric rows and rings: their non-zero cells (a ring is 3,000 numbers, mostly zero).
    if (value instanceof Float64Array) {
      const cells: string[] = [];
      for (let i = 0; i < value.length; i++) if (value[i] !== 0) cells.push(`${i}:${value[i]}`);
      return cells.join(',');
    }
    return value;
  });
}

/** Applies events in order; an event the core refuses fails the test with its reason. */
export function apply(s: HubState, events: DomainEvent[]): HubState {
  for (const e of events) {
    const r = evolve(s, e);
    if (r !== null) throw new Error(`given: ${e.type} ${e.id} was rejected: ${r}`);
  }
  return s;
}

export interface Then {
  state: HubState;
  /** The rejection reason, or null when applied. */
  rejection: string | null;
  /** Asserts the event was applied. */
  accepted(): HubState;
  /** Asserts the event was refused with a reason matching `reason` and that nothing changed. */
  rejected(reason: RegExp): HubState;
}

export interface Given {
  state: HubState;
  when(e: DomainEvent): Then;
}

/** `given(state, events).when(event).accepted()` / `.rejected(/reason/)`. */
export function given(s: HubState, events: DomainEvent[] = []): Given {
  apply(s, events);
  return {
    state: s,
    when(e) {
      const before = fingerprint(s);
      const rejection = evolve(s, e);
      const after = fingerprint(s);
      return {
        state: s,
        rejection,
        accepted() {
          expect(rejection, `${e.type} should be accepted`).toBeNull();
          return s;
        },
        rejected(reason) {
          expect(rejection, `${e.type} should be rejected`).toMatch(reason);
          expect(after, 'a rejected event must not change the state').toBe(before);
          return s;
        },
      };
    },
  };
}

/** Runs `route` at `now` and returns the offers made as `callId->agentId`. */
export function routeAt(s: HubState, now: number, gen = ids()): string[] {
  return offers(route(s, now, gen));
}

export function offers(events: DomainEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'offer.created' ? [`${e.callId}->${e.agentId}`] : []));
}

/** Runs `due` at `now`, then `route`; returns both lists of events. */
export function tick(s: HubState, now: number, gen = ids()): { fired: DomainEvent[]; routed: DomainEvent[] } {
  const fired = due(s, now, gen);
  const routed = route(s, now, gen);
  return { fired, routed };
}

/** Runs `decide` for a console command at `now` (default t(100)), with command ids cmd1, cmd2... */
export function decideAs<K extends CommandName>(s: HubState, session: SessionDTO, name: K, payload: CommandPayload<K>, now = t(100)): Decision {
  let n = 0;
  return decide(s, name, payload, { now, nextId: () => `cmd${++n}`, session });
}

/** Applies a decision's events; each must be accepted by evolve. */
export function carryOut(s: HubState, d: Decision): void {
  expect(d.ok).toBe(true);
  if (!d.ok) return;
  for (const e of d.events) expect(evolve(s, e), `${e.type} should apply`).toBeNull();
}

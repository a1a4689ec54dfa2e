/**
 * Coalesced deltas: changes are collected per room and sent at most once per `intervalMs` per room.
 * The first change in a quiet room goes out at once (on the next turn of the event loop, so one
 * ingest batch makes one delta); later ones wait for the end of the interval and go out together.
 * DTOs are built when a delta is sent, so a board always gets the latest state, never a stale one.
 *
 * Deltas carry field-level patches (`contracts/patch.ts`): per room, the last version of each DTO sent
 * there is kept, and only the fields that changed since go out. When a socket joins a room (a connect,
 * whose snapshot may be newer than the room's last delta) or asks for a snapshot, the room's versions
 * are forgotten, so its next delta carries whole DTOs and every socket in it converges.
 */
import type { Server } from 'socket.io';
import { diff, type AgentDTO, type ClientToServerEvents, type DeltaDTO, type EntityPatch, type InterServerEvents, type QueueDTO, type ServerToClientEvents, type SiteDTO, type SocketData } from '../contracts/index.ts';
import { agentDTO, callDTO, queueDTO, siteDTO, teamDTO, type Dirty, type HubState } from '../core/index.ts';

type IO = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

interface Pending {
  queues: Set<string>;
  agents: Set<string>;
  teams: Set<string>;
  calls: Set<string>;
  removed: Set<string>;
  site: boolean;
}

const newPending = (): Pending => ({ queues: new Set(), agents: new Set(), teams: new Set(), calls: new Set(), removed: new Set(), site: false });

export class Broadcaster {
  private readonly pending = new Map<string, Pending>();
  private readonly lastSent = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private immediate: NodeJS.Immediate | undefined;
  private readonly ready = new Set<string>();
  deltasSent = 0;
  /** Per room: the last version of each DTO sent there ('site', 'q:ID', 'a:ID', 't:ID', 'c:ID'). */
  private readonly sent = new Map<string, Map<string, object>>();
  private memo: { site: SiteDTO | undefined; queues: Map<string, QueueDTO>; agents: Map<string, AgentDTO> } | undefined;

  constructor(
    private readonly io: IO,
    private readonly state: HubState,
    private readonly now: () => number,
    /** Minimum time (wall clock) between two deltas to one room. @defaultValue 250 */
    private readonly intervalMs = 250,
  ) {
    const adapter = io.of('/').adapter;
    // A joining socket got (or is about to get) a snapshot that may be newer than the room's last
    // delta: the next delta goes whole. An emptied room keeps nothing.
    adapter.on('join-room', (room: string) => this.sent.delete(room));
    adapter.on('delete-room', (room: string) => this.sent.delete(room));
  }

  /** Forgets what these rooms were sent (a socket in them took a fresh snapshot). */
  forget(rooms: Iterable<string>): void {
    for (const r of rooms) this.sent.delete(r);
  }

  private hasListeners(room: string): boolean {
    return (this.io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  private room(room: string): Pending | undefined {
    if (!this.hasListeners(room)) return undefined;
    let p = this.pending.get(room);
    if (!p) {
      p = newPending();
      this.pending.set(room, p);
    }
    return p;
  }

  onDirty(d: Dirty): void {
    const s = this.state;
    const touched = new Set<string>();
    const add = (room: string, f: (p: Pending) => void) => {
      const p = this.room(room);
      if (p) {
        f(p);
        touched.add(room);
      }
    };
    for (const q of d.queues) {
      add('site', (p) => p.queues.add(q));
      add(`queue:${q}`, (p) => p.queues.add(q));
    }
    for (const id of d.agents) {
      const a = s.agents.get(id);
      if (!a) continue;
      add('site', (p) => {
        p.agents.add(id);
        if (a.teamId) p.teams.add(a.teamId);
      });
      add(`agent:${id}`, (p) => p.agents.add(id));
      if (a.teamId) add(`team:${a.teamId}`, (p) => p.agents.add(id));
      for (const q of a.queues) add(`queue:${q}`, (p) => p.agents.add(id));
    }
    for (const id of d.calls) {
      const c = s.calls.get(id);
      if (!c) continue;
      add('site', (p) => p.calls.add(id));
      add(`queue:${c.queue}`, (p) => p.calls.add(id));
      if (c.agentId) add(`agent:${c.agentId}`, (p) => p.calls.add(id));
      if (c.offerAgentId) add(`agent:${c.offerAgentId}`, (p) => p.calls.add(id));
    }
    for (const id of d.removedCalls) {
      const c = s.recordIndex.get(id);
      add('site', (p) => p.removed.add(id));
      if (c) {
        for (const q of c.path) add(`queue:${q}`, (p) => p.removed.add(id));
        if (c.agentId) add(`agent:${c.agentId}`, (p) => p.removed.add(id));
      }
    }
    if (d.site) {
      add('site', (p) => (p.site = true));
      for (const q of s.queues.keys()) add(`queue:${q}`, (p) => (p.site = true));
    }
    for (const room of touched) this.schedule(room);
  }

  private schedule(room: string): void {
    if (this.timers.has(room) || this.ready.has(room)) return;
    const since = performance.now() - (this.lastSent.get(room) ?? -Infinity);
    if (since >= this.intervalMs) {
      this.ready.add(room);
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        const rooms = [...this.ready];
        this.ready.clear();
        // Rooms flushed together share the DTOs they have in common (site, queues, agents).
        this.memo = { site: undefined, queues: new Map(), agents: new Map() };
        for (const r of rooms) this.flush(r);
        this.memo = undefined;
      });
    } else {
      this.timers.set(
        room,
        setTimeout(() => {
          this.timers.delete(room);
          this.flush(room);
        }, this.intervalMs - since),
      );
    }
  }

  private flush(room: string): void {
    const p = this.pending.get(room);
    if (!p) return;
    this.pending.delete(room);
    const s = this.state;
    const now = this.now();
    const d: DeltaDTO = { seq: s.seq, at: now };
    const m = this.memo;
    const qdto = (id: string): QueueDTO => {
      let x = m?.queues.get(id);
      if (!x) {
        x = queueDTO(s, s.queues.get(id)!, now);
        m?.queues.set(id, x);
      }
      return x;
    };
    const adto = (id: string): AgentDTO => {
      let x = m?.agents.get(id);
      if (!x) {
        x = agentDTO(s, s.agents.get(id)!, now);
        m?.agents.set(id, x);
      }
      return x;
    };
    const known = this.sent.get(room) ?? new Map<string, object>();
    this.sent.set(room, known);
    // Only the fields that changed since this room's last delta (whole when it has not had this DTO).
    const patch = <T extends { id: string }>(key: string, dto: T): EntityPatch<T> | undefined => {
      const pt = diff(known.get(key) as T | undefined, dto) as EntityPatch<T> | undefined;
      known.set(key, dto);
      return pt;
    };
    const list = <T extends { id: string }>(ids: Set<string>, prefix: string, dto: (id: string) => T | undefined): EntityPatch<T>[] | undefined => {
      let out: EntityPatch<T>[] | undefined;
      for (const id of ids) {
        const x = dto(id);
        if (x === undefined) {
          known.delete(prefix + id);
          continue;
        }
        const pt = patch(prefix + id, x);
        if (pt) (out ??= []).push(pt);
      }
      return out;
    };
    if (p.site) {
      const site = m ? (m.site ??= siteDTO(s, now)) : siteDTO(s, now);
      const pt = patch('site', site);
      if (pt) d.site = pt;
    }
    const queues = list(p.queues, 'q:', (q) => (s.queues.has(q) ? qdto(q) : undefined));
    if (queues) d.queues = queues;
    // A line gone from the state was removed (`queue.removed`): the room's boards may hold it from a snapshot.
    const removedQueues = [...p.queues].filter((q) => !s.queues.has(q));
    if (removedQueues.length) d.removedQueues = removedQueues;
    const agents = list(p.agents, 'a:', (a) => (s.agents.has(a) ? adto(a) : undefined));
    if (agents) d.agents = agents;
    const teams = list(p.teams, 't:', (t) => teamDTO(s, t, now));
    if (teams) d.teams = teams;
    const calls = list(p.calls, 'c:', (c) => {
      const call = s.calls.get(c);
      return call ? callDTO(call, false) : undefined;
    });
    if (calls) d.calls = calls;
    const removed = [...p.removed].filter((c) => !s.calls.has(c));
    for (const c of removed) known.delete('c:' + c);
    if (removed.length) d.removedCalls = removed;
    this.lastSent.set(room, performance.now());
    this.deltasSent++;
    this.io.to(room).emit('delta', d);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (this.immediate) clearImmediate(this.immediate);
  }
}

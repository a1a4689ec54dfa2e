/**
 * Coalesced deltas: changes are collected per room and sent at most once per `intervalMs` per room.
 * The first change in a quiet room goes out at once (on the next turn of the event loop, so one
 * ingest batch makes one delta); later ones wait for the end of the interval and go out together.
 * DTOs are built when a delta is sent, so a board always gets the latest state, never a stale one.
 */
import type { Server } from 'socket.io';
import type { AgentDTO, ClientToServerEvents, DeltaDTO, InterServerEvents, QueueDTO, ServerToClientEvents, SiteDTO, SocketData } from '../contracts/index.ts';
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
  private memo: { site: SiteDTO | undefined; queues: Map<string, QueueDTO>; agents: Map<string, AgentDTO> } | undefined;

  constructor(
    private readonly io: IO,
    private readonly state: HubState,
    private readonly now: () => number,
    /** Minimum time (wall clock) between two deltas to one room. @defaultValue 250 */
    private readonly intervalMs = 250,
  ) {}

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
    if (p.site) d.site = m ? (m.site ??= siteDTO(s, now)) : siteDTO(s, now);
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
    if (p.queues.size) d.queues = [...p.queues].flatMap((q) => (s.queues.has(q) ? [qdto(q)] : []));
    if (p.agents.size) d.agents = [...p.agents].flatMap((a) => (s.agents.has(a) ? [adto(a)] : []));
    if (p.teams.size) d.teams = [...p.teams].map((t) => teamDTO(s, t, now));
    const calls = [...p.calls].flatMap((c) => (s.calls.has(c) ? [callDTO(s.calls.get(c)!, false)] : []));
    if (calls.length) d.calls = calls;
    const removed = [...p.removed].filter((c) => !s.calls.has(c));
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

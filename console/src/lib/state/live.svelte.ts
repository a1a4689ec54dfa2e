/**
 * The live view of the hub: snapshot + merged deltas, the connection status, how fresh the figures
 * are, and the agent's ringing offer. One singleton, fed by `$lib/socket.ts`; pages read it.
 *
 * Freshness: `freshAt` is the client time at which the hub last proved the figures current (a
 * snapshot or a delta). Figures older than `STALE_MS`, or any while the socket is down, are shown
 * as stale (dimmed, with their age), never as live.
 */
import { applyPatch, mergeById } from '$contracts/patch.ts';
import type { AgentDTO, ApiErrorBody, CallDTO, DeltaDTO, OfferDTO, QueueDTO, SessionDTO, SiteDTO, SnapshotDTO, TeamDTO } from '$contracts/socket.ts';
import { hub, type ConnStatus } from '../socket.ts';

export const STALE_MS = 5000;
export type OfferEnd = 'declined' | 'timeout' | 'disconnected' | 'abandoned' | 'answered-elsewhere' | 'state-change';

class Live {
  site = $state.raw<SiteDTO | null>(null);
  queues = $state.raw<QueueDTO[]>([]);
  agents = $state.raw<AgentDTO[]>([]);
  teams = $state.raw<TeamDTO[]>([]);
  calls = $state.raw<CallDTO[]>([]);
  session = $state.raw<SessionDTO | null>(null);
  offer = $state.raw<OfferDTO | null>(null);
  /** Why the last offer went away (shown briefly on the desk). */
  offerEnded = $state.raw<{ callId: string; reason: OfferEnd; at: number } | null>(null);
  status = $state<ConnStatus>('idle');
  statusDetail = $state('');
  /**
   * Why the hub last refused the sign-in (`unauthorized`: expired, revoked...), worded on the login page
   * in the page's language. Kept through the sign-out that follows; cleared once a connection is live.
   */
  refusal = $state.raw<ApiErrorBody | null>(null);
  freshAt = $state(0);
  /** Client clock, ticking twice a second: timers and ages derive from it. */
  now = $state(Date.now());
  /** Hub clock minus client clock, from the last snapshot. */
  skewMs = $state(0);
  /** Bumped on every snapshot (a resync): charts refetch on it. */
  snapshots = $state(0);
  seq = 0;
  #started = false;

  get ageMs(): number {
    return this.freshAt === 0 ? Infinity : Math.max(0, this.now - this.freshAt);
  }
  get isLive(): boolean {
    return this.status === 'live' && this.ageMs < STALE_MS;
  }
  get hubNow(): number {
    return this.now + this.skewMs;
  }

  /** Wires the store to the socket once (idempotent). */
  start(): void {
    if (this.#started || typeof window === 'undefined') return;
    this.#started = true;
    setInterval(() => (this.now = Date.now()), 500);
    hub.onStatus((s, detail, refusal) => {
      this.status = s;
      this.statusDetail = detail ?? '';
      if (s === 'unauthorized') this.refusal = refusal ?? null;
      else if (s === 'live') this.refusal = null;
    });
    hub.on('snapshot', (s) => this.applySnapshot(s));
    hub.on('delta', (d) => this.applyDelta(d));
    hub.on('session:info', (s) => (this.session = s));
    hub.on('hub:heartbeat', (h) => {
      if (this.status !== 'live') return;
      this.freshAt = Date.now();
      this.skewMs = h.at - Date.now();
    });
    hub.on('offer:new', (o) => {
      this.offer = o;
      this.offerEnded = null;
    });
    hub.on('offer:cancelled', (o) => {
      if (this.offer?.callId === o.callId) this.offer = null;
      this.offerEnded = { callId: o.callId, reason: o.reason, at: Date.now() };
    });
  }

  applySnapshot(s: SnapshotDTO): void {
    this.seq = s.seq;
    this.skewMs = s.at - Date.now();
    this.site = s.site;
    this.queues = s.queues;
    this.agents = s.agents;
    this.teams = s.teams;
    this.calls = s.calls;
    this.freshAt = Date.now();
    this.now = this.freshAt;
    this.snapshots++;
    // An offer that is no longer ringing (answered, expired while we were away) goes.
    const me = this.session?.agentId ? s.agents.find((a) => a.id === this.session!.agentId) : undefined;
    if (this.offer && me && me.offerCallId !== this.offer.callId) this.offer = null;
  }

  /**
   * Merges a delta: its entities are patches against what this socket's rooms were last sent (whole
   * after a snapshot), so every delta that arrives after the snapshot is merged, in order. Deltas of
   * two rooms (a supervisor on two lines) may share a `seq`; none is skipped.
   */
  applyDelta(d: DeltaDTO): void {
    if (!this.site) return; // before the first snapshot: it will hold all of this
    this.seq = Math.max(this.seq, d.seq);
    // The hub's clock moves with its events (a replay, an accelerated simulation): follow it.
    this.skewMs = d.at - Date.now();
    if (d.site) this.site = applyPatch(this.site, d.site);
    if (d.queues || d.removedQueues) this.queues = mergeById(this.queues, d.queues, d.removedQueues);
    if (d.agents) {
      this.agents = mergeById(this.agents, d.agents);
      // Answered (here or on another device of the same agent): the offer no longer rings.
      const id = this.session?.agentId;
      const me = id && d.agents.some((a) => a.id === id) ? this.agents.find((a) => a.id === id) : undefined;
      if (this.offer && me && me.callId === this.offer.callId) this.offer = null;
    }
    if (d.teams) this.teams = mergeById(this.teams, d.teams);
    if (d.calls || d.removedCalls) this.calls = mergeById(this.calls, d.calls, d.removedCalls);
    this.freshAt = Date.now();
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.site = null;
    this.queues = [];
    this.agents = [];
    this.teams = [];
    this.calls = [];
    this.offer = null;
    this.offerEnded = null;
    this.session = null;
    this.freshAt = 0;
    this.seq = 0;
  }
}

export const live = new Live();

/**
 * The hub service: the I/O shell around the pure core. Validates inbound events at the edge, applies
 * them with `evolve`, lets routing and timers decide, appends everything accepted to the event log,
 * and hands effects (offers, PBX commands) and changes (for deltas) to its listeners.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  COMMANDS,
  COMMAND_ROLES,
  commandFailMessage,
  commandFailOf,
  parseCtiEvent,
  type CommandName,
  type CommandResult,
  type DomainEvent,
  type EventOf,
  type IngestResult,
  type Response,
  type SessionDTO,
  type MetricParams,
  type SiteConfig,
} from '../contracts/index.ts';
import {
  accrueAll,
  checkSchedule,
  CheckpointMismatch,
  createState,
  dumpState,
  loadState,
  type StateDump,
  decide,
  due,
  evolve,
  newDirty,
  route,
  sameParams,
  type Dirty,
  type Effect,
  type HubState,
} from '../core/index.ts';
import type { EventLog } from './event-log.repository.ts';
import type { HubMetrics } from './hub.metrics.ts';
import { SeenIds } from './seen-ids.ts';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The shape of the hub's own event ids (`h-<boot>-<n>`, boot = 8 hex digits): a rebuild does not remember
 * them for idempotency (nobody sends them again). A source's id that merely starts with `h-` is remembered.
 */
const HUB_ID = /^h-[0-9a-f]{8}-\d+$/;

export interface HubOptions {
  config: SiteConfig;
  log: EventLog;
  logger: Logger;
  metrics?: HubMetrics;
  /**
   * `wall`: timers run on the machine clock (live). `event`: the clock is the latest event time, so a
   * replay of last month times out offers and ends wrap-ups in event time. @defaultValue 'wall'
   */
  clock?: 'wall' | 'event';
  /** For tests: the wall clock. @defaultValue Date.now */
  now?: () => number;
  /** Distinct event ids remembered for idempotency. @defaultValue 2_000_000 */
  dedupeCapacity?: number;
  /** The newest event ids a checkpoint keeps for idempotency after a restart. @defaultValue 200_000 */
  checkpointDedupeIds?: number;
  /**
   * How long a console command's answer waits for the event log. Past it (Redis is down), the answer is
   * "applied, not saved yet" (`unsaved: true`) instead of a wait that ends in the console's timeout and a
   * retry of a command that was in fact applied. The log keeps trying and writes it once Redis is back.
   * @defaultValue 2000
   */
  commandSaveWaitMs?: number;
  /**
   * On the wall clock, how far ahead of the hub's time an event's `at` may be: clock skew between the
   * phone system and the hub. An event further ahead has not happened yet: a source whose clock is wrong.
   * It is refused with the reason (applied, it would stamp the state's clock, and every later parameter
   * version, with that future time). The event clock (`clock: 'event'`, a replay) takes any time.
   * @defaultValue 300000 (5 minutes)
   */
  futureToleranceMs?: number;
  /** At most one rejected event of each reason is logged (warn) per this many ms. @defaultValue 60000 */
  rejectLogIntervalMs?: number;
}

/** The rejection of an event dated more than the tolerance ahead of the hub's clock. */
export function futureEventError(at: number, now: number, toleranceMs: number): string {
  const ahead = Math.round((at - now) / 1000);
  return `at ${new Date(at).toISOString()} is ${ahead} s ahead of the hub's clock (${new Date(now).toISOString()}); more than ${Math.round(toleranceMs / 1000)} s ahead is refused: check the source's clock`;
}

/**
 * A clock that runs `speed` times faster than the machine's, starting at `start` (default: now). With it
 * a hub keeps in step with the simulator at `--speed N`: both map wall time the same way.
 */
export function scaledClock(speed: number, start = Date.now(), wall: () => number = Date.now): () => number {
  const wall0 = wall();
  return () => start + (wall() - wall0) * speed;
}

export interface ApplyOptions {
  /**
   * Route after applying. `false` loads recorded history routed by someone else (the demo's morning):
   * the hub then only tracks, whatever the queues' routing mode. @defaultValue true
   */
  route?: boolean;
}

export interface HubListener {
  onEffects?(effects: Effect[]): void;
  onDirty?(dirty: Dirty): void;
}

/** What a checkpoint holds besides the state: the event ids remembered for idempotency. */
interface CheckpointData {
  state: StateDump;
  seen: string[];
}

export interface CheckpointResult {
  /** The stream entry the checkpoint covers up to. */
  id: string;
  bytes: number;
  /** Time the event loop was blocked (dump + JSON), ms. */
  blockedMs: number;
}

export class Hub {
  /** Replaced only by `rebuild` from a checkpoint, before anyone else holds it. */
  state: HubState;
  private readonly seen: SeenIds;
  private readonly bootId = randomBytes(4).toString('hex');
  private idSeq = 0;
  private lastDueAt = 0;
  private lastAccrual = 0;
  private readonly listeners: HubListener[] = [];
  /** The last logged rejection of each reason, and how many were not logged since (`logRejection`). */
  private readonly rejectLog = new Map<string, { at: number; left: number }>();
  readonly clockMode: 'wall' | 'event';
  private readonly wallNow: () => number;
  readonly counts = { accepted: 0, duplicates: 0, rejected: 0, decisions: 0 };

  constructor(private readonly opts: HubOptions) {
    this.state = createState(opts.config);
    this.seen = new SeenIds(opts.dedupeCapacity ?? 2_000_000);
    this.clockMode = opts.clock ?? 'wall';
    this.wallNow = opts.now ?? Date.now;
  }

  /** Hub time: the machine clock, or in event-clock mode the latest event time. */
  now(): number {
    return this.clockMode === 'wall' ? this.wallNow() : this.state.clock;
  }

  /** The ids of the hub's own events (`HUB_ID`), which no source sends again. */
  private nextId = (): string => `h-${this.bootId}-${++this.idSeq}`;

  addListener(l: HubListener): () => void {
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * Rebuilds the state after a restart: from the latest checkpoint plus the log entries after it, or
   * from the whole log when there is no usable checkpoint.
   */
  async rebuild(
    onProgress?: (entries: number) => void,
  ): Promise<{ entries: number; events: number; failed: number; checkpoint: string | null }> {
    let after: string | undefined;
    const cp = await this.opts.log.loadCheckpoint?.();
    if (cp) {
      try {
        const data = JSON.parse(cp.data) as CheckpointData;
        const { state, reconciled } = loadState(this.opts.config, data.state);
        this.state = state;
        this.seen.addKeys(data.seen);
        after = cp.id;
        if (reconciled.length) this.opts.logger.warn({ reconciled }, 'the site configuration changed since the checkpoint: applied to the checkpointed state');
      } catch (err) {
        const why = err instanceof CheckpointMismatch ? err.message : `unreadable checkpoint: ${(err as Error).message}`;
        this.opts.logger.warn({ why }, 'checkpoint not used; replaying the whole event log');
        this.state = createState(this.opts.config);
        this.seen.clear();
      }
    }
    let events = 0;
    let failed = 0;
    const entries = await this.opts.log.readAll(
      (batch) => {
        for (const e of batch) {
          events++;
          if (evolve(this.state, e) !== null) failed++;
          else if (!HUB_ID.test(e.id)) this.remember(e);
        }
      },
      onProgress,
      after,
    );
    // Effects of the past were carried out before the restart; what changed is in the next snapshot.
    this.state.effects.length = 0;
    this.state.dirty = newDirty();
    if (failed > 0) this.opts.logger.warn({ failed }, 'events in the log did not apply on rebuild');
    return { entries, events, failed, checkpoint: after ?? null };
  }

  /**
   * Writes a checkpoint: the state and the remembered event ids, as of the last log entry. The dump
   * and its JSON are made synchronously, when every applied event's XADD has been issued (apply and
   * append happen in one synchronous step), so the state matches the entry id it is saved with.
   * @returns `null` when the log takes no checkpoints or has nothing to cover
   */
  async checkpoint(): Promise<CheckpointResult | null> {
    const log = this.opts.log;
    if (!log.saveCheckpoint || !log.lastAppendedId) return null;
    const t0 = performance.now();
    // The newest event ids only: a source retries within minutes, and a checkpoint must stay small.
    const keep = this.opts.checkpointDedupeIds ?? 200_000;
    const data: CheckpointData = { state: dumpState(this.state), seen: this.seen.newestKeys(keep) };
    const json = JSON.stringify(data);
    const blockedMs = performance.now() - t0;
    const id = await log.lastAppendedId();
    if (id === null) return null;
    await log.saveCheckpoint({ id, data: json });
    return { id, bytes: Buffer.byteLength(json), blockedMs };
  }

  /**
   * Tells the operator about rejected events: the first of each reason, then at most one per reason per
   * `rejectLogIntervalMs`, with how many were left out since. The source has every reason in its answer and
   * `/metrics` counts them all; this says which source and which event to look at.
   */
  private logRejection(reason: 'invalid' | 'impossible' | 'future', raw: unknown, errors: readonly string[]): void {
    const now = Date.now();
    const last = this.rejectLog.get(reason);
    if (last && now - last.at < (this.opts.rejectLogIntervalMs ?? 60_000)) {
      last.left++;
      return;
    }
    this.rejectLog.set(reason, { at: now, left: 0 });
    const field = (k: string) => {
      const v = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[k] : undefined;
      return typeof v === 'string' ? v.slice(0, 128) : undefined;
    };
    this.opts.logger.warn(
      { reason, id: field('id'), type: field('type'), source: field('source'), errors: errors.slice(0, 3), leftOutBefore: last?.left ?? 0 },
      'telephony event rejected (the first of each reason, then one per interval; every one is answered to its source and counted in callboard_events_rejected_total)',
    );
  }

  private remember(e: { id: string; source?: string }): void {
    this.seen.add(e.source, e.id);
  }

  /**
   * Validates and applies a batch of telephony events. Synchronous part only: returns the answer and
   * the events to log (accepted + decisions). `ingest` adds the log write.
   */
  apply(raws: readonly unknown[], opts: ApplyOptions = {}): { result: IngestResult; logged: DomainEvent[] } {
    const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [] };
    const logged: DomainEvent[] = [];
    const m = this.opts.metrics;
    const tolerance = this.opts.futureToleranceMs ?? 300_000;
    const wallNow = this.clockMode === 'wall' ? this.now() : Infinity;
    const horizon = wallNow + tolerance;
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i];
      const p = parseCtiEvent(raw);
      if (!p.ok) {
        const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
        result.rejected.push(id === undefined ? { index: i, errors: p.errors } : { index: i, id, errors: p.errors });
        m?.rejected.inc({ reason: 'invalid' });
        this.logRejection('invalid', raw, p.errors);
        continue;
      }
      const e = p.event;
      if (this.seen.has(e.source, e.id)) {
        result.duplicates++;
        continue;
      }
      if (e.at > horizon) {
        const errors = [futureEventError(e.at, wallNow, tolerance)];
        result.rejected.push({ index: i, id: e.id, errors });
        m?.rejected.inc({ reason: 'future' });
        this.logRejection('future', e, errors);
        continue;
      }
      if (this.clockMode === 'event' && e.at - this.lastDueAt >= 1000) {
        this.lastDueAt = e.at;
        this.decideAt(e.at, logged);
      }
      const why = evolve(this.state, e);
      if (why !== null) {
        result.rejected.push({ index: i, id: e.id, errors: [why] });
        m?.rejected.inc({ reason: 'impossible' });
        this.logRejection('impossible', e, [why]);
        continue;
      }
      this.seen.add(e.source, e.id);
      logged.push(e);
      result.accepted++;
    }
    if (result.accepted > 0 && opts.route !== false) {
      for (const d of route(this.state, this.now(), this.nextId)) logged.push(d);
    } else if (opts.route === false) {
      this.state.routeAgents.clear();
      this.state.routeQueues.clear();
    }
    this.counts.accepted += result.accepted;
    this.counts.duplicates += result.duplicates;
    this.counts.rejected += result.rejected.length;
    m?.accepted.inc(result.accepted);
    if (result.duplicates) m?.duplicates.inc(result.duplicates);
    return { result, logged };
  }

  private decideAt(now: number, into: DomainEvent[]): void {
    const before = into.length;
    for (const d of due(this.state, now, this.nextId)) into.push(d);
    for (const d of route(this.state, now, this.nextId)) into.push(d);
    this.counts.decisions += into.length - before;
  }

  /** Validates, applies and logs a batch; answers once the log has it. */
  ingest(raws: readonly unknown[], opts: ApplyOptions = {}): Promise<IngestResult> {
    try {
      const { result, logged } = this.apply(raws, opts);
      const log = this.opts.log;
      // A duplicate of an event whose entry is still being written is answered once it is written.
      if (logged.length === 0 && result.duplicates > 0 && log.settled) {
        void this.commit(logged);
        return log.settled().then(() => result);
      }
      return this.commit(logged).then(() => result);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Runs due timers and routing at hub time (the ticker calls this). */
  async tick(): Promise<number> {
    const now = this.now();
    if (now - this.lastAccrual >= 1000) {
      this.lastAccrual = now;
      accrueAll(this.state, now);
    }
    const out: DomainEvent[] = [];
    this.decideAt(now, out);
    await this.commit(out);
    return out.length;
  }

  /** Carries out a console command: check, decide, apply, log. */
  async command(session: SessionDTO, name: CommandName, payload: unknown): Promise<Response<CommandResult>> {
    const m = this.opts.metrics;
    const schema = COMMANDS[name];
    if (!schema) {
      const params = { command: String(name) };
      return { ok: false, error: { code: 'invalid', message: commandFailMessage('unknown_command', params), reason: 'unknown_command', params } };
    }
    if (!COMMAND_ROLES[name].includes(session.role)) {
      m?.commands.inc({ name, result: 'forbidden' });
      const params = { role: session.role, command: name };
      return { ok: false, error: { code: 'forbidden', message: commandFailMessage('role_not_allowed', params), reason: 'role_not_allowed', params } };
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      m?.commands.inc({ name, result: 'invalid' });
      const issues = parsed.error.issues;
      // The fields to point at: each issue's path, or the keys a strict object does not know.
      const fields = new Set<string>();
      for (const i of issues) {
        if (i.path.length) fields.add(i.path.join('.'));
        else if (i.code === 'unrecognized_keys') for (const k of i.keys) fields.add(k);
      }
      const params = { command: name, fields: [...fields].join(', ') };
      return {
        ok: false,
        error: {
          code: 'invalid',
          message: commandFailMessage('invalid_payload', params),
          details: issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)),
          reason: 'invalid_payload',
          params,
        },
      };
    }
    const now = this.now();
    const d = decide(this.state, name, parsed.data as never, { now, nextId: this.nextId, session });
    if (!d.ok) {
      m?.commands.inc({ name, result: d.error.code });
      return d;
    }
    const logged: DomainEvent[] = [];
    for (const e of d.events) {
      const why = evolve(this.state, e);
      if (why !== null) {
        await this.commit(logged);
        m?.commands.inc({ name, result: 'conflict' });
        // Every rejection is one of the contract's sentences (`Rejection`): its reason and params come back from it.
        return { ok: false, error: { code: 'conflict', message: why, ...commandFailOf(why) } };
      }
      logged.push(e);
    }
    for (const r of route(this.state, now, this.nextId)) logged.push(r);
    const seq = this.state.seq;
    const saved = await this.savedWithin(this.commit(logged), this.opts.commandSaveWaitMs ?? 2000);
    m?.commands.inc({ name, result: 'ok' });
    return { ok: true, data: { seq, events: d.events.map((e) => e.id), ...(saved ? {} : { unsaved: true as const }) } };
  }

  /** True once `write` is done, false if it is still going after `ms` (it goes on; a late failure is logged). */
  private async savedWithin(write: Promise<void>, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      const saved = await Promise.race([write.then(() => true as const), late]);
      if (!saved) write.catch((err: unknown) => this.opts.logger.error({ err }, 'a command answered "not saved yet" was never written to the event log'));
      return saved;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Holds an agent for `sec` seconds for a call the dialer is ringing for them (0 releases): no other call is
   * offered to them meanwhile, so the connected callee finds them free. Answers the reason when it cannot.
   */
  async holdAgent(agentId: string, sec: number, ref?: string): Promise<{ ok: true; until: number } | { ok: false; reason: string }> {
    const now = this.now();
    const until = sec > 0 ? now + Math.round(sec * 1000) : now;
    const e: DomainEvent = { id: this.nextId(), type: 'agent.held', at: now, source: 'hub', agentId, until, ...(ref !== undefined ? { ref } : {}) };
    const why = await this.applyDecision(e);
    return why === null ? { ok: true, until } : { ok: false, reason: why };
  }

  /**
   * Sets agents' schedules (one `agent.schedule` event each, logged together). All or nothing: the first
   * schedule the state refuses is answered and none is applied.
   */
  async setSchedules(
    list: readonly { agentId: string; from: number; to: number; activities: { start: number; end: number; activity: string }[] }[],
    source: string,
    /** When they were published (a demo's history publishes its days' schedules before them). @defaultValue now */
    now = this.now(),
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    const events: EventOf<'agent.schedule'>[] = list.map((x) => ({ id: this.nextId(), type: 'agent.schedule', at: now, source, ...x }));
    // All checked before any is applied.
    for (const e of events) {
      const why = checkSchedule(this.state, e);
      if (why !== null) return { ok: false, reason: why };
    }
    for (const e of events) {
      const why = evolve(this.state, e);
      if (why !== null) return { ok: false, reason: why };
    }
    await this.commit(events);
    return { ok: true };
  }

  /**
   * Versions the metric parameters (metrics.md: settings are versioned, never applied silently to history):
   * when the site configuration's T, S, SL goal or basis (the site's or a line's) differ from the last
   * logged version, or none is logged yet, logs a `params.version` in force from now on. Called once at
   * start-up, after the rebuild. @returns the version logged, or null when nothing changed
   */
  async versionParams(source = 'config'): Promise<EventOf<'params.version'> | null> {
    const cfg = this.opts.config;
    const site = { ...cfg.params };
    const queues: Record<string, MetricParams> = {};
    for (const id of this.state.queues.keys()) {
      const q = cfg.queues.find((x) => x.id === id);
      queues[id] = { ...site, ...q?.params };
    }
    const last = this.state.paramVersions.at(-1);
    const unchanged =
      last !== undefined &&
      sameParams(last.site, site) &&
      Object.keys(last.queues).length === Object.keys(queues).length &&
      Object.entries(queues).every(([id, p]) => last.queues[id] !== undefined && sameParams(last.queues[id], p));
    if (unchanged) return null;
    const e: EventOf<'params.version'> = { id: this.nextId(), type: 'params.version', at: Math.max(this.now(), this.state.clock), source, site, queues };
    const why = evolve(this.state, e);
    if (why !== null) throw new Error(`params.version refused: ${why}`);
    await this.commit([e]);
    return e;
  }

  /** Applies one hub decision made outside the ticker (e.g. an agent's socket closed mid-offer). */
  async applyDecision(e: DomainEvent): Promise<string | null> {
    const why = evolve(this.state, e);
    if (why !== null) return why;
    const logged: DomainEvent[] = [e];
    for (const r of route(this.state, this.now(), this.nextId)) logged.push(r);
    await this.commit(logged);
    return null;
  }

  /** Hands effects and changes to listeners, then appends to the log. */
  private dirtyQueued = false;
  private readonly notifyDirty = (): void => {
    this.dirtyQueued = false;
    const s = this.state;
    const d = s.dirty;
    if (!(d.site || d.agents.size || d.queues.size || d.calls.size || d.removedCalls.size)) return;
    s.dirty = newDirty();
    for (const l of this.listeners) l.onDirty?.(d);
  };

  private commit(logged: DomainEvent[]): Promise<void> {
    const s = this.state;
    if (s.effects.length > 0) {
      const effects = s.effects;
      s.effects = [];
      for (const l of this.listeners) l.onEffects?.(effects);
    }
    const d = s.dirty;
    if (!this.dirtyQueued && (d.site || d.agents.size || d.queues.size || d.calls.size || d.removedCalls.size)) {
      // Once per turn, not per commit: a live source's single events, handled one after another in one
      // turn, make one notification (the broadcaster builds deltas on a later turn anyway).
      this.dirtyQueued = true;
      queueMicrotask(this.notifyDirty);
    }
    return logged.length > 0 ? this.opts.log.append(logged) : RESOLVED;
  }
}

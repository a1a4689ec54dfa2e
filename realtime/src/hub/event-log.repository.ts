/**
 * The append-only event log in a Redis Stream: every accepted telephony event and every hub decision,
 * in the order they were applied. One stream entry holds one applied batch (field `e`: JSON array),
 * so an ingest request costs one XADD however many events it carries, and requests that arrive while an XADD
 * is on its way share the next one (group commit).
 *
 * Beside the stream, a checkpoint (key `{stream}:checkpoint`: the stream id it covers up to and the
 * hub state as JSON) lets a restart replay only the entries after it, and lets old entries be trimmed.
 */
import type { Redis } from 'ioredis';
import type { DomainEvent } from '../contracts/index.ts';

export interface Checkpoint {
  /** The last stream entry whose events the checkpointed state contains. */
  id: string;
  data: string;
}

export interface EventLog {
  append(events: readonly DomainEvent[]): Promise<void>;
  /**
   * Reads the log in order, a chunk of batches at a time: the whole log, or only the entries after
   * `after` (a stream id).
   */
  readAll(onEvents: (events: DomainEvent[]) => void, onProgress?: (entries: number) => void, after?: string): Promise<number>;
  length(): Promise<number>;
  /**
   * The id of the last entry appended by this process, once it is written; `null` if nothing was
   * appended or an append since `markCheckpointed` failed (then the state holds events the log does
   * not, and no checkpoint should claim an id). Optional: logs without it take no checkpoints.
   */
  lastAppendedId?(): Promise<string | null>;
  /**
   * Resolves once every entry appended so far is written (rejects when the newest one failed). The hub
   * answers a duplicate only then: "already have it" must mean "it is in the log".
   */
  settled?(): Promise<void>;
  /** Stops retrying writes (the hub is closing): a write that fails from now on is reported, not retried. */
  stop?(): void;
  saveCheckpoint?(cp: Checkpoint): Promise<void>;
  loadCheckpoint?(): Promise<Checkpoint | null>;
  /** Deletes entries older than `minId` (approximately, whole stream nodes). @returns entries removed */
  trimBefore?(minId: string): Promise<number>;
}

/** Most events one stream entry holds (group commit joins appends up to this). */
const MAX_EVENTS_PER_ENTRY = 2000;
const noop = (): void => undefined;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ID_TOO_SMALL = /equal or smaller than the target stream top item/i;

export interface RedisEventLogOptions {
  /** Called when a write fails and will be tried again (attempt 1, 2, ...). */
  onRetry?: (err: Error, attempt: number) => void;
}

export class RedisEventLog implements EventLog {
  private last: Promise<string | null> = Promise.resolve(null);
  private failed = false;
  /** The entry being gathered: appends join it until its XADD is issued. */
  private gathering: { events: DomainEvent[]; written: Promise<string>; done: Promise<void> } | null = null;
  /** The XADD issued last (settled or not); the next one waits for it, so entries keep their order. */
  private writing: Promise<unknown> = Promise.resolve();
  /** The newest entry's write (resolved when nothing was appended). */
  private newest: Promise<void> = Promise.resolve();
  /** XADDs issued, for tests and benchmarks: fewer than `append` calls when group commit joined them. */
  entriesWritten = 0;
  /** Writes tried again after a failure (Redis down or unreachable). */
  retries = 0;
  private stopped = false;
  /** The last entry id this log chose (`ms-seq`): ids are chosen here, so a write tried twice is written once. */
  private idMs = 0;
  private idSeq = 0;

  constructor(
    private readonly redis: Redis,
    /** Stream key. @defaultValue `callboard:{site}:events` */
    readonly key: string,
    private readonly options: RedisEventLogOptions = {},
  ) {}

  stop(): void {
    this.stopped = true;
  }

  private nextId(): string {
    const now = Date.now();
    if (now > this.idMs) {
      this.idMs = now;
      this.idSeq = 0;
    } else this.idSeq++;
    return `${this.idMs}-${this.idSeq}`;
  }

  /** Makes the next id come after `top` (an entry this log did not choose, e.g. from an earlier process). */
  private advancePast(top: string): void {
    const [ms, seq] = top.split('-').map(Number) as [number, number];
    if (ms > this.idMs || (ms === this.idMs && seq > this.idSeq)) {
      this.idMs = ms;
      this.idSeq = seq;
    }
  }

  /**
   * Writes one entry, trying again until Redis takes it (answers to the sources wait meanwhile: their
   * events are in the hub's state and must reach the log). The entry's id is chosen here, so when an
   * attempt was written but its answer was lost, the next attempt finds its own id on top instead of
   * writing the entry twice.
   */
  private async write(payload: string): Promise<string> {
    let id = this.nextId();
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.redis.xadd(this.key, id, 'e', payload)) as string;
      } catch (err) {
        if (ID_TOO_SMALL.test((err as Error).message)) {
          const top = await this.topId().catch(() => undefined);
          if (top === id) return id;
          if (top !== undefined && top !== null) {
            this.advancePast(top);
            id = this.nextId();
            attempt--;
            continue;
          }
        }
        if (this.stopped) throw err;
        this.retries++;
        this.options.onRetry?.(err as Error, attempt);
        await sleep(Math.min(50 * 2 ** Math.min(attempt, 6), 2000));
      }
    }
  }

  private async topId(): Promise<string | null> {
    const tail = (await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return tail[0]?.[0] ?? null;
  }

  get checkpointKey(): string {
    return `${this.key}:checkpoint`;
  }

  /**
   * Group commit: the events join the entry being gathered, which is written (one XADD) once the XADD
   * before it has its answer, so one entry holds every append made meanwhile (a busy source's single
   * events cost one XADD per round trip, not one each). Resolves when the entry holding them is written.
   */
  append(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const g = this.gathering;
    if (g && g.events.length + events.length <= MAX_EVENTS_PER_ENTRY) {
      for (const e of events) g.events.push(e);
      return g.done;
    }
    const batch = { events: events.slice(), written: undefined as unknown as Promise<string>, done: undefined as unknown as Promise<void> };
    this.gathering = batch;
    batch.written = this.writing.then(() => {
      if (this.gathering === batch) this.gathering = null;
      this.entriesWritten++;
      return this.write(JSON.stringify(batch.events));
    });
    batch.done = batch.written.then(noop);
    this.newest = batch.done;
    this.writing = batch.done.catch(noop);
    this.last = batch.written.then(
      (id) => id,
      () => {
        this.failed = true;
        return null;
      },
    );
    return batch.done;
  }

  settled(): Promise<void> {
    return this.newest;
  }

  async lastAppendedId(): Promise<string | null> {
    const id = await this.last;
    if (this.failed) {
      this.failed = false;
      return null;
    }
    if (id !== null) return id;
    // Nothing appended by this process yet: the stream's last entry (the state was rebuilt up to it).
    return this.topId();
  }

  async saveCheckpoint(cp: Checkpoint): Promise<void> {
    await this.redis.hset(this.checkpointKey, 'id', cp.id, 'data', cp.data);
  }

  async loadCheckpoint(): Promise<Checkpoint | null> {
    const [id, data] = await this.redis.hmget(this.checkpointKey, 'id', 'data');
    return id && data ? { id, data } : null;
  }

  async trimBefore(minId: string): Promise<number> {
    // Exact (not `~`): trims run every few minutes, and tests can count what went.
    return Number(await this.redis.xtrim(this.key, 'MINID', minId));
  }

  async readAll(onEvents: (events: DomainEvent[]) => void, onProgress?: (entries: number) => void, after?: string): Promise<number> {
    let start = after === undefined ? '-' : '(' + after;
    let entries = 0;
    for (;;) {
      const chunk = (await this.redis.xrange(this.key, start, '+', 'COUNT', 200)) as [string, string[]][];
      if (chunk.length === 0) break;
      for (const [, fields] of chunk) {
        const i = fields.indexOf('e');
        if (i >= 0 && fields[i + 1] !== undefined) onEvents(JSON.parse(fields[i + 1]!) as DomainEvent[]);
      }
      entries += chunk.length;
      onProgress?.(entries);
      start = '(' + chunk[chunk.length - 1]![0];
    }
    return entries;
  }

  length(): Promise<number> {
    return this.redis.xlen(this.key);
  }
}

/**
 * An in-memory log for benchmarks, the in-process replay and tests; not durable. Entry ids are
 * `{n}-0` (n from 1), so it can hold a checkpoint like the Redis log.
 */
export class MemoryEventLog implements EventLog {
  readonly batches: DomainEvent[][] = [];
  /** Entries trimmed from the front (the id of batches[0] is `{trimmed + 1}-0`). */
  private trimmed = 0;
  private cp: Checkpoint | null = null;
  async append(events: readonly DomainEvent[]): Promise<void> {
    if (events.length) this.batches.push([...events]);
  }
  async readAll(onEvents: (events: DomainEvent[]) => void, _onProgress?: (entries: number) => void, after?: string): Promise<number> {
    const from = after === undefined ? 0 : Math.max(0, Number(after.split('-')[0]) - this.trimmed);
    for (let i = from; i < this.batches.length; i++) onEvents(this.batches[i]!);
    return this.batches.length - from;
  }
  async length(): Promise<number> {
    return this.batches.length;
  }
  async lastAppendedId(): Promise<string | null> {
    return this.batches.length ? `${this.trimmed + this.batches.length}-0` : null;
  }
  async settled(): Promise<void> {}
  async saveCheckpoint(cp: Checkpoint): Promise<void> {
    this.cp = cp;
  }
  async loadCheckpoint(): Promise<Checkpoint | null> {
    return this.cp;
  }
  async trimBefore(minId: string): Promise<number> {
    const n = Math.min(this.batches.length, Math.max(0, Number(minId.split('-')[0]) - 1 - this.trimmed));
    this.batches.splice(0, n);
    this.trimmed += n;
    return n;
  }
}

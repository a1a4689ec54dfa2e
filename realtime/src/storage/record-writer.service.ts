/**
 * The record writer: follows the hub's event log (a Redis Stream) and keeps the database's call
 * detail records and agent state history up to date, off the hub's hot path (the hub never waits
 * for it, and it never writes to the hub).
 *
 * Exactly-once as seen from outside: the rows derived from a run of stream entries and the id of the
 * last of those entries are committed in one transaction, and every row is an idempotent upsert. On
 * start the writer rebuilds its derivation state from the log up to the committed position (as the
 * hub rebuilds its own), then reads on from there. A database outage stops only the writer: it keeps
 * the batch it could not write and retries with backoff; the log keeps everything after the
 * committed position, so nothing is lost even if the process dies meanwhile.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DomainEvent, SiteConfig } from '../contracts/index.ts';
import { loadSite } from '../site/load-site.ts';
import { safeErrorMessage, type Database, type Db } from './database.ts';
import { createRecordState, recordsFromEvents, type RecordBatch, type RecordState } from './records.ts';
import { addCounts, RecordsRepository, zeroCounts, type UpsertCounts } from './records.repository.ts';

export interface RecordWriterOptions {
  redisUrl: string;
  /** The hub's event-log stream (`callboard:{site}:events`). */
  streamKey: string;
  db: Database;
  logger: Logger;
  /**
   * The site configuration the hub runs with (queues' wrap-up, known agents...): the writer applies
   * the log with the same `evolve`, so it must be the same. @defaultValue `loadSite()` (as the hub)
   */
  config?: SiteConfig;
  /** Write the site configuration (site, queues, teams, agents, users) at start. @defaultValue true */
  syncSite?: boolean;
  /** Stream entries read (and committed) at most per transaction. @defaultValue 200 */
  readCount?: number;
  /** How long one XREAD waits for new entries, ms. @defaultValue 1000 */
  blockMs?: number;
  /** First retry delay after a failure, ms; it doubles up to `retryMaxMs`. @defaultValue 100 */
  retryMinMs?: number;
  /** @defaultValue 5000 */
  retryMaxMs?: number;
  /**
   * Runs in each batch's transaction after its rows (e.g. complaint intake from wrap-ups and low survey
   * scores: `ComplaintsService.intakeFromCalls`), so it commits exactly with them; it must be idempotent.
   */
  onBatch?: (db: Db, batch: RecordBatch) => Promise<unknown>;
}

export interface RecordWriterStats {
  /** Stream entries and events committed (since the stream began, as stored with the position). */
  entries: number;
  events: number;
  /** Entries replayed on start to rebuild the derivation state. */
  rebuiltEntries: number;
  /** Transactions committed by this process. */
  batches: number;
  calls: UpsertCounts;
  agentStates: UpsertCounts;
  /** Metric-engine interval buckets (`interval_aggregates`) written. */
  aggregates: UpsertCounts;
  /** Events `evolve` refused (a log written with another site configuration). */
  refused: number;
  /** Failed attempts (database or Redis) that were retried. */
  retries: number;
  /** Last committed stream entry id (`0-0`: none). */
  lastId: string;
  /** The last failure, cleared by the next success. */
  lastError?: string;
  state: 'starting' | 'rebuilding' | 'following' | 'retrying' | 'stopped';
}

export interface RecordWriter {
  /** Stops reading; a batch not yet committed is left to the next start (the log still has it). */
  stop(): Promise<void>;
  /** Resolves once everything in the stream at the time of the call is committed. */
  caughtUp(): Promise<void>;
  readonly stats: RecordWriterStats;
}

class Stopped extends Error {}

/** Stream ids `ms-seq` in order. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const x = BigInt(am) - BigInt(bm);
  if (x !== 0n) return x < 0n ? -1 : 1;
  const y = BigInt(as) - BigInt(bs);
  return y === 0n ? 0 : y < 0n ? -1 : 1;
}

type StreamEntry = [id: string, fields: string[]];

function eventsOf(fields: string[]): DomainEvent[] {
  const i = fields.indexOf('e');
  return i >= 0 && fields[i + 1] !== undefined ? (JSON.parse(fields[i + 1]!) as DomainEvent[]) : [];
}

/**
 * Starts the writer (returns at once: a database that is down at start only delays it).
 */
export function startRecordWriter(opts: RecordWriterOptions): RecordWriter {
  const config = opts.config ?? loadSite();
  const log = opts.logger.child({ component: 'record-writer', stream: opts.streamKey });
  const repo = new RecordsRepository(opts.db);
  const readCount = opts.readCount ?? 200;
  const blockMs = opts.blockMs ?? 1000;
  const retryMin = opts.retryMinMs ?? 100;
  const retryMax = opts.retryMaxMs ?? 5000;
  // Blocking reads get their own connection so `caughtUp` never queues behind them.
  const reader = new Redis(opts.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  const cmd = new Redis(opts.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  reader.on('error', () => {}); // reconnects on its own; failures surface as rejected commands
  cmd.on('error', () => {});

  const stats: RecordWriterStats = {
    entries: 0,
    events: 0,
    rebuiltEntries: 0,
    batches: 0,
    calls: zeroCounts(),
    agentStates: zeroCounts(),
    aggregates: zeroCounts(),
    refused: 0,
    retries: 0,
    lastId: '0-0',
    state: 'starting',
  };
  let stopping = false;
  let wake: (() => void) | undefined;
  const waiters: { target: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  let positionLoaded = false;

  const settleWaiters = (): void => {
    if (!positionLoaded) return;
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (compareStreamIds(stats.lastId, w.target) >= 0) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = undefined;
        resolve();
      };
    });

  /** Runs `fn` until it succeeds, backing off; throws `Stopped` if the writer stops meanwhile. */
  async function retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let delay = retryMin;
    let failures = 0;
    for (;;) {
      if (stopping) throw new Stopped();
      try {
        const r = await fn();
        if (failures > 0) log.info({ what, failures }, 'record writer recovered');
        delete stats.lastError;
        return r;
      } catch (err) {
        if (stopping) throw new Stopped();
        failures++;
        stats.retries++;
        const message = safeErrorMessage(err);
        stats.lastError = `${what}: ${message}`;
        const prev = stats.state;
        stats.state = 'retrying';
        // One warning per outage, then every 10th attempt, so a long outage does not flood the log.
        if (failures === 1 || failures % 10 === 0) log.warn({ what, failures, err: message }, 'record writer: retrying');
        await sleep(delay);
        delay = Math.min(retryMax, delay * 2);
        stats.state = prev;
      }
    }
  }

  async function rebuild(state: RecordState, upTo: string): Promise<void> {
    stats.state = 'rebuilding';
    let start = '-';
    for (;;) {
      const chunk = (await retry('read log', () => cmd.xrange(opts.streamKey, start, upTo, 'COUNT', 2000))) as StreamEntry[];
      if (chunk.length === 0) break;
      for (const [, fields] of chunk) recordsFromEvents(eventsOf(fields), state);
      stats.rebuiltEntries += chunk.length;
      const last = chunk[chunk.length - 1]![0];
      if (compareStreamIds(last, upTo) >= 0) break;
      start = '(' + last;
    }
    stats.refused = state.refused;
  }

  async function run(): Promise<void> {
    const state = createRecordState(config, 'live');
    if (opts.syncSite !== false) await retry('write site configuration', () => repo.syncSite(config));
    else await retry('write site row', () => repo.ensureSite({ id: config.id, name: config.name, timeZone: config.timeZone, locale: config.locale }));
    const pos = (await retry('read position', () => repo.getPosition(opts.streamKey))) ?? { lastId: '0-0', entries: 0, events: 0 };
    stats.lastId = pos.lastId;
    stats.entries = pos.entries;
    stats.events = pos.events;
    if (pos.lastId !== '0-0') await rebuild(state, pos.lastId);
    log.info({ lastId: pos.lastId, rebuilt: stats.rebuiltEntries }, 'record writer following the event log');
    positionLoaded = true;
    stats.state = 'following';
    settleWaiters();
    while (!stopping) {
      const res = (await retry('read log', () =>
        reader.xread('COUNT', readCount, 'BLOCK', blockMs, 'STREAMS', opts.streamKey, stats.lastId),
      )) as [string, StreamEntry[]][] | null;
      const entries = res?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      const events: DomainEvent[] = [];
      for (const [, fields] of entries) for (const e of eventsOf(fields)) events.push(e);
      const batch = recordsFromEvents(events, state);
      if (batch.refused.length > 0) {
        log.warn({ refused: batch.refused.length, first: batch.refused[0]?.reason }, 'events in the log did not apply (site configuration differs from the hub?)');
      }
      const lastId = entries[entries.length - 1]![0];
      const position = { streamKey: opts.streamKey, lastId, entries: stats.entries + entries.length, events: stats.events + events.length };
      const onBatch = opts.onBatch;
      const r = await retry('write records', () => repo.writeBatch(config.id, batch, position, onBatch && ((db) => onBatch(db, batch))));
      stats.lastId = lastId;
      stats.entries = position.entries;
      stats.events = position.events;
      stats.batches++;
      stats.refused = state.refused;
      addCounts(stats.calls, r.calls);
      addCounts(stats.agentStates, r.agentStates);
      addCounts(stats.aggregates, r.aggregates);
      settleWaiters();
    }
  }

  const done = run()
    .catch((err: unknown) => {
      if (!(err instanceof Stopped)) log.error({ err: safeErrorMessage(err) }, 'record writer failed');
    })
    .finally(() => {
      stats.state = 'stopped';
      for (const w of waiters.splice(0)) w.reject(new Error('record writer stopped'));
    });

  return {
    stats,
    async caughtUp(): Promise<void> {
      const last = (await cmd.xrevrange(opts.streamKey, '+', '-', 'COUNT', 1)) as StreamEntry[];
      const target = last[0]?.[0] ?? '0-0';
      if (stats.state === 'stopped') throw new Error('record writer stopped');
      await new Promise<void>((resolve, reject) => {
        waiters.push({ target, resolve, reject });
        settleWaiters();
      });
    },
    async stop(): Promise<void> {
      if (stopping) return done;
      stopping = true;
      wake?.();
      reader.disconnect(); // ends a blocking XREAD at once
      await done;
      cmd.disconnect();
    },
  };
}

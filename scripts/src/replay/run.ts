/**
 * Replay: read recorded events (NDJSON, or Anonymous Bank monthly files converted on the fly) and
 * feed them to a sink (the hub's ingest, or an NDJSON file), as fast as possible or at N x the
 * recorded pace, optionally shifted so the first event is "now". One file is in memory at a time.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CtiEventIn, IngestResult } from '../../../realtime/src/contracts/index.ts';
import { reasonKey, type HubClient } from '../lib/hub-client.ts';
import { eventTimeMs } from '../sim/time.ts';
import {
  isAnonymousBankFile,
  readAnonymousBank,
  type AnonymousBankOptions,
  type AnonymousBankStats,
} from './anonymous-bank.ts';
import { readNdjson } from './ndjson.ts';

export type SourceFormat = 'ndjson' | 'anonymous-bank';

export interface LoadedSource {
  path: string;
  format: SourceFormat;
  /** Sorted by `at`. */
  events: CtiEventIn[];
  /** Input rows (lines), header excluded. */
  rows: number;
  /** Rows not turned into events, by reason. */
  skipped: Record<string, number>;
  /** Anonymous Bank only: rows kept with a decision, by quirk, and the full stats. */
  quirks: Record<string, number>;
  anonymousBank?: AnonymousBankStats;
  firstAt?: number;
  lastAt?: number;
}

/** Reads one file, detecting its format by the header line. */
export async function loadSource(path: string, options: AnonymousBankOptions = {}): Promise<LoadedSource> {
  if (await isAnonymousBankFile(path)) {
    const { events, stats } = await readAnonymousBank(path, options);
    return {
      path,
      format: 'anonymous-bank',
      events,
      rows: stats.rows,
      skipped: stats.skipped,
      quirks: stats.quirks,
      anonymousBank: stats,
      ...(stats.firstAt !== undefined ? { firstAt: stats.firstAt } : {}),
      ...(stats.lastAt !== undefined ? { lastAt: stats.lastAt } : {}),
    };
  }
  const { events, stats } = await readNdjson(path);
  if (events.length === 0 && stats.rows > 0 && (stats.skipped['not JSON'] ?? 0) > stats.rows / 2) {
    throw new Error(`${path} is neither NDJSON of CTI events nor an Anonymous Bank file (no "vru+line\tcall_id" header)`);
  }
  return {
    path,
    format: 'ndjson',
    events,
    rows: stats.rows,
    skipped: stats.skipped,
    quirks: stats.outOfOrder ? { 'events out of time order in the file (sorted)': stats.outOfOrder } : {},
    ...(stats.firstAt !== undefined ? { firstAt: stats.firstAt } : {}),
    ...(stats.lastAt !== undefined ? { lastAt: stats.lastAt } : {}),
  };
}

/** Where replayed events go. `send` resolves when the batch is taken (back-pressure). */
export interface ReplaySink {
  /** The hub's answer, or nothing for sinks that do not judge events (files). */
  send(batch: CtiEventIn[]): Promise<IngestResult | undefined>;
  close?(): Promise<void>;
}

/** Posts each batch to the hub and waits for its answer before the next. */
export function hubSink(client: HubClient): ReplaySink {
  return { send: (batch) => client.postEvents(batch) };
}

/** Writes NDJSON to a file path, or to a stream (stdout). */
export function ndjsonSink(target: string | Writable): ReplaySink {
  const out: Writable = typeof target === 'string' ? createWriteStream(target, { encoding: 'utf8' }) : target;
  return {
    async send(batch) {
      let chunk = '';
      for (const e of batch) chunk += `${JSON.stringify(e)}\n`;
      if (!out.write(chunk)) await once(out, 'drain');
      return undefined;
    },
    async close() {
      if (typeof target === 'string') {
        out.end();
        await once(out, 'finish');
      }
    },
  };
}

export interface ReplayProgress {
  file: string;
  fileIndex: number;
  files: number;
  /** Events sent of the current file / in it. */
  fileSent: number;
  fileEvents: number;
  /** Events sent so far, all files. */
  sent: number;
  elapsedMs: number;
  eventsPerSec: number;
  /** Recorded time of the last event sent (after any rebase). */
  at?: number;
}

export interface ReplayOptions {
  /** Replay at N x the recorded pace; omitted = as fast as possible. */
  speed?: number;
  /** Shift all times so the first event of the first file is now. @defaultValue false */
  rebase?: boolean;
  /** Events per batch. @defaultValue 500 */
  batchSize?: number;
  /** For tests. @defaultValue Date.now */
  now?: () => number;
  /** For tests. @defaultValue setTimeout */
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (p: ReplayProgress) => void;
  /** @defaultValue 2000 */
  progressEveryMs?: number;
  /** Called when a file has been read, before sending it. */
  onFileLoaded?: (s: LoadedSource) => void;
  anonymousBank?: AnonymousBankOptions;
}

export interface FileSummary {
  path: string;
  format: SourceFormat;
  rows: number;
  events: number;
  skipped: Record<string, number>;
  quirks: Record<string, number>;
  anonymousBank?: AnonymousBankStats;
}

export interface ReplaySummary {
  files: FileSummary[];
  sent: number;
  /** Only when the sink is a hub. */
  accepted: number;
  duplicates: number;
  rejectedCount: number;
  /** Rejections grouped by reason (ids and numbers masked). */
  rejected: Record<string, number>;
  /** Rows skipped while reading, by reason, all files. */
  skipped: Record<string, number>;
  elapsedMs: number;
  eventsPerSec: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Replays files into a sink, one file in memory at a time. */
export async function replayFiles(paths: readonly string[], sink: ReplaySink, options: ReplayOptions = {}): Promise<ReplaySummary> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const batchSize = options.batchSize ?? 500;
  if (!(batchSize >= 1)) throw new Error('batch size must be >= 1');
  const speed = options.speed;
  if (speed !== undefined && !(speed > 0)) throw new Error('speed must be positive');
  const progressEvery = options.progressEveryMs ?? 2000;
  const summary: ReplaySummary = {
    files: [],
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejectedCount: 0,
    rejected: {},
    skipped: {},
    elapsedMs: 0,
    eventsPerSec: 0,
  };
  const wall0 = now();
  let lastProgress = wall0;
  let delta = 0;
  let at0: number | undefined;

  for (let fi = 0; fi < paths.length; fi++) {
    const path = paths[fi]!;
    const src = await loadSource(path, options.anonymousBank);
    options.onFileLoaded?.(src);
    summary.files.push({
      path,
      format: src.format,
      rows: src.rows,
      events: src.events.length,
      skipped: src.skipped,
      quirks: src.quirks,
      ...(src.anonymousBank ? { anonymousBank: src.anonymousBank } : {}),
    });
    for (const [k, n] of Object.entries(src.skipped)) summary.skipped[k] = (summary.skipped[k] ?? 0) + n;
    const events = src.events;
    if (events.length === 0) continue;
    if (at0 === undefined) {
      const first = eventTimeMs(events[0]!.at);
      if (options.rebase) delta = wall0 - first;
      at0 = first + delta;
    }
    const origin = at0;
    const timeOf = (e: CtiEventIn): number => eventTimeMs(e.at) + delta;
    const shift = (e: CtiEventIn): CtiEventIn => (delta === 0 ? e : ({ ...e, at: new Date(timeOf(e)).toISOString() } as CtiEventIn));

    let i = 0;
    while (i < events.length) {
      let end = Math.min(events.length, i + batchSize);
      if (speed !== undefined) {
        const due = (k: number): number => wall0 + (timeOf(events[k]!) - origin) / speed;
        const wait = due(i) - now();
        if (wait > 0) {
          // Sleep in slices so progress keeps printing during long gaps.
          await sleep(Math.min(wait, 1000));
          continue;
        }
        const t = now();
        let k = i + 1;
        while (k < end && due(k) <= t) k++;
        end = k;
      }
      const batch = events.slice(i, end).map(shift);
      const res = await sink.send(batch);
      if (res) {
        summary.accepted += res.accepted;
        summary.duplicates += res.duplicates;
        summary.rejectedCount += res.rejected.length;
        for (const r of res.rejected) {
          const k = reasonKey(r.errors[0] ?? 'unknown');
          summary.rejected[k] = (summary.rejected[k] ?? 0) + 1;
        }
      }
      summary.sent += batch.length;
      i = end;
      const t = now();
      if (options.onProgress && (t - lastProgress >= progressEvery || (i === events.length && fi === paths.length - 1))) {
        lastProgress = t;
        const elapsed = t - wall0;
        options.onProgress({
          file: path,
          fileIndex: fi,
          files: paths.length,
          fileSent: i,
          fileEvents: events.length,
          sent: summary.sent,
          elapsedMs: elapsed,
          eventsPerSec: elapsed > 0 ? (summary.sent * 1000) / elapsed : 0,
          at: timeOf(events[i - 1]!),
        });
      }
    }
  }
  await sink.close?.();
  summary.elapsedMs = now() - wall0;
  summary.eventsPerSec = summary.elapsedMs > 0 ? (summary.sent * 1000) / summary.elapsedMs : 0;
  return summary;
}

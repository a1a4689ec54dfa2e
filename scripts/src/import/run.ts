/**
 * Importing recorded call data into the database (`npm run import`): Anonymous Bank 1999 monthly
 * files and NDJSON files of CTI events go through the hub's engine (`recordsFromEvents`, with the hub's
 * timers in event time), so their rows are what the live writer stores for the same events; the PwC
 * CSV's rows become CTI events first (`pwc.ts`) and take the same road. Every write is an idempotent upsert: importing
 * a file twice changes nothing (the second run reports every row unchanged). One `import_runs` row per
 * file and run.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseCtiEvent, parseSiteConfig, type DomainEvent, type SiteConfig } from '../../../realtime/src/contracts/index.ts';
import { loadSite } from '../../../realtime/src/site/load-site.ts';
import {
  addCounts,
  createRecordState,
  recordsFromEvents,
  RecordsRepository,
  safeErrorMessage,
  zeroCounts,
  type AgentStateRecord,
  type CallRecord,
  type Database,
  type IntervalAggregateRecord,
  type UpsertCounts,
} from '../../../realtime/src/storage/index.ts';
import { AB_HEADER_PREFIX, AB_TIME_ZONE, readAnonymousBank, readLines } from '../replay/anonymous-bank.ts';
import { parseNdjsonLines } from '../replay/ndjson.ts';
import { convertPwc, isPwcCsv } from './pwc.ts';

export type ImportFormat = 'anonymous-bank' | 'pwc' | 'ndjson';

export const AB_SITE_ID = 'anonymous-bank';

/** The Anonymous Bank's queues (call types), named as in the Technion documentation. */
const AB_QUEUES: Record<string, string> = {
  PS: 'PS: regular',
  PE: 'PE: regular (English)',
  IN: 'IN: internet support',
  NE: 'NE: stock exchange',
  NW: 'NW: prospective customers',
  TT: 'TT: call-back customers on hold',
  AA: 'AA: undocumented type',
};

/** The site the Anonymous Bank data goes to: observed queues without wrap-up (docs/REPLAY.md). */
export function anonymousBankSite(siteId = AB_SITE_ID): SiteConfig {
  return parseSiteConfig({
    id: siteId,
    name: 'Anonymous Bank (Israel, 1999; Technion SEE Lab)',
    timeZone: AB_TIME_ZONE,
    locale: 'en',
    autoCreateQueues: true,
    queues: Object.entries(AB_QUEUES).map(([type, name]) => ({ id: `ab-${type}`, name, routing: 'observe', wrapupSec: 0 })),
  });
}

export interface ImportProgress {
  file: string;
  phase: 'reading' | 'writing';
  /** Rows written so far and to write (calls + agent state rows) in the writing phase. */
  done: number;
  total: number;
  /** Rows per second since the writing phase began. */
  rate: number;
}

export interface ImportOptions {
  database: Database;
  /**
   * Site id for Anonymous Bank and PwC rows. @defaultValue `anonymous-bank` / `pwc-phonenow`
   */
  siteId?: string;
  /** Site configuration for NDJSON files (the hub's). @defaultValue `loadSite()` (`CALLBOARD_SITE` or the demo site) */
  siteConfig?: SiteConfig;
  /** Rows per transaction. @defaultValue 2000 */
  batchRows?: number;
  onProgress?: (p: ImportProgress) => void;
  /** @defaultValue 1000 */
  progressEveryMs?: number;
}

export interface FileImportResult {
  path: string;
  format: ImportFormat;
  siteId: string;
  runId: number;
  /** Data rows (lines) read. */
  rows: number;
  /** Rows that became calls (Anonymous Bank, PwC) or events applied (NDJSON). */
  imported: number;
  /** Rows not imported, by reason. */
  skipped: Record<string, number>;
  /** Rows kept with a decision, by quirk. */
  quirks: Record<string, number>;
  calls: UpsertCounts;
  agentStates: UpsertCounts;
  /** Figures for checks: answered / abandoned calls, PwC's speed-of-answer sum. */
  answered: number;
  abandoned: number;
  speedOfAnswerSec?: number;
  ms: number;
}

const inc = (rec: Record<string, number>, key: string, n = 1): void => {
  rec[key] = (rec[key] ?? 0) + n;
};
const sum = (rec: Record<string, number>): number => Object.values(rec).reduce((a, b) => a + b, 0);

/** Groups refusal reasons: ids and numbers masked, so one reason is one line in the summary. */
export function maskReason(reason: string): string {
  return reason.replace(/\b(call|agent|queue) \S+/g, '$1 <id>').replace(/\d+/g, 'N');
}

/** Detects the format from the first bytes. @throws for a missing or unknown file */
export async function detectFormat(path: string): Promise<ImportFormat> {
  let head: string;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(512);
      const { bytesRead } = await fh.read(buf, 0, 512, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (head.startsWith(AB_HEADER_PREFIX)) return 'anonymous-bank';
  if (isPwcCsv(head)) return 'pwc';
  if (head.replace(/^\uFEFF/, '').trimStart().startsWith('{')) return 'ndjson';
  throw new Error(`${path}: unknown format (expected an Anonymous Bank .txt, the PwC call-centre CSV or NDJSON of CTI events)`);
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

interface Derived {
  config: SiteConfig;
  calls: CallRecord[];
  agentStates: AgentStateRecord[];
  /** The metric engine's interval buckets (`interval_aggregates`), latest of each. */
  aggregates?: IntervalAggregateRecord[];
  rows: number;
  imported: number;
  skipped: Record<string, number>;
  quirks: Record<string, number>;
  answered: number;
  abandoned: number;
  speedOfAnswerSec?: number;
}

/**
 * Telephony events through the hub's engine: validated with the contract, duplicates (same source and
 * id) dropped as the hub drops them, then `recordsFromEvents` with the hub's timers running in event
 * time (wrap-up ends, offer timeouts, overflow), as a hub on the event clock would. No routing: the
 * recorded calls were routed by whoever recorded them. Final rows only: a call's row is written once.
 */
function deriveFromEvents(raws: readonly unknown[], config: SiteConfig, source: string, skipped: Record<string, number>): Omit<Derived, 'rows' | 'quirks' | 'config' | 'imported'> & { applied: number; refusedOffers: number } {
  const state = createRecordState(config, source);
  const calls = new Map<string, CallRecord>();
  const states = new Map<string, AgentStateRecord>();
  const aggregates = new Map<string, IntervalAggregateRecord>();
  const seen = new Set<string>();
  let refusedOffers = 0;
  const CHUNK = 5000;
  for (let i = 0; i < raws.length; i += CHUNK) {
    const events: DomainEvent[] = [];
    for (const raw of raws.slice(i, i + CHUNK)) {
      const p = parseCtiEvent(raw);
      if (!p.ok) {
        inc(skipped, `invalid event: ${p.errors[0] ?? 'unknown'}`);
        continue;
      }
      const key = p.event.source === undefined ? p.event.id : `${p.event.source}\u0000${p.event.id}`;
      if (seen.has(key)) {
        inc(skipped, 'duplicate event id');
        continue;
      }
      seen.add(key);
      events.push(p.event);
    }
    const batch = recordsFromEvents(events, state, { timers: true });
    for (const c of batch.calls) calls.set(c.id, c);
    for (const s of batch.agentStates) states.set(`${s.agentId}\u0000${s.fromAt.getTime()}`, s);
    for (const g of batch.aggregates) aggregates.set(`${g.scope}\u0000${g.scopeId}\u0000${g.intervalStart.getTime()}`, g);
    for (const r of batch.refused) {
      if (r.type === 'call.offered') refusedOffers++;
      inc(skipped, `refused by the hub: ${maskReason(r.reason)}`);
    }
  }
  const rows = [...calls.values()];
  return {
    calls: rows,
    agentStates: [...states.values()],
    aggregates: [...aggregates.values()],
    applied: state.applied,
    refusedOffers,
    skipped,
    answered: rows.filter((c) => c.result === 'answered').length,
    abandoned: rows.filter((c) => c.result === 'abandoned').length,
  };
}

async function derive(path: string, format: ImportFormat, opts: ImportOptions): Promise<Derived> {
  if (format === 'pwc') {
    // Rows to CTI events (pwc.ts), then the same engine as the Anonymous Bank's.
    const { events, config, stats } = convertPwc(await readFile(path, 'utf8'), opts.siteId);
    const skipped = { ...stats.skipped };
    const d = deriveFromEvents(events, config, 'pwc', skipped);
    return { ...d, config, rows: stats.rows, imported: stats.calls - d.refusedOffers, quirks: stats.quirks, speedOfAnswerSec: stats.speedOfAnswerSec };
  }
  if (format === 'anonymous-bank') {
    const config = anonymousBankSite(opts.siteId);
    const { events, stats } = await readAnonymousBank(path);
    const skipped = { ...stats.skipped };
    const d = deriveFromEvents(events, config, 'anonymous-bank', skipped);
    return { ...d, config, rows: stats.rows, imported: stats.calls - d.refusedOffers, quirks: stats.quirks };
  }
  const config = opts.siteConfig ?? loadSite();
  const lines: string[] = [];
  for await (const l of readLines(path)) lines.push(l);
  const { events, stats } = parseNdjsonLines(lines, path);
  const skipped = { ...stats.skipped };
  const quirks: Record<string, number> = {};
  if (stats.outOfOrder) quirks['out of time order (sorted)'] = stats.outOfOrder;
  const d = deriveFromEvents(events, config, 'ndjson', skipped);
  return { ...d, config, rows: stats.rows, imported: d.applied, quirks };
}

/** Imports one file (see the module comment). @throws for a missing or unknown file, or a database error */
export async function importFile(path: string, opts: ImportOptions): Promise<FileImportResult> {
  const started = Date.now();
  const format = await detectFormat(path);
  const repo = new RecordsRepository(opts.database);
  const [hash, st] = await Promise.all([sha256(path), stat(path)]);
  const siteId = format === 'ndjson' ? (opts.siteConfig ?? loadSite()).id : (opts.siteId ?? (format === 'pwc' ? 'pwc-phonenow' : AB_SITE_ID));
  opts.onProgress?.({ file: path, phase: 'reading', done: 0, total: 0, rate: 0 });
  const d = await derive(path, format, opts);
  await repo.syncSite(d.config);
  const runId = await repo.startImportRun({ siteId, format, path, fileSha256: hash, fileBytes: st.size });
  const calls = zeroCounts();
  const agentStates = zeroCounts();
  try {
    const batchRows = opts.batchRows ?? 2000;
    const total = d.calls.length + d.agentStates.length;
    const writeStart = Date.now();
    let done = 0;
    let lastProgress = 0;
    const progress = (force = false) => {
      const now = Date.now();
      if (!opts.onProgress || (!force && now - lastProgress < (opts.progressEveryMs ?? 1000))) return;
      lastProgress = now;
      opts.onProgress({ file: path, phase: 'writing', done, total, rate: done / Math.max(0.001, (now - writeStart) / 1000) });
    };
    // Queue and agent rows for every id the rows mention, once, before the rows.
    await repo.writeBatch(siteId, {
      calls: [],
      agentStates: [],
      queueIds: new Set(d.calls.flatMap((c) => c.path ?? [c.queueId])),
      agentIds: new Set([...d.calls.flatMap((c) => (c.agentId ? [c.agentId] : [])), ...d.agentStates.map((s) => s.agentId)]),
    });
    for (let i = 0; i < d.calls.length; i += batchRows) {
      const part = d.calls.slice(i, i + batchRows);
      const r = await repo.writeBatch(siteId, { calls: part, agentStates: [] });
      addCounts(calls, r.calls);
      done += part.length;
      progress();
    }
    for (let i = 0; i < d.agentStates.length; i += batchRows) {
      const part = d.agentStates.slice(i, i + batchRows);
      const r = await repo.writeBatch(siteId, { calls: [], agentStates: part });
      addCounts(agentStates, r.agentStates);
      done += part.length;
      progress();
    }
    const aggregates = d.aggregates ?? [];
    for (let i = 0; i < aggregates.length; i += batchRows) {
      await repo.writeBatch(siteId, { calls: [], agentStates: [], aggregates: aggregates.slice(i, i + batchRows) });
    }
    progress(true);
    const result: FileImportResult = {
      path,
      format,
      siteId,
      runId,
      rows: d.rows,
      imported: d.imported,
      skipped: d.skipped,
      quirks: d.quirks,
      calls,
      agentStates,
      answered: d.answered,
      abandoned: d.abandoned,
      ...(d.speedOfAnswerSec !== undefined ? { speedOfAnswerSec: d.speedOfAnswerSec } : {}),
      ms: Date.now() - started,
    };
    await repo.finishImportRun(runId, {
      status: 'done',
      rowsRead: d.rows,
      rowsImported: d.imported,
      rowsSkipped: format === 'ndjson' ? sum(d.skipped) : d.rows - d.imported,
      skipped: d.skipped,
      quirks: d.quirks,
      calls,
      stateRows: agentStates.inserted + agentStates.updated + agentStates.unchanged,
    });
    return result;
  } catch (err) {
    await repo
      .finishImportRun(runId, {
        status: 'failed',
        rowsRead: d.rows,
        rowsImported: 0,
        rowsSkipped: 0,
        skipped: d.skipped,
        quirks: d.quirks,
        calls,
        stateRows: 0,
        error: safeErrorMessage(err),
      })
      .catch(() => {});
    throw err;
  }
}

/** Imports files one after another (in the order given). */
export async function importFiles(paths: readonly string[], opts: ImportOptions): Promise<FileImportResult[]> {
  const out: FileImportResult[] = [];
  for (const p of paths) out.push(await importFile(p, opts));
  return out;
}

/** The end-of-run summary, one block per file (for stderr). */
export function formatSummary(results: readonly FileImportResult[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines: string[] = [];
  for (const r of results) {
    const skippedTotal = r.format === 'ndjson' ? sum(r.skipped) : r.rows - r.imported;
    lines.push(
      `${basename(r.path)} (${r.format}, site ${r.siteId}, run ${r.runId}): ${n(r.rows)} rows, ${n(r.imported)} imported, ${n(skippedTotal)} skipped, in ${(r.ms / 1000).toFixed(1)} s`,
    );
    lines.push(
      `  calls: ${n(r.calls.inserted)} new, ${n(r.calls.updated)} updated, ${n(r.calls.unchanged)} unchanged (${n(r.answered)} answered, ${n(r.abandoned)} abandoned)` +
        (r.agentStates.inserted + r.agentStates.updated + r.agentStates.unchanged > 0
          ? `; agent states: ${n(r.agentStates.inserted)} new, ${n(r.agentStates.updated)} updated, ${n(r.agentStates.unchanged)} unchanged`
          : ''),
    );
    for (const [why, k] of Object.entries(r.skipped).sort((a, b) => b[1] - a[1])) lines.push(`  skipped ${n(k)}: ${why}`);
    for (const [why, k] of Object.entries(r.quirks).sort((a, b) => b[1] - a[1])) lines.push(`  kept ${n(k)}: ${why}`);
  }
  return lines.join('\n');
}

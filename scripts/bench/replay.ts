/**
 * Replay throughput: the eight Anonymous Bank months (Israel, 1999; 283k calls) through the full
 * pipeline in process: the real `Hub` with the event clock (timers and routing in event time) and an
 * in-memory event log, `hub.apply()` in batches. The baseline, measured in the same run on the same
 * files, is the time to just read and parse the files into events (`readAnonymousBank`).
 *
 *   npm run bench:replay -- [DATA_DIR] [--batch 1000] [--months january,february]
 *
 * DATA_DIR defaults to `../shared/data/anonymous-bank-1999/` beside the repository (never copy the data
 * into the repository).
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { parseSiteConfig } from '../../realtime/src/contracts/index.ts';
import { createHubMetrics, Hub, MemoryEventLog } from '../../realtime/src/hub/index.ts';
import { AB_TIME_ZONE, isAnonymousBankFile, readAnonymousBank } from '../src/replay/anonymous-bank.ts';
import { args, fmt, log, machine, printSummary, printTable, watchdog } from './lib.ts';

const a = args();
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = resolve(a.positional[0] ?? a.get('data') ?? join(ROOT, '../shared/data/anonymous-bank-1999/'));
const BATCH = a.num('batch', 1000);
const ONLY = a.get('months')?.split(',').map((m) => m.trim().toLowerCase());
watchdog(170_000);

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
let names: string[];
try {
  names = readdirSync(DIR).filter((f) => f.endsWith('.txt'));
} catch (err) {
  console.error(`cannot read the data folder ${DIR}: ${(err as Error).message}`);
  process.exit(1);
}
const files: string[] = [];
for (const f of names.sort((x, y) => MONTHS.indexOf(x.replace('.txt', '')) - MONTHS.indexOf(y.replace('.txt', '')))) {
  if (ONLY && !ONLY.includes(f.replace('.txt', ''))) continue;
  if (await isAnonymousBankFile(join(DIR, f))) files.push(join(DIR, f));
}
if (files.length === 0) {
  console.error(`no Anonymous Bank monthly files in ${DIR}`);
  process.exit(1);
}

// The bank's site: its time zone; queues (one per call type, `ab-PS`...) are created on first use and
// only observed (the bank's own ACD routed the calls; the data says which agent answered).
const site = parseSiteConfig({ id: 'anonymous-bank', name: 'Anonymous Bank (1999)', timeZone: AB_TIME_ZONE, locale: 'en' });
const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock: 'event', metrics: createHubMetrics(false) });

/** Rejection reasons with the ids taken out, so they group. */
function reasonKey(msg: string): string {
  return msg.replace(/ab-[\w.-]+/g, '<id>').replace(/\b\d+\b/g, 'N');
}

interface MonthRow {
  file: string;
  rows: number;
  calls: number;
  events: number;
  readMs: number;
  applyMs: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  decisions: number;
}
const months: MonthRow[] = [];
const reasons = new Map<string, number>();
const skipped = new Map<string, number>();
let gcBefore = process.memoryUsage().heapUsed;

for (const path of files) {
  const name = path.split('/').pop()!.replace('.txt', '');
  const t0 = performance.now();
  const { events, stats } = await readAnonymousBank(path);
  const readMs = performance.now() - t0;
  for (const [k, v] of Object.entries(stats.skipped)) skipped.set(k, (skipped.get(k) ?? 0) + v);
  const before = { ...hub.counts };
  let logged = 0;
  const t1 = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    const { result, logged: l } = hub.apply(events.slice(i, i + BATCH));
    logged += l.length;
    for (const r of result.rejected) for (const e of r.errors.slice(0, 1)) reasons.set(reasonKey(e), (reasons.get(reasonKey(e)) ?? 0) + 1);
  }
  const applyMs = performance.now() - t1;
  const accepted = hub.counts.accepted - before.accepted;
  const row: MonthRow = {
    file: name,
    rows: stats.rows,
    calls: stats.calls,
    events: events.length,
    readMs,
    applyMs,
    accepted,
    duplicates: hub.counts.duplicates - before.duplicates,
    rejected: hub.counts.rejected - before.rejected,
    decisions: logged - accepted,
  };
  months.push(row);
  log(`${name}: ${events.length} events, read ${fmt(readMs, 0)} ms, apply ${fmt(applyMs, 0)} ms (${fmt((events.length / applyMs) * 1000, 0)} events/s), ${row.rejected} rejected`);
}

const sum = (k: keyof MonthRow) => months.reduce((s, m) => s + (m[k] as number), 0);
const events = sum('events');
const readMs = sum('readMs');
const applyMs = sum('applyMs');
const mem = process.memoryUsage();
const mach = machine();

console.log(`\nreplay benchmark: ${files.length} Anonymous Bank months from ${DIR}, hub.apply() in batches of ${BATCH}, event clock, in-memory event log`);
console.log(`machine: ${mach.nproc} cpus (${mach.cpu}), node ${mach.node}, load average ${mach.load}`);
printTable('per month', [
  ['month', 'rows', 'calls', 'events', 'read+parse ms', 'apply ms', 'apply events/s', 'accepted', 'dup', 'rejected', 'hub decisions'],
  ...months.map((m) => [m.file, m.rows, m.calls, m.events, Math.round(m.readMs), Math.round(m.applyMs), (m.events / m.applyMs) * 1000, m.accepted, m.duplicates, m.rejected, m.decisions]),
  ['total', sum('rows'), sum('calls'), events, Math.round(readMs), Math.round(applyMs), (events / applyMs) * 1000, sum('accepted'), sum('duplicates'), sum('rejected'), sum('decisions')],
]);
printTable('throughput', [
  ['stage', 'time s', 'events/s', 'ratio'],
  ['baseline: read + parse the files to events', (readMs / 1000).toFixed(1), (events / readMs) * 1000, '1.00'],
  ['hub.apply() (validate, dedupe, evolve, timers, counters)', (applyMs / 1000).toFixed(1), (events / applyMs) * 1000, ((events / applyMs) / (events / readMs)).toFixed(2) + ' x read speed'],
  ['full pipeline: read + parse + apply', ((readMs + applyMs) / 1000).toFixed(1), (events / (readMs + applyMs)) * 1000, ((readMs + applyMs) / readMs).toFixed(2) + ' x read time'],
]);
if (reasons.size) printTable('rejected, by reason', [['reason', 'events'], ...[...reasons].sort((x, y) => y[1] - x[1]).map(([k, v]) => [k, v])]);
else console.log('\nrejected: none');
printTable('rows not turned into calls by the reader', [['reason', 'rows'], ...[...skipped].sort((x, y) => y[1] - x[1]).map(([k, v]) => [k, v])]);
const s = hub.state;
console.log(`\nstate at the end: ${s.records.length} call records, ${s.calls.size} live calls, ${s.agents.size} agents, ${s.queues.size} queues; heap ${fmt(mem.heapUsed / 2 ** 20, 0)} MiB (was ${fmt(gcBefore / 2 ** 20, 0)}), rss ${fmt(mem.rss / 2 ** 20, 0)} MiB`);

printSummary({
  bench: 'replay',
  months: files.length,
  calls: sum('calls'),
  events,
  accepted: sum('accepted'),
  duplicates: sum('duplicates'),
  rejected: sum('rejected'),
  rejectedByReason: Object.fromEntries(reasons),
  decisions: sum('decisions'),
  readMs: Math.round(readMs),
  applyMs: Math.round(applyMs),
  totalMs: Math.round(readMs + applyMs),
  readEps: Math.round((events / readMs) * 1000),
  applyEps: Math.round((events / applyMs) * 1000),
  pipelineEps: Math.round((events / (readMs + applyMs)) * 1000),
  pipelineToReadTime: +((readMs + applyMs) / readMs).toFixed(2),
  heapMiB: Math.round(mem.heapUsed / 2 ** 20),
  nproc: mach.nproc,
  node: mach.node,
  load: mach.load,
});
gcBefore = 0;
process.exit(0);

/**
 * `npm run bench:report`: a month of daily reports over the eight imported Anonymous Bank months.
 *
 * 1. Imports the eight monthly files (skipped when the database already holds their aggregates, or
 *    with `--skip-import`), into PostgreSQL (`--database-url`, `DATABASE_URL`) or a PGlite folder
 *    (`--data-dir`, default a fresh temporary one).
 * 2. Builds the site's daily report for every day of `--month` (default 1999-03): totals, the interval
 *    series, the breakdown by queue and agent, targets with causes (the baseline of the same weekdays
 *    of the 4 weeks before), data-entry quality. Each report is built twice and the faster kept.
 * 3. Raw baseline in the same run: per day, a plain `select count(*) ... group by queue_id` over the
 *    same calls (what a report that scanned calls would at least cost), and the one-statement
 *    `count(*) group by day` for the month. The figure to compare between runs is the ratio.
 * 4. Checks the month's reports against the calls: offered, answered and abandoned add up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type Database } from '../../realtime/src/storage/index.ts';
import { ReportsRepository } from '../../realtime/src/reports/reports.repository.ts';
import { addDays, ReportsService } from '../../realtime/src/reports/reports.service.ts';
import { AB_SITE_ID, importFiles } from '../src/import/run.ts';
import { args, fmt, log, machine, median, printSummary, printTable } from './lib.ts';

const a = args();
const dataDir = resolve(a.get('data') ?? '../shared/data/anonymous-bank-1999');
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'september'];
const month = a.get('month') ?? '1999-03';
const url = a.get('database-url') ?? process.env.DATABASE_URL;

let tmp: string | undefined;
let database: Database;
if (url) database = await openDatabase({ url });
else {
  const dir = a.get('data-dir') ?? (tmp = await mkdtemp(join(tmpdir(), 'callboard-bench-report-')));
  database = await openDatabase({ dataDir: join(dir, 'pglite') });
}
log(`database: ${database.backend} (${database.location})`);

const count = async (q: ReturnType<typeof sql>) => Number(rowsOf<{ n: number | string }>(await database.db.execute(q))[0]?.n ?? 0);
const haveAggregates = await count(sql`select count(*) as n from interval_aggregates where site_id = ${AB_SITE_ID}`);
let importSec: number | undefined;
if (!a.flag('skip-import') && haveAggregates === 0) {
  log(`importing ${MONTHS.length} Anonymous Bank months from ${dataDir} ...`);
  const t0 = performance.now();
  const results = await importFiles(
    MONTHS.map((m) => join(dataDir, `${m}.txt`)),
    { database, onProgress: (p) => p.phase === 'writing' && p.done === p.total && log(`${p.file.split('/').pop()}: ${p.total} rows`) },
  );
  importSec = (performance.now() - t0) / 1000;
  log(`imported ${results.reduce((s, r) => s + r.calls.inserted + r.calls.updated + r.calls.unchanged, 0)} calls in ${fmt(importSec)} s`);
}
const calls = await count(sql`select count(*) as n from calls where site_id = ${AB_SITE_ID}`);
const aggregates = await count(sql`select count(*) as n from interval_aggregates where site_id = ${AB_SITE_ID}`);
log(`${calls} calls, ${aggregates} interval aggregates`);

const days: string[] = [];
for (let d = `${month}-01`; d.startsWith(month); d = addDays(d, 1)) days.push(d);
const reports = new ReportsService(new ReportsRepository(database));

// Warm-up (plans, JIT), then each day twice, the faster kept.
await reports.daily(AB_SITE_ID, days[0]!, 'site');
const reportMs: number[] = [];
let offered = 0;
let answered = 0;
let abandoned = 0;
let parts = 0;
for (const day of days) {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const r = await reports.daily(AB_SITE_ID, day, 'site');
    best = Math.min(best, performance.now() - t0);
    if (i === 0) {
      offered += r.total.offered;
      answered += r.total.answered;
      abandoned += r.total.abandoned;
      parts += r.breakdown.length;
    }
  }
  reportMs.push(best);
}

// Raw baseline: per day, a plain count over the same calls grouped by queue.
const site = (await new ReportsRepository(database).site(AB_SITE_ID))!;
const rawMs: number[] = [];
for (const day of days) {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    await database.db.execute(sql`
      select queue_id, count(*) as n, count(*) filter (where result = 'answered') as answered
      from calls where site_id = ${AB_SITE_ID}
        and offered_at >= (${day}::date)::timestamp at time zone ${site.timeZone}
        and offered_at < (${day}::date + 1)::timestamp at time zone ${site.timeZone}
      group by queue_id`);
    best = Math.min(best, performance.now() - t0);
  }
  rawMs.push(best);
}
const t0 = performance.now();
const monthRows = rowsOf<{ n: string; answered: string; abandoned: string }>(
  await database.db.execute(sql`
    select count(*) as n, count(*) filter (where result = 'answered') as answered, count(*) filter (where result = 'abandoned') as abandoned
    from calls where site_id = ${AB_SITE_ID}
      and offered_at >= (${days[0]}::date)::timestamp at time zone ${site.timeZone}
      and offered_at < (${addDays(days[days.length - 1]!, 1)}::date)::timestamp at time zone ${site.timeZone}`),
);
const monthGroupMs = performance.now() - t0;
const truth = { offered: Number(monthRows[0]!.n), answered: Number(monthRows[0]!.answered), abandoned: Number(monthRows[0]!.abandoned) };

const total = reportMs.reduce((s, x) => s + x, 0);
const rawTotal = rawMs.reduce((s, x) => s + x, 0);
printTable(`A month of daily reports (${month}, ${days.length} days, site ${AB_SITE_ID}, ${database.backend})`, [
  ['', 'total ms', 'per day ms (median)', 'max ms'],
  ['daily report (totals, 15-min series, queues + agents, targets/causes, quality)', total, median(reportMs), Math.max(...reportMs)],
  ['raw: count(*) group by queue per day over calls', rawTotal, median(rawMs), Math.max(...rawMs)],
  ['raw: one count(*) over the month', monthGroupMs, '', ''],
]);
const ok = offered === truth.offered && answered === truth.answered && abandoned === truth.abandoned;
console.log(`\n  month from reports: offered ${offered}, answered ${answered}, abandoned ${abandoned}; from calls: ${truth.offered}, ${truth.answered}, ${truth.abandoned} ${ok ? '(equal)' : '(DIFFERENT)'}`);
console.log(`  ratio report / raw per-day count: ${fmt(total / rawTotal, 2)}x`);
printSummary({
  bench: 'daily-report',
  backend: database.backend,
  month,
  days: days.length,
  calls,
  aggregates,
  importSec: importSec === undefined ? null : Number(importSec.toFixed(1)),
  reportTotalMs: Math.round(total),
  reportMedianMs: Number(median(reportMs).toFixed(1)),
  rawTotalMs: Math.round(rawTotal),
  ratio: Number((total / rawTotal).toFixed(2)),
  partsPerReport: parts / days.length,
  figuresEqual: ok,
  machine: machine(),
});
await database.close();
if (tmp && !a.flag('keep')) await rm(tmp, { recursive: true, force: true });
if (!ok) process.exit(1);

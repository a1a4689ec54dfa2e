/**
 * `npm run import -- FILE... [options]`: loads recorded call data into the database: Anonymous Bank
 * 1999 monthly files, the PwC call-centre CSV and NDJSON files of CTI events (detected per file).
 * Idempotent: importing a file again changes nothing. See docs/DATABASE.md.
 */
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { loadSite } from '../../realtime/src/site/load-site.ts';
import { openDatabase, safeErrorMessage, type Database } from '../../realtime/src/storage/index.ts';
import { formatSummary, importFile, type FileImportResult, type ImportProgress } from './import/run.ts';

const HELP = `Usage: npm run import -- FILE [FILE...] [options]

FILE is an Anonymous Bank monthly .txt file (e.g. ../shared/data/anonymous-bank-1999/january.txt),
the PwC call-centre CSV (../shared/data/pwc-call-center/call_center_dataset.csv) or an NDJSON file
of CTI events (e.g. from npm run simulate -- --out). Files are imported in the order given.

  --database-url URL   PostgreSQL server                [$DATABASE_URL, else PGlite in .data/pglite]
  --data-dir DIR       PGlite data folder (when no URL)  [.data/pglite]
  --site ID            site of Anonymous Bank / PwC rows [anonymous-bank / pwc-phonenow]
  --site-config FILE   site configuration for NDJSON files [$CALLBOARD_SITE, else the demo site]
  --batch N            rows per transaction             [2000]
  --quiet              no progress lines
  -h, --help
`;

function fail(message: string): never {
  process.stderr.write(`import: ${message}\n`);
  process.exit(1);
}

const { values: a, positionals: files } = (() => {
  try {
    return parseArgs({
      options: {
        'database-url': { type: 'string' },
        'data-dir': { type: 'string' },
        site: { type: 'string' },
        'site-config': { type: 'string' },
        batch: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (err) {
    fail(`${(err as Error).message}\n\n${HELP}`);
  }
})();

if (a.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (files.length === 0) fail(`no file given\n\n${HELP}`);
const batchRows = a.batch === undefined ? undefined : Number(a.batch);
if (batchRows !== undefined && !(Number.isInteger(batchRows) && batchRows > 0)) fail(`--batch must be a positive integer, not ${a.batch}`);
if (a.site !== undefined && (a.site.length < 1 || a.site.length > 128)) fail('--site must be 1 to 128 characters');

const n = (x: number) => Math.round(x).toLocaleString('en-US');
function onProgress(p: ImportProgress): void {
  if (a.quiet) return;
  if (p.phase === 'reading') process.stderr.write(`${basename(p.file)}: reading and converting...\n`);
  else {
    const pct = p.total === 0 ? 100 : (100 * p.done) / p.total;
    process.stderr.write(`${basename(p.file)}: ${pct.toFixed(0).padStart(3)}%  ${n(p.done)}/${n(p.total)} rows  ${n(p.rate)} rows/s\n`);
  }
}

let database: Database;
try {
  database = await openDatabase({
    ...(a['database-url'] ? { url: a['database-url'] } : {}),
    ...(a['data-dir'] ? { dataDir: a['data-dir'] } : {}),
  });
} catch (err) {
  fail((err as Error).message);
}
process.stderr.write(`database: ${database.backend} ${database.location}\n`);
const siteConfig = a['site-config'] ? loadSite(a['site-config']) : undefined;
const results: FileImportResult[] = [];
const started = Date.now();
let failed = false;
for (const file of files) {
  try {
    results.push(
      await importFile(file, {
        database,
        ...(a.site ? { siteId: a.site } : {}),
        ...(siteConfig ? { siteConfig } : {}),
        ...(batchRows ? { batchRows } : {}),
        onProgress,
      }),
    );
  } catch (err) {
    process.stderr.write(`import: ${safeErrorMessage(err)}\n`);
    failed = true;
    break;
  }
}
await database.close();
if (results.length) {
  const rows = results.reduce((s, r) => s + r.calls.inserted + r.calls.updated + r.calls.unchanged + r.agentStates.inserted + r.agentStates.updated + r.agentStates.unchanged, 0);
  const sec = (Date.now() - started) / 1000;
  process.stderr.write(`\n${formatSummary(results)}\n`);
  process.stderr.write(`total: ${results.length} file(s), ${n(rows)} rows written in ${sec.toFixed(1)} s (${n(rows / sec)} rows/s)\n`);
}
process.exit(failed ? 1 : 0);

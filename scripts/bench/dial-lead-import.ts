/**
 * `npm run bench:lead-import [-- --rows 100000 --database-url URL]`: import of a 100k-lead CSV (goal
 * <= 10 s) through the real import (line reader, libphonenumber-js E.164, in-file and database
 * duplicate merge, batched upserts), into an in-memory PGlite (default) or a PostgreSQL database.
 *
 * The file has Vietnamese names and numbers in the formats lists arrive in (`090 123 4567`,
 * `+84 90...`, `84...`), 1% bad numbers and 2% duplicates. The baseline in the same run is reading and
 * splitting the same file without parsing numbers or writing (what the import cannot go below).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { openDatabase } from '../../realtime/src/storage/database.ts';
import { vietnameseName } from '../../realtime/src/site/demo-site.ts';
import { CampaignRepository } from '../../queue-workers/src/campaigns/campaign.repository.ts';
import { importLeads } from '../../queue-workers/src/campaigns/lead-import.ts';
import { testCampaign } from '../../queue-workers/src/campaigns/testing.ts';
import { args, fmt, log, machine, printSummary, printTable, watchdog } from './lib.ts';

const a = args();
const rows = a.num('rows', 100_000);
const dbUrl = a.get('database-url');
watchdog(10 * 60_000);

const prefixes = ['090', '091', '093', '094', '096', '097', '098', '032', '033', '035', '038', '070', '077', '079', '081', '083', '085', '088'];
const lines = ['ho_ten,so_dien_thoai,phan_khuc,ma_khach_hang,goi_quan_tam'];
for (let i = 0; i < rows; i++) {
  const k = i % 50 === 49 ? i - 7 : i; // 2% duplicates of an earlier row
  const local = `${prefixes[k % prefixes.length]}${String((k * 7_919 + 1_234_567) % 10_000_000).padStart(7, '0')}`;
  const phone = i % 100 === 42 ? `12${k}` : k % 3 === 0 ? `${local.slice(0, 3)} ${local.slice(3, 6)} ${local.slice(6)}` : k % 3 === 1 ? `+84 ${local.slice(1)}` : local;
  lines.push(`"${vietnameseName(k)}",${phone},${['hcm', 'hn', 'dn'][k % 3]},KH${k},Gói ${k % 7}`);
}
const file = join(tmpdir(), `callboard-bench-leads-${process.pid}.csv`);
writeFileSync(file, lines.join('\n') + '\n');
const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);

// Baseline: read and split the file, nothing else.
let t = performance.now();
let n = 0;
for await (const line of createInterface({ input: createReadStream(file) })) n += line.split(',').length > 1 ? 1 : 0;
const readMs = performance.now() - t;

const database = await openDatabase(dbUrl ? { url: dbUrl } : { dataDir: 'memory://' });
const repo = new CampaignRepository(database.db);
const c = testCampaign({ id: `bench-${process.pid}` });
await repo.upsertCampaign(c);
const m = machine();
log(`bench:lead-import: ${fmt(rows)} rows (${fmt(bytes / 1e6, 1)} MB) into ${database.backend}; ${m.nproc} cores, load ${m.load}`);
t = performance.now();
const importId = await repo.createImport(c.id, 'bench.csv', bytes);
const r = await importLeads(createReadStream(file), repo, { campaignId: c.id, importId, bytesTotal: bytes });
const importMs = performance.now() - t;
await database.close();

printTable(`lead import: ${fmt(rows)} rows`, [
  ['', 'ms', 'rows/s'],
  ['read + split only (baseline)', readMs, (n / readMs) * 1000],
  ['import (E.164, merge, upsert)', importMs, (rows / importMs) * 1000],
  ['goal', 10_000, ''],
]);
console.log(`  inserted ${fmt(r.inserted)} · merged ${fmt(r.merged)} · rejected ${fmt(r.rejected)} (${r.errors[0]?.reason ?? ''})`);
printSummary({ bench: 'lead-import', rows, backend: database.backend, importMs: Math.round(importMs), readMs: Math.round(readMs), ratioToRead: +(importMs / readMs).toFixed(1), inserted: r.inserted, merged: r.merged, rejected: r.rejected, machine: m });
process.exit(0);

/**
 * `npm run campaigns:import-leads -- --file leads.csv --campaign vaccine-packages [--hub URL]`
 *
 * Uploads a lead list to a running hub (`POST /api/v1/campaigns/:id/leads`, a supervisor credential
 * signed with CALLBOARD_JWT_SECRET like `npm run token`), shows a progress bar while the import job
 * runs, then the summary and the first row errors. `--direct` imports straight into the database
 * (DATABASE_URL, or the PGlite folder when no hub holds it) without a hub. Exit code 1 when the file
 * could not be imported at all; bad rows are reported, never fatal.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { jwtSecret, signToken } from '../../../realtime/src/hub/auth.ts';
import { openDatabase } from '../../../realtime/src/storage/database.ts';
import { CampaignRepository } from './campaign.repository.ts';
import { importLeads, type ImportError } from './lead-import.ts';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    campaign: { type: 'string' },
    hub: { type: 'string', default: process.env.CALLBOARD_HUB ?? 'http://127.0.0.1:8080' },
    direct: { type: 'boolean', default: false },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
if (!values.file || !values.campaign) {
  console.error('usage: npm run campaigns:import-leads -- --file leads.csv --campaign ID [--hub URL | --direct [--database-url URL | --data-dir DIR]]');
  process.exit(2);
}
const file = values.file;
const campaignId = values.campaign;
const size = statSync(file).size;
const tty = process.stderr.isTTY;

function bar(pct: number, extra: string): void {
  const w = 30;
  const fill = Math.round((pct / 100) * w);
  const line = `[${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${String(pct).padStart(3)}%  ${extra}`;
  process.stderr.write(tty ? `\r${line}` : `${line}\n`);
}
function summary(r: { rowsRead: number; inserted: number; merged: number; rejected: number; errors: ImportError[] }): void {
  if (tty) process.stderr.write('\n');
  console.log(`rows read ${r.rowsRead} · new leads ${r.inserted} · merged duplicates ${r.merged} · rejected rows ${r.rejected}`);
  const byReason = new Map<string, number>();
  for (const e of r.errors) byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);
  for (const [reason, n] of byReason) console.log(`  ${reason}: ${n}${r.errors.length < r.rejected ? ' (first 1000 rows reported)' : ''}`);
  for (const e of r.errors.slice(0, 10)) console.log(`  row ${e.row}: ${e.reason}${e.value ? ` (${e.value})` : ''}`);
}

if (values.direct) {
  const database = await openDatabase({ ...(values['database-url'] ? { url: values['database-url'] } : {}), ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}) });
  try {
    const repo = new CampaignRepository(database.db);
    const c = await repo.getCampaign(campaignId);
    if (!c) throw new Error(`no campaign ${campaignId}`);
    const importId = await repo.createImport(campaignId, basename(file), size);
    const r = await importLeads(createReadStream(file), repo, {
      campaignId,
      importId,
      defaultTimeZone: c.settings.timeZone,
      bytesTotal: size,
      onProgress: (p) => bar(Math.floor((100 * p.bytesRead) / size), `${p.rowsRead} rows`),
    });
    await repo.updateImport(importId, { status: 'done', bytesRead: r.bytesRead, rowsRead: r.rowsRead, inserted: r.inserted, merged: r.merged, rejected: r.rejected, errors: r.errors, finishedAt: new Date() });
    bar(100, `${r.rowsRead} rows in ${(r.ms / 1000).toFixed(1)} s`);
    summary(r);
    console.log('A running campaign picks the new leads up when it is started again (or import through the hub).');
  } catch (err) {
    console.error(`\nimport failed: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
} else {
  const hub = values.hub.replace(/\/+$/, '');
  const token = process.env.CALLBOARD_TOKEN ?? signToken(jwtSecret(), { userId: 'supervisor', name: 'Lead import', role: 'supervisor', teamIds: [] }, '1h');
  const headers = { authorization: `Bearer ${token}` };
  try {
    const up = await fetch(`${hub}/api/v1/campaigns/${encodeURIComponent(campaignId)}/leads?name=${encodeURIComponent(basename(file))}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: readFileSync(file),
    });
    const body = (await up.json()) as { importId?: number; error?: { message: string } };
    if (up.status !== 202 || body.importId === undefined) throw new Error(body.error?.message ?? `the hub answered ${up.status}`);
    for (;;) {
      const r = await fetch(`${hub}/api/v1/campaigns/${encodeURIComponent(campaignId)}/imports/${body.importId}`, { headers });
      const imp = (await r.json()) as { status: string; pct: number | null; rowsRead: number; inserted: number; merged: number; rejected: number; errors: ImportError[] };
      bar(imp.pct ?? 0, `${imp.rowsRead} rows · ${imp.rejected} rejected`);
      if (imp.status === 'done') {
        summary(imp);
        break;
      }
      if (imp.status === 'failed') throw new Error(imp.errors[0]?.reason ?? 'import failed');
      await new Promise((res) => setTimeout(res, 300));
    }
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    console.error(`\nimport failed: ${e.cause?.code === 'ECONNREFUSED' ? `no hub at ${hub} (start it with npm start, or use --direct)` : e.message}`);
    process.exitCode = 1;
  }
}

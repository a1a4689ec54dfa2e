/**
 * `npm run audit:verify [-- --site ID] [--database-url URL | --data-dir DIR]`: checks the audit log's
 * hash chain of every site (or one) and names the first broken entry. Exit code 0 when every chain is
 * intact, 1 when one is broken, 2 when the database cannot be read. See docs/ACCESS.md.
 */
import { parseArgs } from 'node:util';
import { verifyAuditLog } from '../../realtime/src/accounts/audit-verify.ts';
import { openDatabase, safeErrorMessage } from '../../realtime/src/storage/index.ts';

const { values } = parseArgs({
  options: {
    site: { type: 'string', multiple: true },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('usage: npm run audit:verify [-- --site ID] [--database-url URL | --data-dir DIR]\n(default: every site; $DATABASE_URL, else PGlite in .data/pglite)\n');
  process.exit(0);
}

let broken = false;
try {
  const started = Date.now();
  const database = await openDatabase({
    ...(values['database-url'] ? { url: values['database-url'] } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  });
  try {
    const results = await verifyAuditLog(database, values.site);
    if (results.length === 0) process.stdout.write(`${database.location}: no audit entries\n`);
    for (const { siteId, check } of results) {
      if (check.ok) {
        process.stdout.write(`site ${siteId}: ${check.entries} entries, chain intact (head ${check.head?.slice(0, 16) ?? '-'}…)\n`);
      } else {
        broken = true;
        const b = check.broken;
        process.stdout.write(`site ${siteId}: BROKEN at entry seq ${b.seq}${b.id !== undefined ? ` (row id ${b.id})` : ''}: ${b.reason}; ${check.entries} entries before it are intact\n`);
      }
    }
    process.stderr.write(`checked in ${Date.now() - started} ms\n`);
  } finally {
    await database.close();
  }
} catch (err) {
  process.stderr.write(`audit:verify failed: ${safeErrorMessage(err)}\n`);
  process.exit(2);
}
process.exit(broken ? 1 : 0);

/**
 * `npm run audit:verify [-- --site ID] [--database-url URL | --data-dir DIR] [--redis-url URL] [--anchor-file FILE]`:
 * checks the audit log's hash chain of every site (or one) and names the first broken entry, then
 * checks each chain against the heads anchored outside the table (Redis `callboard:{site}:audit:head`,
 * the anchor file) and names the missing range when the newest entries were deleted. Exit code 0 when
 * every chain is intact, 1 when one is broken or truncated, 2 when the database cannot be read. See
 * docs/ACCESS.md.
 */
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { AnchorSinks } from '../../realtime/src/accounts/audit-anchor.ts';
import { verifyAuditLog } from '../../realtime/src/accounts/audit-verify.ts';
import { openDatabase, safeErrorMessage } from '../../realtime/src/storage/index.ts';

const { values } = parseArgs({
  options: {
    site: { type: 'string', multiple: true },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    'redis-url': { type: 'string' },
    'anchor-file': { type: 'string' },
    'no-redis': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: npm run audit:verify [-- --site ID] [--database-url URL | --data-dir DIR] [--redis-url URL | --no-redis] [--anchor-file FILE]\n' +
      '(default: every site; $DATABASE_URL, else PGlite in .data/pglite; anchors in $REDIS_URL (else redis://127.0.0.1:6379) and $CALLBOARD_AUDIT_ANCHOR_FILE)\n',
  );
  process.exit(0);
}

let broken = false;
let redis: Redis | undefined;
try {
  const started = Date.now();
  const anchors: AnchorSinks = {};
  const file = values['anchor-file'] ?? (process.env.CALLBOARD_AUDIT_ANCHOR_FILE || undefined);
  if (file) anchors.file = file;
  if (!values['no-redis']) {
    const url = values['redis-url'] ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
    try {
      await r.connect();
      anchors.redis = redis = r;
    } catch {
      r.disconnect();
      process.stderr.write(`Redis at ${url.replace(/\/\/[^@/]*@/, '//')} not reachable: its anchors are not checked\n`);
    }
  }
  if (!anchors.redis && !anchors.file) process.stderr.write('no anchor to check against: deleting the newest entries would not be detected\n');
  const database = await openDatabase({
    ...(values['database-url'] ? { url: values['database-url'] } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  });
  try {
    const results = await verifyAuditLog(database, values.site, anchors);
    if (results.length === 0) process.stdout.write(`${database.location}: no audit entries\n`);
    for (const { siteId, check, anchor } of results) {
      if (!check.ok) {
        broken = true;
        const b = check.broken;
        process.stdout.write(`site ${siteId}: BROKEN at entry seq ${b.seq}${b.id !== undefined ? ` (row id ${b.id})` : ''}: ${b.reason}; ${check.entries} entries before it are intact\n`);
      } else if (anchor && !anchor.ok) {
        broken = true;
        process.stdout.write(`site ${siteId}: ${anchor.reason}\n`);
      } else {
        const against = anchor && anchor.sources.length ? `; matches the ${anchor.sources.join(' and ')} anchor${anchor.sources.length > 1 ? 's' : ''} (seq ${anchor.anchoredSeq})` : '; no anchor';
        process.stdout.write(`site ${siteId}: ${check.entries} entries, chain intact (head ${check.head?.slice(0, 16) ?? '-'}…)${against}\n`);
      }
    }
    process.stderr.write(`checked in ${Date.now() - started} ms\n`);
  } finally {
    await database.close();
  }
} catch (err) {
  process.stderr.write(`audit:verify failed: ${safeErrorMessage(err)}\n`);
  redis?.disconnect();
  process.exit(2);
}
redis?.disconnect();
process.exit(broken ? 1 : 0);

/** `npm run audit:verify` as a user runs it: intact chain -> exit 0; an edited row -> exit 1 naming it. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/database.ts';
import { testBackends, type TestDatabase } from '../storage/testing.ts';
import { AuditRepository } from './audit.repository.ts';
import { AuditTrail } from './audit.service.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(TSX, ['scripts/src/audit-verify.ts', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' } }, (err, stdout) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout });
    });
  });
}

describe.each(testBackends())('npm run audit:verify on $name', (backend) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('given two sites with audit entries, when the command runs then both chains are intact; after a row is edited it names that entry and exits 1', async () => {
    t = await backend.create();
    for (const siteId of ['site-a', 'site-b']) {
      const trail = new AuditTrail({ repo: new AuditRepository(t.database), siteId, logger: pino({ level: 'silent' }), batchDelayMs: 1 });
      for (let i = 0; i < 7; i++) trail.record({ actorUserId: 'admin', actorRole: 'admin', action: 'user:update', outcome: 'ok', targetType: 'user', targetId: `u${i}`, fromAddress: '10.0.0.1', before: { n: i }, after: { n: i + 1 } });
      await trail.close();
    }
    await t.database.close();
    const target = 'url' in t.options && t.options.url ? ['--database-url', t.options.url] : ['--data-dir', t.options.dataDir!];

    const ok = await run(target);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('site site-a: 7 entries, chain intact');
    expect(ok.out).toContain('site site-b: 7 entries, chain intact');

    const db = await openDatabase({ ...t.options, migrate: false });
    await db.db.execute(sql`update audit_log set after = '{"n": 100}'::jsonb where site_id = 'site-b' and seq = 5`);
    await db.close();
    const bad = await run(target);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('site site-a: 7 entries, chain intact');
    expect(bad.out).toMatch(/site site-b: BROKEN at entry seq 5 \(row id \d+\): hash does not match the entry's content \(edited\); 4 entries before it are intact/);
    await t.database.reopen();
  });
});

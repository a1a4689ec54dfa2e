/** `npm run audit:verify` as a user runs it: intact chain -> exit 0; an edited row -> exit 1 naming it. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../storage/database.ts';
import { testBackends, type TestDatabase } from '../storage/testing.ts';
import { AuditRepository } from './audit.repository.ts';
import { AuditTrail } from './audit.service.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;
const redisUrl = inject('redisUrl');

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
    // No anchors here (the shared Redis may hold other runs' keys): the chain alone.
    const target = [...('url' in t.options && t.options.url ? ['--database-url', t.options.url] : ['--data-dir', t.options.dataDir!]), '--no-redis'];

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

  it('given a chain anchored in Redis and an anchor file, when the newest entries are deleted then the command fails naming the missing range; new entries appended after the deletion are caught too', async () => {
    t = await backend.create();
    const siteId = `anch-${randomBytes(4).toString('hex')}`;
    const dir = await mkdtemp(join(tmpdir(), 'callboard-anchor-'));
    const file = join(dir, 'audit-anchor.log');
    const redis = new Redis(redisUrl);
    try {
      const trail = () => new AuditTrail({ repo: new AuditRepository(t!.database), siteId, logger: pino({ level: 'silent' }), batchDelayMs: 1, anchor: { redis, file } });
      const entry = (i: number) => ({ actorUserId: 'admin', actorRole: 'admin', action: 'user:update', outcome: 'ok', targetType: 'user', targetId: `u${i}`, fromAddress: '10.0.0.1', before: { n: i }, after: { n: i + 1 } });
      // Given: 10 entries, written in several appends (each anchors its head).
      const first = trail();
      await first.start();
      for (let i = 0; i < 10; i++) {
        first.record(entry(i));
        if (i % 3 === 2) await first.flush();
      }
      await first.close();
      expect(JSON.parse((await redis.get(`callboard:${siteId}:audit:head`))!)).toMatchObject({ siteId, seq: 10 });
      expect((await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual(expect.arrayContaining([3, 6, 9, 10]));
      await t.database.close();
      const target = [...('url' in t.options && t.options.url ? ['--database-url', t.options.url] : ['--data-dir', t.options.dataDir!]), '--site', siteId];
      const both = [...target, '--redis-url', redisUrl, '--anchor-file', file];

      const ok = await run(both);
      expect(ok.out).toContain(`site ${siteId}: 10 entries, chain intact`);
      expect(ok.out).toContain('matches the anchor file and redis anchors (seq 10)');
      expect(ok.code).toBe(0);

      // When: the newest 3 rows are deleted (the chain that is left is valid on its own).
      let db = await openDatabase({ ...t.options, migrate: false });
      await db.db.execute(sql`delete from audit_log where site_id = ${siteId} and seq > 7`);
      await db.close();
      expect((await run([...target, '--no-redis'])).code).toBe(0); // without an anchor it cannot be seen
      for (const args of [[...target, '--redis-url', redisUrl], [...target, '--no-redis', '--anchor-file', file]]) {
        const bad = await run(args);
        expect(bad.code).toBe(1);
        expect(bad.out).toContain(`site ${siteId}: TRUNCATED: entries seq 8..10 are missing`);
        expect(bad.out).toContain('the table ends at seq 7');
      }

      // And when new entries are appended after the deletion (seq 8, 9, 10 again, other hashes).
      await t.database.reopen();
      const second = trail();
      for (let i = 0; i < 3; i++) second.record(entry(100 + i));
      await second.close();
      await t.database.close();
      const again = await run([...target, '--no-redis', '--anchor-file', file]);
      expect(again.code).toBe(1);
      expect(again.out).toMatch(new RegExp(`site ${siteId}: REWRITTEN: the entry at seq (8|9|10) is not the one anchored`));
      await t.database.reopen();
    } finally {
      redis.disconnect();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000); // five runs of the command, each a fresh Node process
});

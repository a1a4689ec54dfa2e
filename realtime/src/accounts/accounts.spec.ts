/**
 * Accounts against a real database (PGlite, and PostgreSQL when DATABASE_URL is set), real Redis and
 * real HTTP / Socket.IO: argon2 login, admin REST, the audit log of commands and access changes.
 */
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig } from '../contracts/index.ts';
import { client, cmd, type ClientSocket } from '../hub/testing.ts';
import { auditLog, users } from '../storage/schema.ts';
import { RecordsRepository } from '../storage/records.repository.ts';
import { testBackends } from '../storage/testing.ts';
import { AccountsService } from './accounts.service.ts';
import { verifyChain } from './audit-chain.ts';
import { accountsSite, call, login, PASSWORD, startAccountsHub, type AccountsHub } from './testing.ts';

const redisUrl = inject('redisUrl');

describe.each(testBackends())('accounts on $name', (backend) => {
  let h: AccountsHub | undefined;
  let sockets: ClientSocket[] = [];
  afterEach(async () => {
    for (const s of sockets) s.disconnect();
    sockets = [];
    await h?.close();
    h = undefined;
  });

  it('given the seeded site users, when they log in then the password is checked against an argon2id hash; a wrong one, a disabled user and an unknown user are refused', async () => {
    h = await startAccountsHub(redisUrl, backend);
    const rows = await h.db.database.db.select({ id: users.id, hash: users.passwordHash }).from(users).where(eq(users.siteId, h.accounts.siteId));
    expect(rows).toHaveLength(8);
    for (const r of rows) {
      expect(r.hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
      expect(r.hash).not.toContain(PASSWORD);
    }
    const ok = await login(h.url, 'lead1');
    expect(ok.status).toBe(200);
    expect(ok.json.session).toEqual({ userId: 'lead1', name: 'Lead One', role: 'team_lead', teamIds: ['t1'], access: ['campaigns', 'console'] });
    // One answer for a wrong password and an unknown user: the English sentence and the reason the console words.
    const refused = { error: { code: 'unauthorized', message: 'wrong user name or password', reason: 'wrong_login', params: {} } };
    expect(await login(h.url, 'lead1', 'demo')).toEqual({ status: 401, token: undefined, json: refused });
    expect(await login(h.url, 'nobody')).toEqual({ status: 401, token: undefined, json: refused });

    const admin = (await login(h.url, 'admin')).token!;
    expect((await call(h.url, 'PATCH', '/api/v1/admin/users/lead1', admin, { disabled: true })).status).toBe(200);
    expect((await login(h.url, 'lead1')).status).toBe(401);

    const audit = await call(h.url, 'GET', '/api/v1/audit?action=auth:login', admin);
    expect(audit.status).toBe(200);
    const outcomes = audit.json.entries.map((e: any) => `${e.targetId ?? '?'}:${e.outcome}`);
    // Newest first: lead1 disabled, admin, nobody (not named), lead1 wrong, lead1 ok.
    expect(outcomes).toEqual(['lead1:unauthorized', 'admin:ok', '?:unauthorized', 'lead1:unauthorized', 'lead1:ok']);
    expect(audit.json.entries[0].after).toEqual({ reason: 'disabled' });
    expect(audit.json.entries[0].from).toMatch(/127\.0\.0\.1/);
  });

  it('given a user name tried with wrong passwords, when the limit is reached then even the right password is refused until the window ends; a success before resets the count', async () => {
    h = await startAccountsHub(redisUrl, backend, undefined, {}, { maxFailedLogins: 3 });
    expect((await login(h.url, 'sup', 'wrong-1')).status).toBe(401);
    expect((await login(h.url, 'sup', 'wrong-2')).status).toBe(401);
    expect((await login(h.url, 'sup')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login(h.url, 'sup', `wrong-${i}`)).status).toBe(401);
    expect((await login(h.url, 'sup')).status).toBe(401);
    // Another user from the same address is not affected.
    expect((await login(h.url, 'admin')).status).toBe(200);
    await h.accounts.trail.flush();
    const last = (await h.accounts.auditRepo.list({ siteId: h.accounts.siteId, actor: 'sup', limit: 2 }))[0]!;
    expect(last).toMatchObject({ action: 'auth:login', outcome: 'unauthorized', after: { reason: 'too many failed attempts' } });
  });

  it('given the site seeded once, when it is seeded again then nothing changes (a changed password survives a restart)', async () => {
    h = await startAccountsHub(redisUrl, backend);
    const admin = (await login(h.url, 'admin')).token!;
    expect((await call(h.url, 'PATCH', '/api/v1/admin/users/a1', admin, { password: 'new-password' })).status).toBe(200);
    const site = parseSiteConfig({ ...accountsSite(), id: h.accounts.siteId });
    expect(await h.accounts.seedSite(site)).toEqual([]);
    expect((await login(h.url, 'a1')).status).toBe(401);
    expect((await login(h.url, 'a1', 'new-password')).status).toBe(200);
  });

  it('given a configured user whose role, name and teams an admin changed, when the hub restarts (site synced and seeded again) then the changes are kept', async () => {
    h = await startAccountsHub(redisUrl, backend);
    const site = parseSiteConfig({ ...accountsSite(), id: h.accounts.siteId });
    const records = new RecordsRepository(h.db.database);
    // The record writer's start: the configuration's site, queues, agents and users.
    await records.syncSite(site);
    const admin = (await login(h.url, 'admin')).token!;
    const patched = await call(h.url, 'PATCH', '/api/v1/admin/users/lead1', admin, { role: 'supervisor', name: 'Lead Promoted', teamIds: [] });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ role: 'supervisor', name: 'Lead Promoted', teamIds: [] });
    // A restart: the record writer syncs the configuration, the accounts seed it.
    await records.syncSite(site);
    expect(await h.accounts.seedSite(site)).toEqual([]);
    const row = await h.db.database.db.select({ role: users.role, name: users.name, teamIds: users.teamIds }).from(users).where(eq(users.id, 'lead1'));
    expect(row).toEqual([{ role: 'supervisor', name: 'Lead Promoted', teamIds: [] }]);
    expect((await login(h.url, 'lead1')).json.session).toMatchObject({ role: 'supervisor', name: 'Lead Promoted', teamIds: [] });
    // A configured user that is missing (deleted, or new in the configuration) is added again.
    expect((await call(h.url, 'DELETE', '/api/v1/admin/users/qa1', admin)).status).toBe(204);
    await records.syncSite(site);
    expect(await h.accounts.seedSite(site)).toEqual(['qa1']);
    expect((await login(h.url, 'qa1')).json.session).toMatchObject({ role: 'qa', access: ['console'] });
  });

  it('given an admin, when users are created, changed, granted, revoked and deleted over REST then each change is in the audit log with before and after; other roles get 403', async () => {
    h = await startAccountsHub(redisUrl, backend);
    const admin = (await login(h.url, 'admin')).token!;
    const sup = (await login(h.url, 'sup')).token!;
    expect(await call(h.url, 'GET', '/api/v1/admin/users', sup)).toEqual({
      status: 403,
      json: { error: { code: 'forbidden', message: 'role supervisor may not users:manage: GET /api/v1/admin/users', reason: 'role_may_not', params: { role: 'supervisor', action: 'users:manage', request: 'GET /api/v1/admin/users' } } },
    });
    expect((await call(h.url, 'GET', '/api/v1/audit', sup)).status).toBe(403);
    expect((await call(h.url, 'GET', '/api/v1/admin/users', undefined)).status).toBe(401);

    const created = await call(h.url, 'POST', '/api/v1/admin/users', admin, { id: 'qa2', name: 'QA Two', role: 'qa', password: 'qa-password' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'qa2', role: 'qa', access: ['console'], disabled: false, hasPassword: true });
    expect(JSON.stringify(created.json)).not.toContain('argon2');
    expect(await call(h.url, 'POST', '/api/v1/admin/users', admin, { id: 'qa2', name: 'again', role: 'qa' })).toEqual({
      status: 409,
      json: { error: { code: 'conflict', message: 'user qa2 exists', reason: 'user_exists', params: { userId: 'qa2' } } },
    });
    expect((await call(h.url, 'POST', '/api/v1/admin/users', admin, { id: 'x', name: 'X', role: 'wizard' })).status).toBe(400);
    expect((await login(h.url, 'qa2', 'qa-password')).status).toBe(200);

    expect((await call(h.url, 'POST', '/api/v1/admin/users/qa2/grant', admin, { access: 'campaigns' })).json.access).toEqual(['campaigns', 'console']);
    expect((await call(h.url, 'PATCH', '/api/v1/admin/users/qa2', admin, { role: 'supervisor', name: 'Now Sup' })).json).toMatchObject({ role: 'supervisor', name: 'Now Sup' });
    expect((await call(h.url, 'POST', '/api/v1/admin/users/qa2/revoke', admin, { access: 'console' })).json.access).toEqual(['campaigns']);
    expect((await call(h.url, 'PATCH', '/api/v1/admin/users/admin', admin, { disabled: true })).json.error).toEqual({
      code: 'conflict',
      message: 'you cannot lock yourself out: ask another admin',
      reason: 'cannot_lock_yourself_out',
      params: {},
    });
    expect((await call(h.url, 'DELETE', '/api/v1/admin/users/qa2', admin)).status).toBe(204);
    expect(await call(h.url, 'GET', '/api/v1/admin/users/qa2', admin)).toEqual({ status: 404, json: { error: { code: 'not_found', message: 'no user qa2', reason: 'unknown_user', params: { userId: 'qa2' } } } });
    expect((await call(h.url, 'GET', '/api/v1/admin/users', admin)).json.users.map((u: any) => u.id)).not.toContain('qa2');

    const audit = await call(h.url, 'GET', '/api/v1/audit?actor=admin&limit=50', admin);
    const entries = [...audit.json.entries].reverse().filter((e: any) => e.action !== 'auth:login');
    expect(entries.map((e: any) => `${e.action}:${e.outcome}`)).toEqual([
      'user:create:ok',
      'user:create:conflict',
      'access:grant:ok',
      'user:update:ok',
      'sessions:revoke:ok',
      'access:revoke:ok',
      'sessions:revoke:ok',
      'user:update:conflict',
      'sessions:revoke:ok',
      'user:delete:ok',
    ]);
    const [create, , grant, update] = entries;
    expect(create.before).toBeNull();
    expect(create.after).toMatchObject({ role: 'qa', access: ['console'], password: 'set' });
    expect(grant.before.access).toEqual(['console']);
    expect(grant.after.access).toEqual(['campaigns', 'console']);
    expect(update.before).toMatchObject({ role: 'qa', name: 'QA Two' });
    expect(update.after).toMatchObject({ role: 'supervisor', name: 'Now Sup' });
    for (const e of entries) expect(e).toMatchObject({ actor: 'admin', actorRole: 'admin', targetType: 'user' });
    expect(JSON.stringify(audit.json)).not.toContain('qa-password');

    // Filters: action prefix and time window.
    const deletes = await call(h.url, 'GET', '/api/v1/audit?action=user:delete', admin);
    expect(deletes.json.entries.map((e: any) => e.targetId)).toEqual(['qa2']);
    const aboutQa2 = await call(h.url, 'GET', '/api/v1/audit?target=qa2&limit=3', admin);
    expect(aboutQa2.json.entries.map((e: any) => e.action)).toEqual(['user:delete', 'sessions:revoke', 'sessions:revoke']);
    expect(aboutQa2.json.next).toBe(aboutQa2.json.entries[2].seq);
    const page2 = await call(h.url, 'GET', `/api/v1/audit?target=qa2&before=${aboutQa2.json.next}`, admin);
    expect(page2.json.entries.map((e: any) => e.action)).toEqual(['access:revoke', 'sessions:revoke', 'user:update', 'access:grant', 'auth:login', 'user:create', 'user:create']);
    expect(page2.json.next).toBeNull();
    const future = await call(h.url, 'GET', `/api/v1/audit?from=${Date.now() + 60_000}`, admin);
    expect(future.json.entries).toEqual([]);
    const window = await call(h.url, 'GET', `/api/v1/audit?action=user:*&from=${new Date(Date.now() - 60_000).toISOString()}&to=${Date.now() + 1000}`, admin);
    expect(window.json.entries.map((e: any) => e.action)).toEqual(['user:delete', 'user:update', 'user:update', 'user:create', 'user:create']);
    expect((await call(h.url, 'GET', '/api/v1/audit?from=yesterday', admin)).status).toBe(400);
    expect((await call(h.url, 'GET', '/api/v1/audit/verify', admin)).json).toMatchObject({ ok: true });
    const prom = await (await fetch(`${h.url}/metrics`)).text();
    expect(prom).toMatch(/^callboard_audit_queued 0$/m);
    expect(prom).toMatch(/^callboard_audit_written \d+$/m);
  });

  it('given an admin, when a user or a token names an agent the site does not have, or an id with other characters, then it is refused with the reason, the field and the characters allowed', async () => {
    h = await startAccountsHub(redisUrl, backend);
    const admin = (await login(h.url, 'admin')).token!;
    const unknownAgent = { code: 'invalid', message: 'no agent a99', reason: 'unknown_site_agent', params: { agentId: 'a99' } };
    expect(await call(h.url, 'POST', '/api/v1/admin/users', admin, { id: 'lan', name: 'Lan', role: 'agent', agentId: 'a99' })).toEqual({ status: 400, json: { error: unknownAgent } });
    expect((await call(h.url, 'GET', '/api/v1/admin/users/lan', admin)).status).toBe(404);
    expect(await call(h.url, 'PATCH', '/api/v1/admin/users/a1', admin, { agentId: 'a99' })).toEqual({ status: 400, json: { error: unknownAgent } });
    expect(await call(h.url, 'POST', '/api/v1/admin/tokens', admin, { role: 'agent', agentId: 'a99' })).toEqual({ status: 400, json: { error: unknownAgent } });
    // An agent of the site (a4 has no login yet), and unlinking, are fine.
    expect((await call(h.url, 'POST', '/api/v1/admin/users', admin, { id: 'a4', name: 'Agent Four', role: 'agent', agentId: 'a4' })).json).toMatchObject({ id: 'a4', agentId: 'a4' });
    expect((await call(h.url, 'PATCH', '/api/v1/admin/users/a4', admin, { agentId: null })).json.agentId).toBeNull();
    expect((await call(h.url, 'POST', '/api/v1/admin/tokens', admin, { role: 'agent', agentId: 'a3' })).status).toBe(201);

    const bad = await call(h.url, 'POST', '/api/v1/admin/tokens', admin, { role: 'telephony', subject: 'tổng đài' });
    expect([bad.status, bad.json.error.details]).toEqual([400, ['subject: use only letters A-Z a-z, digits 0-9 and . _ @ -']]);
    expect((await call(h.url, 'POST', '/api/v1/admin/users', admin, { id: 'lan nguyen', name: 'Lan', role: 'qa' })).json.error.details).toEqual(['id: use only letters A-Z a-z, digits 0-9 and . _ @ -']);
  });

  it('given a supervisor and team leads on sockets, when they run commands then each action, allowed or refused, is audited with actor, target, address and before/after', async () => {
    h = await startAccountsHub(redisUrl, backend);
    const sup = await client(h.url, (await login(h.url, 'sup')).token!);
    const lead1 = await client(h.url, (await login(h.url, 'lead1')).token!);
    const agent = await client(h.url, (await login(h.url, 'a1')).token!);
    sockets.push(sup, lead1, agent);
    expect((await cmd(sup, 'queue:setOpen', { queue: 'advice', open: false })).ok).toBe(true);
    expect((await cmd(sup, 'queue:setPriority', { queue: 'booking', priority: 1 })).ok).toBe(true);
    expect((await cmd(lead1, 'agent:move', { agentId: 'a2', queues: ['advice'] })).ok).toBe(true);
    expect((await cmd(lead1, 'agent:forceState', { agentId: 'a3', state: 'break' })).error.code).toBe('forbidden');
    expect((await cmd(sup, 'queue:setOpen', { queue: 'nope', open: false })).error.code).toBe('not_found');
    expect((await cmd(agent, 'agent:setState', { state: 'available' })).ok).toBe(true);
    await h.accounts.trail.flush();

    const rows = (await h.accounts.auditRepo.list({ siteId: h.accounts.siteId, limit: 100 })).filter((r) => r.action !== 'auth:login').reverse();
    expect(rows.map((r) => [r.actorUserId, r.action, r.targetId, r.outcome])).toEqual([
      ['sup', 'queue:setOpen', 'advice', 'ok'],
      ['sup', 'queue:setPriority', 'booking', 'ok'],
      ['lead1', 'agent:move', 'a2', 'ok'],
      ['lead1', 'agent:forceState', 'a3', 'forbidden'],
      ['sup', 'queue:setOpen', 'nope', 'not_found'],
    ]);
    expect(rows[0]!.before).toEqual({ open: true, closedAction: 'reject', closedOverflowTo: null, priority: 4 });
    expect(rows[0]!.after).toEqual({ open: false, closedAction: 'reject', closedOverflowTo: null, priority: 4 });
    expect(rows[1]!.before).toMatchObject({ priority: 2 });
    expect(rows[1]!.after).toMatchObject({ priority: 1 });
    expect(rows[2]!.before).toMatchObject({ queues: ['booking'] });
    expect(rows[2]!.after).toMatchObject({ queues: ['advice'] });
    expect(rows[3]!.after).toEqual({ request: { agentId: 'a3', state: 'break' } });
    for (const r of rows) {
      expect(r.fromAddress).toMatch(/127\.0\.0\.1/);
      expect(r.targetType).toBe(r.action.startsWith('queue') ? 'queue' : 'agent');
    }
    expect(await verifyChain(h.accounts.auditRepo.chain(h.accounts.siteId))).toMatchObject({ ok: true });
  });

  it('given a hash chain, when a row is edited or deleted in the database then verification names the first broken entry', async () => {
    h = await startAccountsHub(redisUrl, backend);
    const actor = { session: { userId: 'admin', role: 'admin' as const }, from: '10.0.0.1' };
    for (let i = 0; i < 5; i++) await h.accounts.revokeSessions(actor, 'a1');
    await h.accounts.trail.flush();
    const site = h.accounts.siteId;
    const db = h.db.database.db;
    expect(await verifyChain(h.accounts.auditRepo.chain(site))).toEqual({ ok: true, entries: 5, head: expect.any(String) });

    await db.execute(sql`update audit_log set after = '{"tokenVersion": 99}'::jsonb where site_id = ${site} and seq = 3`);
    expect(await verifyChain(h.accounts.auditRepo.chain(site))).toMatchObject({ ok: false, entries: 2, broken: { seq: 3, reason: expect.stringContaining('edited') } });

    await db.execute(sql`update audit_log set after = '{"tokenVersion": 3, "why": "revoked"}'::jsonb where site_id = ${site} and seq = 3`);
    expect(await verifyChain(h.accounts.auditRepo.chain(site))).toMatchObject({ ok: true });
    await db.delete(auditLog).where(sql`site_id = ${site} and seq = 2`);
    expect(await verifyChain(h.accounts.auditRepo.chain(site))).toMatchObject({ ok: false, broken: { seq: 3, reason: expect.stringContaining('deleted') } });
  });

  it('given a hub dies while the database is down, when another one starts then the dead hub\'s audit entries are taken over from the Redis spool and written', async () => {
    const db = await backend.create();
    const config = parseSiteConfig(accountsSite());
    const open = () => AccountsService.open({ database: db.database, redisUrl, siteId: config.id, logger: pino({ level: 'silent' }), auditBatchDelayMs: 5, auditSpoolAliveMs: 300 });
    const dead = await open();
    try {
      await db.database.close();
      for (let i = 1; i <= 5; i++) dead.audit({ actor: { userId: 'admin', role: 'admin' }, action: 'user:update', targetType: 'user', targetId: `u${i}`, from: '10.0.0.9' });
      const spool = `callboard:${config.id}:audit:spool:`;
      const keys = async () => dead.revocations.redis.keys(`${spool}*`);
      await expect.poll(async () => { const k = await keys(); return k.length === 1 ? dead.revocations.redis.llen(k[0]!) : 0; }, { timeout: 5000 }).toBe(5);
      // The process dies: no flush, no clean close; its alive key expires.
      const t = dead.trail as unknown as { heartbeat: NodeJS.Timeout; closed: boolean };
      clearInterval(t.heartbeat);
      t.closed = true;

      await db.database.reopen();
      const next = await open();
      try {
        // Taken over at start, or at the next heartbeat if the dead hub's alive key had not expired yet.
        await expect.poll(async () => (await next.auditRepo.list({ siteId: config.id, limit: 100 })).length, { timeout: 5000 }).toBe(5);
        const rows = await next.auditRepo.list({ siteId: config.id, limit: 100 });
        expect(rows.map((r) => r.targetId).reverse()).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
        expect(rows.every((r) => r.fromAddress === '10.0.0.9' && r.actorUserId === 'admin')).toBe(true);
        expect(await verifyChain(next.auditRepo.chain(config.id))).toMatchObject({ ok: true, entries: 5 });
        // Written entries are off the spool.
        await expect.poll(async () => { const k = await keys(); let n = 0; for (const x of k) n += await next.revocations.redis.llen(x); return n; }, { timeout: 2000 }).toBe(0);
      } finally {
        await next.close();
      }
    } finally {
      await dead.revocations.close();
      await db.drop();
    }
  });

  it('given the database goes away, when entries are recorded meanwhile then they are kept and written in order once it is back', async () => {
    const db = await backend.create();
    const config = parseSiteConfig(accountsSite());
    const accounts = await AccountsService.open({ database: db.database, redisUrl, siteId: config.id, logger: pino({ level: 'silent' }), auditBatchDelayMs: 5 });
    try {
      // Fast retries for the test.
      Object.assign((accounts.trail as unknown as { opts: Record<string, unknown> }).opts, { retryMinMs: 20, retryMaxMs: 50 });
      await db.database.close();
      for (let i = 1; i <= 20; i++) accounts.audit({ actor: { userId: 'sup', role: 'supervisor' }, action: 'queue:setOpen', targetType: 'queue', targetId: `q${i}`, after: { i } });
      await expect.poll(() => accounts.trail.stats.retries, { timeout: 5000 }).toBeGreaterThan(1);
      expect(accounts.trail.stats.state).toBe('retrying');
      expect(accounts.trail.stats.queued).toBe(20);
      await db.database.reopen();
      await accounts.trail.flush();
      const rows = await accounts.auditRepo.list({ siteId: config.id, limit: 100 });
      expect(rows.map((r) => r.targetId).reverse()).toEqual(Array.from({ length: 20 }, (_, i) => `q${i + 1}`));
      expect(await verifyChain(accounts.auditRepo.chain(config.id))).toMatchObject({ ok: true, entries: 20 });
    } finally {
      await accounts.close();
      await db.drop();
    }
  });
});

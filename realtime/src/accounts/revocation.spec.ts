/**
 * Revocation with live sockets: an admin's revocation drops the user's sockets (within the 1 s goal),
 * refuses their old token on REST and on reconnect (a recovered session included), on every hub.
 */
import pino from 'pino';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig } from '../contracts/index.ts';
import type { App } from '../hub/app.ts';
import { client, post, startHub, TEST_SECRET, token as tokenOf, waitFor, type ClientSocket } from '../hub/testing.ts';
import { testBackends } from '../storage/testing.ts';
import { AccountsService } from './accounts.service.ts';
import { accountsSite, call, login, startAccountsHub, type AccountsHub } from './testing.ts';

const redisUrl = inject('redisUrl');
const backend = testBackends()[0]!; // PGlite: revocation lives in Redis; the database part is tested in accounts.spec.ts

/** Resolves with the disconnect reason, or rejects after `ms` (the requirement's 1 s). */
function disconnected(s: { once(ev: 'disconnect', fn: (reason: string) => void): unknown }, ms = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
    s.once('disconnect', (reason) => {
      clearTimeout(t);
      resolve(reason);
    });
  });
}

/** The error of a refused connection attempt (resolves with 'connected' if it was not refused). */
function attempt(url: string, token: string, nsp = ''): Promise<string> {
  const s = connect(url + nsp, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve) => {
    s.once('connect', () => {
      s.disconnect();
      resolve('connected');
    });
    s.once('connect_error', (e) => {
      s.disconnect();
      resolve(e.message);
    });
  });
}

describe('revocation', () => {
  let hubs: AccountsHub[] = [];
  let extra: { app: App; accounts: AccountsService }[] = [];
  let sockets: { disconnect(): unknown }[] = [];
  afterEach(async () => {
    for (const s of sockets) s.disconnect();
    sockets = [];
    for (const x of extra) {
      await x.app.close();
      await x.accounts.close();
    }
    extra = [];
    for (const h of hubs) await h.close();
    hubs = [];
  });

  it("given an agent with two windows open and a PBX connected, when an admin revokes their access then their sockets close within 1 s, others stay, and their old tokens are refused on REST and on reconnect", async () => {
    const h = await startAccountsHub(redisUrl, backend);
    hubs.push(h);
    const admin = (await login(h.url, 'admin')).token!;
    const agentToken = (await login(h.url, 'a1')).token!;
    const pbxToken = (await login(h.url, 'pbx')).token!;
    const desk1 = await client(h.url, agentToken);
    const desk2 = await client(h.url, agentToken);
    const sup = await client(h.url, (await login(h.url, 'sup')).token!);
    const pbx = connect(h.url + '/telephony', { auth: { token: pbxToken }, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(desk1, desk2, sup, pbx);
    await new Promise<void>((r, j) => (pbx.once('connect', () => r()), pbx.once('connect_error', j)));
    expect((await call(h.url, 'GET', '/api/v1/snapshot', agentToken)).status).toBe(200);

    const gone = Promise.all([disconnected(desk1), disconnected(desk2)]);
    const r = await call(h.url, 'POST', '/api/v1/admin/users/a1/revoke', admin, { access: 'console' });
    expect(r.status).toBe(200);
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
    expect(sup.connected).toBe(true);
    expect(pbx.connected).toBe(true);
    expect((await call(h.url, 'GET', '/api/v1/snapshot', agentToken)).json.error).toEqual({ code: 'unauthorized', message: 'credential revoked; log in again', reason: 'credential_revoked', params: {} });
    expect(await attempt(h.url, agentToken)).toMatch(/revoked/);
    // A new login has no console access now; granting it back lets the agent in again.
    const again = (await login(h.url, 'a1')).token!;
    expect(await attempt(h.url, again)).toMatch(/no console access/);
    await call(h.url, 'POST', '/api/v1/admin/users/a1/grant', admin, { access: 'console' });
    expect(await attempt(h.url, (await login(h.url, 'a1')).token!)).toBe('connected');

    // The phone system's service account: revoking its phone access drops the /telephony socket.
    const pbxGone = disconnected(pbx);
    await call(h.url, 'POST', '/api/v1/admin/users/pbx/revoke', admin, { access: 'phone' });
    expect(await pbxGone).toBe('io server disconnect');
    expect(await attempt(h.url, pbxToken, '/telephony')).toMatch(/revoked/);
    expect((await call(h.url, 'POST', '/api/v1/events', pbxToken, [])).status).toBe(401);
    expect(sup.connected).toBe(true);
  });

  it('given a client whose connection dropped, when it reconnects then its session is recovered; when it was revoked meanwhile then the recovered session is refused', async () => {
    // Sessions are recovered by the in-memory adapter (the Redis adapter cannot: there a reconnect is a new connection).
    const h = await startAccountsHub(redisUrl, backend, undefined, { redisAdapter: false });
    hubs.push(h);
    const admin = (await login(h.url, 'admin')).token!;
    const token = (await login(h.url, 'lead1')).token!;
    const s: ClientSocket = connect(h.url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(s);
    const connected = () => new Promise<void>((r, j) => (s.once('connect', () => r()), s.once('connect_error', j)));
    let n = 0;
    const drop = async () => {
      // A session is recovered from the offset of the last broadcast the client received: make one.
      const delta = waitFor(s, 'delta');
      n++;
      await post(h.url, '/api/v1/events', tokenOf('telephony'), { id: `rec-${n}`, type: 'call.offered', at: new Date().toISOString(), callId: `rec-${n}`, queue: 'advice', direction: 'inbound' });
      await delta;
      const gone = disconnected(s, 5000);
      // The network goes away (the transport closes; not a server-side disconnect, which is final).
      for (const sock of await h.app.io.fetchSockets()) if (sock.data.session.userId === 'lead1') (sock as unknown as { conn: { close(): void } }).conn.close();
      await gone;
    };
    await connected();
    expect(s.recovered).toBe(false);

    await drop();
    s.connect();
    await connected();
    expect(s.recovered).toBe(true);

    await drop();
    await call(h.url, 'POST', '/api/v1/admin/users/lead1/revoke-sessions', admin);
    s.connect();
    await expect(connected()).rejects.toThrow(/revoked/);
    expect(s.connected).toBe(false);
  });

  it('given the revocation check cannot reach Redis, when a request comes then it is answered 503 (retry), not 401 (sign in again)', async () => {
    const h = await startAccountsHub(redisUrl, backend);
    hubs.push(h);
    const token = (await login(h.url, 'sup')).token!;
    expect((await call(h.url, 'GET', '/api/v1/snapshot', token)).status).toBe(200);
    h.accounts.revocations.redis.disconnect();
    const r = await call(h.url, 'GET', '/api/v1/snapshot', token);
    expect(r.status).toBe(503);
    expect(r.json.error).toMatchObject({ code: 'unavailable', reason: 'credential_check_unavailable' });
    expect(r.json.error.message).toMatch(/retry/);
    expect(await attempt(h.url, token)).toMatch(/retry/);
  });

  it('given two hub processes on one site, when an admin revokes a user on one then the socket on the other closes within 1 s and the other refuses the old token', async () => {
    const site = accountsSite();
    const a = await startAccountsHub(redisUrl, backend, site);
    hubs.push(a);
    // The second hub: its own accounts service (own Redis connections and subscription), same database.
    const accountsB = await AccountsService.open({ database: a.db.database, redisUrl, siteId: parseSiteConfig(site).id, logger: pino({ level: 'silent' }) });
    const b = await startHub(redisUrl, site, { accounts: accountsB, redisAdapter: true });
    extra.push({ app: b.app, accounts: accountsB });

    const admin = (await login(a.url, 'admin')).token!;
    const agentToken = (await login(b.url, 'a3')).token!;
    const desk = await client(b.url, agentToken);
    const lead = await client(b.url, (await login(b.url, 'lead2')).token!);
    sockets.push(desk, lead);

    const gone = disconnected(desk);
    expect((await call(a.url, 'PATCH', '/api/v1/admin/users/a3', admin, { disabled: true })).status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    expect(lead.connected).toBe(true);
    expect(await attempt(b.url, agentToken)).toMatch(/revoked/);
    expect((await call(b.url, 'GET', '/api/v1/snapshot', agentToken)).status).toBe(401);
    expect((await login(b.url, 'a3')).status).toBe(401);
  });

  it('given tokens minted for scripts, when an admin revokes one then its sockets close within 1 s, the others stay, and it is refused on REST, on reconnect and after a restart; both steps audited', async () => {
    const h = await startAccountsHub(redisUrl, backend, undefined, {}, { jwtSecret: TEST_SECRET });
    hubs.push(h);
    const admin = (await login(h.url, 'admin')).token!;
    // Given: two PBX adapters under one service name, and a reporting script.
    const mint = async (body: object) => {
      const r = await call(h.url, 'POST', '/api/v1/admin/tokens', admin, body);
      expect(r.status).toBe(201);
      return r.json as { token: string; jti: string; label: string };
    };
    const a = await mint({ role: 'telephony', subject: 'pbx-svc', label: 'PBX building A', expiresIn: '30d' });
    const b = await mint({ role: 'telephony', subject: 'pbx-svc', label: 'PBX building B' });
    const rep = await mint({ role: 'supervisor', subject: 'report-script', label: 'nightly export', expiresIn: 3600 });
    expect(new Set([a.jti, b.jti, rep.jti]).size).toBe(3);
    const list = await call(h.url, 'GET', '/api/v1/admin/tokens', admin);
    expect(list.json.tokens.map((t: any) => t.label).sort()).toEqual(['PBX building A', 'PBX building B', 'nightly export']);
    expect(JSON.stringify(list.json)).not.toContain(a.token);
    expect((await call(h.url, 'GET', '/api/v1/admin/tokens', (await login(h.url, 'sup')).token!)).status).toBe(403);

    const tel = (token: string) => connect(h.url + '/telephony', { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    const pbxA1 = tel(a.token);
    const pbxA2 = tel(a.token);
    const pbxB = tel(b.token);
    const board = await client(h.url, rep.token);
    sockets.push(pbxA1, pbxA2, pbxB, board);
    for (const s of [pbxA1, pbxA2, pbxB]) await new Promise<void>((r, j) => (s.connected ? r() : (s.once('connect', () => r()), s.once('connect_error', j))));
    expect((await call(h.url, 'POST', '/api/v1/events', a.token, [])).status).toBe(200);

    // When: token A is revoked.
    const gone = Promise.all([disconnected(pbxA1), disconnected(pbxA2)]);
    const r = await call(h.url, 'POST', `/api/v1/admin/tokens/${a.jti}/revoke`, admin);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ jti: a.jti, revokedBy: 'admin', revokedAt: expect.any(String) });
    // Then: A's sockets close, B (same subject) and the script's board stay.
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
    expect(pbxB.connected).toBe(true);
    expect(board.connected).toBe(true);
    expect(await call(h.url, 'POST', '/api/v1/events', a.token, [])).toMatchObject({ status: 401, json: { error: { reason: 'token_revoked' } } });
    expect((await call(h.url, 'POST', '/api/v1/events', b.token, [])).status).toBe(200);
    expect(await attempt(h.url, a.token, '/telephony')).toMatch(/revoked/);
    expect(await attempt(h.url, b.token, '/telephony')).toBe('connected');
    expect((await call(h.url, 'POST', '/api/v1/admin/tokens/no-such-token/revoke', admin)).status).toBe(404);

    // The script's token on the console namespace and REST: revoked alone, refused at once.
    const boardGone = disconnected(board);
    await call(h.url, 'POST', `/api/v1/admin/tokens/${rep.jti}/revoke`, admin);
    expect(await boardGone).toBe('io server disconnect');
    expect((await call(h.url, 'GET', '/api/v1/snapshot', rep.token)).status).toBe(401);
    expect(await attempt(h.url, rep.token)).toMatch(/revoked/);
    expect(pbxB.connected).toBe(true);

    // A restart with a Redis that forgot the marks: restored from the database.
    await h.accounts.revocations.redis.del(`callboard:${h.accounts.siteId}:auth:jti:${a.jti}`);
    const again = await AccountsService.open({ database: h.db.database, redisUrl, siteId: h.accounts.siteId, logger: pino({ level: 'silent' }) });
    try {
      await expect(again.assertCurrent({ userId: 'pbx-svc', name: 'pbx-svc', role: 'telephony', teamIds: [] }, 0, a.jti)).rejects.toThrow(/revoked/);
      await expect(again.assertCurrent({ userId: 'pbx-svc', name: 'pbx-svc', role: 'telephony', teamIds: [] }, 0, b.jti)).resolves.toBeUndefined();
    } finally {
      await again.close();
    }

    const audit = await call(h.url, 'GET', '/api/v1/audit?action=token:*', admin);
    expect(audit.json.entries.map((e: any) => `${e.action}:${e.targetId}:${e.outcome}`)).toEqual([
      `token:revoke:${rep.jti}:ok`,
      'token:revoke:no-such-token:not_found',
      `token:revoke:${a.jti}:ok`,
      `token:issue:${rep.jti}:ok`,
      `token:issue:${b.jti}:ok`,
      `token:issue:${a.jti}:ok`,
    ]);
    expect(audit.json.entries.find((e: any) => e.action === 'token:revoke' && e.targetId === a.jti)).toMatchObject({ actor: 'admin', before: { revokedAt: null, label: 'PBX building A' }, after: { revokedBy: 'admin' } });
  });

  it('given a script token whose connection dropped, when it is revoked before the reconnect then the recovered session is refused', async () => {
    const h = await startAccountsHub(redisUrl, backend, undefined, { redisAdapter: false }, { jwtSecret: TEST_SECRET });
    hubs.push(h);
    const admin = (await login(h.url, 'admin')).token!;
    const minted = (await call(h.url, 'POST', '/api/v1/admin/tokens', admin, { role: 'supervisor', subject: 'wallboard-tv', label: 'TV hall' })).json;
    const s: ClientSocket = connect(h.url, { auth: { token: minted.token }, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(s);
    const connected = () => new Promise<void>((r, j) => (s.once('connect', () => r()), s.once('connect_error', j)));
    await connected();
    const delta = waitFor(s, 'delta');
    await post(h.url, '/api/v1/events', tokenOf('telephony'), { id: 'tok-1', type: 'call.offered', at: new Date().toISOString(), callId: 'tok-1', queue: 'advice', direction: 'inbound' });
    await delta;
    const gone = disconnected(s, 5000);
    for (const sock of await h.app.io.fetchSockets()) if (sock.data.session.userId === 'wallboard-tv') (sock as unknown as { conn: { close(): void } }).conn.close();
    await gone;
    expect((await call(h.url, 'POST', `/api/v1/admin/tokens/${minted.jti}/revoke`, admin)).status).toBe(200);
    s.connect();
    await expect(connected()).rejects.toThrow(/revoked/);
    expect(s.connected).toBe(false);
  });
});

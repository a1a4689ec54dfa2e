/**
 * Revocation with live sockets: an admin's revocation drops the user's sockets (within the 1 s goal),
 * refuses their old token on REST and on reconnect (a recovered session included), on every hub.
 */
import pino from 'pino';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig } from '../contracts/index.ts';
import type { App } from '../hub/app.ts';
import { client, post, startHub, token as tokenOf, waitFor, type ClientSocket } from '../hub/testing.ts';
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
    expect((await call(h.url, 'GET', '/api/v1/snapshot', agentToken)).status).toBe(401);
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
});

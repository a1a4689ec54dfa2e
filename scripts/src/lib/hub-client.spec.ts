import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents, SessionDTO } from '../../../realtime/src/contracts/index.ts';
import { AuthError, jwtSecret, verifyToken } from '../../../realtime/src/hub/auth.ts';
import { socketTransport } from '../sim/hub-mode.ts';
import {
  agentToken,
  connectAgent,
  HubAuthError,
  HubClient,
  HubUnreachableError,
  reasonKey,
  telephonyToken,
} from './hub-client.ts';

/** A stand-in for the hub's edges: the ingest route and Socket.IO auth, as the contracts describe them. */
let http: HttpServer;
let io: Server<ClientToServerEvents, ServerToClientEvents>;
let url = '';
const received: unknown[] = [];

beforeAll(async () => {
  http = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/v1/events') {
      res.writeHead(404).end();
      return;
    }
    let session: SessionDTO;
    try {
      session = verifyToken(jwtSecret(), req.headers.authorization);
    } catch (err) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
      return;
    }
    if (session.role !== 'telephony') {
      res.writeHead(403).end('{}');
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const events = JSON.parse(body) as unknown[];
      received.push(...events);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ accepted: events.length, duplicates: 0, rejected: [] }),
      );
    });
  });
  io = new Server(http);
  io.use((socket, next) => {
    try {
      const s = verifyToken(jwtSecret(), (socket.handshake.auth as { token?: string }).token);
      if (s.role === 'telephony') {
        // As the hub refuses it: a sentence without "credential", and the reason in `data`.
        return next(Object.assign(new Error('role telephony must use the /telephony namespace'), { data: { reason: 'wrong_namespace', params: { role: 'telephony', namespace: '/telephony' } } }));
      }
      socket.data = { session: s };
      next();
    } catch (err) {
      next(new Error(err instanceof AuthError ? `unauthorized: ${err.message}` : 'unauthorized'));
    }
  });
  io.on('connection', (socket) => {
    socket.on('offer:accept', (p, ack) => ack({ ok: true, data: { seq: 7, events: [`accepted-${p.callId}`] } }));
    socket.on('call:end', (_p, ack) => ack({ ok: false, error: { code: 'conflict', message: 'not on a call' } }));
    const agentId = (socket.data as { session: SessionDTO }).session.agentId!;
    setTimeout(() => socket.emit('offer:new', { callId: 'c1', agentId, queue: 'advice', queueName: 'Advice', expiresAt: 0, offeredAt: 0, direction: 'inbound' }), 20);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  io.close();
  await new Promise((r) => http.close(r));
});

describe('HubClient (telephony ingest)', () => {
  it('posts a JSON array with the bearer token and returns the ingest answer', async () => {
    const client = new HubClient({ url, token: telephonyToken({}) });
    const res = await client.postEvents([{ id: 'e1', type: 'agent.logout', at: 0, agentId: 'a1' }]);
    expect(res).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(received).toContainEqual({ id: 'e1', type: 'agent.logout', at: 0, agentId: 'a1' });
    await expect(client.probe()).resolves.toBeUndefined();
  });

  it('given a refused credential, then it throws HubAuthError naming the URL', async () => {
    const client = new HubClient({ url, token: 'not-a-jwt' });
    await expect(client.probe()).rejects.toBeInstanceOf(HubAuthError);
    await expect(client.probe()).rejects.toThrow(url);
    const agentAsTelephony = new HubClient({ url, token: agentToken({ agentId: 'a01', name: 'A' }, {}) });
    await expect(agentAsTelephony.postEvents([])).rejects.toThrow(/refused the credential/);
  });

  it('given nothing listens, then it throws HubUnreachableError naming the URL', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const client = new HubClient({ url: deadUrl, token: 'x' });
    const err = await client.probe().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubUnreachableError);
    expect((err as Error).message).toContain(`cannot reach the hub at ${deadUrl}`);
  });
});

describe('agent sessions over Socket.IO', () => {
  it('connects with an agent token, receives offers and gets acks for commands', async () => {
    const t = socketTransport({ url, env: {} });
    const offers: string[] = [];
    const session = await t.connectAgent(
      { agentId: 'a07', name: 'Lê Thị Mai', teamId: 'team-care' },
      { offer: (o) => offers.push(o.callId), offerCancelled: () => undefined },
    );
    const accepted = await session.command('offer:accept', { callId: 'c1' });
    expect(accepted).toEqual({ ok: true, data: { seq: 7, events: ['accepted-c1'] } });
    const refused = await session.command('call:end', { callId: 'c1' });
    expect(refused.ok).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(offers).toEqual(['c1']);
    session.close();
  });

  it('given a bad token, then connecting fails with HubAuthError', async () => {
    await expect(connectAgent(url, 'bad-token', { timeoutMs: 3000 })).rejects.toBeInstanceOf(HubAuthError);
  });

  it('given a refusal whose sentence does not say "credential" (a telephony token on the agents\' namespace), then its reason makes it a HubAuthError at once', async () => {
    const err = await connectAgent(url, telephonyToken({}), { timeoutMs: 3000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubAuthError);
    expect((err as HubAuthError).reason).toBe('role telephony must use the /telephony namespace');
  });
});

describe('credentials and helpers', () => {
  it('uses CALLBOARD_TOKEN when given, else signs a telephony session with the hub secret', () => {
    expect(telephonyToken({ CALLBOARD_TOKEN: 'given' })).toBe('given');
    const s = verifyToken(jwtSecret({}), telephonyToken({}));
    expect(s).toMatchObject({ userId: 'simulator', role: 'telephony' });
    const a = verifyToken(jwtSecret({}), agentToken({ agentId: 'a03', name: 'X', teamId: 'team-booking' }, {}));
    expect(a).toMatchObject({ userId: 'a03', role: 'agent', agentId: 'a03', teamIds: ['team-booking'] });
  });

  it('groups rejection reasons without ids and numbers', () => {
    expect(reasonKey('call ab-990101-AA0101-33116 is not waiting')).toBe(reasonKey('call ab-990102-AA0203-1 is not waiting'));
    expect(reasonKey('agent "a01" is on a call')).toBe('agent … is on a call');
  });
});

/** No secrets or phone numbers in logs: the logger alone, and a hub with database accounts at trace level. */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { client, cmd, post, token, type ClientSocket } from '../hub/testing.ts';
import { testBackends } from '../storage/testing.ts';
import { createLogger, scrub } from './safe-logger.ts';
import { call, login, PASSWORD, startAccountsHub, type AccountsHub } from './testing.ts';

const redisUrl = inject('redisUrl');
const NUMBER = '+84901234567';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('safe logger', () => {
  it('given log calls that carry passwords, tokens, hashes and phone numbers in fields, messages and errors, then none of them is printed', () => {
    const out = capture();
    const log = createLogger({ level: 'trace' }, out.stream);
    log.info({ password: PASSWORD, user: { password: PASSWORD, token: JWT } }, 'login');
    log.info({ req: { headers: { authorization: `Bearer ${JWT}` } } }, 'request');
    log.warn({ call: { id: 'c1', from: NUMBER, to: '0281234567' }, phone: '0901 234 567' }, 'offer');
    log.warn(`caller ${NUMBER} waited; agent logged in with Bearer ${JWT}`);
    log.error({ note: `call back 090-123-4567 please, hash $argon2id$v=19$m=19456,t=2,p=1$abc$def` }, 'note');
    const err = Object.assign(new Error(`duplicate key (from_number)=(${NUMBER}) password=${PASSWORD}`), { detail: `Key (from_number)=(${NUMBER}) already exists.`, parameters: [NUMBER] });
    log.error({ err }, 'write failed');
    log.info({ entries: 20000, at: 1795364230969, seq: 42 }, 'rebuilt in 1234 ms');

    const text = out.text();
    for (const secret of [PASSWORD, JWT, NUMBER, '0901 234 567', '0281234567', '090-123-4567', '901234567', '$argon2id$']) expect(text).not.toContain(secret);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatchObject({ password: '[redacted]', user: { password: '[redacted]', token: '[redacted]' }, msg: 'login' });
    expect(lines[2]).toMatchObject({ call: { id: 'c1', from: '[redacted]', to: '[redacted]' }, phone: '[redacted]' });
    expect(lines[3].msg).toBe('caller [number] waited; agent logged in with Bearer [redacted]');
    expect(lines[5].err.message).toBe('duplicate key (from_number)=([number]) password=[redacted]');
    expect(lines[5].err.detail).toBeUndefined();
    expect(lines[5].err.stack).toContain('Error: duplicate key');
    // Numbers that are not phone numbers stay.
    expect(lines[6]).toMatchObject({ entries: 20000, at: 1795364230969, seq: 42, msg: 'rebuilt in 1234 ms' });
  });

  it('given an error passed as its message (`{ err: err.message }`), then it prints as one scrubbed string', () => {
    const out = capture();
    const log = createLogger({ level: 'info' }, out.stream);
    log.warn({ err: 'connect ECONNREFUSED 127.0.0.1:6379 for +84901234567' }, 'Redis connection lost');
    const line = JSON.parse(out.text().trim()) as { err: unknown };
    expect(typeof line.err).toBe('string');
    expect(line.err).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:6379 for /);
    expect(line.err).not.toContain('901234567');
  });

  it('scrubs phone-like digit runs but keeps short numbers, ids and times', () => {
    expect(scrub('queue q1 has 12 calls, longest 345 s at 2026-11-22T10:00:00.000Z')).toBe('queue q1 has 12 calls, longest 345 s at 2026-11-22T10:00:00.000Z');
    expect(scrub('listening on http://127.0.0.1:8080, day 2026-11-22, v1.2.3, id c-1795364')).toBe('listening on http://127.0.0.1:8080, day 2026-11-22, v1.2.3, id c-1795364');
    expect(scrub('from 0901234567 and +84 90 123 45 67, or 090.123.4567')).toBe('from [number] and [number], or [number]');
  });
});

describe('a hub with database accounts, logging at trace level', () => {
  let h: AccountsHub | undefined;
  let sockets: ClientSocket[] = [];
  afterEach(async () => {
    for (const s of sockets) s.disconnect();
    sockets = [];
    await h?.close();
    h = undefined;
  });

  it('given logins (right and wrong), calls with numbers, commands and revocations, then its log holds no password, token or phone number', async () => {
    const out = capture();
    h = await startAccountsHub(redisUrl, testBackends()[0]!, undefined, { logger: createLogger({ level: 'trace' }, out.stream) });
    const admin = (await login(h.url, 'admin')).token!;
    expect((await login(h.url, 'admin', 'not-the-password')).status).toBe(401);
    const agentToken = (await login(h.url, 'a1')).token!;
    const desk = await client(h.url, agentToken);
    sockets.push(desk);
    await cmd(desk, 'agent:setState', { state: 'available' });
    const r = await post(h.url, '/api/v1/events', token('telephony'), [
      { id: 'e1', type: 'call.offered', at: new Date().toISOString(), callId: 'c1', queue: 'booking', direction: 'inbound', from: NUMBER },
      { id: 'e2', type: 'call.offered', at: 'not a time', callId: 'c2', queue: 'booking', direction: 'inbound', from: NUMBER },
    ]);
    expect(r.json.accepted).toBe(1);
    expect((await call(h.url, 'POST', '/api/v1/admin/users/a1/revoke-sessions', admin)).status).toBe(200);
    await call(h.url, 'GET', '/api/v1/snapshot', agentToken);
    await call(h.url, 'POST', '/api/v1/auth/login', undefined, { username: 'admin', password: 'x'.repeat(300) });

    // The revoked agent's desk reconnects with its old token (refused: the handshake is logged).
    await expect(client(h.url, agentToken)).rejects.toThrow(/revoked/);

    const text = out.text();
    // Refusals are logged with the request's headers and the socket's handshake: credentials redacted.
    expect(text).toContain('"msg":"request refused"');
    expect(text).toContain('"msg":"socket connection refused"');
    expect(text).toContain('"authorization":"[redacted]"');
    expect(text).toContain('"token":"[redacted]"');
    for (const secret of [PASSWORD, 'not-the-password', admin, agentToken, NUMBER, '901234567']) expect(text).not.toContain(secret);
  });
});

/**
 * Integration tests of the hub: real Redis, real HTTP, real Socket.IO clients.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { DeltaDTO, OfferDTO, QueueDTO, SnapshotDTO } from '../contracts/index.ts';
import { board, client, cmd, get, post, startHub, testSite, TEST_SECRET, token, waitFor, type ClientSocket } from './testing.ts';
import { signToken } from './auth.ts';
import type { App } from './app.ts';
import { maskNumber } from '../core/index.ts';
import { io as connect } from 'socket.io-client';

const redisUrl = inject('redisUrl');
let apps: App[] = [];
let sockets: ClientSocket[] = [];

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  sockets = [];
  for (const a of apps) await a.close();
  apps = [];
});

async function hub(site = testSite(), extra: Parameters<typeof startHub>[2] = {}) {
  const h = await startHub(redisUrl, site, extra);
  apps.push(h.app);
  return h;
}
async function sock(url: string, tok: string, extra: Record<string, unknown> = {}) {
  const s = await client(url, tok, extra);
  sockets.push(s);
  return s;
}
/** Agents a1 and a2 (team t1) signed in and available, a1 first: a1 is the longest idle. */
async function twoAgentsAvailable(url: string): Promise<[ClientSocket, ClientSocket]> {
  const a1 = await sock(url, token('agent', { userId: 'a1', agentId: 'a1', teamIds: ['t1'] }));
  const a2 = await sock(url, token('agent', { userId: 'a2', agentId: 'a2', teamIds: ['t1'] }));
  expect((await cmd(a1, 'agent:setState', { state: 'available' })).ok).toBe(true);
  await new Promise((r) => setTimeout(r, 20));
  expect((await cmd(a2, 'agent:setState', { state: 'available' })).ok).toBe(true);
  return [a1, a2];
}

const T = (sec: number) => new Date(Date.now() + sec * 1000).toISOString();
const tel = token('telephony');

describe('given a hub with two agents on the booking line', () => {
  it('when the first agent lets an offer time out, then the call goes to the next agent and the first is not offered again', async () => {
    const { url } = await hub();
    const [a1, a2] = await twoAgentsAvailable(url);

    const offer1 = waitFor<OfferDTO>(a1, 'offer:new');
    const cancelled = waitFor<{ callId: string; reason: string }>(a1, 'offer:cancelled');
    const offer2 = waitFor<OfferDTO>(a2, 'offer:new', (o) => o.callId === 'c1', 5000);
    const r = await post(url, '/api/v1/events', tel, { id: 'o1', type: 'call.offered', at: T(0), callId: 'c1', queue: 'booking', direction: 'inbound', from: '+84901234567' });
    expect(r.json).toEqual({ accepted: 1, duplicates: 0, rejected: [] });

    const o1 = await offer1;
    expect(o1).toMatchObject({ callId: 'c1', agentId: 'a1', queue: 'booking' });
    expect(o1.expiresAt).toBeGreaterThan(Date.now() - 100);
    // a1 ignores it: after the 1 s timeout the hub withdraws it and offers a2.
    expect(await cancelled).toEqual({ callId: 'c1', reason: 'timeout' });
    const o2 = await offer2;
    expect(o2.agentId).toBe('a2');
    const acc = await cmd(a2, 'offer:accept', { callId: 'c1' });
    expect(acc.ok).toBe(true);

    const snap = await get(url, '/api/v1/snapshot', token('supervisor'));
    const agents = Object.fromEntries((snap.json as SnapshotDTO).agents.map((a) => [a.id, a]));
    expect(agents.a2).toMatchObject({ state: 'onCall', callId: 'c1' });
    expect(agents.a1!.state).toBe('available');
    expect(agents.a1!.missedInRow).toBe(1);
    expect(agents.a1!.today.missedOffers).toBe(1);
  });

  it('when an agent accepts, ends and records a disposition, then the call is handled with its outcome', async () => {
    const { url } = await hub(testSite({ queues: [{ id: 'booking', name: 'Booking', wrapupSec: 30 }] }));
    const a1 = await sock(url, token('agent', { userId: 'a1', agentId: 'a1' }));
    await cmd(a1, 'agent:setState', { state: 'available' });
    const offered = waitFor<OfferDTO>(a1, 'offer:new');
    await post(url, '/api/v1/events', tel, { id: 'o1', type: 'call.offered', at: T(-3), callId: 'c9', queue: 'booking', direction: 'inbound' });
    await offered;
    expect((await cmd(a1, 'offer:accept', { callId: 'c9' })).ok).toBe(true);
    expect((await cmd(a1, 'call:end', { callId: 'c9' })).ok).toBe(true);
    const fin = await cmd(a1, 'wrapup:finish', { callId: 'c9', disposition: 'booked', notes: 'Tiêm 6 trong 1, thứ bảy' });
    expect(fin.ok).toBe(true);
    expect(fin.data.events).toHaveLength(2);

    const sup = token('supervisor');
    const m = await get(url, '/api/v1/metrics?scope=queue&id=booking', sup);
    expect(m.json.total).toMatchObject({ offered: 1, answered: 1, handled: 1, answeredWithinT: 1 });
    expect(m.json.total.asaSec).toBeGreaterThanOrEqual(3);
    const calls = await get(url, '/api/v1/calls?scope=queue&id=booking&metric=handled', sup);
    expect(calls.json.total).toBe(1);
    expect(calls.json.calls[0]).toMatchObject({ id: 'c9', disposition: 'booked', agentId: 'a1', result: 'answered' });
  });
});

describe('given calls either side of the site\'s midnight (Asia/Ho_Chi_Minh, UTC+7)', () => {
  it('a date in from/to is the site\'s day, not UTC\'s, and a date as "to" takes its whole day in', async () => {
    const { url } = await hub();
    // 23:30 on 4 March and 06:30 on 5 March, site time: both on 4 March in UTC.
    const at = (local: string) => new Date(Date.parse(`${local}+07:00`)).toISOString();
    const offered = (id: string, t: string) => ({ id: `e-${id}`, type: 'call.offered', at: at(t), callId: id, queue: 'booking', direction: 'inbound' });
    const ab = (id: string, t: string) => ({ id: `x-${id}`, type: 'call.abandoned', at: at(t), callId: id });
    const r = await post(url, '/api/v1/events', tel, [offered('late', '2026-03-04T23:30:00'), ab('late', '2026-03-04T23:31:00'), offered('early', '2026-03-05T06:30:00'), ab('early', '2026-03-05T06:31:00')]);
    expect(r.json.accepted).toBe(4);
    const sup = token('supervisor');
    const offeredOn = async (q: string) => (await get(url, `/api/v1/metrics?scope=site&${q}`, sup)).json.total.offered;
    expect(await offeredOn('from=2026-03-04&to=2026-03-04')).toBe(1);
    expect(await offeredOn('from=2026-03-05&to=2026-03-05')).toBe(1);
    expect(await offeredOn('from=2026-03-04&to=2026-03-05')).toBe(2);
    // An instant with its offset is taken as it is.
    expect(await offeredOn(`from=${encodeURIComponent('2026-03-05T00:00:00+07:00')}&to=${encodeURIComponent('2026-03-05T12:00:00+07:00')}`)).toBe(1);
    const calls = await get(url, '/api/v1/calls?scope=site&metric=offered&from=2026-03-05&to=2026-03-05', sup);
    expect(calls.json.calls.map((c: { id: string }) => c.id)).toEqual(['early']);

    // A range that ends before it starts, an unknown line, team or agent, or a window with a range: refused,
    // never a 200 of zeros that would read as a quiet day.
    for (const path of ['/api/v1/metrics?scope=site&from=2026-03-05&to=2026-03-04', '/api/v1/calls?scope=site&metric=offered&from=2026-03-05&to=2026-03-04']) {
      const r = await get(url, path, sup);
      expect([path, r.status, r.json.error.reason]).toEqual([path, 400, 'to_before_from']);
    }
    for (const [scope, id] of [['queue', 'nope'], ['agent', 'a99'], ['team', 't99']]) {
      const r = await get(url, `/api/v1/metrics?scope=${scope}&id=${id}`, sup);
      expect([r.status, r.json.error]).toMatchObject([404, { reason: 'unknown_scope_id', params: { scope, id }, message: `no ${scope} ${id}` }]);
      expect((await get(url, `/api/v1/calls?scope=${scope}&id=${id}&metric=handled`, sup)).status).toBe(404);
    }
    expect((await get(url, '/api/v1/metrics?scope=agent&id=a1', sup)).status).toBe(200);
    const both = await get(url, '/api/v1/metrics?scope=site&window=15&interval=day', sup);
    expect([both.status, both.json.error.details]).toEqual([400, ['window: window (the last N minutes) goes without interval, from and to']]);
  });
});

describe('given a supervisor and a wallboard watching the booking line', () => {
  it('when the supervisor closes the line, then the wallboard sees it closed and new calls are refused', async () => {
    const { url, app } = await hub();
    const wall = await sock(url, token('supervisor', { userId: 'tv1' }), { queues: ['booking'] });
    const sup = await sock(url, token('supervisor'));
    const closed = waitFor<DeltaDTO>(wall, 'delta', (d) => d.queues?.some((q) => q.id === 'booking' && q.open === false) ?? false);
    const ack = await cmd(sup, 'queue:setOpen', { queue: 'booking', open: false });
    expect(ack.ok).toBe(true);
    const d = await closed;
    expect(d.queues!.find((q) => q.id === 'booking')!.open).toBe(false);

    const r = await post(url, '/api/v1/events', tel, { id: 'x1', type: 'call.offered', at: T(0), callId: 'late', queue: 'booking', direction: 'inbound' });
    expect(r.json.accepted).toBe(1);
    expect(app.hub.state.calls.has('late')).toBe(false);
    const m = await get(url, '/api/v1/metrics?scope=queue&id=booking', token('supervisor'));
    expect(m.json.total).toMatchObject({ offered: 0, rejectedClosed: 1 });
  });

  it('when an agent tries a supervisor command or sends a bad payload, then the ack says why and nothing changes', async () => {
    const { url, app } = await hub();
    const a1 = await sock(url, token('agent', { userId: 'a1', agentId: 'a1' }));
    const sup = await sock(url, token('supervisor'));
    const forbidden = await cmd(a1, 'queue:setOpen', { queue: 'booking', open: false });
    // The access check's refusal carries a reason the console words, with the command's name (not the access action).
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'role agent may not queue:control', reason: 'role_not_allowed', params: { role: 'agent', command: 'queue:setOpen' } } });
    const invalid = await cmd(sup, 'queue:setPriority', { queue: 'booking', priority: 99 });
    expect(invalid.ok).toBe(false);
    expect(invalid.error.code).toBe('invalid');
    expect(invalid.error.details.join(' ')).toMatch(/priority/);
    const unknown = await cmd(sup, 'queue:setOpen', { queue: 'nope', open: false });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(app.hub.state.queues.get('booking')!.open).toBe(true);
    expect(app.hub.state.queues.get('booking')!.priority).toBe(2);
  });
});

describe('given the ingest edge', () => {
  it('when a batch holds malformed and impossible events, then good ones are accepted, bad ones answered with reasons and counted', async () => {
    const { url, app } = await hub();
    const batch = [
      { id: 'g1', type: 'call.offered', at: T(0), callId: 'c1', queue: 'booking', direction: 'inbound' },
      { id: 'b1', type: 'call.offered', at: 'yesterday', callId: 'c2', queue: 'booking', direction: 'inbound' },
      { id: 'b2', type: 'call.teleport', at: T(0), callId: 'c3' },
      { id: 'b3', type: 'call.ended', at: T(1), callId: 'ghost' },
      { id: 'b4', type: 'call.offered', at: T(0), callId: 'c4', queue: 'booking', direction: 'inbound', extra: 1 },
      'not an object',
    ];
    const r = await post(url, '/api/v1/events', tel, batch);
    expect(r.status).toBe(200);
    expect(r.json.accepted).toBe(1);
    const byIndex = Object.fromEntries(r.json.rejected.map((x: { index: number; errors: string[] }) => [x.index, x.errors.join('; ')]));
    expect(Object.keys(byIndex).sort()).toEqual(['1', '2', '3', '4', '5']);
    expect(byIndex[1]).toMatch(/^at/);
    expect(byIndex[3]).toMatch(/unknown call ghost/);
    expect(byIndex[4]).toMatch(/extra/);

    // The same over the /telephony namespace, with the same answer as an acknowledgement.
    const { io } = await import('socket.io-client');
    const t = io(url + '/telephony', { auth: { token: tel }, transports: ['websocket'], forceNew: true });
    const ans = await new Promise<any>((resolve) => t.emit('events', [batch[0], batch[3]], resolve));
    t.disconnect();
    expect(ans).toEqual({ accepted: 0, duplicates: 1, rejected: [{ index: 1, id: 'b3', errors: ['unknown call ghost'] }] });

    // Unparseable bodies: 400 and the hub keeps running.
    const bad = await fetch(url + '/api/v1/events', { method: 'POST', headers: { authorization: `Bearer ${tel}`, 'content-type': 'application/json' }, body: '{"id":' });
    expect(bad.status).toBe(400);
    // NDJSON: each bad line is reported at its own index (blank lines do not count), the good ones applied.
    const line = (id: string) => JSON.stringify({ id, type: 'agent.state', at: Date.now(), agentId: 'a1', state: 'break' });
    const nd = await post(url, '/api/v1/events', tel, ['{oops', line('n1'), '', '{"id":', 'nope', line('n2'), '{"type":"call.abandoned"}'].join('\n'), 'application/x-ndjson');
    expect(nd.status).toBe(200);
    expect(nd.json.accepted).toBe(2);
    expect(nd.json.rejected.map((r: any) => [r.index, /invalid JSON/.test(r.errors[0])])).toEqual([[0, true], [2, true], [3, true], [5, false]]);
    // A body none of whose lines parsed did not parse: 400, with each line's reason.
    const none = await post(url, '/api/v1/events', tel, '{oops\n[1,\n', 'application/x-ndjson');
    expect(none.status).toBe(400);
    expect(none.json.rejected.map((r: any) => r.index)).toEqual([0, 1]);

    const health = await get(url, '/healthz');
    expect(health.json.status).toBe('ok');
    const prom = await (await fetch(url + '/metrics')).text();
    // 4 in the batch, 4 lines of the first NDJSON body and 2 of the second.
    expect(prom).toMatch(/callboard_events_rejected_total\{reason="invalid"\} 10\n/);
    expect(prom).toMatch(/callboard_events_rejected_total\{reason="impossible"\} 2\n/);
    expect(app.hub.counts.accepted).toBe(3); // b1 of the batch, n1 and n2 of the NDJSON body
  });

  it('when credentials are missing or wrong for the edge, then the request is refused', async () => {
    const { url } = await hub();
    expect((await post(url, '/api/v1/events', 'garbage', [])).status).toBe(401);
    expect((await post(url, '/api/v1/events', token('agent', { agentId: 'a1' }), [])).status).toBe(403);
    expect((await get(url, '/api/v1/metrics?scope=site', token('agent', { agentId: 'a1' }))).status).toBe(403);
    expect((await get(url, '/api/v1/metrics?scope=queue', token('supervisor'))).status).toBe(400);
    await expect(client(url, 'garbage')).rejects.toThrow(/invalid credential/);
    await expect(client(url, tel)).rejects.toThrow(/telephony/);
    const login = await fetch(url + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x', password: 'y' }) });
    expect(login.status).toBe(401);
  });

  it('when a request or a connection fails at the edge, then the answer carries a reason beside its code, status and English message', async () => {
    const { url } = await hub();
    const sup = token('supervisor');
    // Unknown endpoint, bad JSON, wrong content type, unknown line: the code and status of before, with a reason.
    expect(await get(url, '/api/v1/nothing-here?x=1', sup)).toEqual({
      status: 404,
      json: { error: { code: 'not_found', message: 'no such endpoint: GET /api/v1/nothing-here', reason: 'no_such_endpoint', params: { method: 'GET', path: '/api/v1/nothing-here' } } },
    });
    const badJson = await post(url, '/api/v1/events', tel, '{"id":');
    expect(badJson.status).toBe(400);
    expect(badJson.json.error).toMatchObject({ code: 'invalid', reason: 'bad_json' });
    expect(badJson.json.error.message).toBe(`request body: ${badJson.json.error.params.detail}`);
    expect(await post(url, '/api/v1/events', tel, 'id=1', 'text/plain')).toEqual({
      status: 415,
      json: { error: { code: 'invalid', message: 'send application/json or application/x-ndjson (not text/plain)', reason: 'unsupported_media_type', params: { contentType: 'text/plain' } } },
    });
    // JSON in a charset the parser does not read: the same reason, not an internal error.
    const latin = await post(url, '/api/v1/events', tel, '[]', 'application/json; charset=latin1');
    expect([latin.status, latin.json.error.code, latin.json.error.reason, latin.json.error.params]).toEqual([415, 'invalid', 'unsupported_media_type', { contentType: 'application/json; charset=latin1' }]);
    expect((await get(url, '/api/v1/staffing?queue=nope', sup)).json).toEqual({ error: { code: 'not_found', message: 'no line nope', reason: 'unknown_line', params: { queue: 'nope' } } });
    // A refused credential on REST: 401 with the credential's reason.
    expect((await get(url, '/api/v1/snapshot')).json.error).toEqual({ code: 'unauthorized', message: 'missing credential', reason: 'no_credential', params: {} });
    expect((await get(url, '/api/v1/snapshot', 'garbage')).json.error).toMatchObject({ code: 'unauthorized', reason: 'invalid_credential', params: { detail: 'jwt malformed' } });

    // A refused socket: connect_error with the English message of before and `data: { reason, params }`.
    const refused = (tok: string, nsp = '') =>
      new Promise<Error & { data?: unknown }>((resolve, reject) => {
        const s = connect(url + nsp, { auth: { token: tok }, transports: ['websocket'], forceNew: true, reconnection: false });
        s.once('connect', () => (s.disconnect(), reject(new Error('connected'))));
        s.once('connect_error', (e) => (s.disconnect(), resolve(e)));
      });
    const bad = await refused('garbage');
    expect(bad.message).toBe('invalid credential: jwt malformed');
    expect(bad.data).toEqual({ reason: 'invalid_credential', params: { detail: 'jwt malformed' } });
    expect((await refused('')).data).toEqual({ reason: 'no_credential', params: {} });
    const expired = signToken(TEST_SECRET, { userId: 'sup', name: 'sup', role: 'supervisor', teamIds: [] }, -10);
    expect(await refused(expired)).toMatchObject({ message: 'invalid credential: jwt expired', data: { reason: 'credential_expired', params: {} } });
    expect(await refused(tel)).toMatchObject({ message: 'role telephony must use the /telephony namespace', data: { reason: 'wrong_namespace', params: { role: 'telephony', namespace: '/telephony' } } });
    expect((await refused(token('agent', { agentId: 'a1' }), '/telephony')).data).toEqual({
      reason: 'role_may_not',
      params: { role: 'agent', action: 'telephony:ingest', request: 'connect /telephony' },
    });
  });
});

describe('given a wallboard on a busy line', () => {
  it('when 40 calls arrive within 400 ms, then deltas are coalesced (at most one per 250 ms) and the last one is complete', async () => {
    const { url } = await hub(testSite(), { deltaIntervalMs: undefined } /* the hub's default, 250 ms */);
    const tv = await board(url, token('supervisor', { userId: 'tv' }), { queues: ['booking'] });
    sockets.push(tv.socket);
    const deltas: { at: number; inQueue?: number }[] = [];
    tv.socket.on('delta', () => {
      // What the board shows once this delta is merged.
      deltas.push({ at: performance.now(), inQueue: tv.view?.queues.find((x) => x.id === 'booking')?.live.inQueue });
    });
    const start = performance.now();
    for (let i = 0; i < 40; i++) {
      await post(url, '/api/v1/events', tel, { id: `b${i}`, type: 'call.offered', at: T(0), callId: `b${i}`, queue: 'booking', direction: 'inbound' });
      await new Promise((r) => setTimeout(r, 10));
    }
    const sent = performance.now() - start;
    await new Promise((r) => setTimeout(r, 400));
    // Leading delta at once, then one per 250 ms window at most.
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(deltas.length).toBeLessThanOrEqual(Math.ceil(sent / 250) + 1);
    for (let i = 1; i < deltas.length; i++) expect(deltas[i]!.at - deltas[i - 1]!.at).toBeGreaterThan(200);
    expect(deltas.at(-1)!.inQueue).toBe(40);
  });
});

describe('given team leads and supervisors', () => {
  it('when a team lead forces the state of an agent of another team, then it is refused; a supervisor may, and may move agents between lines', async () => {
    const { url, app } = await hub();
    const lead = await sock(url, token('team_lead', { userId: 'lead9', teamIds: ['t9'] }));
    const ownLead = await sock(url, token('team_lead', { userId: 'lead1', teamIds: ['t1'] }));
    const sup = await sock(url, token('supervisor'));
    await post(url, '/api/v1/events', tel, { id: 'l1', type: 'agent.login', at: T(0), agentId: 'a2' });
    expect(await cmd(lead, 'agent:forceState', { agentId: 'a2', state: 'break', reason: 'coaching' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'agent a2 is not in your team', reason: 'not_your_team', params: { agentId: 'a2' } },
    });
    expect((await cmd(ownLead, 'agent:forceState', { agentId: 'a2', state: 'break', reason: 'coaching' })).ok).toBe(true);
    expect(app.hub.state.agents.get('a2')).toMatchObject({ state: 'break', reason: 'coaching' });
    expect((await cmd(sup, 'agent:move', { agentId: 'a2', queues: ['advice'] })).ok).toBe(true);
    expect(app.hub.state.queues.get('advice')!.members.has('a2')).toBe(true);
    expect(app.hub.state.queues.get('booking')!.members.has('a2')).toBe(false);
    const unknownState = await cmd(sup, 'agent:forceState', { agentId: 'a2', state: 'napping' });
    expect(unknownState).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(unknownState.error.message).toMatch(/unknown state napping/);
  });
});

describe('given the dialer ringing a lead assigned to agent a1', () => {
  it('when it holds a1 over REST, then an inbound call goes to a2, the lead\'s call to a1, and a bad or unauthorised hold is refused', async () => {
    const { url } = await hub();
    const [a1, a2] = await twoAgentsAvailable(url);

    const held = await post(url, '/api/v1/agents/a1/hold', tel, { sec: 30, ref: 'out:c:lead:1' });
    expect(held.status).toBe(200);
    expect(held.json.until).toBeGreaterThan(Date.now() + 25_000);
    const snap = await get(url, '/api/v1/snapshot', token('supervisor'));
    expect(snap.json.agents.find((a: { id: string }) => a.id === 'a1').heldUntil).toBe(held.json.until);

    // a1 is the longest idle, but held: the inbound call rings at a2.
    const inbound = waitFor<OfferDTO>(a2, 'offer:new', (o) => o.callId === 'in1');
    await post(url, '/api/v1/events', tel, { id: 'h1', type: 'call.offered', at: T(0), callId: 'in1', queue: 'booking', direction: 'inbound', from: '+84901234567' });
    expect(await inbound).toMatchObject({ agentId: 'a2', direction: 'inbound', from: maskNumber('+84901234567') });
    const lead = waitFor<OfferDTO>(a1, 'offer:new', (o) => o.callId === 'lead1');
    await post(url, '/api/v1/events', tel, { id: 'h2', type: 'call.offered', at: T(0), callId: 'lead1', queue: 'booking', direction: 'outbound', to: '+84987654321', preferredAgentId: 'a1' });
    // A campaign's call says so, with the number dialled, masked like a caller's.
    const leadOffer = await lead;
    expect(leadOffer).toMatchObject({ agentId: 'a1', direction: 'outbound', to: maskNumber('+84987654321') });
    expect(leadOffer.to).not.toContain('987654');
    expect(leadOffer.from).toBeUndefined();
    // A desk that connects again while it rings is offered the same call, as masked.
    const again: ClientSocket = connect(url, { auth: { token: token('agent', { userId: 'a1', agentId: 'a1', teamIds: ['t1'] }) }, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(again);
    const replayed = await new Promise<OfferDTO>((resolve, reject) => {
      again.once('offer:new', resolve);
      setTimeout(() => reject(new Error('no offer after connecting again')), 5000);
    });
    expect(replayed).toEqual(leadOffer);

    expect((await post(url, '/api/v1/agents/a1/hold', tel, { sec: 999 })).status).toBe(400);
    expect((await post(url, '/api/v1/agents/nobody/hold', tel, { sec: 5 })).json).toEqual({
      error: { code: 'conflict', message: 'unknown agent nobody', reason: 'unknown_agent', params: { agentId: 'nobody' } },
    });
    expect((await post(url, '/api/v1/agents/a2/hold', token('agent', { userId: 'a2', agentId: 'a2', teamIds: ['t1'] }), { sec: 5 })).status).toBe(403);
  });
});

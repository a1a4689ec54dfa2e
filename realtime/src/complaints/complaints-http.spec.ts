/**
 * The complaint detail over HTTP (the router on a real hub, real Redis, a throwaway database): its
 * history with notes and assignment, the SLA clock in business minutes, configuration changes in the
 * audit log with before and after, and the people a complaint may be assigned to.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ev, siteInput } from '../core/testing.ts';
import type { AccountsPort, AuditEntryInput } from '../hub/auth.ts';
import { startHub, token } from '../hub/testing.ts';
import { testBackends } from '../storage/testing.ts';
import { UsersRepository, type NewUser } from '../accounts/users.repository.ts';
import { complaintsMount } from './complaints.router.ts';
import { parseSiteConfig, type SiteConfigInput } from '../contracts/index.ts';
import { calls } from '../storage/schema.ts';

const redisUrl = inject('redisUrl');
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const input = siteInput({
  id: 'cphttp',
  users: [
    { id: 'sup', name: 'Phạm Thu Trang', role: 'supervisor', password: 'x' },
    { id: 'lead1', name: 'Đỗ Minh Quân', role: 'team_lead', password: 'x', teamIds: ['t1'] },
    { id: 'lead2', name: 'Bùi Thị Hoa', role: 'team_lead', password: 'x', teamIds: ['t2'] },
  ],
});
const config = parseSiteConfig(input);
const vn = (s: string) => Date.parse(`${s}+07:00`);

async function call(url: string, method: string, path: string, tok: string, body?: unknown) {
  const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.status, json: (await r.json().catch(() => undefined)) as any };
}

describe.each(testBackends())('complaint detail REST ($name)', (backend) => {
  async function setup(site: SiteConfigInput = input) {
    const db = await backend.create();
    cleanup.push(() => db.drop());
    let now = vn('2026-03-06T16:30:00'); // a Friday
    const audits: AuditEntryInput[] = [];
    // Only the audit log matters here: tokens are the test's own.
    const accounts: AccountsPort = { login: async () => null, assertCurrent: async () => undefined, audit: (e) => void audits.push(e), onRevoked: () => () => undefined };
    const { app, url } = await startHub(redisUrl, site, { accounts, mounts: [complaintsMount({ config: site === input ? config : parseSiteConfig(site), database: () => db.database, now: () => now })] });
    cleanup.push(() => app.close());
    return { app, url, audits, db, at: (s: string) => (now = vn(s)) };
  }

  it('given a complaint, notes and assignments go into its history and the SLA clock counts business minutes left, paused and overdue', async () => {
    const { url, at } = await setup();
    const sup = token('supervisor', { userId: 'sup' });
    // Taken by a1, of team t1 (lead1's).
    const opened = await call(url, 'POST', '/api/v1/complaints', sup, { category: 'vaccine-reaction', description: 'Sốt sau tiêm', agentId: 'a1' });
    expect(opened.status).toBe(201);
    const id = opened.json.id;
    // Friday 16:30 + 2 business hours: due Saturday 09:00. 16:45: 105 business minutes left.
    at('2026-03-06T16:45:00');
    let d = await call(url, 'GET', `/api/v1/complaints/${id}`, sup);
    expect(d.json.clock).toEqual({ leftMin: 105, overdueMin: 0, running: true });
    expect(d.json.assignee).toBeNull();
    expect((await call(url, 'GET', '/api/v1/complaints', sup)).json.complaints.map((c: any) => [c.id, c.assignee])).toEqual([[id, null]]);

    // Only to someone who may open it: not the lead of another team, not an unknown id.
    const refused = async (assignee: string) => {
      const r = await call(url, 'POST', `/api/v1/complaints/${id}/assign`, sup, { assignee });
      return [r.status, r.json.error.reason, r.json.error.params];
    };
    expect(await refused('lead2')).toEqual([400, 'assignee_other_team', { assignee: 'lead2' }]);
    expect(await refused('nobody')).toEqual([400, 'unknown_assignee', { assignee: 'nobody' }]);
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/assign`, sup, { assignee: 'lead1', note: 'bác sĩ trực' })).json.assignee).toBe('lead1');
    // The list says who has each complaint too (the console names them there).
    expect((await call(url, 'GET', '/api/v1/complaints', sup)).json.complaints.map((c: any) => [c.id, c.assignee])).toEqual([[id, 'lead1']]);
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/assign`, sup, { assignee: 'lead1' })).status).toBe(409);
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/notes`, sup, { note: '  ' })).status).toBe(400);
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/notes`, token('agent', { agentId: 'a1' }), { note: 'x' })).status).toBe(403);
    d = await call(url, 'POST', `/api/v1/complaints/${id}/notes`, sup, { note: 'Đã gọi lại cho khách' });
    expect(d.status).toBe(200);

    // Evening: the clock does not run (60 min left: Saturday 08:00-09:00); Saturday 08:30 waiting on the customer stops it with 30 min left.
    at('2026-03-06T20:00:00');
    expect((await call(url, 'GET', `/api/v1/complaints/${id}`, sup)).json.clock).toEqual({ leftMin: 60, overdueMin: 0, running: false });
    at('2026-03-07T08:30:00');
    await call(url, 'POST', `/api/v1/complaints/${id}/status`, sup, { status: 'waiting_on_customer' });
    at('2026-03-07T11:00:00');
    expect((await call(url, 'GET', `/api/v1/complaints/${id}`, sup)).json.clock).toEqual({ leftMin: 30, overdueMin: 0, running: false });
    // Back in progress on Monday 08:00: 30 min left from then, due 08:30; at 10:00 90 minutes over.
    at('2026-03-09T08:00:00');
    await call(url, 'POST', `/api/v1/complaints/${id}/status`, sup, { status: 'in_progress' });
    at('2026-03-09T10:00:00');
    d = await call(url, 'GET', `/api/v1/complaints/${id}`, sup);
    expect(d.json).toMatchObject({ sla: 'breached', clock: { leftMin: 0, overdueMin: 90, running: true } });
    expect(d.json.events.map((e: any) => `${e.action}:${e.toStatus}:${e.actor}:${e.note ?? ''}`)).toEqual([
      'opened:open:sup:',
      'assigned:open:sup:bác sĩ trực',
      'note:open:sup:Đã gọi lại cho khách',
      'status:waiting_on_customer:sup:',
      'status:in_progress:sup:',
    ]);
    expect(d.json.events[1].data).toEqual({ from: null, to: 'lead1' });
  });

  it('the people a complaint may be assigned to: active admins, supervisors and team leads by name, from the users table (else the configuration); other roles are refused', async () => {
    const site = siteInput({
      id: 'cphttp',
      users: [
        { id: 'sup', name: 'Phạm Thu Trang', role: 'supervisor', password: 'x' },
        { id: 'lead1', name: 'Đỗ Minh Quân', role: 'team_lead', password: 'x', teamIds: ['t1'] },
        { id: 'a1', name: 'Agent One', role: 'agent', password: 'x', agentId: 'a1', teamIds: ['t1'] },
      ],
    });
    const { url, db } = await setup(site);
    const assignees = async (tok: string) => call(url, 'GET', '/api/v1/complaints/config/assignees', tok);
    const sup = token('supervisor', { userId: 'sup' });
    // No users in the database yet (no accounts, no record writer): the configuration's, by name; no agent.
    expect(await assignees(sup)).toEqual({
      status: 200,
      json: {
        assignees: [
          { id: 'lead1', name: 'Đỗ Minh Quân', role: 'team_lead', teams: ['t1'] },
          { id: 'sup', name: 'Phạm Thu Trang', role: 'supervisor', teams: [] },
        ],
      },
    });

    // The users table is the truth once it has the site's users: an admin renamed the supervisor and
    // disabled lead2 (who left); agents and QA do not handle complaints.
    const users = new UsersRepository(db.database.db);
    await users.ensureSite({ id: 'cphttp', name: 'CP', timeZone: config.timeZone, locale: 'vi-VN', intervalMin: 15 });
    const rows: Omit<NewUser, 'access'>[] = [
      { id: 'sup', name: 'Phạm Thu Trang (trưởng ca)', role: 'supervisor' },
      { id: 'admin', name: 'Nguyễn Văn An', role: 'admin' },
      { id: 'lead1', name: 'Đỗ Minh Quân', role: 'team_lead', teamIds: ['t1'] },
      { id: 'lead2', name: 'Bùi Thị Hoa', role: 'team_lead', teamIds: ['t2'] },
      { id: 'a1', name: 'Agent One', role: 'agent', agentId: 'a1', teamIds: ['t1'] },
      { id: 'q1', name: 'Lê Kiểm Soát', role: 'qa' },
    ];
    for (const u of rows) await users.insert('cphttp', { ...u, access: [] }, null);
    await users.update('cphttp', 'lead2', { disabledAt: new Date() });
    const expected = [
      { id: 'lead1', name: 'Đỗ Minh Quân', role: 'team_lead', teams: ['t1'] },
      { id: 'admin', name: 'Nguyễn Văn An', role: 'admin', teams: [] },
      { id: 'sup', name: 'Phạm Thu Trang (trưởng ca)', role: 'supervisor', teams: [] },
    ];
    for (const tok of [sup, token('admin'), token('team_lead', { teamIds: ['t2'] })]) expect(await assignees(tok)).toEqual({ status: 200, json: { assignees: expected } });
    // lead2 back: listed again.
    await users.update('cphttp', 'lead2', { disabledAt: null });
    expect((await assignees(sup)).json.assignees.map((a: any) => a.id)).toEqual(['lead2', 'lead1', 'admin', 'sup']);

    for (const role of ['agent', 'qa'] as const) {
      const r = await assignees(token(role, { userId: 'x1', ...(role === 'agent' ? { agentId: 'a1' } : {}) }));
      expect([r.status, r.json.error.reason]).toEqual([403, 'role_may_not']);
    }
    expect((await call(url, 'GET', '/api/v1/complaints/config/assignees', '')).status).toBe(401);
  });

  it('configuration changes are audited with before and after; invalid ones answer 400 with the field', async () => {
    const { url, audits } = await setup();
    const sup = token('supervisor', { userId: 'sup' });
    const bad = await call(url, 'PUT', '/api/v1/complaints/config/routes', sup, { routes: [{ category: 'billing', department: '', slaBusinessMin: 0 }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.join(' ')).toMatch(/routes\.0\.department/);
    expect(audits).toEqual([]);
    const routes = [{ category: 'billing', department: 'finance', slaBusinessMin: 60 }];
    expect((await call(url, 'PUT', '/api/v1/complaints/config/routes', sup, { routes })).status).toBe(200);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor: { userId: 'sup', role: 'supervisor' }, action: 'complaints:config', targetId: 'routes', after: routes });
    expect((audits[0]!.before as unknown[]).length).toBeGreaterThan(5);
    expect((await call(url, 'PUT', '/api/v1/complaints/config/routes', token('team_lead', { teamIds: ['t1'] }), { routes })).status).toBe(403);
    // An agent reads the categories (the wrap-up form offers them) but may not change them.
    const agent = token('agent', { userId: 'a1', agentId: 'a1' });
    const read = await call(url, 'GET', '/api/v1/complaints/config/routes', agent);
    expect(read.status).toBe(200);
    expect(read.json.routes).toEqual(routes);
    expect((await call(url, 'PUT', '/api/v1/complaints/config/routes', agent, { routes })).status).toBe(403);
  });
  it('the complaint about a call names its customer: the number masked for a supervisor, whole for an admin, and the calls before it', async () => {
    const { url, db } = await setup();
    const d = new Date(vn('2026-03-06T09:00:00'));
    const row = (id: string) => ({
      siteId: 'cphttp', id, queueId: 'q1', lastQueueId: 'q1', path: ['q1'], direction: 'inbound', status: 'done', result: 'answered', priority: 5,
      offeredAt: d, enteredAt: d, answeredAt: d, endedAt: d, waitMs: 0, handleMs: 1000, holdMs: 0, agentId: 'a1', teamId: 't1', transfers: 0, missedOffers: 0,
      fromNumber: '+84901234567', customerId: 'tel:5e5e', skills: [], source: 'live',
    });
    await db.database.transaction((tx) => tx.insert(calls).values([row('k1'), row('k2')]));
    const sup = token('supervisor', { userId: 'sup' });
    const opened = await call(url, 'POST', '/api/v1/complaints', sup, { category: 'billing', callId: 'k2', agentId: 'a1', description: 'Bị trừ tiền hai lần' });
    expect(opened.json.customerRef).toBe('tel:5e5e');
    const id = opened.json.id as number;
    expect((await call(url, 'GET', `/api/v1/complaints/${id}`, sup)).json.customer).toEqual({ id: 'tel:5e5e', number: '+8490***4567', calls30d: 2, others: [] });
    expect((await call(url, 'GET', `/api/v1/complaints/${id}`, token('admin'))).json.customer.number).toBe('+84901234567');
    expect((await call(url, 'GET', `/api/v1/complaints/${id}`, token('agent', { agentId: 'a1' }))).json.customer.number).toBe('+8490***4567');
  });

  it('a complaint says what it is about: a blank form is refused at the description, a call id nobody knows with unknown_call; a call live on the hub or in the records is taken', async () => {
    const { app, url, db } = await setup();
    const sup = token('supervisor', { userId: 'sup' });
    const open = (body: unknown) => call(url, 'POST', '/api/v1/complaints', sup, body);
    const fields = (r: { json: any }) => (r.json.error.details as string[]).map((d) => d.split(':')[0]);
    // The console's form, sent empty: nothing is opened.
    for (const body of [{ category: 'service' }, { category: 'service', description: '   ' }, {}]) {
      const r = await open(body);
      expect([r.status, r.json.error.code, fields(r)]).toEqual([400, 'invalid', ['description']]);
    }
    // A wrap-up is about a call: without one it is refused at the call id.
    const noCall = await open({ channel: 'wrapup', category: 'service' });
    expect([noCall.status, fields(noCall)]).toEqual([400, ['callId']]);
    expect(await open({ category: 'service', description: 'Chờ lâu', callId: 'made-up-42' })).toEqual({
      status: 400,
      json: { error: { code: 'invalid', message: 'no call made-up-42', reason: 'unknown_call', params: { callId: 'made-up-42' } } },
    });
    expect((await open({ channel: 'wrapup', callId: 'made-up-42', category: 'service' })).json.error.reason).toBe('unknown_call');
    expect((await call(url, 'GET', '/api/v1/complaints', sup)).json.total).toBe(0);

    // A call ringing now (the hub's, not in the records yet), and one in the records.
    await app.hub.ingest([ev.offered('live1', 'booking', Date.now())]);
    const live = await open({ category: 'service', description: '  Khách chờ quá lâu ', callId: 'live1' });
    expect([live.status, live.json.callId, live.json.description]).toEqual([201, 'live1', 'Khách chờ quá lâu']);
    const d = new Date(vn('2026-03-06T09:00:00'));
    await db.database.transaction((tx) =>
      tx.insert(calls).values({ siteId: 'cphttp', id: 'k7', queueId: 'booking', lastQueueId: 'booking', path: ['booking'], direction: 'inbound', status: 'done', result: 'answered', priority: 5, offeredAt: d, enteredAt: d, answeredAt: d, endedAt: d, waitMs: 0, handleMs: 1000, holdMs: 0, agentId: 'a1', teamId: 't1', transfers: 0, missedOffers: 0, skills: [], source: 'live' }),
    );
    expect((await open({ channel: 'wrapup', callId: 'k7', category: 'service' })).status).toBe(201);
  });

  it('refusals answer a reason and its params beside the code and the English message (the console words the reason)', async () => {
    const { url } = await setup();
    const sup = token('supervisor', { userId: 'sup' });
    const id = (await call(url, 'POST', '/api/v1/complaints', sup, { category: 'vaccine-reaction', description: 'Sốt sau tiêm' })).json.id as number;
    const status = (body: unknown) => call(url, 'POST', `/api/v1/complaints/${id}/status`, sup, body);

    expect(await status({ status: 'resolved' })).toEqual({
      status: 400,
      json: { error: { code: 'invalid', message: 'a root-cause code is required to resolve', reason: 'root_cause_required', params: {} } },
    });
    expect(await status({ status: 'closed' })).toEqual({
      status: 409,
      json: { error: { code: 'conflict', message: 'a open complaint cannot become closed', reason: 'complaint_bad_move', params: { from: 'open', to: 'closed' } } },
    });
    expect((await status({ status: 'resolved', rootCause: 'nope' })).json.error).toEqual({ code: 'invalid', message: 'unknown root-cause code nope', reason: 'unknown_root_cause', params: { code: 'nope' } });
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/reopen`, sup, {})).json.error).toMatchObject({ code: 'conflict', reason: 'complaint_not_reopenable', params: { status: 'open' } });
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/assign`, sup, { assignee: null })).json.error).toMatchObject({ code: 'conflict', message: 'not assigned', reason: 'not_assigned' });
    expect(await call(url, 'GET', '/api/v1/complaints/987654', sup)).toEqual({
      status: 404,
      json: { error: { code: 'not_found', message: 'no complaint 987654', reason: 'complaint_not_found', params: { id: '987654' } } },
    });
    const otherLead = await call(url, 'GET', `/api/v1/complaints/${id}`, token('team_lead', { teamIds: ['elsewhere'] }));
    expect([otherLead.status, otherLead.json.error]).toEqual([403, { code: 'forbidden', message: 'not a complaint of your teams', reason: 'not_your_complaint', params: {} }]);
    // A body that fails its schema has no reason: the console words it by its code and lists the fields.
    const bad = await call(url, 'PATCH', `/api/v1/complaints/${id}`, sup, { priority: 'urgent', colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'invalid', message: 'invalid request' });
    expect(bad.json.error.reason).toBeUndefined();
    expect(bad.json.error.details.map((d: string) => d.split(':')[0])).toEqual(expect.arrayContaining(['priority']));
    // The route guard: a role the endpoint does not serve.
    const qa = await call(url, 'GET', '/api/v1/complaints', token('qa', { userId: 'q1' }));
    expect([qa.status, qa.json.error]).toEqual([
      403,
      { code: 'forbidden', message: 'role qa may not use: GET /api/v1/complaints', reason: 'role_may_not', params: { role: 'qa', action: 'use', request: 'GET /api/v1/complaints' } },
    ]);
  });
});

describe('complaints REST when the database fails', () => {
  it('answers 500 internal with the reason internal_error, and the hub goes on answering', async () => {
    // A database whose every query throws (a dropped connection, a broken table).
    const broken = new Proxy({}, { get: () => { throw new Error('connection terminated'); } }) as never;
    const { app, url } = await startHub(redisUrl, input, { mounts: [complaintsMount({ config, database: () => broken })] });
    cleanup.push(() => app.close());
    const r = await call(url, 'GET', '/api/v1/complaints', token('supervisor'));
    expect([r.status, r.json.error]).toEqual([500, { code: 'internal', message: 'internal error', reason: 'internal_error', params: {} }]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('complaints REST without a database', () => {
  it('answers 503 unavailable with the reason no_database', async () => {
    const { app, url } = await startHub(redisUrl, input, { mounts: [complaintsMount({ config, database: () => undefined })] });
    cleanup.push(() => app.close());
    expect((await call(url, 'GET', '/api/v1/complaints/config/assignees', token('supervisor'))).status).toBe(503);
    const r = await call(url, 'GET', '/api/v1/complaints', token('supervisor'));
    expect([r.status, r.json.error]).toEqual([
      503,
      { code: 'unavailable', message: 'no database: complaints need one (DATABASE_URL or PGlite)', reason: 'no_database', params: { area: 'complaints' } },
    ]);
  });
});


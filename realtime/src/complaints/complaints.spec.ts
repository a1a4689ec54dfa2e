import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../storage/records.ts';
import { calls } from '../storage/schema.ts';
import { testBackends, type TestDatabase } from '../storage/testing.ts';
import { ComplaintsService } from './complaints.service.ts';

const vn = (s: string) => Date.parse(`${s}+07:00`);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16));

const dbs: TestDatabase[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.drop();
});

function call(id: string, over: Partial<CallRecord>): CallRecord {
  const at = new Date(vn('2026-03-04T10:00:00'));
  return {
    siteId: 's1', id, queueId: 'complaints', lastQueueId: 'complaints', path: ['complaints'], direction: 'inbound', status: 'done', result: 'answered',
    priority: 5, offeredAt: at, enteredAt: at, answeredAt: at, abandonedAt: null, endedAt: at, wrapEndAt: at, waitMs: 0, handleMs: 1000, holdMs: 0,
    agentId: 'a1', teamId: 't1', transfers: 0, missedOffers: 0, endedBy: null, disposition: null, notes: null, revenue: null, surveyScore: null,
    campaignId: null, leadId: null, fromNumber: null, toNumber: null, skills: [], attributes: null, source: 'live', ...over,
  };
}

describe.each(testBackends())('complaints ($name)', (backend) => {
  const setup = async (now: number) => {
    const db = await backend.create();
    dbs.push(db);
    let t = now;
    const svc = new ComplaintsService(db.database, { now: () => t });
    return { db, svc, at: (s: string) => (t = vn(s)) };
  };

  it('given a medical complaint on Friday 16:30, when opened then it goes to the medical department, due Monday 11:00 (8 business hours)', async () => {
    const { svc } = await setup(vn('2026-03-06T16:30:00'));
    const { complaint, created } = await svc.openComplaint({ siteId: 's1', channel: 'form', category: 'medical', description: 'Sốt cao sau tiêm', customerRef: 'KH-1' });
    expect(created).toBe(true);
    expect(complaint).toMatchObject({ status: 'open', department: 'medical', category: 'medical', slaBusinessMin: 480, sla: 'ok', reopenCount: 0 });
    expect(iso(complaint.dueAt)).toBe('2026-03-09T11:00');
    // An unknown category is routed as `other`.
    const other = await svc.openComplaint({ siteId: 's1', channel: 'form', category: 'parking' });
    expect(other.complaint).toMatchObject({ category: 'other', department: 'customer-care' });
  });

  it('given configured routes and a holiday, when opened then the site configuration applies', async () => {
    const { svc } = await setup(vn('2026-03-06T16:30:00'));
    await svc.setRoutes('s1', [{ category: 'billing', department: 'finance', slaBusinessMin: 60 }, { category: 'other', department: 'front-desk', slaBusinessMin: 120 }]);
    await svc.setBusinessHours('s1', { timeZone: 'Asia/Ho_Chi_Minh', hours: { 1: [['08:00', '17:00']], 2: [['08:00', '17:00']], 5: [['08:00', '17:00']] }, holidays: ['2026-03-09'] });
    const c = (await svc.openComplaint({ siteId: 's1', channel: 'form', category: 'billing' })).complaint;
    expect(c.department).toBe('finance');
    // Friday 16:30-17:00 = 30 min, Saturday/Sunday closed, Monday a holiday: Tuesday 08:30.
    expect(iso(c.dueAt)).toBe('2026-03-10T08:30');
    expect((await svc.openComplaint({ siteId: 's1', channel: 'form', category: 'medical' })).complaint.department).toBe('front-desk');
    await expect(svc.setBusinessHours('s1', { timeZone: 'Asia/Ho_Chi_Minh', hours: { 1: [['18:00', '08:00']] }, holidays: [] })).rejects.toThrow(/bad span/);
  });

  it('given a complaint, it moves through the flow with a root cause, is closed and reopened, and every step is in its history', async () => {
    const { svc, at } = await setup(vn('2026-03-06T16:30:00'));
    const { complaint } = await svc.openComplaint({ siteId: 's1', channel: 'form', category: 'medical', actor: 'sup' });
    at('2026-03-06T16:45:00');
    await svc.setStatus('s1', complaint.id, 'in_progress', { actor: 'sup' });
    at('2026-03-06T17:00:00');
    expect((await svc.setStatus('s1', complaint.id, 'waiting_on_customer', { note: 'called back, no answer' })).sla).toBe('paused');
    at('2026-03-10T08:00:00');
    const resumed = await svc.setStatus('s1', complaint.id, 'in_progress');
    expect(iso(resumed.dueAt)).toBe('2026-03-10T16:30');
    await expect(svc.setStatus('s1', complaint.id, 'resolved')).rejects.toMatchObject({ code: 'invalid' });
    await expect(svc.setStatus('s1', complaint.id, 'resolved', { rootCause: 'nonsense' })).rejects.toMatchObject({ code: 'invalid' });
    await expect(svc.setStatus('s1', complaint.id, 'closed')).rejects.toMatchObject({ code: 'conflict' });
    at('2026-03-10T15:00:00');
    const resolved = await svc.setStatus('s1', complaint.id, 'resolved', { rootCause: 'clinical' });
    expect(resolved).toMatchObject({ status: 'resolved', rootCause: 'clinical', sla: 'ok' });
    await svc.setStatus('s1', complaint.id, 'closed');
    at('2026-03-11T09:00:00');
    const reopened = await svc.reopen('s1', complaint.id, { note: 'still feverish' });
    expect(reopened).toMatchObject({ status: 'in_progress', reopenCount: 1, resolvedAt: null, closedAt: null });
    expect(iso(reopened.dueAt)).toBe('2026-03-12T08:30');
    await expect(svc.reopen('s1', complaint.id)).rejects.toMatchObject({ code: 'conflict' });
    const full = await svc.get('s1', complaint.id);
    expect(full.events.map((e) => `${e.action}:${e.fromStatus ?? ''}>${e.toStatus}`)).toEqual([
      'opened:>open',
      'status:open>in_progress',
      'status:in_progress>waiting_on_customer',
      'status:waiting_on_customer>in_progress',
      'status:in_progress>resolved',
      'status:resolved>closed',
      'reopened:closed>in_progress',
    ]);
    await expect(svc.get('s1', 999_999)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('given call records, when a wrap-up says complaint or a survey score is low then one complaint each opens, once', async () => {
    const { db, svc } = await setup(vn('2026-03-04T12:00:00'));
    const rows = [
      call('c1', { disposition: 'complaint', notes: 'Chờ quá lâu' }),
      call('c2', { surveyScore: 2 }),
      call('c3', { surveyScore: 9, disposition: 'info' }),
      call('c4', { surveyScore: 4, disposition: 'complaint' }),
    ];
    const n = await db.database.transaction((tx) => svc.intakeFromCalls('s1', rows, tx));
    expect(n).toBe(4); // c1 (wrap-up), c2 (survey), c4 (both)
    expect(await db.database.transaction((tx) => svc.intakeFromCalls('s1', rows, tx))).toBe(0);
    const list = await svc.list('s1');
    expect(list.total).toBe(4);
    expect(list.complaints.map((c) => `${c.callId}:${c.channel}`).sort()).toEqual(['c1:wrapup', 'c2:survey', 'c4:survey', 'c4:wrapup']);
    expect(list.complaints.find((c) => c.callId === 'c2')).toMatchObject({ priority: 'high', department: 'customer-care', agentId: 'a1', teamId: 't1' });
    expect(await svc.openFromSurvey({ siteId: 's1', score: 4, scale: '1-5', callId: 'c9' })).toBeNull();
    expect((await svc.openFromSurvey({ siteId: 's1', score: 1, scale: '1-5', callId: 'c9' }))?.created).toBe(true);
    expect((await svc.list('s1', { teamIds: ['t2'] })).total).toBe(0);
    expect(await svc.countOpened('s1', vn('2026-03-04T00:00:00'), vn('2026-03-05T00:00:00'), { scope: 'agent', id: 'a1' })).toBe(4);
  });

  it('given a customer who called three times in a month and complained twice, each complaint shows who complained: the number masked, the calls up to it and the other complaint', async () => {
    const { db, svc } = await setup(vn('2026-03-04T12:00:00'));
    const who = { customerId: 'tel:0a1b2c', fromNumber: '+84901234567' };
    const at = (s: string) => {
      const d = new Date(vn(s));
      return { offeredAt: d, enteredAt: d, answeredAt: d, endedAt: d, wrapEndAt: d };
    };
    const rows = [
      call('old', { ...who, ...at('2026-01-20T09:00:00') }), // over 30 days before: not counted
      call('c0', { ...who, ...at('2026-02-20T09:00:00') }),
      call('c1', { ...who, ...at('2026-03-04T10:00:00'), disposition: 'complaint', notes: 'Chờ quá lâu' }),
      call('c2', { ...who, ...at('2026-03-04T11:00:00'), surveyScore: 1 }),
      call('out', { direction: 'outbound', customerId: 'tel:ffee', toNumber: '+84987654321', fromNumber: '1900 1234', ...at('2026-03-04T09:00:00') }),
      call('anon', { ...at('2026-03-04T09:30:00') }),
    ];
    await db.database.transaction((tx) => tx.insert(calls).values(rows));
    await db.database.transaction((tx) => svc.intakeFromCalls('s1', rows, tx));
    const by = new Map((await svc.list('s1')).complaints.map((c) => [c.callId, c]));
    // The intake names the call's customer.
    expect(by.get('c1')?.customerRef).toBe('tel:0a1b2c');
    const first = await svc.get('s1', by.get('c1')!.id);
    expect(first.customer).toEqual({
      id: 'tel:0a1b2c',
      number: '+8490***4567',
      calls30d: 2, // c0 and c1; c2 came after this complaint
      others: [{ id: by.get('c2')!.id, status: 'open', category: 'service', openedAt: vn('2026-03-04T11:00:00') }],
    });
    const second = await svc.get('s1', by.get('c2')!.id, { showNumbers: true });
    expect(second.customer).toMatchObject({ number: '+84901234567', calls30d: 3, others: [{ id: by.get('c1')!.id }] });

    // A complaint written in by hand about a call is that call's customer's; an outbound call's customer is the one dialed.
    const typed = await svc.openComplaint({ siteId: 's1', channel: 'form', category: 'billing', callId: 'out' });
    expect(typed.complaint.customerRef).toBe('tel:ffee');
    expect((await svc.get('s1', typed.complaint.id)).customer).toEqual({ id: 'tel:ffee', number: '+8498***4321', calls30d: 1, others: [] });
    // A call without a number or customer, and a complaint with neither: nobody to show.
    const anon = await svc.openComplaint({ siteId: 's1', channel: 'form', category: 'service', callId: 'anon' });
    expect((await svc.get('s1', anon.complaint.id)).customer).toBeNull();
    const none = await svc.openComplaint({ siteId: 's1', channel: 'form', category: 'service' });
    expect((await svc.get('s1', none.complaint.id)).customer).toBeNull();
  });

  it('given a wrap-up whose form set a category and a high severity, when it is taken in then the complaint is routed by that category, high priority, described by the notes alone', async () => {
    const { db, svc } = await setup(vn('2026-03-04T12:00:00'));
    const rows = [
      call('c1', { disposition: 'complaint', notes: 'category: vaccine-reaction\nseverity: high\nBé sốt 39 độ sau mũi 6 trong 1' }),
      call('c2', { disposition: 'complaint', notes: 'category: billing\nseverity: low\nHóa đơn sai số tiền' }),
      // No category line: the call's attribute, else `service`; a line later in the notes is text, not a field.
      call('c3', { disposition: 'complaint', notes: 'Chờ lâu\ncategory: billing' }),
    ];
    await db.database.transaction((tx) => svc.intakeFromCalls('s1', rows, tx));
    const by = new Map((await svc.list('s1')).complaints.map((c) => [c.callId, c]));
    expect(by.get('c1')).toMatchObject({ category: 'vaccine-reaction', department: 'medical', priority: 'high', description: 'Bé sốt 39 độ sau mũi 6 trong 1' });
    expect(by.get('c2')).toMatchObject({ category: 'billing', department: 'finance', priority: 'normal', description: 'Hóa đơn sai số tiền' });
    expect(by.get('c3')).toMatchObject({ category: 'service', department: 'customer-care', description: 'Chờ lâu\ncategory: billing' });
  });

  it('given a week of complaints, the summary of Wednesday counts what came in, what was resolved within the SLA, the root causes and the backlog at the day\'s end', async () => {
    const { svc, at } = await setup(vn('2026-03-02T09:00:00'));
    await svc.setBusinessHours('s1', { timeZone: 'Asia/Ho_Chi_Minh', hours: { 1: [['08:00', '17:00']], 2: [['08:00', '17:00']], 3: [['08:00', '17:00']], 4: [['08:00', '17:00']], 5: [['08:00', '17:00']] }, holidays: [] });
    await svc.setRoutes('s1', [
      { category: 'medical', department: 'medical', slaBusinessMin: 480 },
      { category: 'billing', department: 'finance', slaBusinessMin: 240 },
      { category: 'service', department: 'customer-care', slaBusinessMin: 960 },
      { category: 'stock', department: 'warehouse', slaBusinessMin: 480 },
    ]);
    const open = async (when: string, o: { channel?: 'form' | 'wrapup' | 'survey'; category: string; team?: string; priority?: 'high' }) => {
      at(when);
      return (await svc.openComplaint({ siteId: 's1', channel: o.channel ?? 'form', category: o.category, teamId: o.team ?? 't1', priority: o.priority })).complaint.id;
    };
    const move = async (when: string, id: number, to: 'in_progress' | 'waiting_on_customer' | 'resolved', rootCause?: string) => {
      at(when);
      await svc.setStatus('s1', id, to, { rootCause });
    };
    const c4 = await open('2026-03-02T09:00:00', { category: 'medical' }); // due Mon 17:00, never resolved
    void c4;
    const c1 = await open('2026-03-03T10:00:00', { category: 'medical' }); // due Wed 09:00
    const c7 = await open('2026-03-04T08:00:00', { category: 'medical' }); // due Wed 16:00, but waiting on the customer from 08:10
    await move('2026-03-04T08:05:00', c7, 'in_progress');
    await move('2026-03-04T08:10:00', c7, 'waiting_on_customer');
    await move('2026-03-04T08:30:00', c1, 'resolved', 'clinical'); // 7.5 business hours, in time
    await open('2026-03-04T09:00:00', { category: 'stock', team: 't2' }); // due Wed 17:00, never resolved
    const c2 = await open('2026-03-04T10:00:00', { category: 'billing', priority: 'high' }); // due Wed 14:00
    await open('2026-03-04T11:00:00', { channel: 'wrapup', category: 'service' }); // due Fri 09:00
    const c6 = await open('2026-03-04T15:00:00', { channel: 'survey', category: 'billing' }); // resolved Thursday
    await move('2026-03-04T16:00:00', c2, 'resolved', 'billing-error'); // 6 business hours, late
    await move('2026-03-05T10:00:00', c6, 'resolved', 'billing-error');
    at('2026-03-06T12:00:00');

    const day = await svc.summary('s1', vn('2026-03-04T00:00:00'), vn('2026-03-05T00:00:00'));
    expect(day.total).toMatchObject({ opened: 5, high: 1, resolved: 2, withSla: 2, inSla: 1, slaMetPct: 50, medianResolveH: 6.8, backlog: 5, overdue: 2 });
    expect(day.byChannel).toEqual({ form: 3, wrapup: 1, survey: 1 });
    expect(day.byDepartment.map((d) => [d.code, d.opened, d.high, d.resolved, d.slaMetPct, d.medianResolveH, d.backlog, d.overdue])).toEqual([
      ['finance', 2, 1, 1, 0, 6, 1, 0],
      ['medical', 1, 0, 1, 100, 7.5, 2, 1],
      ['customer-care', 1, 0, 0, null, null, 1, 0],
      ['warehouse', 1, 0, 0, null, null, 1, 1],
    ]);
    expect(day.byCategory.map((c) => [c.code, c.opened, c.backlog])).toEqual([
      ['billing', 2, 1],
      ['medical', 1, 2],
      ['service', 1, 1],
      ['stock', 1, 1],
    ]);
    expect(day.rootCauses).toEqual([
      { code: 'billing-error', label: 'Billing error', count: 1 },
      { code: 'clinical', label: 'Clinical issue (reaction, treatment)', count: 1 },
    ]);
    // A team's summary leaves the other team's complaint out; Thursday resolves the survey complaint.
    expect((await svc.summary('s1', vn('2026-03-04T00:00:00'), vn('2026-03-05T00:00:00'), { scope: 'team', id: 't1' })).total).toMatchObject({ opened: 4, backlog: 4, overdue: 1 });
    const thu = await svc.summary('s1', vn('2026-03-05T00:00:00'), vn('2026-03-06T00:00:00'));
    expect(thu.total).toMatchObject({ opened: 0, resolved: 1, inSla: 1, backlog: 4, overdue: 2 });
  });
});

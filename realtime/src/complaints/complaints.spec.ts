import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../storage/records.ts';
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
});

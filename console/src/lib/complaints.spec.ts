import { describe, expect, it } from 'vitest';
import { assigneeGroups, businessTime, causeName, clockText, complaintText, eventText, mayMove, openProblems, personName } from './complaints.ts';
import { ApiError } from './api-fail.ts';
import { DEFAULT_COMPLAINT_ROOT_CAUSES } from '$contracts/records.ts';
import { MESSAGES, type MessageKey } from './messages.ts';

const tr = (lang: 'vi' | 'en') => (k: MessageKey, vars?: Record<string, string | number>) => {
  let s: string = MESSAGES[lang][k];
  for (const [n, v] of Object.entries(vars ?? {})) s = s.split(`{${n}}`).join(String(v));
  return s;
};

describe('complaint detail in words', () => {
  it('a low survey score without a comment is said in the page\'s language; a description is shown as written', () => {
    expect(complaintText({ description: null, surveyScore: 2.5 }, tr('vi'))).toBe('Điểm khảo sát thấp: 2,5/10');
    expect(complaintText({ description: null, surveyScore: 0 }, tr('en'))).toBe('Low survey score: 0/10');
    expect(complaintText({ description: 'Chờ lâu', surveyScore: 1 }, tr('en'))).toBe('Chờ lâu');
    expect(complaintText({ description: null, surveyScore: null }, tr('vi'))).toBe('');
  });

  it('root causes: a default one named in the page\'s language, a site\'s own label as written, an unknown code as it is', () => {
    expect(causeName('vi', 'wait-time', 'Long wait on the hotline')).toBe('Chờ lâu trên tổng đài');
    expect(causeName('vi', 'wait-time')).toBe('Chờ lâu trên tổng đài');
    expect(causeName('en', 'customer-expectation', 'Customer expectation (no fault found)')).toBe('Customer expectation (no fault found)');
    // A site that renamed a default cause keeps its name, in both languages.
    expect(causeName('en', 'wait-time', 'Chờ máy quá 5 phút')).toBe('Chờ máy quá 5 phút');
    expect(causeName('vi', 'parking', 'Không có chỗ đỗ xe')).toBe('Không có chỗ đỗ xe');
    expect(causeName('vi', 'parking')).toBe('parking');
    expect(causeName('vi', null)).toBe('–');
    // Every default code has its names.
    for (const c of DEFAULT_COMPLAINT_ROOT_CAUSES) {
      expect(causeName('vi', c.code, c.label)).not.toBe(c.label);
      expect(causeName('en', c.code, c.label)).toBe(c.label);
    }
  });

  it('business minutes read as hours and minutes in both languages', () => {
    expect(businessTime(105, tr('vi'))).toBe('1 giờ 45 phút');
    expect(businessTime(120, tr('en'))).toBe('2 h');
    expect(businessTime(30, tr('en'))).toBe('30 min');
  });

  it('the SLA clock: left, under an hour left, paused, overdue, resolved late', () => {
    const en = tr('en');
    expect(clockText({ leftMin: 105, overdueMin: 0, running: true }, 'in_progress', en)).toEqual({ text: '1 h 45 min of business time left', level: 'ok' });
    expect(clockText({ leftMin: 45, overdueMin: 0, running: false }, 'open', en).level).toBe('warn');
    expect(clockText({ leftMin: 30, overdueMin: 0, running: false }, 'waiting_on_customer', en).text).toContain('Paused');
    expect(clockText({ leftMin: 0, overdueMin: 90, running: true }, 'in_progress', tr('vi'))).toEqual({ text: 'Quá hạn 1 giờ 30 phút làm việc', level: 'bad' });
    expect(clockText({ leftMin: null, overdueMin: 15, running: false }, 'closed', en).level).toBe('bad');
    expect(clockText({ leftMin: null, overdueMin: null, running: false }, 'open', en).level).toBe('none');
  });

  it('history events in words', () => {
    const e = { at: 0, actor: 'sup', fromStatus: 'open', toStatus: 'in_progress', note: null, data: null };
    expect(eventText({ ...e, action: 'status' }, tr('vi'))).toBe('Mới → Đang xử lý');
    expect(eventText({ ...e, action: 'assigned', data: { from: null, to: 'lead1' } }, tr('en'))).toBe('Assigned to lead1');
    expect(eventText({ ...e, action: 'assigned', data: { from: null, to: 'lead1' } }, tr('vi'), (id) => (id === 'lead1' ? 'Đỗ Minh Quân' : id))).toBe('Giao cho Đỗ Minh Quân');
    expect(eventText({ ...e, action: 'assigned', data: { from: 'lead1', to: null } }, tr('vi'), () => 'x')).toBe('Bỏ giao việc');
    expect(eventText({ ...e, action: 'opened', data: { channel: 'wrapup', department: 'medical' } }, tr('vi'))).toBe('Ghi nhận (sau cuộc gọi), chuyển bộ phận Khối y tế');
    // A site's own department code has no name: shown as typed.
    expect(eventText({ ...e, action: 'opened', data: { channel: 'form', department: 'pharmacy' } }, tr('en'))).toBe('Opened (form), routed to pharmacy');
  });
});

describe('people by name', () => {
  const people = [
    { id: 'lead1', name: 'Đỗ Minh Quân', role: 'team_lead' as const, teams: ['t1'] },
    { id: 'admin', name: 'Nguyễn Văn An', role: 'admin' as const, teams: [] },
    { id: 'sup', name: 'Phạm Thu Trang', role: 'supervisor' as const, teams: [] },
    { id: 'lead2', name: 'Trần Hải', role: 'team_lead' as const, teams: ['t2'] },
  ];

  it('a user id reads as the name of the first list that knows it, else as itself', () => {
    const agents = [{ id: 'a01', name: 'Nguyễn Thị Lan' }];
    expect(personName('lead1', people, agents)).toBe('Đỗ Minh Quân');
    expect(personName('a01', people, agents)).toBe('Nguyễn Thị Lan');
    expect(personName('lead1', [{ id: 'lead1', name: 'Trưởng nhóm 1' }], people)).toBe('Trưởng nhóm 1');
    // A user removed since, or a page that may not read the people: the id.
    expect(personName('old9', people, agents)).toBe('old9');
    expect(personName('lead1')).toBe('lead1');
  });

  it('the people to assign to come grouped by role, supervisors first, in the order the hub sent them', () => {
    expect(assigneeGroups(people).map((g) => [g.role, g.people.map((p) => p.id)])).toEqual([
      ['supervisor', ['sup']],
      ['team_lead', ['lead1', 'lead2']],
      ['admin', ['admin']],
    ]);
    expect(assigneeGroups(people.filter((p) => p.role === 'team_lead')).map((g) => g.role)).toEqual(['team_lead']);
    expect(assigneeGroups([])).toEqual([]);
  });
});

describe('the complaint forms', () => {
  it('the status filter names each choice once: the unresolved ones are not called like one status of them', () => {
    for (const lang of ['vi', 'en'] as const) {
      const m = MESSAGES[lang];
      const options = [m.cpActive, m.cpAll, m.cps_open, m.cps_in_progress, m.cps_waiting_on_customer, m.cps_resolved, m.cps_closed];
      expect(new Set(options).size, options.join(' | ')).toBe(options.length);
    }
    expect([MESSAGES.vi.cpActive, MESSAGES.en.cpActive]).toEqual(['Chưa giải quyết', 'Unresolved']);
  });

  it('a complaint is resolved only with a root cause someone chose; other moves need only the status', () => {
    expect(mayMove('resolved', undefined)).toBe(false);
    expect(mayMove('resolved', '')).toBe(false);
    expect(mayMove('resolved', 'wait-time')).toBe(true);
    expect(mayMove('in_progress', undefined)).toBe(true);
    expect(mayMove('reopen', '')).toBe(true);
    expect(mayMove('', 'wait-time')).toBe(false);
    expect(mayMove(undefined, undefined)).toBe(false);
  });

  it('the hub\'s refusal of a new complaint goes beside its field, in Vietnamese and English; anything else above the list', () => {
    // POST /api/v1/complaints with the form left empty, then with a made-up call id (complaints.router.ts).
    const blank = new ApiError(400, { code: 'invalid', message: 'invalid request', details: ['description: Invalid input: expected string, received undefined'] });
    expect(openProblems(blank, 'vi')).toEqual({ fields: { description: 'Bắt buộc' }, general: '' });
    expect(openProblems(blank, 'en')).toEqual({ fields: { description: 'Required' }, general: '' });
    const call = new ApiError(400, { code: 'invalid', message: 'no call x9', reason: 'unknown_call', params: { callId: 'x9' } });
    expect(openProblems(call, 'vi')).toEqual({ fields: { callId: 'Không tìm thấy cuộc gọi x9' }, general: '' });
    expect(openProblems(call, 'en')).toEqual({ fields: { callId: 'Call x9 was not found' }, general: '' });
    // A field the form does not have, and a refusal of another kind: above the list.
    const both = new ApiError(400, { code: 'invalid', message: 'invalid request', details: ['description: Too small: expected string to have >=1 characters', 'priority: Invalid option'] });
    expect(openProblems(both, 'vi')).toEqual({ fields: { description: 'Bắt buộc' }, general: 'Dữ liệu không hợp lệ: description, priority' });
    expect(openProblems(new ApiError(503, { code: 'unavailable', message: 'no database' }), 'en')).toEqual({ fields: {}, general: MESSAGES.en.afc_unavailable });
  });
});

/**
 * Reports and complaints over HTTP (the routers mounted on a real hub, real Redis, a throwaway
 * database): a small known day, its report as JSON, CSV and a printable page, targets with the causes
 * of a miss, and the complaint flow with its role checks.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig } from '../contracts/index.ts';
import { ev, ready, siteInput, t } from '../core/testing.ts';
import { startHub, token } from '../hub/testing.ts';
import { complaintsMount } from '../complaints/complaints.router.ts';
import { createRecordState, recordsFromEvents } from '../storage/records.ts';
import { RecordsRepository } from '../storage/records.repository.ts';
import { testBackends, type TestDatabase } from '../storage/testing.ts';
import { reportsMount } from './reports.router.ts';

const redisUrl = inject('redisUrl');
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const input = siteInput({ id: 'http' });
const config = parseSiteConfig(input);

/** Monday 2 March 2026 from 08:00: 4 booking calls; 2 answered within 20 s, 1 after 60 s, 1 abandoned after 30 s; one booking of 1,234,500 đồng. */
function day() {
  return [
    ...ready(t(0), 'a1', 'a2'),
    ev.offered('c1', 'booking', t(10)),
    ev.answered('c1', 'a1', t(20)),
    ev.offered('c2', 'booking', t(30)),
    ev.answered('c2', 'a2', t(90)),
    ev.offered('c3', 'booking', t(100)),
    ev.abandoned('c3', t(130)),
    ev.ended('c1', t(200)),
    ev.outcome('c1', t(205), { disposition: 'booked', revenue: 1_234_500 }),
    ev.offered('c4', 'booking', t(300)),
    ev.answered('c4', 'a1', t(305)),
    ev.ended('c2', t(310)),
    ev.ended('c4', t(400)),
    ev.outcome('c4', t(405), { disposition: '??' }),
    ev.logout('a1', t(3600)),
    ev.logout('a2', t(3600)),
  ];
}

async function call(url: string, method: string, path: string, tok: string, body?: unknown) {
  const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, text, type: r.headers.get('content-type') ?? '', disposition: r.headers.get('content-disposition') ?? '' };
}

describe.each(testBackends())('reports and complaints REST ($name)', (backend) => {
  async function setup() {
    const db: TestDatabase = await backend.create();
    cleanup.push(() => db.drop());
    const state = createRecordState(config);
    const batch = recordsFromEvents(day(), state);
    const repo = new RecordsRepository(db.database);
    await repo.syncSite(config);
    await repo.writeBatch(config.id, batch);
    const now = Date.parse('2026-03-06T16:30:00+07:00');
    const { app, url } = await startHub(redisUrl, input, {
      mounts: [reportsMount({ config, database: () => db.database }), complaintsMount({ config, database: () => db.database, now: () => now })],
    });
    cleanup.push(() => app.close());
    return { url, db };
  }

  it('daily report as JSON, CSV and a printable page; a missed SL target is explained by volume over forecast and an absent agent', async () => {
    const { url } = await setup();
    const sup = token('supervisor');
    await call(url, 'PUT', '/api/v1/reports/forecasts', sup, { scope: 'site', day: '2026-03-02', offered: 2, agents: 3 });
    await call(url, 'PUT', '/api/v1/reports/targets', sup, { scope: 'site', metric: 'ahtSec', kind: 'max', target: 300, validFrom: '2026-03-01' });
    const r = await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-02', sup);
    expect(r.status).toBe(200);
    expect(r.json.total).toMatchObject({ offered: 4, answered: 3, abandoned: 1, answeredWithinT: 2, serviceLevelPct: 50, handled: 3, staffedAgents: 2 });
    // Offered counts on queues and the site; teams and agents count what they handled. advice: a1 staffed, no calls.
    expect(r.json.breakdown.map((b: any) => `${b.scope}:${b.id}:${b.values.offered}/${b.values.handled}/${b.values.staffedAgents}`)).toEqual([
      'queue:advice:0/0/1',
      'queue:booking:4/3/2',
      'team:t1:0/3/2',
      'agent:a1:0/2/1',
      'agent:a2:0/1/1',
    ]);
    const sl = r.json.targets.find((x: any) => x.metric === 'serviceLevelPct');
    expect(sl).toMatchObject({ kind: 'min', target: 80, actual: 50, met: false });
    expect(sl.causes).toEqual(['volume was 100% over forecast (4 calls vs 2)', '1 agent absent (2 staffed of 3 scheduled)']);
    expect(r.json.targets.find((x: any) => x.metric === 'ahtSec')).toMatchObject({ met: true, causes: [] });
    // Data-entry quality: a1 handled c1 (booked) and c4 ('??', not a known code); a2 recorded nothing.
    expect(r.json.quality.map((q: any) => `${q.agentId}:${q.handled}/${q.complete}/${q.valid}`)).toEqual(['a2:1/0/0', 'a1:2/2/1']);

    const csv = await call(url, 'GET', '/api/v1/reports/daily.csv?date=2026-03-02&scope=queue&id=booking', sup);
    expect(csv.type).toContain('text/csv');
    expect(csv.disposition).toContain('daily-http-queue-booking-2026-03-02.csv');
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('section,scope,id,name,start,' + 'offered,answered,abandoned,shortAbandoned,serviceLevelPct,abandonRatePct,asaSec,ahtSec,maxWaitSec,handled,occupancyPct,utilizationPct,staffedAgents,volumePerAgent,transferRatePct,attempts,connectivityRatePct,conversionRatePct,revenue,adherencePct,conformancePct');
    expect(lines[1]).toMatch(/^total,queue,booking,Booking,2026-03-02,4,3,1,0,50,/);

    const html = await call(url, 'GET', '/api/v1/reports/weekly.html?date=2026-03-04', sup);
    expect(html.type).toContain('text/html');
    expect(html.text).toContain('Weekly report: Callboard (2026-03-02 to 2026-03-08)');
    expect(html.text).toContain('<td>2026-03-02</td><td>4</td>');

    // The causes as data beside the English sentences.
    expect(sl.causeDetails).toEqual([
      { kind: 'volume', pct: 100, actual: 4, expected: 2, basis: 'forecast', text: sl.causes[0] },
      { kind: 'absent', actual: 2, expected: 3, basis: 'forecast', agents: 1, text: sl.causes[1] },
    ]);

    const NBSP = '\u00a0';
    // The printable page in Vietnamese: headings, metric names, causes, lines' names, 1,5 and đồng as Vietnamese writes them.
    const vi = await call(url, 'GET', '/api/v1/reports/daily.html?date=2026-03-02&lang=vi', sup);
    expect(vi.status).toBe(200);
    expect(vi.text).toContain('<html lang="vi">');
    expect(vi.text).toContain('<h1>Báo cáo ngày: Callboard (02/03/2026)</h1>');
    for (const h of ['Tổng hợp', 'Mục tiêu và thực tế', 'So với dự kiến', 'Theo khoảng thời gian', 'Chi tiết', 'Chất lượng nhập liệu CRM']) expect(vi.text).toContain(`<h2>${h}</h2>`);
    expect(vi.text).toContain('<th title="serviceLevelPct">Mức phục vụ (%)</th>');
    expect(vi.text).toContain('<td title="serviceLevelPct">Mức phục vụ (%)</td><td>≥ 80</td><td>50</td><td>không đạt</td>');
    expect(vi.text).toContain(`<td>Lượng cuộc gọi cao hơn dự báo 100${NBSP}% (4 cuộc so với 2); 1 điện thoại viên vắng mặt (2 làm việc trên 3 theo lịch)</td>`);
    expect(vi.text).toContain(`<li>Lượng cuộc gọi cao hơn dự báo 100${NBSP}% (4 cuộc so với 2)</li>`);
    expect(vi.text).toContain('<td>line: Đặt lịch</td>');
    expect(vi.text).toContain('<td>1,50</td>'); // calls per agent: 3 / 2
    expect(vi.text).toContain(`<td>1.234.500${NBSP}₫</td>`);
    expect(vi.text).not.toMatch(/Totals|Targets|Service level|volume was|agent absent/);
    // English stays the default, numbers and money as English writes them.
    const en = await call(url, 'GET', '/api/v1/reports/daily.html?date=2026-03-02', sup);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('<h1>Daily report: Callboard (2026-03-02)</h1>');
    expect(en.text).toContain('<h2>Totals</h2>');
    expect(en.text).toContain('<th title="serviceLevelPct">Service level (%)</th>');
    expect(en.text).toContain('<td>volume was 100% over forecast (4 calls vs 2); 1 agent absent (2 staffed of 3 scheduled)</td>');
    expect(en.text).toContain('<td>queue: Booking</td>');
    expect(en.text).toContain('<td>1.50</td>');
    expect(en.text).toContain('<td>₫1,234,500</td>');
    expect((await call(url, 'GET', '/api/v1/reports/daily.html?date=2026-03-02&lang=en', sup)).text).toContain('<html lang="en">');
    expect((await call(url, 'GET', '/api/v1/reports/daily.html?date=2026-03-02&lang=fr', sup)).status).toBe(400);
    // The CSV takes the parameter and stays machine-readable: the same English headers and plain numbers.
    const csvVi = await call(url, 'GET', '/api/v1/reports/daily.csv?date=2026-03-02&lang=vi', sup);
    expect(csvVi.text).toBe((await call(url, 'GET', '/api/v1/reports/daily.csv?date=2026-03-02', sup)).text);
    expect(csvVi.text).toContain(',1.50,');
    expect(csvVi.text).toContain(',1234500,,\r\n');
    // JSON has no language.
    expect((await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-02&lang=vi', sup)).status).toBe(400);

    const weekly = await call(url, 'GET', '/api/v1/reports/weekly?date=2026-03-08&scope=team&id=t1', sup);
    expect(weekly.json.period).toMatchObject({ from: '2026-03-02', to: '2026-03-08' });
    expect(weekly.json.series.map((s: any) => s.values.handled)).toEqual([3, 0, 0, 0, 0, 0, 0]);

    expect((await call(url, 'GET', '/api/v1/reports/daily?scope=queue', sup)).status).toBe(400);
    expect((await call(url, 'GET', '/api/v1/reports/daily?date=2026-02-30', sup)).status).toBe(400);
    expect((await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-02&site=nope', sup)).status).toBe(404);
    const lead = token('team_lead', { teamIds: ['t1'] });
    expect((await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-02', lead)).status).toBe(403);
    expect((await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-02&scope=team&id=t1', lead)).status).toBe(200);
    expect((await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-02', token('agent', { agentId: 'a1' }))).status).toBe(403);
  });

  it('refusals answer a reason and its params: a team outside the lead\'s, a scope without its id, too long a period, no such run', async () => {
    const { url } = await setup();
    const sup = token('supervisor');
    const lead = token('team_lead', { teamIds: ['t1'] });
    const other = await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-02&scope=team&id=t2', lead);
    expect([other.status, other.json]).toEqual([
      403,
      { error: { code: 'forbidden', message: 'a team lead reads the reports of their own teams', reason: 'team_lead_own_teams', params: { what: 'reports' } } },
    ]);
    expect((await call(url, 'GET', '/api/v1/reports/cx?scope=site', lead)).json.error).toMatchObject({ code: 'forbidden', reason: 'team_lead_own_teams', params: { what: 'figures' } });
    const noId = await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-02&scope=team', sup);
    expect(noId.status).toBe(400);
    expect(noId.json.error).toEqual({ code: 'invalid', message: 'id is required for scope team', reason: 'scope_id_required', params: { scope: 'team' }, details: ['id: id is required for this scope'] });
    const long = await call(url, 'GET', '/api/v1/reports/cx/series?from=2026-01-01&to=2026-03-31', sup);
    expect([long.status, long.json.error]).toEqual([400, { code: 'invalid', message: 'from..to must be 1 to 62 days', reason: 'range_too_long', params: { max: '62' } }]);
    const run = await call(url, 'GET', '/api/v1/reports/runs/daily/2026-03-02', sup);
    expect([run.status, run.json.error]).toEqual([404, { code: 'not_found', message: 'no such report run', reason: 'no_report_run', params: {} }]);
    // Other query problems keep the generic answer: the console lists the fields.
    const bad = await call(url, 'GET', '/api/v1/reports/daily?date=2026-13-45', sup);
    expect(bad.json.error).toMatchObject({ code: 'invalid', message: 'invalid query' });
    expect(bad.json.error.reason).toBeUndefined();
  });

  it('complaints: an agent opens one from the wrap-up, a supervisor routes it through the flow; wrong moves and other teams are refused', async () => {
    const { url } = await setup();
    const agent = token('agent', { agentId: 'a1', userId: 'a1' });
    const sup = token('supervisor');
    const opened = await call(url, 'POST', '/api/v1/complaints', agent, { channel: 'wrapup', callId: 'c1', category: 'vaccine-reaction', description: 'Bé sốt cao sau tiêm' });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({ status: 'open', department: 'medical', agentId: 'a1', teamId: 't1', channel: 'wrapup' });
    // Friday 16:30 + 2 business hours: 1 h on Friday, 1 h on Saturday morning.
    expect(new Date(opened.json.dueAt).toISOString()).toBe('2026-03-07T02:00:00.000Z');
    const again = await call(url, 'POST', '/api/v1/complaints', agent, { channel: 'wrapup', callId: 'c1', category: 'vaccine-reaction' });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(opened.json.id);
    const id = opened.json.id;
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/status`, sup, { status: 'closed' })).status).toBe(409);
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/status`, sup, { status: 'resolved' })).status).toBe(400);
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/status`, agent, { status: 'in_progress' })).status).toBe(403);
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/status`, token('team_lead', { teamIds: ['t2'] }), { status: 'in_progress' })).status).toBe(403);
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/status`, token('team_lead', { teamIds: ['t1'] }), { status: 'in_progress' })).json.status).toBe('in_progress');
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/status`, sup, { status: 'resolved', rootCause: 'clinical' })).json).toMatchObject({ status: 'resolved', rootCause: 'clinical' });
    expect((await call(url, 'POST', `/api/v1/complaints/${id}/reopen`, sup, { note: 'called again' })).json).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    const detail = await call(url, 'GET', `/api/v1/complaints/${id}`, sup);
    expect(detail.json.events.map((e: any) => e.action)).toEqual(['opened', 'status', 'status', 'reopened']);
    const list = await call(url, 'GET', '/api/v1/complaints?status=in_progress', sup);
    expect(list.json.total).toBe(1);
    expect((await call(url, 'GET', '/api/v1/complaints', token('team_lead', { teamIds: ['t2'] }))).json.total).toBe(0);
    expect((await call(url, 'GET', '/api/v1/complaints/config/routes', sup)).json.routes.length).toBeGreaterThan(5);
    expect((await call(url, 'GET', '/api/v1/complaints?status=bogus', sup)).status).toBe(400);

    // The week's report sums the complaints up: one opened from a wrap-up, resolved (then reopened, so
    // no longer counted resolved), still open at the week's end under the medical department.
    const week = (await call(url, 'GET', '/api/v1/reports/weekly?date=2026-03-04', sup)).json;
    expect(week.complaints.total).toMatchObject({ opened: 1, resolved: 0, backlog: 1 });
    expect(week.complaints.byChannel).toEqual({ wrapup: 1 });
    expect(week.complaints.byDepartment.map((d: any) => `${d.code}:${d.opened}/${d.backlog}`)).toEqual(['medical:1/1']);
    expect((await call(url, 'GET', '/api/v1/reports/weekly?date=2026-03-04&scope=team&id=t2', sup)).json.complaints.total.opened).toBe(0);
    const weekCsv = (await call(url, 'GET', '/api/v1/reports/weekly.csv?date=2026-03-04', sup)).text.split('\r\n');
    expect(weekCsv).toContain('complaints,by,code,opened,high,resolved,withSla,inSla,slaMetPct,medianResolveH,backlog,overdue');
    // Reopened on Friday 16:30 with a fresh 2 business hours: due Saturday 09:00, overdue at the week's end.
    expect(weekCsv).toContain('complaints,department,medical,1,0,0,0,0,,,1,1');
    const weekHtml = (await call(url, 'GET', '/api/v1/reports/weekly.html?date=2026-03-04', sup)).text;
    expect(weekHtml).toContain('<h2>Complaints</h2>');
    // The department by its name (the code stays as the cell's title).
    expect(weekHtml).toContain('<tr><td title="medical">Medical</td><td>1</td>');
    // In Vietnamese: the section, its columns and the channels.
    const weekVi = (await call(url, 'GET', '/api/v1/reports/weekly.html?date=2026-03-04&lang=vi', sup)).text;
    expect(weekVi).toContain('<h2>Khiếu nại</h2><p class="meta">Tiếp nhận theo kênh: sau cuộc gọi 1.');
    expect(weekVi).toContain('<th>Bộ phận</th><th>Tiếp nhận</th><th>Ưu tiên cao</th><th>Đã giải quyết</th>');
    expect(weekVi).toContain('<tr><td title="medical">Khối y tế</td><td>1</td>');
    expect(weekVi).toContain('<tr><td>Tổng</td><td>1</td>');
    expect(weekVi).toContain('<h1>Báo cáo tuần: Callboard (02/03/2026 đến 08/03/2026)</h1>');
  });
});

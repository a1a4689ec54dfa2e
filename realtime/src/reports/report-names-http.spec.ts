/**
 * The printable report names the demo site's complaint codes (departments, categories, root causes) in
 * its language, from the table the console uses (`contracts/complaint-names.ts`); a site's own code
 * without a name shows as it is, a site's own root cause with its label. The demo site on a real hub
 * (real Redis, a throwaway database), its complaints opened and resolved over HTTP.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DEFAULT_COMPLAINT_ROOT_CAUSES, DEFAULT_COMPLAINT_ROUTES } from '../contracts/index.ts';
import { complaintsMount } from '../complaints/complaints.router.ts';
import { startHub, token } from '../hub/testing.ts';
import { demoSite, demoSiteInput } from '../site/demo-site.ts';
import { RecordsRepository } from '../storage/records.repository.ts';
import { campaigns } from '../storage/schema.campaigns.ts';
import { testBackends } from '../storage/testing.ts';
import { reportsMount } from './reports.router.ts';

const redisUrl = inject('redisUrl');
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const input = demoSiteInput(1);
const config = demoSite(1);
/** Wednesday 4 March 2026, 10:00 in Hà Nội: within business hours, in the week of the report. */
const now = Date.parse('2026-03-04T10:00:00+07:00');

async function call(url: string, method: string, path: string, tok: string, body?: unknown) {
  const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await r.text();
  return { status: r.status, text, json: r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
}

describe.each(testBackends())('printable report names the complaint codes ($name)', (backend) => {
  it('in Vietnamese and English: the demo\'s departments, categories and root causes by name; a site\'s own code as it is', async () => {
    const db = await backend.create();
    cleanup.push(() => db.drop());
    await new RecordsRepository(db.database).syncSite(config);
    const { app, url } = await startHub(redisUrl, input, {
      mounts: [reportsMount({ config, database: () => db.database, service: { now: () => now } }), complaintsMount({ config, database: () => db.database, now: () => now })],
    });
    cleanup.push(() => app.close());
    const sup = token('supervisor');
    const put = async (path: string, body: unknown) => expect((await call(url, 'PUT', path, sup, body)).status).toBe(200);

    // The demo's routes plus one of the site's own (a category and a department the table does not know),
    // the demo's root causes plus two of the site's own.
    await put('/api/v1/complaints/config/routes', { routes: [...DEFAULT_COMPLAINT_ROUTES, { category: 'pharmacy', department: 'pharmacy-desk', slaBusinessMin: 480 }] });
    await put('/api/v1/complaints/config/root-causes', {
      rootCauses: [...DEFAULT_COMPLAINT_ROOT_CAUSES, { code: 'parking', label: 'Không có chỗ đỗ xe' }, { code: 'leaflet', label: 'Tờ rơi sai giờ mở cửa' }],
    });
    const cases = [
      { category: 'vaccine-reaction', rootCause: 'clinical' },
      { category: 'service', rootCause: 'wait-time' },
      { category: 'billing', rootCause: 'parking' },
      { category: 'pharmacy', rootCause: 'leaflet' },
      { category: 'service' },
    ];
    for (const c of cases) {
      const opened = await call(url, 'POST', '/api/v1/complaints', sup, { channel: 'form', category: c.category, description: 'test' });
      expect(opened.status).toBe(201);
      if (c.rootCause) expect((await call(url, 'POST', `/api/v1/complaints/${opened.json.id}/status`, sup, { status: 'resolved', rootCause: c.rootCause })).status).toBe(200);
    }
    // `leaflet` leaves the site's list: its resolved complaint keeps the code, which has no name.
    await put('/api/v1/complaints/config/root-causes', { rootCauses: [...DEFAULT_COMPLAINT_ROOT_CAUSES, { code: 'parking', label: 'Không có chỗ đỗ xe' }] });

    const page = async (lang: 'vi' | 'en') => {
      const r = await call(url, 'GET', `/api/v1/reports/weekly.html?date=2026-03-04&lang=${lang}`, sup);
      expect(r.status).toBe(200);
      return r.text;
    };
    const vi = await page('vi');
    const en = await page('en');
    const row = (code: string, name: string) => `<tr><td title="${code}">${name}</td>`;

    // Departments (the demo routes vaccine reactions to `medical`, service and billing to `customer-care` and `finance`).
    expect(vi).toContain(`${row('customer-care', 'Chăm sóc khách hàng')}<td>2</td>`);
    expect(vi).toContain(`${row('medical', 'Khối y tế')}<td>1</td>`);
    expect(vi).toContain(`${row('finance', 'Tài chính – kế toán')}<td>1</td>`);
    expect(en).toContain(`${row('customer-care', 'Customer care')}<td>2</td>`);
    expect(en).toContain(`${row('medical', 'Medical')}<td>1</td>`);
    expect(en).toContain(`${row('finance', 'Finance')}<td>1</td>`);
    // Categories.
    expect(vi).toContain(`${row('vaccine-reaction', 'Phản ứng sau tiêm')}<td>1</td>`);
    expect(vi).toContain(`${row('service', 'Dịch vụ')}<td>2</td>`);
    expect(vi).toContain(`${row('billing', 'Thanh toán')}<td>1</td>`);
    expect(en).toContain(`${row('vaccine-reaction', 'Vaccine reaction')}<td>1</td>`);
    expect(en).toContain(`${row('service', 'Service')}<td>2</td>`);
    expect(en).toContain(`${row('billing', 'Billing')}<td>1</td>`);
    // Root causes: the demo's by name; a site's own by its label (same in both languages).
    expect(vi).toContain(`${row('clinical', 'Vấn đề chuyên môn (phản ứng, điều trị)')}<td>1</td>`);
    expect(vi).toContain(`${row('wait-time', 'Chờ lâu trên tổng đài')}<td>1</td>`);
    expect(en).toContain(`${row('clinical', 'Clinical issue (reaction, treatment)')}<td>1</td>`);
    expect(en).toContain(`${row('wait-time', 'Long wait on the hotline')}<td>1</td>`);
    for (const html of [vi, en]) {
      expect(html).toContain(`${row('parking', 'Không có chỗ đỗ xe')}<td>1</td>`);
      // The site's own codes without a name: as they are.
      expect(html).toContain('<tr><td>pharmacy-desk</td><td>1</td>');
      expect(html).toContain('<tr><td>pharmacy</td><td>1</td>');
      expect(html).toContain('<tr><td>leaflet</td><td>1</td>');
    }
    // No built-in code is left as a cell of its own, in either language.
    const codes = [...new Set([...DEFAULT_COMPLAINT_ROUTES.flatMap((r) => [r.category, r.department]), ...DEFAULT_COMPLAINT_ROOT_CAUSES.map((c) => c.code)])];
    for (const code of codes) {
      expect(vi).not.toContain(`<td>${code}</td>`);
      expect(en).not.toContain(`<td>${code}</td>`);
    }
    // The channel in words, the report's line by name: no code left in the meta line either.
    expect(en).toContain('Opened by channel: form 5.');
    expect(vi).toContain('<h1>Báo cáo tuần: Tổng đài Vắc xin &amp; Phòng khám An Tâm (02/03/2026 đến 08/03/2026)</h1>');
    const queue = await call(url, 'GET', '/api/v1/reports/daily.html?date=2026-03-04&scope=queue&id=vaccine-booking&lang=vi', sup);
    expect(queue.text).toContain('<h1>Báo cáo ngày: Đặt lịch tiêm chủng (04/03/2026)</h1>');
    expect(queue.text).toContain('<span title="vaccine-booking">line</span>');
    expect(queue.text).not.toMatch(/>[^<]*vaccine-booking/);
  });

  it('a campaign\'s report is titled with the campaign\'s name; a campaign the database does not know, with its id', async () => {
    const db = await backend.create();
    cleanup.push(() => db.drop());
    await new RecordsRepository(db.database).syncSite(config);
    await db.database.db.insert(campaigns).values({ siteId: config.id, id: 'pkg-2026', name: 'Gói vắc xin 6 trong 1', type: 'telesales', queueId: 'telesales' });
    const { app, url } = await startHub(redisUrl, input, { mounts: [reportsMount({ config, database: () => db.database, service: { now: () => now } })] });
    cleanup.push(() => app.close());
    const sup = token('supervisor');
    const named = await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-03&scope=campaign&id=pkg-2026', sup);
    expect(named.status).toBe(200);
    expect(named.json.name).toBe('Gói vắc xin 6 trong 1');
    const page = await call(url, 'GET', '/api/v1/reports/daily.html?date=2026-03-03&scope=campaign&id=pkg-2026&lang=vi', sup);
    expect(page.text).toContain('Gói vắc xin 6 trong 1');
    expect((await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-03&scope=campaign&id=gone', sup)).json.name).toBe('gone');
  });
});

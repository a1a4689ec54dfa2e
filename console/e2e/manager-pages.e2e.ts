/**
 * The managers' pages end to end: the real hub with the reports and complaints routers on a throwaway
 * PGlite database, real Redis, the built console, Chromium. A complaint's detail after a status change
 * made on the page; CX figures computed from seeded calls; a target edited in the settings, read back
 * from the API; a missed target's causes in Vietnamese on the report page and its printable page.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { parseSiteConfig } from '../../realtime/src/contracts/index.ts';
import { ev, ready } from '../../realtime/src/core/testing.ts';
import type { App } from '../../realtime/src/hub/app.ts';
import { signToken } from '../../realtime/src/hub/auth.ts';
import { complaintsMount } from '../../realtime/src/complaints/complaints.router.ts';
import { reportsMount } from '../../realtime/src/reports/reports.router.ts';
import type { TestDatabase } from '../../realtime/src/storage/testing.ts';
import { e2eSite, launch, SECRET, seedStart, signIn, startRecordsHub } from './harness.ts';

const config = parseSiteConfig(e2eSite());
let db: TestDatabase;
let app: App;
let url: string;
let browser: Browser;

/**
 * Two hours ago, or early today when the site's day is younger (today, site time, in the CX period): three booking calls handled by a1 with
 * post-call scores 10, 9 and 3: NPS = (2 promoters − 1 detractor) / 3 = +33.
 */
function seededCalls() {
  // Today in the site's time zone whatever the hour (CI at 17:00-19:00 UTC is early in a Vietnamese day).
  const t0 = seedStart(config);
  const at = (s: number) => t0 + s * 1000;
  const calls = [
    ['cx1', 10],
    ['cx2', 9],
    ['cx3', 3],
  ] as const;
  return [
    ...ready(at(0), 'a1'),
    ...calls.flatMap(([id, score], i) => [
      ev.offered(id, 'booking', at(10 + i * 300)),
      ev.answered(id, 'a1', at(15 + i * 300)),
      ev.ended(id, at(120 + i * 300)),
      ev.outcome(id, at(130 + i * 300), { disposition: 'info', surveyScore: score }),
    ]),
    ev.logout('a1', at(1200)),
  ];
}

beforeAll(async () => {
  [{ app, url, db }, browser] = await Promise.all([
    startRecordsHub(inject('redisUrl'), config, seededCalls(), (database) => [reportsMount({ config, database }), complaintsMount({ config, database })]),
    launch(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.drop();
});

const supToken = (userId = 'sup') => signToken(SECRET, { userId, name: userId === 'sup' ? 'Giám sát' : 'Giám sát 2', role: 'supervisor', teamIds: [] });
/** A REST call as supervisor `sup` (the one signed in to the pages), or as another supervisor. */
async function api(method: string, path: string, body?: unknown, as = 'sup'): Promise<any> {
  const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${supToken(as)}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  expect(r.ok, `${method} ${path}: ${r.status}`).toBe(true);
  return r.json();
}

describe('managers\' pages end to end', () => {
  it('a supervisor opens a complaint from the list, moves it to in progress with a note, assigns it to a person picked by name; the history and the list show both', async () => {
    // Taken by a1 (Tổ đặt lịch): its lead may be given it.
    const opened = await api('POST', '/api/v1/complaints', { category: 'vaccine-reaction', description: 'Bé sốt 39 độ sau tiêm', customerRef: 'KH-77', agentId: 'a1' });
    // The same customer complained of something else too.
    const again = await api('POST', '/api/v1/complaints', { category: 'billing', description: 'Bị trừ tiền hai lần', customerRef: 'KH-77' });
    const page = await signIn(browser, url, 'sup', '/complaints');
    const link = page.locator(`[data-testid=complaint-link]:text-is("#${opened.id}")`);
    // Category and department by their names in the page's language, not their codes.
    await expect(page.locator('tr', { has: link }).textContent()).resolves.toMatch(/Phản ứng sau tiêm.*Khối y tế/);
    await link.click();
    await page.waitForURL((u) => u.pathname === `/complaints/${opened.id}`);
    await page.locator('[data-testid=complaint][data-status=open]').waitFor();
    expect(await page.getByTestId('cd-event').count()).toBe(1);
    await expect(page.getByTestId('cd-event').textContent()).resolves.toContain('chuyển bộ phận Khối y tế');
    // A 2-hour SLA for a vaccine reaction: the clock says how much business time is left (or that it is stopped).
    await expect(page.getByTestId('cd-clock').textContent()).resolves.toMatch(/làm việc|SLA/);
    // Who complained: no call behind this one, so no number; the customer's other complaint is a link away.
    await expect(page.getByTestId('cd-customer').textContent()).resolves.toMatch(/không có số\)\s*0 cuộc gọi trong 30 ngày/);
    await expect(page.getByTestId('cd-others').locator('a').allTextContents()).resolves.toEqual([`#${again.id}`]);

    await page.getByTestId('cd-move').selectOption('in_progress');
    await page.getByTestId('cd-note').fill('Đã gọi lại, hướng dẫn theo dõi');
    await page.getByTestId('cd-apply').click();
    await page.locator('[data-testid=complaint][data-status=in_progress]').waitFor();
    const status = page.locator('[data-testid=cd-event][data-action=status]');
    await status.waitFor();
    await expect(status.textContent()).resolves.toContain('Mới → Đang xử lý');
    await expect(status.textContent()).resolves.toContain('Đã gọi lại, hướng dẫn theo dõi');
    // Who did it, by name (user sup).
    await expect(status.textContent()).resolves.toContain('Giám sát');

    // People are picked by name, a team lead with their team; agents are not offered; nobody is picked at first.
    const pick = page.getByTestId('cd-assignee-select');
    await expect.poll(() => pick.locator('option').allTextContents(), { timeout: 10_000 }).toEqual(['— Chọn người phụ trách —', 'Giám sát', 'Đỗ Thu Trang · Tổ đặt lịch']);
    await expect(pick.inputValue()).resolves.toBe('');
    expect(await page.getByTestId('cd-assign').isDisabled()).toBe(true);
    await pick.selectOption({ label: 'Đỗ Thu Trang · Tổ đặt lịch' });
    await page.getByTestId('cd-assign').click();
    const assigned = page.locator('[data-testid=cd-event][data-action=assigned]');
    await assigned.waitFor();
    await expect(page.getByTestId('cd-assignee').textContent()).resolves.toBe('Đỗ Thu Trang');
    await expect(assigned.textContent()).resolves.toContain('Giao cho Đỗ Thu Trang');
    await expect(assigned.textContent()).resolves.not.toContain('lead1');

    // What the page shows is what the hub stored.
    const stored = await api('GET', `/api/v1/complaints/${opened.id}`);
    expect(stored.events.map((e: any) => `${e.action}:${e.toStatus}:${e.note ?? ''}`)).toEqual(['opened:open:', 'status:in_progress:Đã gọi lại, hướng dẫn theo dõi', 'assigned:in_progress:']);
    expect(stored.assignee).toBe('lead1');

    // The list names who has it too.
    await page.goto(`${url}/complaints`);
    const row = page.locator('tr', { has: page.locator(`[data-testid=complaint-link]:text-is("#${opened.id}")`) });
    await expect.poll(() => row.getByTestId('cp-assignee').textContent(), { timeout: 10_000 }).toBe('Đỗ Thu Trang');
    await page.context().close();
  });

  it('the complaints list shows a page at a time, and "show more" brings the rest without repeats', async () => {
    for (let i = 0; i < 105; i++) await api('POST', '/api/v1/complaints', { category: 'service', description: `Khiếu nại số ${i}` });
    const all = await api('GET', '/api/v1/complaints?status=open,in_progress,waiting_on_customer&limit=1');
    expect(all.total).toBeGreaterThan(105);
    const page = await signIn(browser, url, 'sup', '/complaints');
    const links = page.getByTestId('complaint-link');
    await expect.poll(() => links.count(), { timeout: 10_000 }).toBe(100);
    await expect(page.getByTestId('cp-more').textContent()).resolves.toContain(`còn ${all.total - 100} khiếu nại`);
    await page.getByTestId('cp-more').click();
    await expect.poll(() => links.count(), { timeout: 10_000 }).toBe(all.total);
    expect(new Set(await links.allTextContents()).size).toBe(all.total);
    expect(await page.getByTestId('cp-more').count()).toBe(0);
    await page.context().close();
  });

  it('an agent sees their own complaint without the actions', async () => {
    const mine = await api('POST', '/api/v1/complaints', { category: 'service', agentId: 'a2', description: 'Chờ lâu' });
    const page = await signIn(browser, url, 'a2', `/complaints/${mine.id}`);
    await page.locator('[data-testid=complaint][data-status=open]').waitFor();
    expect(await page.getByTestId('cd-move').count()).toBe(0);
    expect(await page.getByTestId('cd-event').count()).toBe(1);
    await page.context().close();
  });

  it('the CX page shows NPS computed from the seeded post-call scores, explains it, and compares the lines', async () => {
    const page = await signIn(browser, url, 'sup', '/cx');
    const nps = page.getByTestId('cx-npsScore');
    // Scores 10, 9 and 3: (2 promoters − 1 detractor) / 3 answers = +33.
    await page.locator('[data-testid=cx-npsScore] [data-testid=cx-value]:text-is("+33")').waitFor();
    await expect(nps.textContent()).resolves.toContain('3 câu trả lời');
    await nps.click();
    const explain = page.getByTestId('cx-explain');
    // The formula and the counts behind it in words, never the hub's counter names (promoters, npsScore).
    await expect(explain.textContent()).resolves.toMatch(/Khách ủng hộ \(9–10\) = 2.*Khách trung lập \(7–8\) = 0.*Khách phản đối \(0–6\) = 1/s);
    await expect(page.getByTestId('cx-formula').textContent()).resolves.toBe('NPS = % khách ủng hộ (9–10) − % khách phản đối (0–6) trên các câu trả lời thang 0–10, từ −100 đến +100');
    await expect(explain.textContent()).resolves.not.toMatch(/\b(npsScore|promoters|passives|detractors)\b/);
    await page.locator('.lang button', { hasText: 'EN' }).click();
    const promoters = page.locator('[data-testid=cx-part][data-part=promoters]');
    await promoters.filter({ hasText: 'Promoters' }).waitFor();
    await expect(promoters.textContent()).resolves.toBe('Promoters (9–10) = 2');
    await expect(page.getByTestId('cx-formula').textContent()).resolves.toMatch(/^NPS = % promoters \(9–10\)/);
    await page.locator('.lang button', { hasText: 'VI' }).click();
    // The comparison by line: booking has the three answers, advice none.
    await page.locator('[data-testid=cx-row][data-id=booking] td:text-is("+33")').waitFor();
    await expect(page.locator('[data-testid=cx-row][data-id=advice]').textContent()).resolves.not.toContain('+33');
    expect(await page.getByTestId('cx-trend').count()).toBe(1);
    await page.context().close();
  });

  it('a target edited in the settings is returned by the API; the hub\'s refusal is shown beside the field; a team lead only reads', async () => {
    const page = await signIn(browser, url, 'sup', '/settings');
    const form = page.getByTestId('st-target-form');
    await form.waitFor();
    // The metric field holds the key (a list to pick from); its name in words is said under it.
    await expect(page.getByTestId('st-target-metric-name').textContent()).resolves.toBe('Mức phục vụ (%)');
    // Too long a metric name: the page sends it, the hub's schema refuses it, the answer shows under the field.
    await page.getByTestId('st-target-metric').fill('x'.repeat(70));
    await page.getByTestId('st-target-value').fill('5');
    await page.getByTestId('st-target-save').click();
    await form.locator('label.bad small.lvl-bad').first().waitFor();
    // In Vietnamese: the form names the field, the field says why; zod's English stays out of the page.
    await expect(form.locator('label.bad small.lvl-bad').first().textContent()).resolves.toBe('Giá trị không hợp lệ');
    await expect(form.textContent()).resolves.toContain('Dữ liệu không hợp lệ: metric');
    await expect(form.textContent()).resolves.not.toContain('Too big');
    expect((await api('GET', '/api/v1/reports/targets')).targets).toEqual([]);

    await page.getByTestId('st-target-metric').fill('abandonRatePct');
    await form.locator('select').nth(1).selectOption('max');
    await page.getByTestId('st-target-value').fill('4,5');
    await page.getByTestId('st-target-from').fill('2026-12-01');
    await page.getByTestId('st-target-save').click();
    await page.locator('[data-testid=st-target-row][data-metric=abandonRatePct]').waitFor();
    // Metrics are named in the page's language, the key beside the name in the table.
    await expect(page.getByTestId('toast').textContent()).resolves.toContain('Tỷ lệ bỏ máy (%)');
    expect(await page.locator('[data-testid=st-target-row][data-metric=abandonRatePct]').textContent()).toContain('Tỷ lệ bỏ máy (%) abandonRatePct');
    expect((await api('GET', '/api/v1/reports/targets')).targets).toEqual([{ scope: 'site', id: '', metric: 'abandonRatePct', kind: 'max', target: 4.5, validFrom: '2026-12-01' }]);
    await page.context().close();

    const lead = await signIn(browser, url, 'lead1', '/settings');
    await lead.getByTestId('st-readonly').waitFor();
    await lead.locator('[data-testid=st-target-row][data-metric=abandonRatePct]').waitFor();
    expect(await lead.getByTestId('st-target-form').count()).toBe(0);
    await lead.context().close();
  });

  it('the daily report opens on today in the site\'s time zone (not UTC) and names the lines in Vietnamese', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: config.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now());
    const page = await signIn(browser, url, 'sup', '/reports');
    const input = page.locator('input[type=date]');
    await input.waitFor();
    // The day is set once the snapshot has told the page the site's time zone.
    await expect.poll(() => input.inputValue(), { timeout: 10_000 }).toBe(today);
    // The breakdown names the lines in the page's language (the report carries the configured English name).
    await page.locator('form.controls button[type=submit]').click();
    const booking = page.locator('td', { hasText: 'Đặt lịch tiêm chủng' });
    await booking.first().waitFor();
    expect(await page.locator('td', { hasText: 'Vaccine booking' }).count()).toBe(0);
    // So are the teams, and the targets' metrics.
    await page.locator('td', { hasText: 'Tổ đặt lịch' }).first().waitFor();
    await page.locator('td', { hasText: 'Mức phục vụ (%)' }).first().waitFor();
    // The address now names the report shown.
    expect(new URL(page.url()).search).toBe(`?kind=daily&date=${today}&scope=site`);
    await page.context().close();

    // Such an address opens its report at once: a line's, with no click.
    const line = await signIn(browser, url, 'sup', `/reports?kind=daily&date=${today}&scope=queue&id=booking`);
    const title = line.locator('section.panel h2').first();
    await expect.poll(() => title.textContent().catch(() => ''), { timeout: 10_000 }).toBe(`Đặt lịch tiêm chủng · ${today}`);
    await expect(line.locator('select').nth(1).inputValue()).resolves.toBe('queue');
    await line.context().close();
  });

  it('the daily report sums up today\'s complaints by department, and a department leads to its complaints', async () => {
    await api('POST', '/api/v1/complaints', { category: 'billing', description: 'Thu sai tiền gói vắc xin' });
    const medical = await api('POST', '/api/v1/complaints', { category: 'vaccine-reaction', description: 'Sưng đỏ chỗ tiêm', priority: 'high' });
    const stored = await api('GET', `/api/v1/reports/daily?date=${new Intl.DateTimeFormat('en-CA', { timeZone: config.timeZone }).format(Date.now())}`);
    const page = await signIn(browser, url, 'sup', '/reports');
    await expect.poll(() => page.locator('input[type=date]').inputValue(), { timeout: 10_000 }).not.toBe('');
    await page.locator('form.controls button[type=submit]').click();
    const section = page.getByTestId('report-complaints');
    await section.waitFor();
    // The figures are the hub's, the departments named in Vietnamese.
    await expect(section.locator('.figs').textContent()).resolves.toContain(`Tiếp nhận${stored.complaints.total.opened}`);
    const rows = section.locator('[data-testid=report-complaint-departments] tbody tr');
    await expect(rows.allTextContents()).resolves.toEqual(
      stored.complaints.byDepartment.map((d: any) => expect.stringMatching(new RegExp(`^${d.code === 'medical' ? 'Khối y tế' : d.code === 'finance' ? 'Tài chính – kế toán' : '.+'}${d.opened}${d.high}`))),
    );
    expect(await section.locator('canvas').count()).toBeGreaterThanOrEqual(1);
    await section.locator('a', { hasText: 'Khối y tế' }).click();
    await page.waitForURL((u) => u.pathname === '/complaints' && u.searchParams.get('department') === 'medical');
    await page.locator(`[data-testid=complaint-link]:text-is("#${medical.id}")`).waitFor();
    const departments = await page.locator('[data-testid=complaints] tbody tr td:nth-child(4)').allTextContents();
    expect(departments.length).toBeGreaterThan(0);
    expect(new Set(departments)).toEqual(new Set(['Khối y tế']));
    await page.context().close();
  });

  it('a missed target\'s causes are written in Vietnamese on the page and on the printable page', async () => {
    // Today: 3 calls handled by 1 agent, against a forecast of 1 call and 3 agents, and at most 1 call per agent.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: config.timeZone }).format(Date.now());
    await api('PUT', '/api/v1/reports/forecasts', { scope: 'site', day: today, offered: 1, agents: 3 });
    await api('PUT', '/api/v1/reports/targets', { scope: 'site', metric: 'volumePerAgent', kind: 'max', target: 1 });
    const stored = await api('GET', `/api/v1/reports/daily?date=${today}`);
    const target = stored.targets.find((t: any) => t.metric === 'volumePerAgent');
    expect(target).toMatchObject({ met: false, causes: ['volume was 200% over forecast (3 calls vs 1)', '2 agents absent (1 staffed of 3 scheduled)'] });

    const page = await signIn(browser, url, 'sup', '/reports');
    await expect.poll(() => page.locator('input[type=date]').inputValue(), { timeout: 10_000 }).toBe(today);
    await page.locator('form.controls button[type=submit]').click();
    const row = page.locator('tr', { has: page.locator('td', { hasText: 'Số cuộc / điện thoại viên' }) });
    await row.getByTestId('report-causes').waitFor();
    await expect(row.getByTestId('report-causes').textContent()).resolves.toBe(
      'Lượng cuộc gọi cao hơn dự báo 200\u00a0% (3 cuộc so với 1); 2 điện thoại viên vắng mặt (1 làm việc trên 3 theo lịch)',
    );

    // "In" asks the hub for the printable page in the page's language.
    const printed = page.waitForResponse((r) => r.url().includes('/api/v1/reports/daily.html?'));
    await page.locator('form.controls button', { hasText: /^In$/ }).click();
    const res = await printed;
    expect(res.status()).toBe(200);
    const asked = new URL(res.url());
    expect(asked.searchParams.get('lang')).toBe('vi');
    // The page hands the answer to a new tab as a blob; the same request, made here, shows what it printed.
    const html = await (await fetch(url + asked.pathname + asked.search, { headers: { authorization: `Bearer ${supToken()}` } })).text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('<h2>Mục tiêu và thực tế</h2>');
    expect(html).toContain('Lượng cuộc gọi cao hơn dự báo 200\u00a0% (3 cuộc so với 1); 2 điện thoại viên vắng mặt (1 làm việc trên 3 theo lịch)');
    await page.context().close();
  });
});

// The hub's REST refusals in the console's language: the hub answers a `reason` with its `params` beside its
// English `message`; the page shows the Vietnamese. `CALLBOARD_E2E_SHOT=/path.png` saves the first one's screenshot.
describe('REST refusals in Vietnamese', () => {
  it('a move the flow no longer allows (another supervisor closed the complaint meanwhile) is refused in Vietnamese, with the statuses in words', async () => {
    const opened = await api('POST', '/api/v1/complaints', { category: 'vaccine-reaction', description: 'Bé sốt 39 độ sau tiêm', customerRef: 'KH-88' }, 'sup2');
    const page = await signIn(browser, url, 'sup', `/complaints/${opened.id}`);
    await page.locator('[data-testid=complaint][data-status=open]').waitFor();
    // Meanwhile someone else resolves and closes it; this page still shows it open.
    await api('POST', `/api/v1/complaints/${opened.id}/status`, { status: 'resolved', rootCause: 'clinical' }, 'sup2');
    await api('POST', `/api/v1/complaints/${opened.id}/status`, { status: 'closed' }, 'sup2');

    await page.getByTestId('cd-move').selectOption('in_progress');
    await page.getByTestId('cd-apply').click();
    const error = page.getByTestId('cd-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toBe('Khiếu nại đang ở trạng thái “Đã đóng” nên không chuyển sang “Đang xử lý” được');
    // And the page shows the complaint as it is now.
    await page.locator('[data-testid=complaint][data-status=closed]').waitFor();
    if (process.env.CALLBOARD_E2E_SHOT) await page.screenshot({ path: process.env.CALLBOARD_E2E_SHOT });
    await page.context().close();
  });
});

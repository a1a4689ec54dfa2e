/**
 * A team's report page end to end (calls belong to lines, docs/REPORTS.md): the real hub with the reports
 * router on a throwaway PGlite database, real Redis, the built console, Chromium. Today's calls answered by
 * team t1's agents are seeded through the record writer's derivation; the team's daily report, opened from
 * its address, shows the calls its agents answered and handled and the note saying whose calls are offered
 * and abandoned, no "Gọi đến" (offered) tile and no abandon rate. A line's report, for contrast, has both.
 * The advice line's service-level rule changed during the day (a `params.version` logged by the hub, stored by
 * the record writer): its report states each rule with the time it applied from and which rule the intervals
 * and the total used (daily in Vietnamese, weekly in English with the dates); the booking line's, one rule.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parseSiteConfig } from '../../realtime/src/contracts/index.ts';
import { ev, ready } from '../../realtime/src/core/testing.ts';
import type { App } from '../../realtime/src/hub/app.ts';
import { signToken } from '../../realtime/src/hub/auth.ts';
import { reportsMount } from '../../realtime/src/reports/reports.router.ts';
import type { TestDatabase } from '../../realtime/src/storage/testing.ts';
import { e2eSite, launch, SECRET, seedStart, signIn, startRecordsHub } from './harness.ts';

const config = parseSiteConfig(e2eSite());
let db: TestDatabase;
let app: App;
let url: string;
let browser: Browser;
/** When the advice line's rule changed (T 20 s -> 10 s, goal 80 % -> 90 %, basis spec -> answered). */
let changeAt = 0;

/**
 * Two hours ago, or early today when the site's day is younger (today, site time): a1 (booking) answers two
 * calls and a2 (advice) one, all of team t1; a fourth call, on booking, is abandoned. The team's agents
 * answered and handled 3 calls; the lines were offered 4 and one was abandoned.
 */
function seededCalls() {
  const t0 = seedStart(config);
  const at = (s: number) => t0 + s * 1000;
  changeAt = at(450);
  const answered = [
    ['tm1', 'booking', 'a1'],
    ['tm2', 'advice', 'a2'],
    ['tm3', 'booking', 'a1'],
  ] as const;
  return [
    // The configuration's metric parameters, as the hub logs them at its first start (the version in force
    // before the first one logged is that first one).
    ev.params(at(0), {}),
    ...ready(at(0), 'a1', 'a2'),
    ...answered.flatMap(([id, queue, agent], i) => [ev.offered(id, queue, at(10 + i * 200)), ev.answered(id, agent, at(18 + i * 200)), ev.ended(id, at(140 + i * 200))]),
    // The advice line's rule changes (the hub logs a version when it starts with new parameters); the site's
    // and the booking line's stay as configured.
    ev.params(changeAt, {}, { advice: { slThresholdSec: 10, slTargetPct: 90, slBasis: 'answered' } }),
    ev.offered('tm4', 'booking', at(700)),
    ev.abandoned('tm4', at(740)),
    ev.logout('a1', at(1200)),
    ev.logout('a2', at(1200)),
  ];
}

beforeAll(async () => {
  [{ app, url, db }, browser] = await Promise.all([startRecordsHub(inject('redisUrl'), config, seededCalls(), (database) => [reportsMount({ config, database })]), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.drop();
});

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: config.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now());

/** The hub's JSON of a report, as supervisor `sup`. */
async function hubReport(query: string): Promise<any> {
  const token = signToken(SECRET, { userId: 'sup', name: 'Giám sát', role: 'supervisor', teamIds: [] });
  const r = await fetch(`${url}/api/v1/reports/daily?${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(r.ok, `report ${query}: ${r.status}`).toBe(true);
  return r.json();
}

/** The total's tiles once the report opened from the address is shown: each tile's label and value. */
async function tiles(page: Page): Promise<{ label: string; value: string }[]> {
  const total = page.getByTestId('report-total');
  await total.waitFor();
  return total.locator(':scope > div').evaluateAll((els) => els.map((el) => ({ label: el.querySelector('span')?.textContent ?? '', value: el.querySelector('b')?.textContent ?? '' })));
}

describe("a team's report page (calls belong to lines)", () => {
  it("a team lead opens the team's daily report: the calls its agents answered and handled, the note whose calls are offered and abandoned, no 'Gọi đến' tile and no abandon rate", async () => {
    const date = today();
    const stored = await hubReport(`date=${date}&scope=team&id=t1`);
    // What the hub says first: no call is offered to a team; its agents answered 3.
    expect(stored.omitted).toEqual(expect.arrayContaining(['offered', 'abandoned', 'abandonRatePct']));
    expect(stored.total).toMatchObject({ answered: 3, handled: 3 });

    const page = await signIn(browser, url, 'lead1', `/reports?kind=daily&date=${date}&scope=team&id=t1`);
    const title = page.locator('section.panel h2').first();
    await expect.poll(() => title.textContent().catch(() => ''), { timeout: 10_000 }).toBe(`Tổ đặt lịch · ${date}`);
    const shown = await tiles(page);
    const labels = shown.map((x) => x.label);
    // The team's calls: those its agents answered and handled, first.
    expect(shown.slice(0, 2)).toEqual([
      { label: 'Trả lời', value: '3' },
      { label: 'Đã xử lý', value: '3' },
    ]);
    // Not "Gọi đến 0", and no abandon rate: those figures are the lines'.
    expect(labels).not.toContain('Gọi đến');
    expect(labels).not.toContain('Bỏ máy');
    expect(labels).toContain('Mức phục vụ');
    // The note says whose calls these are.
    const note = page.getByTestId('report-line-calls');
    await note.waitFor();
    await expect(note.textContent()).resolves.toContain('Cuộc gọi đến và bỏ máy thuộc về line, không thuộc nhóm hay điện thoại viên');
    await page.context().close();
  });

  it("a line's report of the same day keeps its 'Gọi đến' tile and abandon rate, without the note", async () => {
    const date = today();
    const stored = await hubReport(`date=${date}&scope=queue&id=booking`);
    expect(stored.omitted).toEqual([]);
    expect(stored.total).toMatchObject({ offered: 3, answered: 2, abandoned: 1 });

    const page = await signIn(browser, url, 'sup', `/reports?kind=daily&date=${date}&scope=queue&id=booking`);
    const title = page.locator('section.panel h2').first();
    await expect.poll(() => title.textContent().catch(() => ''), { timeout: 10_000 }).toBe(`Đặt lịch tiêm chủng · ${date}`);
    const shown = await tiles(page);
    expect(shown.slice(0, 2)).toEqual([
      { label: 'Gọi đến', value: '3' },
      { label: 'Trả lời', value: '2' },
    ]);
    expect(shown.map((x) => x.label)).toContain('Bỏ máy');
    expect(await page.getByTestId('report-line-calls').count()).toBe(0);
    await page.context().close();
  });

  it("a line whose service-level rule changed during the day: each rule with the time it applied from (site time), which rule the intervals and the total used; weekly with the dates, in English", async () => {
    const date = today();
    const stored = await hubReport(`date=${date}&scope=queue&id=advice`);
    expect(stored.paramsChanged).toEqual([{ at: changeAt, params: { slThresholdSec: 10, slTargetPct: 90, shortAbandonSec: 5, slBasis: 'answered' } }]);
    const part = (ms: number) => Object.fromEntries(new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: config.timeZone }).formatToParts(ms).map((p) => [p.type, p.value]));
    const p = part(changeAt);
    const hm = `${p.hour}:${p.minute}`;

    const page = await signIn(browser, url, 'sup', `/reports?kind=daily&date=${date}&scope=queue&id=advice`);
    const rule = page.getByTestId('report-sl-rule');
    await expect.poll(() => rule.textContent({ timeout: 1_000 }).catch(() => ''), { timeout: 10_000 }).toMatch(/^Mức phục vụ đổi trong kỳ/);
    await expect(rule.textContent()).resolves.toBe(
      'Mức phục vụ đổi trong kỳ: từ 00:00: mục tiêu 80\u00a0%, trả lời trong 20 giây (cơ sở trả lời + bỏ máy − bỏ máy sớm), bỏ máy sớm dưới 5 giây; ' +
        `từ ${hm}: mục tiêu 90\u00a0%, trả lời trong 10 giây (cơ sở cuộc được trả lời), bỏ máy sớm dưới 5 giây`,
    );
    await expect(page.getByTestId('report-sl-rule-note').textContent()).resolves.toBe(
      'Mỗi khoảng thời gian tính theo quy tắc có hiệu lực lúc bắt đầu khoảng, phần tổng hợp theo quy tắc cuối kỳ (thời gian trả lời và bỏ máy so với ngưỡng có hiệu lực lúc có cuộc gọi).',
    );

    // The week (Monday to Sunday), in English: each rule with its date.
    const d = new Date(`${date}T00:00:00Z`);
    const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${url}/reports?kind=weekly&date=${date}&scope=queue&id=advice&lang=en`);
    await expect.poll(() => rule.textContent({ timeout: 1_000 }).catch(() => ''), { timeout: 10_000 }).toBe(
      `Service-level rule changed in the period: from ${monday} 00:00: target 80%, answered within 20 s (basis spec), short abandon < 5 s; ` +
        `from ${p.year}-${p.month}-${p.day} ${hm}: target 90%, answered within 10 s (basis answered), short abandon < 5 s`,
    );
    await expect(page.getByTestId('report-sl-rule-note').textContent()).resolves.toMatch(/^Each day uses the rule in force at its start, the totals the one at the period's end/);

    // The booking line kept its rule: one, without the note.
    await page.goto(`${url}/reports?kind=daily&date=${date}&scope=queue&id=booking&lang=vi`);
    await expect.poll(() => rule.textContent({ timeout: 1_000 }).catch(() => ''), { timeout: 10_000 }).toBe('Mức phục vụ: mục tiêu 80\u00a0%, trả lời trong 20 giây (cơ sở trả lời + bỏ máy − bỏ máy sớm), bỏ máy sớm: dưới 5 giây');
    expect(await page.getByTestId('report-sl-rule-note').count()).toBe(0);
    await page.context().close();
  });
});

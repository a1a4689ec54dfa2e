/**
 * The console at the screen sizes a hotline has: supervisors' laptops (1280 and 1366 px wide) and TVs
 * from 720p to 4K. The desk pages fit the width (no sideways scrolling, the top bar on one line with its
 * sign-out button on screen); the TV wallboard scales with the screen and keeps every figure inside its tile.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { e2eSite, launch, offered, signIn, startConsoleHub, type RunningHub } from './harness.ts';

let hub: RunningHub;
let browser: Browser;

// The demo's seven lines, with its long names: eight tiles on the board, fifteen columns on the supervisor's table.
const LINES = [
  ['after-care', 'After-injection care', 'Chăm sóc sau tiêm'],
  ['survey', 'Satisfaction survey', 'Khảo sát hài lòng'],
  ['telesales', 'Vaccine package telesales', 'Telesales gói vắc xin'],
  ['booking', 'Vaccine booking', 'Đặt lịch tiêm chủng'],
  ['complaints', 'Complaints', 'Khiếu nại'],
  ['advice', 'Advice', 'Tư vấn'],
  ['clinic', 'Clinic', 'Phòng khám'],
] as const;

beforeAll(async () => {
  const base = e2eSite();
  const site = e2eSite({
    name: 'Tổng đài Vắc xin & Phòng khám An Tâm',
    queues: LINES.map(([id, name, nameVi], i) => ({ id, name, nameVi, priority: i + 1, wrapupSec: 30 })),
    agents: base.agents!.map((a) => ({ ...a, queues: LINES.map(([id]) => id) })),
  });
  [hub, browser] = await Promise.all([startConsoleHub(inject('redisUrl'), { site }), launch()]);
  // Four-digit figures, as on a busy day, and callers waiting.
  await hub.app.hub.ingest(Array.from({ length: 1234 }, () => offered('booking').event));
  await hub.app.hub.ingest(LINES.map(([id]) => offered(id).event));
});
afterAll(async () => {
  await browser?.close();
  await hub?.app.close();
});

/** What sticks out: the page sideways or down, and figures past their tile's right edge. */
async function overflow(page: Page): Promise<{ wide: boolean; tall: boolean; header: boolean; signOutOff: boolean; cutFigures: string[] }> {
  // A string: this file is type-checked without the DOM's types; the browser runs it.
  return page.evaluate(`(() => {
    const de = document.documentElement;
    const header = document.querySelector('header.top');
    const out = document.querySelector('header .signout')?.getBoundingClientRect();
    const cutFigures = [];
    for (const tile of document.querySelectorAll('[data-testid=tile]')) {
      const edge = tile.getBoundingClientRect().right;
      for (const v of tile.querySelectorAll('.value, .staff .st')) {
        if (v.getBoundingClientRect().right > edge + 0.5) cutFigures.push(tile.getAttribute('data-queue') + ': ' + v.textContent.trim());
      }
    }
    return {
      wide: de.scrollWidth > innerWidth,
      tall: de.scrollHeight > innerHeight,
      header: header ? header.scrollWidth > header.clientWidth : false,
      signOutOff: out ? out.right > innerWidth : false,
      cutFigures,
    };
  })()`);
}

it('on a 1280, 1366 and 1600 px laptop, in Vietnamese and English, the supervisor, team and agent pages fit the width and the top bar keeps one line with sign-out on screen', async () => {
  for (const width of [1280, 1366, 1600]) {
    for (const lang of ['vi', 'en'] as const) {
      for (const [user, path] of [['sup', '/supervisor'], ['lead1', '/team'], ['a1', '/agent']] as const) {
        const page = await signIn(browser, hub.url, user, `${path}?lang=${lang}`, { width, height: 768 });
        if (path === '/supervisor') await page.locator('[data-testid=queue-row]').nth(LINES.length - 1).waitFor();
        const o = await overflow(page);
        expect({ width, lang, path, wide: o.wide, header: o.header, signOutOff: o.signOutOff }).toEqual({ width, lang, path, wide: false, header: false, signOutOff: false });
        await page.context().close();
      }
    }
  }
}, 180_000); // 18 page loads: on a busy 2-core CI machine this takes 50-60 s

it('on TVs from 720p to 4K, the wallboard fits the screen, keeps every figure inside its tile, and its text grows with the screen', async () => {
  const rootPx: number[] = [];
  for (const [width, height] of [[1280, 720], [1366, 768], [1920, 1080], [3840, 2160]] as const) {
    const page = await signIn(browser, hub.url, 'sup', '/wallboard?tv', { width, height });
    await page.locator('[data-testid=tile]').nth(LINES.length).waitFor();
    await page.locator('[data-testid=tile][data-queue=booking] [data-testid=m-offered] .value', { hasText: /1[.,]235/ }).waitFor();
    const o = await overflow(page);
    expect({ width, wide: o.wide, tall: o.tall, cut: o.cutFigures }).toEqual({ width, wide: false, tall: false, cut: [] });
    rootPx.push(await page.evaluate<number>('parseFloat(getComputedStyle(document.documentElement).fontSize)'));
    await page.context().close();
  }
  // 16 px at 1920x1080 (the layout's own size), in proportion below and above it.
  expect(rootPx[2]).toBeCloseTo(16, 0);
  expect(rootPx[0]).toBeLessThan(rootPx[1]!);
  expect(rootPx[1]).toBeLessThan(rootPx[2]!);
  expect(rootPx[3]).toBeCloseTo(32, 0);
});

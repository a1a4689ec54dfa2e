/**
 * The hub's REST refusals in the console's language, end to end: the real hub with the complaints and
 * reports routers on a throwaway PGlite database, real Redis, the built console, Chromium. The hub
 * answers a `reason` with its `params` beside its English `message`; the page shows the Vietnamese.
 *
 * `CALLBOARD_E2E_SHOT=/path.png` also saves a screenshot of the refusal (to look at it).
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig } from '../../realtime/src/contracts/index.ts';
import { complaintsMount } from '../../realtime/src/complaints/complaints.router.ts';
import { createApp, type App } from '../../realtime/src/hub/app.ts';
import { signToken } from '../../realtime/src/hub/auth.ts';
import { reportsMount } from '../../realtime/src/reports/reports.router.ts';
import { testBackends, type TestDatabase } from '../../realtime/src/storage/testing.ts';
import { consoleMount } from '../server/mount.ts';
import { e2eSite, launch, SECRET, signIn } from './harness.ts';

const config = parseSiteConfig(e2eSite());
let db: TestDatabase;
let app: App;
let url: string;
let browser: Browser;

beforeAll(async () => {
  db = await testBackends()[0]!.create();
  const database = () => db.database;
  app = await createApp({
    config,
    redisUrl: inject('redisUrl'),
    logger: pino({ level: 'silent' }),
    jwtSecret: SECRET,
    streamKey: `callboard:e2e:${randomBytes(6).toString('hex')}:events`,
    redisAdapter: false,
    mounts: [reportsMount({ config, database }), complaintsMount({ config, database }), await consoleMount()],
  });
  [url, browser] = await Promise.all([app.listen(0), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.drop();
});

const supToken = () => signToken(SECRET, { userId: 'sup2', name: 'Giám sát 2', role: 'supervisor', teamIds: [] });
async function api(method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${supToken()}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  expect(r.ok, `${method} ${path}: ${r.status}`).toBe(true);
  return r.json();
}

describe('REST refusals in Vietnamese', () => {
  it('a move the flow no longer allows (another supervisor closed the complaint meanwhile) is refused in Vietnamese, with the statuses in words', async () => {
    const opened = await api('POST', '/api/v1/complaints', { category: 'vaccine-reaction', description: 'Bé sốt 39 độ sau tiêm', customerRef: 'KH-88' });
    const page = await signIn(browser, url, 'sup', `/complaints/${opened.id}`);
    await page.locator('[data-testid=complaint][data-status=open]').waitFor();
    // Meanwhile someone else resolves and closes it; this page still shows it open.
    await api('POST', `/api/v1/complaints/${opened.id}/status`, { status: 'resolved', rootCause: 'clinical' });
    await api('POST', `/api/v1/complaints/${opened.id}/status`, { status: 'closed' });

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

  it('a settings value the hub refuses: the form says which field, in Vietnamese, and the field says why', async () => {
    const page = await signIn(browser, url, 'sup', '/settings');
    const form = page.getByTestId('st-target-form');
    await form.waitFor();
    // Too long a metric name: the page sends it, the hub's schema refuses it.
    await page.getByTestId('st-target-metric').fill('x'.repeat(70));
    await page.getByTestId('st-target-value').fill('5');
    await page.getByTestId('st-target-save').click();
    await form.locator('label.bad small.lvl-bad').first().waitFor();
    await expect(form.locator('label.bad small.lvl-bad').first().textContent()).resolves.toBe('Giá trị không hợp lệ');
    await expect(form.textContent()).resolves.toContain('Dữ liệu không hợp lệ: metric');
    await expect(form.textContent()).resolves.not.toContain('Too big');
    await page.context().close();
  });
});

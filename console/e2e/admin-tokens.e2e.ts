/**
 * The admin's tokens page end to end: the real hub with database accounts (a throwaway PGlite) and the
 * admin routes, real Redis, the built console, Chromium. A telephony token minted on the page is shown
 * once and works against the events API; revoked on the page, the same token is refused at once.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { parseSiteConfig } from '../../realtime/src/contracts/index.ts';
import { AccountsService } from '../../realtime/src/accounts/accounts.service.ts';
import { adminRoutes } from '../../realtime/src/accounts/admin.routes.ts';
import { createApp, type App } from '../../realtime/src/hub/app.ts';
import { testBackends, type TestDatabase } from '../../realtime/src/storage/testing.ts';
import { consoleMount } from '../server/mount.ts';
import { e2eSite, launch, PASSWORD, SECRET, signIn } from './harness.ts';

// A site id of its own: the accounts' Redis keys (token versions, revoked jtis) stay this file's.
const base = e2eSite();
const config = parseSiteConfig({ ...base, id: `e2e-tok-${randomBytes(4).toString('hex')}`, users: [...(base.users ?? []), { id: 'admin', name: 'Quản trị', role: 'admin', password: PASSWORD }] });
let db: TestDatabase;
let accounts: AccountsService;
let app: App;
let url: string;
let browser: Browser;

beforeAll(async () => {
  db = await testBackends()[0]!.create();
  accounts = await AccountsService.open({ database: db.database, redisUrl: inject('redisUrl'), siteId: config.id, logger: pino({ level: 'silent' }), auditBatchDelayMs: 5, jwtSecret: SECRET });
  await accounts.seedSite(config);
  app = await createApp({
    config,
    redisUrl: inject('redisUrl'),
    logger: pino({ level: 'silent' }),
    jwtSecret: SECRET,
    streamKey: `callboard:e2e:${randomBytes(6).toString('hex')}:events`,
    redisAdapter: false,
    accounts,
    mounts: [adminRoutes(accounts), await consoleMount()],
  });
  [url, browser] = await Promise.all([app.listen(0), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await accounts?.close();
  await db?.drop();
});

async function loginToken(user: string): Promise<string> {
  const r = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: PASSWORD }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { token: string }).token;
}
/** What the phone system's adapter does with its token: post events (an empty batch is enough to be let in or not). */
async function postEvents(token: string): Promise<number> {
  const r = await fetch(`${url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '[]' });
  await r.text();
  return r.status;
}

describe('script tokens page end to end', () => {
  it('an admin mints a telephony token (shown once), it posts events; revoked on the page, the same token gets 401', async () => {
    const page = await signIn(browser, url, 'admin', '/admin/tokens');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    await expect(page.locator('nav a[href="/admin/tokens"]').textContent()).resolves.toBe('Token tích hợp');
    // The admin pages are in the top bar's "Quản trị" menu: opened, the link shows.
    await page.getByTestId('nav-admin').locator('summary').click();
    await page.locator('nav a[href="/admin/tokens"]').waitFor({ state: 'visible' });
    await page.locator('[data-testid=tokens] td:text-is("Không có token nào.")').waitFor();

    // Telephony by default; a label and 90 days.
    await expect(page.getByTestId('tok-role').inputValue()).resolves.toBe('telephony');
    await page.getByTestId('tok-label').fill('Tổng đài tòa A');
    await page.getByTestId('tok-expires').selectOption('90d');
    await page.getByTestId('tok-mint').click();

    const once = page.getByTestId('tok-once');
    await once.waitFor();
    await expect(once.textContent()).resolves.toContain('sẽ không được hiển thị lại');
    const token = await page.getByTestId('tok-secret').inputValue();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await page.getByTestId('tok-secret').getAttribute('readonly')).not.toBeNull();
    const jti = (await once.getAttribute('data-jti'))!;
    const row = page.locator(`[data-testid=token-row][data-jti="${jti}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('active');
    await expect(row.textContent()).resolves.toMatch(/Tổng đài tòa A.*Tổng đài.*telephony.*admin/s);

    // The copy button puts exactly the token on the clipboard.
    await page.getByTestId('tok-copy').click();
    await page.locator('[data-testid=toast][data-kind=ok]:has-text("Đã chép token")').waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(token);

    // The hub recorded what the form said, never the token; the token works for the adapter.
    const admin = await loginToken('admin');
    const listed = (await (await fetch(`${url}/api/v1/admin/tokens`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { tokens: any[] };
    expect(listed.tokens).toHaveLength(1);
    expect(listed.tokens[0]).toMatchObject({ jti, role: 'telephony', subject: 'telephony', label: 'Tổng đài tòa A', issuedBy: 'admin', revokedAt: null });
    const days = (Date.parse(listed.tokens[0].expiresAt) - Date.parse(listed.tokens[0].issuedAt)) / 86_400_000;
    expect(days).toBe(90);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(await postEvents(token)).toBe(200);
    expect(await postEvents('not-a-token')).toBe(401);

    // Hidden: the token is nowhere on the page any more.
    await page.getByTestId('tok-done').click();
    await once.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(token);

    // Revoke, cancelled first: nothing happens.
    const dialog = page.getByTestId('confirm');
    await page.getByTestId(`revoke-${jti}`).click();
    await expect(dialog.textContent()).resolves.toContain('Thu hồi token “Tổng đài tòa A” (telephony)?');
    await page.getByTestId('confirm-cancel').click();
    expect(await row.getAttribute('data-status')).toBe('active');
    expect(await postEvents(token)).toBe(200);

    // Confirmed: the toast says so, the row leaves the active list and shows as revoked with the revoked ones.
    await page.getByTestId(`revoke-${jti}`).click();
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid=toast][data-kind=ok]:has-text("đã thu hồi token")').waitFor();
    await row.waitFor({ state: 'detached' });
    expect(await postEvents(token)).toBe(401);

    await page.getByTestId('tok-show-all').check();
    await page.locator(`[data-testid=token-row][data-jti="${jti}"][data-status=revoked]`).waitFor();
    await expect(row.getByTestId('token-status').textContent()).resolves.toMatch(/Đã thu hồi.*bởi admin/s);
    expect(await page.getByTestId(`revoke-${jti}`).count()).toBe(0);

    // English, same page.
    await page.locator('.lang button', { hasText: 'EN' }).click();
    await expect(row.getByTestId('token-status').textContent()).resolves.toMatch(/Revoked.*by admin/s);
    await page.context().close();
  });

  it('an admin creates a user on the users page, picking the team by its name; the list names the team', async () => {
    const page = await signIn(browser, url, 'admin', '/admin/users');
    const teams = page.getByTestId('new-user-teams');
    await teams.locator('option', { hasText: 'Tổ đặt lịch' }).waitFor({ state: 'attached' });
    const form = page.getByTestId('new-user');
    await form.locator('input').nth(0).fill('a9');
    await form.locator('input').nth(1).fill('Phạm Thị Hoa');
    await form.locator('input[type=password]').fill('doi-mat-khau');
    await teams.selectOption({ label: 'Tổ đặt lịch' });
    await form.locator('button.primary').click();
    const row = page.locator('[data-testid=user-row][data-user=a9]');
    await row.waitFor();
    await expect(row.getByTestId('user-teams').textContent()).resolves.toBe('Tổ đặt lịch');
    // What the page shows is what the hub stored: the team's id.
    expect((await accounts.get('a9'))?.teamIds).toEqual(['t1']);
    await page.context().close();
  });

  it('the link and the page are the admin\'s only', async () => {
    const page = await signIn(browser, url, 'sup', '/admin/tokens');
    await page.waitForURL((u) => !u.pathname.startsWith('/admin'));
    expect(await page.locator('nav a[href="/admin/tokens"]').count()).toBe(0);
    await page.context().close();
  });
});

/**
 * `npx tsx scripts/src/screenshot.ts [HUB_URL] [options]`: signs in to the console the hub serves
 * (supervisor, team lead, agent) in the system Chromium at 1920x1080 (`--size` for another screen) and saves a PNG of every page
 * under `docs/screenshots/`: login, wallboard (Vietnamese and English), supervisor (and its
 * "explain this number" dialog), team lead, agent desk, and the managers' pages: campaigns (list and one
 * campaign), reports (and the report's complaints), CX, complaints (list and one complaint), settings, users, audit and script tokens (`--only` picks some).
 *
 * Never downloads a browser: it drives `/usr/bin/chromium` (Debian: `apt-get install chromium`)
 * through playwright-core. Run it against `npm start` (simulated traffic) so the pages have figures
 * and the agent gets an offer (a40, the default `--agent`, is one of the agents the demo's simulator
 * leaves to people; on the telesales team, a campaign call rings for it within seconds, where an inbound
 * line's longest-idle routing may keep a newcomer waiting for minutes). It is put back offline at the
 * end when it was offline before.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

const HELP = `Usage: npx tsx scripts/src/screenshot.ts [HUB_URL] [options]

  HUB_URL               hub base URL                                 [http://127.0.0.1:8080]
  --out DIR             where the PNGs go                            [docs/screenshots]
  --supervisor USER     login for the wallboard and supervisor page  [supervisor]
  --lead USER           login for the team page                      [lead1]
  --agent USER          login for the agent desk                     [a40]
  --password P          password of the logins                       [demo]
  --queues a,b          wallboard queues (?queues=)                  [all]
  --settle S            seconds of live data before each shot        [4]
  --wait-offer S        seconds to wait for a ringing offer          [60]
  --admin USER          login for the admin pages                    [admin]
  --report-date D       the day of the report pages (YYYY-MM-DD)    [today]
  --only a,b            only these groups: login, wallboard, supervisor, team, agent, manager  [all]
  --browser PATH        Chromium executable                          [/usr/bin/chromium]
  --size WxH            the screen, e.g. 1366x768 for a laptop       [1920x1080]
  -h, --help
`;

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'docs/screenshots' },
    supervisor: { type: 'string', default: 'supervisor' },
    lead: { type: 'string', default: 'lead1' },
    agent: { type: 'string', default: 'a40' },
    password: { type: 'string', default: 'demo' },
    queues: { type: 'string' },
    settle: { type: 'string', default: '4' },
    'wait-offer': { type: 'string', default: '60' },
    admin: { type: 'string', default: 'admin' },
    'report-date': { type: 'string' },
    only: { type: 'string' },
    browser: { type: 'string', default: '/usr/bin/chromium' },
    size: { type: 'string', default: '1920x1080' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (o.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const hub = (positionals[0] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const reportDate = o['report-date'];
if (reportDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(reportDate)) {
  process.stderr.write(`--report-date: expected YYYY-MM-DD, got "${reportDate}"\n`);
  process.exit(2);
}
const reportPath = reportDate ? `/reports?kind=daily&date=${reportDate}&scope=site` : '/reports';
const reportClick = reportDate ? {} : { click: 'form.controls button[type=submit]' };
const outDir = resolve(o.out);
const settleMs = Number(o.settle) * 1000;
const waitOfferMs = Number(o['wait-offer']) * 1000;
const [screenW, screenH] = (o.size ?? '').split('x').map(Number) as [number, number];
if (!Number.isFinite(settleMs) || !Number.isFinite(waitOfferMs)) fail('--settle and --wait-offer take seconds');
if (!(screenW >= 320 && screenH >= 240)) fail('--size takes WIDTHxHEIGHT in pixels, e.g. 1366x768');

function fail(msg: string): never {
  process.stderr.write(`screenshot: ${msg}\n`);
  process.exit(1);
}
const log = (msg: string) => process.stdout.write(`screenshot: ${msg}\n`);

async function checkHub(): Promise<void> {
  try {
    const res = await fetch(`${hub}/healthz`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) fail(`${hub}/healthz answered ${res.status}`);
  } catch (err) {
    fail(`cannot reach the hub at ${hub}: ${(err as Error).message}`);
  }
}

async function newPage(browser: Browser, lang: 'vi' | 'en', label: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: screenW, height: screenH },
    deviceScaleFactor: 1,
    locale: lang === 'en' ? 'en-GB' : 'vi-VN',
    // Steady frames: no ringing animation mid-capture.
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => log(`page error (${label}): ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') log(`console error (${label}): ${m.text()}`);
  });
  return page;
}

/** Signs in (a fresh context: its own session) and opens `path`; resolves once figures are live. */
async function signIn(browser: Browser, user: string, path: string, lang: 'vi' | 'en' = 'vi'): Promise<Page> {
  const page = await newPage(browser, lang, user);
  await page.goto(`${hub}/login?lang=${lang}`, { waitUntil: 'domcontentloaded' });
  await page.fill('#login-user', user);
  await page.fill('#login-pass', o.password!);
  await page.click('#login-submit');
  const err = page.locator('#login-error');
  await Promise.race([page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15000 }), err.waitFor({ timeout: 15000 })]).catch(() => undefined);
  if (await err.isVisible()) fail(`login as ${user} failed: ${await err.textContent()}`);
  if (path) await page.goto(hub + path, { waitUntil: 'domcontentloaded' });
  await page.locator('[data-testid=age-badge][data-level=ok]').waitFor({ timeout: 15000 });
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  const file = resolve(outDir, `${name}.png`);
  await page.screenshot({ path: file });
  log(`saved ${file}`);
}

async function login(browser: Browser): Promise<void> {
  const page = await newPage(browser, 'vi', 'login');
  await page.goto(`${hub}/login?lang=vi`, { waitUntil: 'domcontentloaded' });
  await page.locator('#login-user').waitFor();
  await shot(page, 'login');
  await page.context().close();
}

async function wallboard(browser: Browser, lang: 'vi' | 'en'): Promise<void> {
  const query = o.queues ? `?queues=${encodeURIComponent(o.queues)}` : '';
  const page = await signIn(browser, o.supervisor!, `/wallboard${query}`, lang);
  await page.locator('[data-testid=tile]').first().waitFor({ timeout: 10000 });
  await page.waitForTimeout(settleMs);
  const overflow = await page.evaluate<boolean>('document.documentElement.scrollHeight > window.innerHeight || document.documentElement.scrollWidth > window.innerWidth');
  if (overflow) log(`warning: the wallboard scrolls at ${o.size}`);
  await shot(page, lang === 'vi' ? 'wallboard' : 'wallboard-en');
  await page.context().close();
}

async function supervisor(browser: Browser): Promise<void> {
  const page = await signIn(browser, o.supervisor!, '/supervisor');
  await page.locator('[data-testid=agent-row]').first().waitFor({ timeout: 10000 });
  await page.waitForTimeout(settleMs);
  await shot(page, 'supervisor');
  // "Explain this number" on the busiest line's service level.
  await page.locator('[data-testid=explain-sl]').nth(1).click();
  await page.locator('[data-testid=explain] table, [data-testid=explain] .muted').first().waitFor({ timeout: 10000 });
  await page.waitForTimeout(500);
  await shot(page, 'supervisor-explain');
  await page.context().close();
}

async function team(browser: Browser): Promise<void> {
  const page = await signIn(browser, o.lead!, '/team');
  await page.locator('[data-testid=team-row]').first().waitFor({ timeout: 10000 });
  await page.waitForTimeout(settleMs);
  await shot(page, 'team');
  await page.context().close();
}

async function agentDesk(browser: Browser): Promise<void> {
  const page = await signIn(browser, o.agent!, '/agent');
  const state = page.getByTestId('my-state');
  await state.waitFor({ timeout: 10000 });
  const initial = (await state.getAttribute('data-state')) ?? '';
  if (initial === 'offline' || initial === 'notReady' || initial === 'break') {
    await page.getByTestId('state-available').click();
    await page.locator('[data-testid=my-state][data-state=available], [data-testid=my-state][data-state=reserved]').first().waitFor({ timeout: 10000 });
  }
  const offer = page.getByTestId('offer-card');
  // The ringing card is the shot we want; a call or a wrap-up form (when `--agent` is one the
  // simulator plays, it may answer first) is the next best.
  try {
    await page.locator('[data-testid=offer-card], [data-testid=call], [data-testid=wrapup]').first().waitFor({ timeout: waitOfferMs });
    // Let the countdown, or the talk time, run a little.
    await page.waitForTimeout((await offer.isVisible()) ? 800 : 4000);
    log((await offer.isVisible()) ? 'offer ringing' : 'on a call or in wrap-up');
  } catch {
    log(`no offer rang for ${o.agent} within ${o['wait-offer']} s; taking the desk as it is (is traffic flowing?)`);
  }
  await shot(page, 'agent');

  // Leave the agent as we found it: decline what rings, then sign the phone out.
  if (initial === 'offline') {
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline && (await state.getAttribute('data-state')) !== 'offline') {
      if (await offer.isVisible()) await page.getByTestId('offer-decline').click({ timeout: 2000 }).catch(() => undefined);
      else if (await page.getByTestId('state-offline').isEnabled()) await page.getByTestId('state-offline').click({ timeout: 2000 }).catch(() => undefined);
      await page.waitForTimeout(500);
    }
    if ((await state.getAttribute('data-state')) !== 'offline') log(`could not put ${o.agent} back offline`);
  }
  await page.context().close();
}

/** The managers' pages, each once its data is there (or after `--settle` when a page has no marker). */
async function managerPages(browser: Browser): Promise<void> {
  const pages: { user: string; path: string; name: string; lang?: 'vi' | 'en'; ready?: string; click?: string; then?: (p: Page) => Promise<void> }[] = [
    { user: o.supervisor!, path: '/campaigns', name: 'campaigns', ready: '[data-testid=campaign-row]' },
    {
      user: o.supervisor!,
      path: '/campaigns',
      name: 'campaign',
      ready: '[data-testid=campaign-row]',
      then: async (p) => {
        await p.locator('[data-testid=campaign-row] a').first().click();
        await p.waitForURL((u) => /^\/campaigns\/[^/]+/.test(u.pathname), { timeout: 10000 });
      },
    },
    // A day's report by its address (shown at once) when a day is given, else today's by the form.
    { user: o.supervisor!, path: reportPath, name: 'reports', ...reportClick, ready: '[data-testid=report-total]' },
    {
      user: o.supervisor!,
      path: reportPath,
      name: 'report-complaints',
      ...reportClick,
      ready: '[data-testid=report-complaints]',
      // The report's complaints section, scrolled to the top of the window.
      then: (p) => p.getByTestId('report-complaints').evaluate((el) => el.scrollIntoView({ block: 'start' })),
    },
    { user: o.supervisor!, path: '/cx', name: 'cx', ready: '[data-testid=cx-row]' },
    { user: o.supervisor!, path: '/complaints', name: 'complaints', ready: '[data-testid=complaints]' },
    ...(['vi', 'en'] as const).map((lang) => ({
      user: o.supervisor!,
      path: '/complaints',
      name: lang === 'vi' ? 'complaint-detail' : 'complaint-detail-en',
      lang,
      ready: '[data-testid=complaint-link]',
      then: async (p: Page) => {
        await p.locator('[data-testid=complaint-link]').first().click();
        await p.locator('[data-testid=complaint]').waitFor({ timeout: 10000 });
      },
    })),
    { user: o.supervisor!, path: '/settings', name: 'settings' },
    { user: o.admin!, path: '/admin/users', name: 'admin-users' },
    { user: o.admin!, path: '/admin/audit', name: 'admin-audit' },
    { user: o.admin!, path: '/admin/tokens', name: 'admin-tokens', ready: '[data-testid=tokens]' },
  ];
  for (const x of pages) {
    const page = await signIn(browser, x.user, x.path, x.lang);
    try {
      if (x.click) await page.locator(x.click).first().click({ timeout: 10000 });
      if (x.ready) await page.locator(x.ready).first().waitFor({ timeout: 15000 });
      if (x.then) await x.then(page);
      await page.waitForTimeout(settleMs);
      await shot(page, x.name);
    } catch (err) {
      log(`skipped ${x.name}: ${(err as Error).message.split('\n')[0]}`);
    }
    await page.context().close();
  }
}

const only = new Set((o.only ?? 'login,wallboard,supervisor,team,agent,manager').split(',').map((x) => x.trim()));
await checkHub();
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: o.browser!,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  if (only.has('login')) await login(browser);
  if (only.has('wallboard')) await wallboard(browser, 'vi');
  if (only.has('wallboard')) await wallboard(browser, 'en');
  if (only.has('supervisor')) await supervisor(browser);
  if (only.has('team')) await team(browser);
  if (only.has('agent')) await agentDesk(browser);
  if (only.has('manager')) await managerPages(browser);
} finally {
  await browser.close();
}

/**
 * `npx tsx scripts/src/screenshot.ts [HUB_URL] [options]`: signs in to the console placeholder the
 * hub serves, as a supervisor and as an agent, in the system Chromium at 1920x1080, and saves
 * `docs/screenshots/wallboard.png` and `docs/screenshots/agent.png`.
 *
 * Never downloads a browser: it drives `/usr/bin/chromium` (Debian: `apt-get install chromium`)
 * through playwright-core. Feed the hub some traffic first (`npm run simulate -- --hub URL
 * --agents 36`) so the board has figures and the agent gets an offer; the agent the script uses
 * (`--agent`, default a10) should be one the simulator leaves alone. The agent is put back
 * offline at the end.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

const HELP = `Usage: npx tsx scripts/src/screenshot.ts [HUB_URL] [options]

  HUB_URL               hub base URL                                 [http://127.0.0.1:8080]
  --out DIR             where the PNGs go                            [docs/screenshots]
  --supervisor USER     login for the wallboard                      [supervisor]
  --agent USER          login for the agent desk                     [a10]
  --password P          password of both logins                      [demo]
  --queues a,b          wallboard queues (?queues=)                  [all]
  --lang vi|en          console language                             [vi]
  --settle S            seconds of live data before the board shot   [4]
  --wait-offer S        seconds to wait for a ringing offer          [60]
  --browser PATH        Chromium executable                          [/usr/bin/chromium]
  -h, --help
`;

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'docs/screenshots' },
    supervisor: { type: 'string', default: 'supervisor' },
    agent: { type: 'string', default: 'a10' },
    password: { type: 'string', default: 'demo' },
    queues: { type: 'string' },
    lang: { type: 'string', default: 'vi' },
    settle: { type: 'string', default: '4' },
    'wait-offer': { type: 'string', default: '60' },
    browser: { type: 'string', default: '/usr/bin/chromium' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (o.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const hub = (positionals[0] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const outDir = resolve(o.out);
const settleMs = Number(o.settle) * 1000;
const waitOfferMs = Number(o['wait-offer']) * 1000;
if (o.lang !== 'vi' && o.lang !== 'en') fail('--lang must be vi or en');
if (!Number.isFinite(settleMs) || !Number.isFinite(waitOfferMs)) fail('--settle and --wait-offer take seconds');

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

/** Opens the console in a fresh context (its own sessionStorage) and signs in. */
async function signIn(browser: Browser, user: string, query: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1920, height: 1080 },
    deviceScaleFactor: 1,
    locale: o.lang === 'en' ? 'en-US' : 'vi-VN',
    // Steady frames: no pulsing or shaking mid-capture.
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => log(`page error (${user}): ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') log(`console error (${user}): ${m.text()}`);
  });
  await page.goto(`${hub}/?lang=${o.lang}${query}`, { waitUntil: 'domcontentloaded' });
  await page.fill('#login-user', user);
  await page.fill('#login-pass', o.password!);
  await page.click('#login-submit');
  const err = page.locator('#login-error');
  const view = page.locator('#view-board:not([hidden]), #view-desk:not([hidden])');
  await Promise.race([view.first().waitFor({ timeout: 15000 }), err.waitFor({ state: 'visible', timeout: 15000 })]).catch(() => undefined);
  if (await err.isVisible()) fail(`login as ${user} failed: ${await err.textContent()}`);
  // Live means the snapshot arrived over the socket.
  await page.locator('.age-badge.age-live').first().waitFor({ timeout: 15000 });
  return page;
}

async function wallboard(browser: Browser): Promise<void> {
  const query = o.queues ? `&queues=${encodeURIComponent(o.queues)}` : '';
  const page = await signIn(browser, o.supervisor!, query);
  await page.locator('#view-board:not([hidden])').waitFor({ timeout: 5000 }).catch(() => fail(`${o.supervisor} did not get the wallboard (is it an agent login?)`));
  await page.locator('.tile').first().waitFor({ timeout: 10000 });
  await page.waitForTimeout(settleMs);
  const file = resolve(outDir, 'wallboard.png');
  await page.screenshot({ path: file });
  log(`saved ${file}`);
  await page.context().close();
}

async function agentDesk(browser: Browser): Promise<void> {
  const page = await signIn(browser, o.agent!, '');
  await page.locator('#view-desk:not([hidden])').waitFor({ timeout: 5000 }).catch(() => fail(`${o.agent} did not get the agent desk (not an agent login?)`));
  const stateOf = async () => (await page.locator('#desk-state').getAttribute('class')) ?? '';
  const initial = await stateOf();
  const offer = page.locator('#offer-card:not([hidden])');
  const available = page.locator('.state-btn[data-state="available"]');
  if (!initial.includes('a-available') && !initial.includes('a-reserved') && !initial.includes('a-onCall')) {
    await available.click({ timeout: 5000 });
    await page.locator('#desk-state.a-available, #desk-state.a-reserved').first().waitFor({ timeout: 10000 });
  }
  let rang = false;
  try {
    await offer.waitFor({ timeout: waitOfferMs });
    rang = true;
    await page.waitForTimeout(1200); // let the countdown run a little
  } catch {
    log(`no offer rang for ${o.agent} within ${o['wait-offer']} s; taking the desk as it is (is traffic flowing?)`);
  }
  const file = resolve(outDir, 'agent.png');
  await page.screenshot({ path: file });
  log(`saved ${file}${rang ? ' (ringing offer)' : ''}`);

  // Leave the agent as we found it: decline what rings, then sign the phone out.
  if (!initial.includes('a-offline')) {
    await page.context().close();
    return;
  }
  const offline = page.locator('.state-btn[data-state="offline"]');
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if ((await stateOf()).includes('a-offline')) break;
    if (await offer.isVisible()) await page.locator('#offer-card .btn-decline').click({ timeout: 2000 }).catch(() => undefined);
    else if (await offline.isEnabled()) await offline.click({ timeout: 2000 }).catch(() => undefined);
    await page.waitForTimeout(500);
  }
  if (!(await stateOf()).includes('a-offline')) log(`could not put ${o.agent} back offline`);
  await page.context().close();
}

await checkHub();
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: o.browser!,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  await wallboard(browser);
  await agentDesk(browser);
} finally {
  await browser.close();
}

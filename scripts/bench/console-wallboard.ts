/**
 * `npm run bench:console [-- HUB_URL]`: how fast the wallboard loads. Opens /wallboard in a fresh
 * Chromium context (cold cache) N times, already signed in, and reports the JavaScript shipped (bytes
 * on the wire and decoded) before the first live number and in total (chart.js loads after), and the
 * time from navigation to the first live number (a tile showing figures from a hub snapshot), on the
 * local network and on a throttled one (a TV on a slow Wi-Fi: 10 Mbit/s, 40 ms RTT).
 *
 * Raw baseline, same run, same conditions: a cold navigation to the hub's smallest page (`/healthz`: one
 * request, no script) in a fresh context, from navigation start to its load event. The wallboard's figure
 * is printed as a ratio to it (how many bare page loads the first live number costs), then a JSON line.
 */
import os from 'node:os';
import { chromium } from 'playwright-core';

const hub = (process.argv[2] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const runs = Number(process.env.RUNS ?? 5);
const res = await fetch(`${hub}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'supervisor', password: 'demo' }),
});
if (!res.ok) throw new Error(`login failed: ${res.status}`);
const login = await res.text();

const browser = await chromium.launch({ executablePath: process.env.CALLBOARD_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function throttled(ctx: import('playwright-core').BrowserContext, page: import('playwright-core').Page) {
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8 });
}

/** The raw baseline: a bare page load of the same hub (navigation start -> load event, ms). */
async function bare(throttle: boolean): Promise<number> {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await ctx.newPage();
  if (throttle) await throttled(ctx, page);
  await page.goto(`${hub}/healthz`, { waitUntil: 'load' });
  const ms = (await page.evaluate(`performance.getEntriesByType('navigation')[0].loadEventEnd`)) as number;
  await ctx.close();
  return ms;
}

async function once(throttle: boolean) {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  // Signed in already, and a marker of the first live number (strings: the page has its own globals).
  await ctx.addInitScript(`
    sessionStorage.setItem('callboard.session', ${JSON.stringify(login)});
    new MutationObserver(() => {
      if (window.__firstLive === undefined && document.querySelector('[data-testid=tile-age][data-fresh=true]')) window.__firstLive = performance.now();
    }).observe(document, { subtree: true, childList: true, attributes: true });
  `);
  const page = await ctx.newPage();
  if (throttle) await throttled(ctx, page);
  await page.goto(`${hub}/wallboard`);
  await page.waitForFunction('window.__firstLive !== undefined', undefined, { timeout: 30000 });
  await page.locator('[data-testid=trends] canvas').first().waitFor();
  await page.waitForTimeout(1500);
  // A string, not a function: tsx's name-keeping helpers do not exist in the page.
  const r = (await page.evaluate(`(() => {
    const firstLive = window.__firstLive;
    const js = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.js'));
    const sum = (xs, k) => xs.reduce((n, e) => n + e[k], 0);
    const before = js.filter((e) => e.responseEnd <= firstLive);
    return { firstLive, wire: sum(js, 'transferSize'), decoded: sum(js, 'decodedBodySize'), wireBefore: sum(before, 'transferSize'), decodedBefore: sum(before, 'decodedBodySize'), files: js.length, filesBefore: before.length };
  })()`)) as { firstLive: number; wire: number; decoded: number; wireBefore: number; decodedBefore: number; files: number; filesBefore: number };
  await ctx.close();
  return r;
}

const summary: Record<string, unknown> = { bench: 'console', runs };
for (const throttle of [false, true]) {
  const rs: Awaited<ReturnType<typeof once>>[] = [];
  const base: number[] = [];
  // Alternated run by run, so both see the same machine.
  for (let i = 0; i < runs; i++) {
    base.push(await bare(throttle));
    rs.push(await once(throttle));
  }
  const m = (k: keyof (typeof rs)[number]) => median(rs.map((r) => r[k]));
  const ratio = m('firstLive') / median(base);
  const key = throttle ? 'throttled' : 'local';
  console.log(
    `${throttle ? 'throttled 10 Mbit/s, 40 ms' : 'local'}: first live number ${Math.round(m('firstLive'))} ms (median of ${runs}, min ${Math.round(Math.min(...rs.map((r) => r.firstLive)))}, max ${Math.round(Math.max(...rs.map((r) => r.firstLive)))}); ` +
      `raw baseline (a bare page load of /healthz) ${Math.round(median(base))} ms: ratio ${ratio.toFixed(2)}; ` +
      `JS before it ${kb(m('wireBefore'))} on the wire / ${kb(m('decodedBefore'))} decoded in ${m('filesBefore')} files; ` +
      `JS in total ${kb(m('wire'))} / ${kb(m('decoded'))} in ${m('files')} files`,
  );
  Object.assign(summary, { [`${key}FirstLiveMs`]: Math.round(m('firstLive')), [`${key}BareMs`]: Math.round(median(base)), [`${key}Ratio`]: +ratio.toFixed(2), [`${key}JsBeforeBytes`]: m('wireBefore') });
}
await browser.close();
console.log(JSON.stringify({ ...summary, nproc: os.cpus().length, node: process.version, load: os.loadavg().map((x) => x.toFixed(2)).join(' ') }));

/**
 * The wallboard across a hub restart: it shows that it is reconnecting and that its figures are not
 * live while the hub is down, then resyncs from a fresh snapshot and keeps counting right.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, offered, signIn, startConsoleHub, type RunningHub } from './harness.ts';

let hub: RunningHub | undefined;
let browser: Browser;
const redisUrl = () => inject('redisUrl');

beforeAll(async () => {
  [hub, browser] = await Promise.all([startConsoleHub(redisUrl()), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await hub?.app.close();
});

it('keeps its figures right across a hub restart (reconnect + resync)', async () => {
  const first = hub!;
  // Three callers wait on a line nobody staffs.
  await first.app.hub.ingest([offered('advice').event, offered('advice').event, offered('advice').event]);
  const board = await signIn(browser, first.url, 'sup', '/wallboard?queues=advice');
  const tile = board.locator('[data-testid=tile][data-queue=advice]');
  const inQueue = tile.locator('[data-testid=m-inqueue] .value');
  await tile.locator('[data-testid=m-inqueue] .value', { hasText: /^3$/ }).waitFor();

  await first.app.close();
  hub = undefined;
  // Down: the page says so and its figures are no longer shown as live.
  await board.getByTestId('reconnecting').waitFor();
  await board.locator('[data-testid=age-badge][data-level=bad]').waitFor();
  await tile.locator('[data-testid=tile-age][data-fresh=false]').waitFor({ timeout: 10_000 });
  // The banner does not claim that all is well with figures it no longer gets.
  await board.locator('[data-testid=alerts] [data-kind=stale]').waitFor();
  expect(await board.locator('[data-testid=alerts] .lvl-ok').count()).toBe(0);

  // The same hub comes back on the same port and log; two more callers arrive.
  hub = await startConsoleHub(redisUrl(), { port: first.port, streamKey: first.streamKey });
  await hub.app.hub.ingest([offered('advice').event, offered('advice').event]);
  await board.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 15_000 });
  await tile.locator('[data-testid=m-inqueue] .value', { hasText: /^5$/ }).waitFor();
  await tile.locator('[data-testid=tile-age][data-fresh=true]').waitFor();
  expect(await inQueue.textContent()).toBe('5');
  const offeredText = await tile.locator('[data-testid=m-offered] .value').textContent();
  expect(offeredText?.replace(/\s/g, '')).toBe('5/0');
  await board.locator('[data-testid=alerts] [data-kind=stale]').waitFor({ state: 'detached' });
  await board.context().close();
});

it('given ?queues= with an id no line has, then the banner names it and claims nothing green', async () => {
  const board = await signIn(browser, hub!.url, 'sup', '/wallboard?queues=nope,advice');
  await board.locator('[data-testid=tile][data-queue=advice]').waitFor();
  const unknown = board.locator('[data-testid=alerts] [data-kind=unknown]');
  await unknown.waitFor();
  expect(await unknown.textContent()).toContain('Không có line nào mang mã nope: kiểm tra ?queues= trong địa chỉ');
  expect(await board.locator('[data-testid=alerts] .lvl-ok').count()).toBe(0);
  await board.context().close();
});

/** The wallboard at `path`, loaded again with every `GET /api/v1/metrics` it asks for recorded. */
async function boardAsking(path: string) {
  const board = await signIn(browser, hub!.url, 'sup', path);
  const asked: URL[] = [];
  board.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/v1/metrics') asked.push(u);
  });
  await board.reload();
  await board.locator('[data-testid=age-badge][data-level=ok]').waitFor();
  return { board, asked };
}

it('given ?queues= with only ids no line has, then no trend charts: it says so and never asks for the whole site\'s', async () => {
  const { board, asked } = await boardAsking('/wallboard?queues=nope');
  const none = board.getByTestId('trends-none');
  await none.waitFor();
  expect(await none.textContent()).toContain('Không có biểu đồ xu hướng: không line nào mang mã nope');
  expect(await board.getByTestId('trends').count()).toBe(0);
  // Past the charts' first load (300 ms after the snapshot).
  await board.waitForTimeout(1500);
  expect(asked.map((u) => u.search)).toEqual([]);
  await board.locator('.lang button', { hasText: 'EN' }).click();
  await board.locator('[data-testid=trends-none]', { hasText: 'No trend charts: no line has the id nope' }).waitFor();
  await board.context().close();
});

it('given ?queues= with a known and an unknown id, then the trends are the known line\'s only', async () => {
  const { board, asked } = await boardAsking('/wallboard?queues=nope,advice');
  await board.getByTestId('trends').waitFor();
  await expect.poll(() => asked.length).toBeGreaterThan(0);
  await board.waitForTimeout(1000);
  expect(new Set(asked.map((u) => `${u.searchParams.get('scope')}:${u.searchParams.get('id')}`))).toEqual(new Set(['queue:advice']));
  expect(await board.getByTestId('trends-none').count()).toBe(0);
  await board.context().close();
});

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

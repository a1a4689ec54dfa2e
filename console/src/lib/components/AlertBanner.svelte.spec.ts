import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import AlertBanner from './AlertBanner.svelte';
import { alertsFor } from '$lib/thresholds.ts';
import type { QueueDTO } from '$contracts/socket.ts';
import { i18n } from '$lib/i18n.svelte.ts';

describe('AlertBanner', () => {
  it('with no alert, says what it watched: the inbound lines (an outbound tile may be red, outbound lines raise no alert)', async () => {
    // An outbound line far under its SL target: its tile is red, the banner has no alert for it.
    const telesales = { id: 'telesales', open: true, direction: 'outbound', slTargetPct: 80, slThresholdSec: 20, live: { inQueue: 0, longestWaitSec: 0 }, today: { serviceLevelPct: 59 } } as unknown as QueueDTO;
    const alerts = alertsFor([telesales]);
    expect(alerts).toEqual([]);
    const s = await render(AlertBanner, { alerts, names: { telesales: 'Telesales gói vắc xin' } });
    await expect.element(s.getByTestId('alerts')).toHaveTextContent('Mọi line gọi vào trong ngưỡng');
  });
});

describe('AlertBanner, when it cannot know that all is well', () => {
  afterEach(() => i18n.set('vi'));
  const advice = { id: 'advice', open: true, direction: 'inbound', slTargetPct: 80, slThresholdSec: 20, live: { inQueue: 0, longestWaitSec: 0 }, today: { serviceLevelPct: 92 } } as unknown as QueueDTO;

  it('given stale figures (the hub lost, no update for a while), then nothing green: it says the figures are not live', async () => {
    const s = await render(AlertBanner, { alerts: alertsFor([advice]), names: { advice: 'Tư vấn' }, fresh: false });
    const banner = s.getByTestId('alerts');
    await expect.element(banner).toHaveTextContent('Số liệu không còn trực tiếp: chưa biết các line có trong ngưỡng không');
    await expect.element(banner).not.toHaveTextContent('Mọi line gọi vào trong ngưỡng');
    await expect.element(banner).not.toHaveClass(/lvl-ok/);
    expect(banner.element().querySelector('.lvl-ok')).toBeNull();
  });

  it('given ?queues= with ids no line has, then nothing green: it names the unknown ids, in Vietnamese and English', async () => {
    const s = await render(AlertBanner, { alerts: [], names: {}, unknown: ['nope'] });
    const banner = s.getByTestId('alerts');
    await expect.element(banner.getByText('Không có line nào mang mã nope: kiểm tra ?queues= trong địa chỉ')).toBeVisible();
    await expect.element(banner).not.toHaveTextContent('Mọi line gọi vào trong ngưỡng');
    expect(banner.element().querySelector('.lvl-ok')).toBeNull();
    // One known line all within thresholds and one unknown: still not all well.
    i18n.set('en');
    const some = await render(AlertBanner, { alerts: alertsFor([advice]), names: { advice: 'Advice' }, unknown: ['nope', 'bookng'] });
    const en = some.getByTestId('alerts').last();
    await expect.element(en.getByText('No line has the id nope, bookng: check ?queues= in the address')).toBeVisible();
    await expect.element(en).not.toHaveTextContent('All inbound lines within thresholds');
    expect(en.element().querySelector('.lvl-ok')).toBeNull();
  });

  it('given live figures of every line asked for, within thresholds, then it says so in green', async () => {
    const s = await render(AlertBanner, { alerts: alertsFor([advice]), names: { advice: 'Tư vấn' }, fresh: true, unknown: [] });
    await expect.element(s.getByTestId('alerts')).toHaveClass(/lvl-ok/);
    await expect.element(s.getByTestId('alerts')).toHaveTextContent('✓ Mọi line gọi vào trong ngưỡng');
  });
});

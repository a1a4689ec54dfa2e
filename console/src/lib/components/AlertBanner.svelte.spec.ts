import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import AlertBanner from './AlertBanner.svelte';
import { alertsFor } from '$lib/thresholds.ts';
import type { QueueDTO } from '$contracts/socket.ts';

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

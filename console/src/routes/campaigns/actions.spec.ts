import { describe, expect, it } from 'vitest';
import { campaignActions } from './actions.ts';

const settings = { window: { start: '08:00', end: '21:00', days: [] }, dropRateCapPct: 3, dropAfterSec: 2, teams: [], sharedQueues: [], quota: { perSegment: {} } };
const enabled = (c: Parameters<typeof campaignActions>[0]) => Object.entries(campaignActions(c, 'vi')).filter(([, a]) => !a.disabled).map(([k]) => k);

describe('campaign buttons', () => {
  it('a completed campaign offers no start, pause or stop, and says why in the page\'s language', () => {
    const vi = campaignActions({ status: 'completed', settings }, 'vi');
    const en = campaignActions({ status: 'completed', settings }, 'en');
    expect(Object.values(vi).map((a) => a.disabled)).toEqual([true, true, true]);
    expect(vi.start.title).toBe('Chiến dịch đã hoàn tất nên không thể bắt đầu, tạm dừng hay dừng.');
    expect(en.stop.title).toBe('The campaign is completed: it cannot be started, paused or stopped.');
    expect(campaignActions({ status: 'completed', settings: { ...settings, schedule: { pattern: '0 9 * * *' } } }, 'en').start.title).toBe('The campaign is completed: it cannot be started, paused or stopped. Its next scheduled round runs it again.');
  });

  it('the other statuses keep their buttons', () => {
    expect(enabled({ status: 'draft', settings })).toEqual(['start', 'stop']);
    expect(enabled({ status: 'running', settings })).toEqual(['pause', 'stop']);
    expect(enabled({ status: 'paused', settings })).toEqual(['start', 'stop']);
    expect(enabled({ status: 'stopped', settings })).toEqual(['start']);
    expect(campaignActions({ status: 'running', settings }, 'vi').start.title).toBeUndefined();
  });
});

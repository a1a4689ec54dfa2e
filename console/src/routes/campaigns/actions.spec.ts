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
  });

  it('a completed scheduled campaign keeps Stop, which ends its next rounds (the API takes it), and says so', () => {
    const scheduled = { status: 'completed' as const, settings: { ...settings, schedule: { pattern: '0 9 * * *' } } };
    expect(enabled(scheduled)).toEqual(['stop']);
    const en = campaignActions(scheduled, 'en');
    expect(en.start.title).toBe('The campaign has completed this round: it cannot be started or paused. Its next scheduled round runs it again.');
    expect(en.stop.title).toBe('Stop for good: its next scheduled rounds will not run.');
    expect(campaignActions(scheduled, 'vi').stop.title).toBe('Dừng hẳn: các vòng gọi theo lịch sau sẽ không chạy nữa.');
  });

  it('a draft (never started) offers start only: no stop or pause, and says why in the page\'s language', () => {
    expect(enabled({ status: 'draft', settings })).toEqual(['start']);
    expect(campaignActions({ status: 'draft', settings }, 'vi').stop.title).toBe('Chiến dịch chưa bắt đầu nên chưa thể tạm dừng hay dừng.');
    expect(campaignActions({ status: 'draft', settings }, 'en').stop.title).toBe('The campaign has not started: there is nothing to pause or stop.');
  });

  it('given a scheduled draft, then it keeps Stop, which calls its rounds off (the API takes it), and says why pause is not offered', () => {
    const scheduled = { status: 'draft' as const, settings: { ...settings, schedule: { pattern: '0 9 * * *' } } };
    expect(enabled(scheduled)).toEqual(['start', 'stop']);
    expect(campaignActions(scheduled, 'en').stop.title).toBe('Stop for good: its next scheduled rounds will not run.');
    expect(campaignActions(scheduled, 'vi').pause.title).toBe('Chiến dịch chưa bắt đầu nên chưa thể tạm dừng; vòng gọi theo lịch đầu tiên sẽ chạy chiến dịch.');
    expect(campaignActions(scheduled, 'en').pause.title).toBe('The campaign has not started: there is nothing to pause. Its first scheduled round runs it.');
  });

  it('stop is offered for a running or paused campaign only (and a scheduled completed or draft one, above)', () => {
    const withStop = (['draft', 'running', 'paused', 'stopped', 'completed'] as const).filter((status) => !campaignActions({ status, settings }, 'en').stop.disabled);
    expect(withStop).toEqual(['running', 'paused']);
  });

  it('the other statuses keep their buttons', () => {
    expect(enabled({ status: 'running', settings })).toEqual(['pause', 'stop']);
    expect(enabled({ status: 'paused', settings })).toEqual(['start', 'stop']);
    expect(enabled({ status: 'stopped', settings })).toEqual(['start']);
    expect(campaignActions({ status: 'running', settings }, 'vi').start.title).toBeUndefined();
  });
});

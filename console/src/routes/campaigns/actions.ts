/**
 * The start / pause / stop buttons of a campaign (list and detail pages): which are enabled, and the
 * tooltip of those that are not, in the page's language. A completed campaign has nothing left to dial,
 * so start and pause are refused by the API (409). A completed campaign without a schedule offers no
 * button; a scheduled one runs again at its next round, so it keeps Stop, which ends those rounds
 * (`CampaignService.control`). Stop is otherwise for a campaign that is dialing or paused: a draft has
 * never started, so there is nothing to pause or stop (the API refuses both, 409 `campaign_not_started`).
 * A scheduled draft is the exception, as a completed one is: its first round would start it, so it keeps
 * Stop, which calls those rounds off (the API takes it).
 */
import type { Lang } from '$lib/format.ts';
import type { Campaign } from '$lib/campaigns/api.ts';

export type CampaignAction = 'start' | 'pause' | 'stop';
export interface ActionState {
  disabled: boolean;
  /** Why it is disabled, when that needs saying. */
  title?: string;
}

const COMPLETED: Record<Lang, string> = {
  vi: 'Chiến dịch đã hoàn tất nên không thể bắt đầu, tạm dừng hay dừng.',
  en: 'The campaign is completed: it cannot be started, paused or stopped.',
};
const COMPLETED_SCHEDULED: Record<Lang, string> = {
  vi: 'Chiến dịch đã hoàn tất vòng gọi này nên không thể bắt đầu hay tạm dừng; vòng gọi theo lịch tiếp theo sẽ chạy lại chiến dịch.',
  en: 'The campaign has completed this round: it cannot be started or paused. Its next scheduled round runs it again.',
};
const NOT_STARTED: Record<Lang, string> = {
  vi: 'Chiến dịch chưa bắt đầu nên chưa thể tạm dừng hay dừng.',
  en: 'The campaign has not started: there is nothing to pause or stop.',
};
const NOT_STARTED_SCHEDULED: Record<Lang, string> = {
  vi: 'Chiến dịch chưa bắt đầu nên chưa thể tạm dừng; vòng gọi theo lịch đầu tiên sẽ chạy chiến dịch.',
  en: 'The campaign has not started: there is nothing to pause. Its first scheduled round runs it.',
};
const STOP_ROUNDS: Record<Lang, string> = {
  vi: 'Dừng hẳn: các vòng gọi theo lịch sau sẽ không chạy nữa.',
  en: 'Stop for good: its next scheduled rounds will not run.',
};

export function campaignActions(c: Pick<Campaign, 'status' | 'settings'>, lang: Lang): Record<CampaignAction, ActionState> {
  if (c.status === 'completed') {
    if (c.settings.schedule) {
      const title = COMPLETED_SCHEDULED[lang];
      return { start: { disabled: true, title }, pause: { disabled: true, title }, stop: { disabled: false, title: STOP_ROUNDS[lang] } };
    }
    const title = COMPLETED[lang];
    return { start: { disabled: true, title }, pause: { disabled: true, title }, stop: { disabled: true, title } };
  }
  if (c.status === 'draft') {
    if (c.settings.schedule) return { start: { disabled: false }, pause: { disabled: true, title: NOT_STARTED_SCHEDULED[lang] }, stop: { disabled: false, title: STOP_ROUNDS[lang] } };
    const title = NOT_STARTED[lang];
    return { start: { disabled: false }, pause: { disabled: true, title }, stop: { disabled: true, title } };
  }
  return {
    start: { disabled: c.status === 'running' },
    pause: { disabled: c.status !== 'running' },
    stop: { disabled: c.status === 'stopped' },
  };
}

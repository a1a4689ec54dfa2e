/**
 * The start / pause / stop buttons of a campaign (list and detail pages): which are enabled, and the
 * tooltip of those that are not, in the page's language. A completed campaign offers none: it has
 * nothing left to dial and the API refuses them (409); a scheduled one runs again at its next round.
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
const NEXT_ROUND: Record<Lang, string> = {
  vi: 'Vòng gọi theo lịch tiếp theo sẽ chạy lại chiến dịch.',
  en: 'Its next scheduled round runs it again.',
};

export function campaignActions(c: Pick<Campaign, 'status' | 'settings'>, lang: Lang): Record<CampaignAction, ActionState> {
  if (c.status === 'completed') {
    const title = c.settings.schedule ? `${COMPLETED[lang]} ${NEXT_ROUND[lang]}` : COMPLETED[lang];
    return { start: { disabled: true, title }, pause: { disabled: true, title }, stop: { disabled: true, title } };
  }
  return {
    start: { disabled: c.status === 'running' },
    pause: { disabled: c.status !== 'running' },
    stop: { disabled: c.status === 'stopped' },
  };
}

import { describe, expect, it, vi } from 'vitest';
import { render } from 'vitest-browser-svelte';
import { userEvent } from 'vitest/browser';
import type { OfferDTO } from '$contracts/socket.ts';
import OfferCard from './OfferCard.svelte';
import { i18n } from '$lib/i18n.svelte.ts';

const offer: OfferDTO = {
  callId: 'c42',
  agentId: 'a1',
  queue: 'advice',
  queueName: 'Tư vấn',
  offeredAt: 1_000_000,
  expiresAt: 1_015_000,
  direction: 'inbound',
  from: '090****567',
  attributes: { customer: 'Phạm Thị Mai', vaccine: 'Hexaxim' },
};

describe('OfferCard', () => {
  it('rings with the masked caller, the customer and a countdown to expiry', async () => {
    const s = await render(OfferCard, { offer, hubNow: 1_004_200, onaccept: () => {}, ondecline: () => {} });
    await expect.element(s.getByTestId('offer-card')).toHaveTextContent('090****567');
    await expect.element(s.getByTestId('offer-card')).toHaveTextContent('Khách hàngPhạm Thị Mai');
    await expect.element(s.getByTestId('offer-countdown')).toHaveTextContent('11 s');
    await s.rerender({ hubNow: 1_011_500 });
    await expect.element(s.getByTestId('offer-countdown')).toHaveTextContent('4 s');
    await expect.element(s.getByTestId('offer-card')).toHaveClass(/urgent/);
    await s.rerender({ hubNow: 1_020_000 });
    await expect.element(s.getByTestId('offer-countdown')).toHaveTextContent('0 s');
  });

  it('a campaign call says so, shows the number dialled, the campaign by its name and the script, in English too', async () => {
    const out: OfferDTO = {
      ...offer,
      callId: 'd7',
      queue: 'survey',
      queueName: 'Khảo sát hài lòng',
      direction: 'outbound',
      from: undefined,
      to: '+84 98***4321',
      attributes: { campaign: 'satisfaction-survey', campaignName: 'Khảo sát sau tiêm', lead: 'Phan Ngọc Linh', assignedAgent: 'a40', script: 'Chào anh/chị Linh' },
    };
    delete out.from;
    const s = await render(OfferCard, { offer: out, hubNow: 1_001_000, onaccept: () => {}, ondecline: () => {} });
    const card = s.getByTestId('offer-card');
    await expect.element(card).toHaveTextContent('Cuộc gọi chiến dịch · Khảo sát hài lòng');
    await expect.element(card).toHaveTextContent('+84 98***4321');
    await expect.element(card).toHaveTextContent('Chiến dịchKhảo sát sau tiêm');
    await expect.element(card).toHaveTextContent('Khách hàngPhan Ngọc Linh');
    await expect.element(card).toHaveTextContent('Kịch bảnChào anh/chị Linh');
    await expect.element(card).not.toHaveTextContent('satisfaction-survey');
    await expect.element(card).not.toHaveTextContent('a40');
    i18n.set('en');
    try {
      await s.rerender({ queueName: 'Satisfaction survey' });
      await expect.element(card).toHaveTextContent('Campaign call · Satisfaction survey');
      await expect.element(card).toHaveTextContent('ScriptChào anh/chị Linh');
    } finally {
      i18n.set('vi');
    }
  });

  it('accepts and declines by button and by key, not while busy', async () => {
    const onaccept = vi.fn();
    const ondecline = vi.fn();
    const s = await render(OfferCard, { offer, hubNow: 1_001_000, onaccept, ondecline });
    await s.getByTestId('offer-accept').click();
    expect(onaccept).toHaveBeenCalledTimes(1);
    await s.getByTestId('offer-decline').click();
    expect(ondecline).toHaveBeenCalledTimes(1);
    await userEvent.keyboard('a');
    expect(onaccept).toHaveBeenCalledTimes(2);
    await s.rerender({ busy: true });
    await expect.element(s.getByTestId('offer-accept')).toBeDisabled();
    await userEvent.keyboard('d');
    expect(ondecline).toHaveBeenCalledTimes(1);
  });

  it('a letter typed in a list (the wrap-up form beside the offer) or with Ctrl picks nothing', async () => {
    const onaccept = vi.fn();
    const ondecline = vi.fn();
    const list = document.createElement('select');
    for (const v of ['', 'advice', 'done']) list.add(new Option(v, v));
    document.body.append(list);
    try {
      await render(OfferCard, { offer, hubNow: 1_001_000, onaccept, ondecline });
      list.focus();
      await userEvent.keyboard('a');
      await userEvent.keyboard('d');
      list.blur();
      await userEvent.keyboard('{Control>}a{/Control}');
      await userEvent.keyboard('{Control>}d{/Control}');
      expect(onaccept).not.toHaveBeenCalled();
      expect(ondecline).not.toHaveBeenCalled();
      await userEvent.keyboard('a');
      expect(onaccept).toHaveBeenCalledTimes(1);
    } finally {
      list.remove();
    }
  });
});

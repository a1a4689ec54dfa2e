import { describe, expect, it } from 'vitest';
import { callNumber, shownAttributes } from './call-view.ts';

describe('call view', () => {
  it('shows a campaign call by its campaign name, without the desk-only attributes, in order', () => {
    const attrs = { campaign: 'satisfaction-survey', campaignName: 'Khảo sát hài lòng', customer: 'Đỗ Thanh Trang', assignedAgent: 'a40', script: 'Chào anh/chị' };
    expect(shownAttributes(attrs)).toEqual([
      ['campaign', 'Khảo sát hài lòng'],
      ['customer', 'Đỗ Thanh Trang'],
      ['script', 'Chào anh/chị'],
    ]);
    expect(shownAttributes({ campaign: 'x' })).toEqual([['campaign', 'x']]);
    expect(shownAttributes(undefined)).toEqual([]);
  });

  it("a campaign call's panel shows the number dialled; an inbound one the caller's (not the hotline's)", () => {
    expect(callNumber({ direction: 'outbound', from: '1900 1234', to: '+8481***2529' })).toBe('+8481***2529');
    expect(callNumber({ direction: 'outbound' })).toBeUndefined();
    expect(callNumber({ direction: 'inbound', from: '090****567', to: '1900 1234' })).toBe('090****567');
  });
});

describe('wrap-up draft', () => {
  it("keeps what was typed for its call only, until it is cleared", async () => {
    const { saveWrapDraft, loadWrapDraft, clearWrapDraft } = await import('./call-view.ts');
    const m = new Map<string, string>();
    const s = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
    saveWrapDraft({ callId: 'c1', disposition: 'complaint', values: { category: 'service', severity: 'high', notes: 'Khách phàn nàn' } }, s);
    expect(loadWrapDraft('c1', s)).toEqual({ callId: 'c1', disposition: 'complaint', values: { category: 'service', severity: 'high', notes: 'Khách phàn nàn' } });
    expect(loadWrapDraft('c2', s)).toBeUndefined();
    m.set('callboard.wrapDraft', '{garbled');
    expect(loadWrapDraft('c1', s)).toBeUndefined();
    saveWrapDraft({ callId: 'c1', disposition: 'info', values: {} }, s);
    clearWrapDraft(s);
    expect(loadWrapDraft('c1', s)).toBeUndefined();
  });
});

describe('customer segments', () => {
  it('every segment the phone system sends (the simulator: member, new, vip, corporate) is named in both languages', async () => {
    const { MESSAGES } = await import('./messages.ts');
    for (const seg of ['member', 'new', 'vip', 'corporate', 'regular']) {
      expect(MESSAGES.vi[`av_${seg}` as keyof typeof MESSAGES.vi], seg).toBeTruthy();
      expect(MESSAGES.en[`av_${seg}` as keyof typeof MESSAGES.en], seg).toBeTruthy();
    }
    expect(MESSAGES.vi.av_corporate).not.toBe('corporate');
  });
});

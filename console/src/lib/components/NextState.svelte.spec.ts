import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import type { AgentDTO } from '$contracts/socket.ts';
import { i18n } from '$lib/i18n.svelte.ts';
import { MESSAGES } from '$lib/messages.ts';
import NextState from './NextState.svelte';

const onCall = { id: 'a1', name: 'Nguyễn Văn An', state: 'onCall', next: { state: 'break', by: 'supervisor:sup', at: 1 } } as unknown as AgentDTO;

describe('NextState', () => {
  afterEach(() => i18n.set('vi'));

  it('given a break asked for after the current call, then it says "after this call", not the wrap-up state\'s name', async () => {
    const s = await render(NextState, { agent: onCall });
    const next = s.getByTestId('next-a1');
    await expect.element(next).toHaveTextContent('Sau cuộc gọi này: Nghỉ giải lao');
    // The wrap-up state is "Sau cuộc gọi" on the same page (the agent grid): the two must read apart.
    const wrapup = MESSAGES.vi.st_wrapup;
    expect(wrapup).toBe('Sau cuộc gọi');
    expect(next.element().textContent).not.toMatch(new RegExp(`${wrapup}:`));
    i18n.set('en');
    const en = await render(NextState, { agent: onCall });
    await expect.element(en.getByTestId('next-a1').last()).toHaveTextContent('After this call: Break');
  });
});

describe('NextState: who asked', () => {
  afterEach(() => i18n.set('vi'));

  it("given a team lead's absence with the lead's name, then it names the lead, not their login id", async () => {
    const a = { ...onCall, next: { state: 'offline', by: 'team_lead:lead1', byName: 'Đỗ Thu Trang', at: 1 } } as unknown as AgentDTO;
    const s = await render(NextState, { agent: a });
    await expect.element(s.getByTestId('next-a1')).toHaveTextContent('Đỗ Thu Trang');
    expect(s.getByTestId('next-a1').element().textContent).not.toContain('lead1');
  });

  it('given an older event without the name, then the login id stands in', async () => {
    const a = { ...onCall, next: { state: 'offline', by: 'team_lead:lead1', at: 1 } } as unknown as AgentDTO;
    const s = await render(NextState, { agent: a });
    await expect.element(s.getByTestId('next-a1')).toHaveTextContent('lead1');
  });
});

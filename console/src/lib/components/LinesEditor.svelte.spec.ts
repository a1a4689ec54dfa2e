import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import type { AgentDTO, QueueDTO } from '$contracts/socket.ts';
import LinesEditor from './LinesEditor.svelte';

const q = (id: string, name: string) => ({ id, name, nameVi: name, priority: 1 }) as unknown as QueueDTO;
const queues = [q('booking', 'Đặt lịch'), q('advice', 'Tư vấn'), q('clinic', 'Phòng khám')];
const agent = (over: Partial<AgentDTO> = {}): AgentDTO =>
  ({ id: 'a1', name: 'Nguyễn Thị Lan', teamId: 't1', queues: ['booking', 'advice'], state: 'available', since: 1, missedInRow: 0, skills: {}, today: {}, ...over }) as unknown as AgentDTO;

describe('LinesEditor', () => {
  it('keeps the ticks being edited when the agent changes state, and follows the lines when they change on the hub', async () => {
    const s = await render(LinesEditor, { agent: agent(), queues });
    const clinic = s.getByRole('checkbox', { name: 'Phòng khám' });
    const save = s.getByTestId('lines-save-a1');
    await expect.element(clinic).not.toBeChecked();
    await expect.element(save).toBeDisabled();
    await clinic.click();
    await expect.element(clinic).toBeChecked();
    await expect.element(save).toBeEnabled();
    // The agent takes a call (a delta: a new agent object, same lines): the lead's tick stays.
    await s.rerender({ agent: agent({ state: 'onCall', since: 2 }) });
    await s.rerender({ agent: agent({ state: 'wrapup', since: 3 }) });
    await expect.element(clinic).toBeChecked();
    await expect.element(save).toBeEnabled();
    // The lines changed on the hub (saved here or by someone else): the ticks show them.
    await s.rerender({ agent: agent({ state: 'available', queues: ['advice'] }) });
    await expect.element(clinic).not.toBeChecked();
    await expect.element(s.getByRole('checkbox', { name: 'Đặt lịch' })).not.toBeChecked();
    await expect.element(s.getByRole('checkbox', { name: 'Tư vấn' })).toBeChecked();
    await expect.element(save).toBeDisabled();
  });
});

describe('LinesEditor with every line unticked', () => {
  it('asks whether to take the agent off every line, saying they will get no calls (not "the lines: —")', async () => {
    const { vi } = await import('vitest');
    const { confirm } = await import('$lib/state/confirm.svelte.ts');
    const ask = vi.spyOn(confirm, 'ask').mockResolvedValue(false);
    const s = await render(LinesEditor, { agent: agent(), queues });
    await s.getByRole('checkbox', { name: 'Đặt lịch' }).click();
    await s.getByRole('checkbox', { name: 'Tư vấn' }).click();
    await s.getByTestId('lines-save-a1').click();
    await expect.poll(() => ask.mock.calls.length).toBe(1);
    expect(ask.mock.calls[0]![0]).toBe('Bỏ Nguyễn Thị Lan khỏi mọi line? Nguyễn Thị Lan sẽ không nhận cuộc gọi nào cho tới khi được giao lại line.');
    ask.mockRestore();
  });
});

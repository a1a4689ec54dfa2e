import { describe, expect, it, vi } from 'vitest';
import { render } from 'vitest-browser-svelte';
import TeamSelect from './TeamSelect.svelte';

const teams = [
  { id: 't1', name: 'Booking team', nameVi: 'Tổ đặt lịch' },
  { id: 't2', name: 'Advice team', nameVi: 'Tổ tư vấn' },
];

describe('TeamSelect', () => {
  it('shows the name of the team the page shows from the first render, and says which one is picked', async () => {
    const onpick = vi.fn();
    // The team page before anyone picks: it shows its first team (`picked` is still '').
    const s = await render(TeamSelect, { ids: ['t1', 't2'], teams, value: 't1', onpick });
    const select = s.getByTestId('team-select');
    await expect.element(select).toHaveValue('t1');
    await expect.element(select).toHaveDisplayValue('Tổ đặt lịch');
    expect(onpick).not.toHaveBeenCalled();
    await select.selectOptions('t2');
    expect(onpick).toHaveBeenCalledWith('t2');
    await s.rerender({ value: 't2' });
    await expect.element(select).toHaveDisplayValue('Tổ tư vấn');
  });

  it('given the teams arrive after the first render (the snapshot), it shows the page\'s team by name', async () => {
    const s = await render(TeamSelect, { ids: [], teams: [], value: '', onpick: () => {} });
    await s.rerender({ ids: ['t1', 't2'], teams, value: 't1' });
    await expect.element(s.getByTestId('team-select')).toHaveDisplayValue('Tổ đặt lịch');
    // A lead's teams known before their names: the id, then the name.
    await s.rerender({ teams: [], value: 't2' });
    await expect.element(s.getByTestId('team-select')).toHaveDisplayValue('t2');
    await s.rerender({ teams });
    await expect.element(s.getByTestId('team-select')).toHaveDisplayValue('Tổ tư vấn');
  });
});

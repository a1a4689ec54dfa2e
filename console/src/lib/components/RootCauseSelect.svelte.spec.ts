import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import { i18n } from '$lib/i18n.svelte.ts';
import RootCauseSelect from './RootCauseSelect.svelte';

const causes = [
  { code: 'wait-time', label: 'Long wait on the hotline' },
  { code: 'clinical', label: 'Clinical' },
];

/** The page's value, bound the way `bind:value` binds it (the list page's starts undefined). */
function bound(start: string | undefined) {
  const box = { value: start };
  const props = {
    causes,
    testid: 'rc',
    get value() {
      return box.value;
    },
    set value(v: string | undefined) {
      box.value = v;
    },
  };
  return { box, props };
}

describe('RootCauseSelect', () => {
  afterEach(() => i18n.set('vi'));

  it('starts on "choose a root cause", and the page gets no cause until one is chosen', async () => {
    for (const start of [undefined, '']) {
      const { box, props } = bound(start);
      const s = await render(RootCauseSelect, props);
      const select = s.getByTestId('rc');
      await expect.element(select).toHaveValue('');
      await expect.element(select).toHaveDisplayValue('— Chọn nguyên nhân —');
      // Nothing slipped into the page's value (a select left alone takes its first option).
      expect(box.value ?? '').toBe('');
      await select.selectOptions('wait-time');
      await expect.element(select).toHaveDisplayValue('Chờ lâu trên tổng đài');
      expect(box.value).toBe('wait-time');
      await s.unmount();
    }
  });

  it('says it in English too', async () => {
    i18n.set('en');
    const s = await render(RootCauseSelect, bound('').props);
    await expect.element(s.getByTestId('rc')).toHaveDisplayValue('— Choose a root cause —');
    await expect.element(s.getByRole('option', { name: 'Clinical' })).toBeInTheDocument();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'vitest-browser-svelte';
import type { MetricValues } from '$contracts/metrics.ts';
import { i18n } from '$lib/i18n.svelte.ts';
import { session } from '$lib/state/session.svelte.ts';
import { EXPLAIN_LISTS, partsOf, type ExplainTarget } from '$lib/explain.ts';
import ExplainDialog from './ExplainDialog.svelte';

/** A hub identifier as code writes it (answeredWithinT, shortAbandoned, slThresholdSec). */
const CAMEL = /\b[a-z]+[A-Z]\w*/g;

const today = { offered: 50, answered: 45, abandoned: 5, shortAbandoned: 1, answeredWithinT: 40, serviceLevelPct: 82 } as MetricValues;
const sl: ExplainTarget = { scope: 'queue', id: 'advice', metric: 'serviceLevelPct', label: 'Tư vấn · Mức phục vụ', value: '82 %', lists: EXPLAIN_LISTS.serviceLevelPct!, parts: partsOf('serviceLevelPct', today) };

describe('ExplainDialog', () => {
  afterEach(() => {
    i18n.set('vi');
    vi.restoreAllMocks();
  });

  it('given the service level explained, then its formula, counts and call lists are named in words in Vietnamese and English, never by counter name', async () => {
    vi.spyOn(session, 'get').mockResolvedValue({ total: 0, calls: [] });
    for (const [lang, words] of [
      ['vi', ['Mức phục vụ (%) = 100 · Trả lời trong ngưỡng / (Cuộc được trả lời + Cuộc bỏ máy − Bỏ máy sớm)', 'Trả lời trong ngưỡng = 40', 'Trả lời quá ngưỡng']],
      ['en', ['Service level (%) = 100 · Answered within threshold / (Answered + Abandoned − Short abandons)', 'Answered within threshold = 40', 'Answered after threshold']],
    ] as const) {
      i18n.set(lang);
      const s = await render(ExplainDialog, { props: { target: sl, onclose: () => {} } });
      const dialog = s.getByTestId('explain').last();
      await expect.element(dialog.getByTestId('formula')).toHaveTextContent(words[0]);
      await expect.element(dialog.getByTestId('explain-part').first()).toHaveTextContent(words[1]);
      await expect.element(dialog.getByTestId('explain-list').nth(1)).toHaveTextContent(words[2]);
      await expect.element(dialog.getByTestId('explain-list-about')).toBeVisible();
      expect({ lang, raw: (dialog.element() as HTMLElement).innerText.match(CAMEL) ?? [] }).toEqual({ lang, raw: [] });
      s.unmount();
    }
  });
});

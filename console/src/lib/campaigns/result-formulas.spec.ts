import { describe, expect, it, vi } from 'vitest';
import { METRIC_FORMULAS } from '$contracts/metrics.ts';

// The page's language (a rune store in the browser): a plain object here.
const lang = vi.hoisted(() => ({ lang: 'vi' as 'vi' | 'en' }));
vi.mock('$lib/i18n.svelte.ts', () => ({ i18n: lang }));

const { resultFormula } = await import('./text.ts');
type Key = Parameters<typeof resultFormula>[0];

/**
 * The hub's `results.formulas` (queue-workers/src/campaigns/campaigns.service.ts `results`), in English: the
 * outbound ones are the contracts' own formulas.
 */
const HUB: Record<Key, string> = {
  connectivityRatePct: METRIC_FORMULAS.connectivityRatePct!,
  dropRatePct: METRIC_FORMULAS.dropRatePct!,
  conversionRatePct: METRIC_FORMULAS.conversionRatePct!,
  npsScore: '% promoters (9–10) − % detractors (0–6)',
  csatPct: '100 · answers of 4 or 5 / answers',
  surveyResponseRatePct: '100 · surveys answered / surveys sent (customers dialed by the survey)',
};
const KEYS = Object.keys(HUB) as Key[];
/** English words of the hub's formulas that Vietnamese does not use. */
const ENGLISH = /\b(dialed|result|connected|attempts|calls|abandoned|answered|agent|outcomes|success|disposition|handled|promoters|detractors|answers|surveys|sent|customers)\b/i;

describe("the campaign results' tooltips", () => {
  it('on the Vietnamese page, no tooltip is the English formula: each is worded in Vietnamese', () => {
    lang.lang = 'vi';
    for (const k of KEYS) {
      const vi = resultFormula(k);
      expect({ k, vi }).not.toEqual({ k, vi: HUB[k] });
      expect({ k, english: ENGLISH.test(vi) }).toEqual({ k, english: false });
      expect(vi).not.toBe(resultFormula(k, 'en'));
    }
    expect(resultFormula('connectivityRatePct')).toBe('100 · lượt quay số có khách nghe máy / lượt quay số');
    expect(resultFormula('conversionRatePct')).toBe('100 · kết quả thành công / cuộc gọi ra đã kết nối và xử lý');
  });
  it('on the English page, the same figures in English words', () => {
    lang.lang = 'en';
    expect(KEYS.map((k) => resultFormula(k))).toEqual(KEYS.map((k) => resultFormula(k, 'en')));
    expect(resultFormula('dropRatePct')).toBe(HUB.dropRatePct);
    expect(resultFormula('connectivityRatePct')).toBe('100 · dial attempts the customer picked up / dial attempts');
    for (const k of KEYS) expect(resultFormula(k, 'en')).toMatch(/.{10,}/);
  });
});

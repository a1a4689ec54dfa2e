import { describe, expect, it } from 'vitest';
import { CX_KEYS, type CxCounts } from '$lib/cx.ts';
import { cxExplained, cxFigure, cxPart } from './cx-figures.ts';

// Intl puts a no-break space between the amount and the sign (and before % in Vietnamese).
const plain = (s: string) => s.replace(/\u00a0/g, ' ');

describe('CX page figures', () => {
  it('lifetime value is an amount in đồng, whole, written the way each language writes money; the other KPIs keep their format', () => {
    expect(plain(cxFigure('customerLifetimeValue', 2_838_419.4, 'vi'))).toBe('2.838.419 ₫');
    expect(cxFigure('customerLifetimeValue', 2_838_419.6, 'en')).toBe('₫2,838,420');
    expect(cxFigure('customerLifetimeValue', null, 'vi')).toBe('—');
    expect(cxFigure('npsScore', 33.3, 'vi')).toBe('+33');
    expect(plain(cxFigure('csatPct', 66.67, 'vi'))).toBe('66,7 %');
  });
  it('the revenue under the lifetime value formula is money; the other counts stay plain numbers', () => {
    expect(plain(cxPart('purchaseRevenue', 413_220_000, 'vi'))).toBe('413.220.000 ₫');
    expect(cxPart('purchaseRevenue', 413_220_000, 'en')).toBe('₫413,220,000');
    expect(cxPart('purchases', 1_234, 'vi')).toBe('1.234');
    expect(cxPart('customersAtEnd', null, 'en')).toBe('—');
  });
});

describe('"explain this number" on the CX page', () => {
  const counts: CxCounts = {
    nps: { promoters: 2, passives: 0, detractors: 1 }, csatAnswers: 4, csatSatisfied: 3, surveysSent: 10, surveysAnswered: 4, complaints: 1, handled: 50,
    customersAtStart: 10, customersAtEnd: 12, newCustomers: 3, purchases: 2, purchaseRevenue: 900_000, purchasingCustomers: 2, purchasesInYear: 3, days: 14, contacted: 8, engaged: 5, conversionRatePct: 12.5,
  };
  /** A hub identifier as code writes it (customersAtEnd, npsScore, purchaseRevenue). */
  const CAMEL = /\b[a-z]+[A-Z]\w*/;
  /** A counter name left as it is: a bare lower-case word (promoters, answers). */
  const BARE = /^[a-z]+$/;

  it('given the NPS explained, then its formula and counts are named in words, in Vietnamese and in English', () => {
    const vi = cxExplained('npsScore', counts, 3, 'vi');
    expect(vi.formula).toBe('NPS = % khách ủng hộ (9–10) − % khách phản đối (0–6) trên các câu trả lời thang 0–10, từ −100 đến +100');
    expect(vi.parts.map((p) => `${p.label} = ${p.value}`)).toEqual(['Khách ủng hộ (9–10) = 2', 'Khách trung lập (7–8) = 0', 'Khách phản đối (0–6) = 1']);
    const en = cxExplained('npsScore', counts, 3, 'en');
    expect(en.parts.map((p) => `${p.label} = ${p.value}`)).toEqual(['Promoters (9–10) = 2', 'Passives (7–8) = 0', 'Detractors (0–6) = 1']);
    expect(plain(cxExplained('customerLifetimeValue', counts, 3, 'vi').parts.find((p) => p.key === 'purchaseRevenue')!.value)).toBe('900.000 ₫');
    expect(cxExplained('retentionRatePct', counts, 3, 'en').formula).toBe('Retention = 100 · (customers at period end − new customers in period) / customers at period start');
  });

  it('given any CX figure explained, then neither its formula nor any count behind it shows a counter name, in either language', () => {
    for (const lang of ['vi', 'en'] as const) {
      const raw = CX_KEYS.flatMap((k) => {
        const e = cxExplained(k, counts, 3, lang);
        return [e.formula, ...e.parts.map((p) => p.label)].filter((t) => CAMEL.test(t) || BARE.test(t));
      });
      expect({ lang, raw }).toEqual({ lang, raw: [] });
    }
    // Not the English names on a Vietnamese page.
    const english = CX_KEYS.flatMap((k) => cxExplained(k, counts, 3, 'vi').parts.filter((p, i) => p.label === cxExplained(k, counts, 3, 'en').parts[i]!.label).map((p) => p.key));
    expect(english).toEqual([]);
  });
});

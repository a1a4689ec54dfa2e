import { describe, expect, it } from 'vitest';
import { addDays, cxParts, fmtCx, npsMix, siteToday, type CxCounts } from './cx.ts';
import { MESSAGES } from './messages.ts';
import { CX_KEYS } from './cx.ts';

const counts: CxCounts = {
  nps: { promoters: 2, passives: 1, detractors: 1 }, csatAnswers: 4, csatSatisfied: 3, surveysSent: 10, surveysAnswered: 4, complaints: 1, handled: 50,
  customersAtStart: 0, customersAtEnd: 0, newCustomers: 0, purchases: 2, purchaseRevenue: 900_000, purchasingCustomers: 2, purchasesInYear: 3, days: 14, contacted: 8, engaged: 5, conversionRatePct: 12.5,
};

describe('CX figures', () => {
  it('written as the spec reads them: signed NPS, percentages, a whole lifetime value', () => {
    expect(fmtCx('npsScore', 33.33, 'vi')).toBe('+33');
    expect(fmtCx('npsScore', -12.4, 'en')).toBe('−12');
    expect(fmtCx('csatPct', 75, 'vi')).toBe('75\u00a0%');
    expect(fmtCx('complaintRatePct', 2.25, 'en')).toBe('2.3%');
    expect(fmtCx('customerLifetimeValue', 35_196_428.6, 'vi')).toBe('35.196.429');
    expect(fmtCx('retentionRatePct', null, 'en')).toBe('—');
  });

  it('each figure shows the counts it is computed from; NPS answers as shares of the day', () => {
    expect(cxParts('npsScore', counts, 3)).toEqual({ promoters: 2, passives: 1, detractors: 1 });
    expect(cxParts('complaintRatePct', counts, 3)).toEqual({ complaints: 1, handled: 50 });
    expect(cxParts('customerLifetimeValue', counts, 3)).toMatchObject({ purchases: 2, purchasesInYear: 3, lifespanYears: 3 });
    expect(npsMix(counts)).toEqual({ promoters: 50, passives: 25, detractors: 25 });
    expect(npsMix({ ...counts, nps: { promoters: 0, passives: 0, detractors: 0 } })).toBeNull();
    expect(addDays('2026-03-01', -13)).toBe('2026-02-16');
    // 20:07 UTC is already tomorrow in Vietnam.
    expect(siteToday('Asia/Ho_Chi_Minh', Date.parse('2026-11-22T20:07:00Z'))).toBe('2026-11-23');
  });

  it('every CX figure has a name and a description in both languages', () => {
    for (const lang of ['vi', 'en'] as const) {
      const m = MESSAGES[lang] as Record<string, string>;
      expect(CX_KEYS.filter((k) => !m[`cx_${k}`] || !m[`fx_${k}`])).toEqual([]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { cxFigure, cxPart } from './cx-figures.ts';

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

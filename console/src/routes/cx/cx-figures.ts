/**
 * How the CX page writes its figures: lifetime value (and the revenue under its formula) as money in
 * the site's currency, every other figure as `fmtCx` writes it. Pure.
 */
import { cxParts, fmtCx, type CxCounts, type CxKey } from '$lib/cx.ts';
import { formulaText, metricLabel } from '$lib/explain.ts';
import { fmtMoney } from '$lib/figures.ts';
import { fmtInt, type Lang } from '$lib/format.ts';
import { MESSAGES } from '$lib/messages.ts';

/** A KPI's value: 2.838.419 ₫ (vi) / ₫2,838,419 (en) for lifetime value, +33, 66,7 % ... for the rest. */
export function cxFigure(key: CxKey, v: number | null, lang: Lang): string {
  return key === 'customerLifetimeValue' ? fmtMoney(v, lang) : fmtCx(key, v, lang);
}

/** A count behind a figure (`cxParts`): `purchaseRevenue` is money, the others whole numbers. */
export function cxPart(name: string, v: number | null, lang: Lang): string {
  return name === 'purchaseRevenue' ? fmtMoney(v, lang) : fmtInt(v, lang);
}

/** A count under a figure's formula: its name in words and its value as the page writes it. */
export interface CxPartShown {
  key: string;
  label: string;
  value: string;
}

/**
 * "Explain this number" on the CX page, in `lang`: the figure's formula (`NPS = % khách ủng hộ …`) and
 * the counts it is computed from (`Khách ủng hộ (9–10) = 2`), named in words the way the live figures'
 * explain dialog names them (`metricLabel`, `formulaText`), never by the hub's counter names: a
 * supervisor reads this.
 */
export function cxExplained(key: CxKey, counts: CxCounts, lifespanYears: number, lang: Lang): { formula: string; parts: CxPartShown[] } {
  return {
    formula: `${MESSAGES[lang][`cx_${key}`]} = ${formulaText(key, lang)}`,
    parts: Object.entries(cxParts(key, counts, lifespanYears)).map(([k, v]) => ({ key: k, label: metricLabel(k, lang), value: cxPart(k, v, lang) })),
  };
}

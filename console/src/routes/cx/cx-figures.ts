/**
 * How the CX page writes its figures: lifetime value (and the revenue under its formula) as money in
 * the site's currency, every other figure as `fmtCx` writes it. Pure.
 */
import { fmtCx, type CxKey } from '$lib/cx.ts';
import { fmtMoney } from '$lib/figures.ts';
import { fmtInt, type Lang } from '$lib/format.ts';

/** A KPI's value: 2.838.419 ₫ (vi) / ₫2,838,419 (en) for lifetime value, +33, 66,7 % ... for the rest. */
export function cxFigure(key: CxKey, v: number | null, lang: Lang): string {
  return key === 'customerLifetimeValue' ? fmtMoney(v, lang) : fmtCx(key, v, lang);
}

/** A count behind a figure (`cxParts`): `purchaseRevenue` is money, the others whole numbers. */
export function cxPart(name: string, v: number | null, lang: Lang): string {
  return name === 'purchaseRevenue' ? fmtMoney(v, lang) : fmtInt(v, lang);
}

/**
 * CX KPIs for the console (GET /api/v1/reports/cx and /cx/series, docs/REPORTS.md): the wire shape,
 * the counts each figure is computed from (shown under its formula by "explain this number") and
 * how each figure is written. Pure.
 */
import { fmtInt, fmtPct, type Lang } from './format.ts';

// The wire shapes are the hub's contract (never copied here).
import type { CxCounts, CxKey } from '$contracts/records.ts';
export { CX_KEYS, type CxCounts, type CxKey, type CxReportDTO, type CxSeriesDTO, type CxValues } from '$contracts/records.ts';

/** The counts behind a figure, by name (the names are the spec's). */
export function cxParts(key: CxKey, c: CxCounts, lifespanYears: number): Record<string, number | null> {
  switch (key) {
    case 'npsScore':
      return { promoters: c.nps.promoters, passives: c.nps.passives, detractors: c.nps.detractors };
    case 'csatPct':
      return { satisfied: c.csatSatisfied, answers: c.csatAnswers };
    case 'surveyResponseRatePct':
      return { surveysAnswered: c.surveysAnswered, surveysSent: c.surveysSent };
    case 'complaintRatePct':
      return { complaints: c.complaints, handled: c.handled };
    case 'retentionRatePct':
      return { customersAtEnd: c.customersAtEnd, newCustomers: c.newCustomers, customersAtStart: c.customersAtStart };
    case 'customerLifetimeValue':
      return { purchaseRevenue: c.purchaseRevenue, purchases: c.purchases, purchasesInYear: c.purchasesInYear, customersAtEnd: c.customersAtEnd, lifespanYears };
    case 'engagementRatePct':
      return { engaged: c.engaged, contacted: c.contacted };
    case 'conversionRatePct':
      return { handled: c.handled };
  }
}

/** NPS is signed and whole (+33, −12); rates are percentages with one decimal; lifetime value a whole amount. */
export function fmtCx(key: CxKey, v: number | null, lang: Lang): string {
  if (v === null) return '—';
  if (key === 'npsScore') {
    const r = Math.round(v);
    return r > 0 ? `+${r}` : r < 0 ? `−${Math.abs(r)}` : '0';
  }
  if (key === 'customerLifetimeValue') return fmtInt(Math.round(v), lang);
  return fmtPct(v, lang, 1);
}

/** The share of NPS answers in each group for one day (for the stacked bars), null without answers. */
export function npsMix(c: CxCounts): { promoters: number; passives: number; detractors: number } | null {
  const n = c.nps.promoters + c.nps.passives + c.nps.detractors;
  if (n === 0) return null;
  return { promoters: (100 * c.nps.promoters) / n, passives: (100 * c.nps.passives) / n, detractors: (100 * c.nps.detractors) / n };
}

/** `YYYY-MM-DD` shifted by `days` (calendar arithmetic, no time zone). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Today's date (`YYYY-MM-DD`) in the site's time zone (not the browser's, nor UTC). */
export function siteToday(timeZone: string, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

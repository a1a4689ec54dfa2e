/**
 * Customer-experience KPIs exactly as `shared/spec/metrics.md` defines them, as pure functions over
 * counts (null when the denominator is zero, like the metric engine). `cx.repository.ts` gathers the
 * counts; `conversionRatePct` is the metric engine's own (`deriveMetrics`).
 */

import type { CxCounts, CxValues, NpsCounts } from '../contracts/records.ts';

export type { CxCounts, CxValues, NpsCounts };

const pct = (num: number, den: number): number | null => (den > 0 ? (100 * num) / den : null);


/** 0-10 answers: promoters 9-10, passives 7-8, detractors 0-6. */
export function npsCounts(scores: Iterable<number>): NpsCounts {
  const c: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
  for (const s of scores) {
    if (s >= 9) c.promoters++;
    else if (s >= 7) c.passives++;
    else c.detractors++;
  }
  return c;
}

/** `npsScore` = % promoters − % detractors of 0-10 answers, from −100 to +100. */
export function npsScore(c: NpsCounts): number | null {
  const n = c.promoters + c.passives + c.detractors;
  return n > 0 ? (100 * (c.promoters - c.detractors)) / n : null;
}

/** `csatPct` = 100 · answers of 4 or 5 on a 1-5 scale / answers. */
export function csatPct(satisfied: number, answers: number): number | null {
  return pct(satisfied, answers);
}

/** `surveyResponseRatePct` = 100 · surveys answered / surveys sent. */
export function surveyResponseRatePct(answered: number, sent: number): number | null {
  return pct(answered, sent);
}

/** `complaintRatePct` = 100 · complaints opened / contacts handled. */
export function complaintRatePct(complaints: number, handled: number): number | null {
  return pct(complaints, handled);
}

/** `retentionRatePct` = 100 · (customers at period end − new customers in period) / customers at period start. */
export function retentionRatePct(atEnd: number, newInPeriod: number, atStart: number): number | null {
  return pct(atEnd - newInPeriod, atStart);
}

/**
 * `customerLifetimeValue` = average revenue per purchase · purchases per customer per year · average
 * customer lifespan in years. Purchases per customer per year are counted over the 365 days up to the
 * period's end (purchases / customers who bought in them), never scaled up from a short period: a day
 * with one purchase per buyer does not make 365 purchases a year.
 */
export function customerLifetimeValue(avgRevenuePerPurchase: number | null, purchasesPerCustomerPerYear: number | null, lifespanYears: number): number | null {
  if (avgRevenuePerPurchase === null || purchasesPerCustomerPerYear === null) return null;
  return avgRevenuePerPurchase * purchasesPerCustomerPerYear * lifespanYears;
}

/** `engagementRatePct` = 100 · customers who answered a proactive contact (connected or survey answered) / customers contacted. */
export function engagementRatePct(engaged: number, contacted: number): number | null {
  return pct(engaged, contacted);
}



/** Every CX KPI from its counts. `lifespanYears`: the site's assumption (a parameter, shown with the value). */
export function cxValues(c: CxCounts, lifespanYears: number): CxValues {
  const avgRevenue = c.purchases > 0 ? c.purchaseRevenue / c.purchases : null;
  const perCustomerYear = c.customersAtEnd > 0 ? c.purchasesInYear / c.customersAtEnd : null;
  return {
    npsScore: npsScore(c.nps),
    csatPct: csatPct(c.csatSatisfied, c.csatAnswers),
    surveyResponseRatePct: surveyResponseRatePct(c.surveysAnswered, c.surveysSent),
    complaintRatePct: complaintRatePct(c.complaints, c.handled),
    retentionRatePct: retentionRatePct(c.customersAtEnd, c.newCustomers, c.customersAtStart),
    customerLifetimeValue: customerLifetimeValue(avgRevenue, perCustomerYear, lifespanYears),
    engagementRatePct: engagementRatePct(c.engaged, c.contacted),
    conversionRatePct: c.conversionRatePct,
  };
}

export const CX_FORMULAS: Record<keyof CxValues, string> = {
  npsScore: '% promoters (9–10) − % detractors (0–6) of 0–10 answers, from −100 to +100',
  csatPct: '100 · answers of 4 or 5 on a 1–5 scale / answers',
  surveyResponseRatePct: '100 · surveys answered / surveys sent',
  complaintRatePct: '100 · complaints opened / contacts handled',
  retentionRatePct: '100 · (customers at period end − new customers in period) / customers at period start',
  customerLifetimeValue: 'average revenue per purchase (period) · purchases per customer per year (the 365 days up to the period end) · average customer lifespan in years',
  engagementRatePct: '100 · customers who answered a proactive contact (call connected or survey answered) / customers contacted',
  conversionRatePct: '100 · outcomes with a success disposition / connected calls handled',
};

/**
 * The lead-coverage board (pure): every lead is in exactly one part, in board order, with its colour
 * class. The names are those of shared/spec/metrics.md (`leadsPending`, `leadsRetryWaiting`, ...).
 */
import type { LeadCoverage } from '$contracts/metrics.ts';

export type Coverage = LeadCoverage;

/** Coverage as bar segments (every lead in exactly one), in board order. */
export function coverageParts(c: Coverage): { key: Exclude<keyof Coverage, 'total'>; n: number; cls: string }[] {
  return (
    [
      ['leadsPending', 'pending'],
      ['leadsRetryWaiting', 'retry'],
      ['leadsInProgress', 'progress'],
      ['leadsDone', 'done'],
      ['leadsExhausted', 'exhausted'],
      ['leadsDnc', 'barred'],
      ['leadsInvalid', 'barred'],
      ['leadsQuota', 'quota'],
    ] as const
  ).map(([key, cls]) => ({ key, n: c[key], cls }));
}

/** Leads finished (done or exhausted) out of all: the "processed" share shown beside the bar. */
export function processedPct(c: Coverage): number | null {
  return c.total > 0 ? (100 * (c.leadsDone + c.leadsExhausted + c.leadsDnc + c.leadsInvalid + c.leadsQuota)) / c.total : null;
}

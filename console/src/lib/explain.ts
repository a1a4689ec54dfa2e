/** What "explain this number" lists for each figure: the drillable metrics that make it up. */
import type { MetricValues } from '$contracts/metrics.ts';

export interface ExplainTarget {
  scope: 'site' | 'queue' | 'team' | 'agent';
  id?: string;
  /** The figure clicked (a METRIC_FORMULAS key). */
  metric: string;
  label: string;
  value: string;
  /** Drillable metrics whose calls make it up; the first is listed first. */
  lists: string[];
  /** Named components shown under the formula (e.g. answeredWithinT = 40). */
  parts?: Record<string, number | null>;
}

export const EXPLAIN_LISTS: Record<string, string[]> = {
  inQueue: ['inQueue'],
  longestWaitSec: ['inQueue'],
  offered: ['offered'],
  answered: ['answered'],
  abandoned: ['abandoned', 'shortAbandoned'],
  serviceLevelPct: ['answeredWithinT', 'answeredAfterT', 'abandoned', 'shortAbandoned'],
  abandonRatePct: ['abandoned', 'shortAbandoned', 'offered'],
  asaSec: ['answered'],
  ahtSec: ['handled'],
  handled: ['handled'],
  occupancyPct: ['handled'],
  missedOffers: ['missedOffers'],
};

/** The counts a derived figure is computed from, shown next to its formula. */
export function partsOf(metric: string, v: MetricValues): Record<string, number | null> | undefined {
  switch (metric) {
    case 'serviceLevelPct':
      return { answeredWithinT: v.answeredWithinT, answered: v.answered, abandoned: v.abandoned, shortAbandoned: v.shortAbandoned };
    case 'abandonRatePct':
      return { abandoned: v.abandoned, shortAbandoned: v.shortAbandoned, offered: v.offered };
    case 'asaSec':
      return { answered: v.answered };
    case 'ahtSec':
      return { handled: v.handled };
    default:
      return undefined;
  }
}

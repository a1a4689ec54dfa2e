/** What "explain this number" lists for each figure: the drillable metrics that make it up. */
import { METRIC_FORMULAS, type MetricValues } from '$contracts/metrics.ts';
import type { Lang } from './format.ts';
import { MESSAGES } from './messages.ts';

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

const words = (lang: Lang) => MESSAGES[lang] as Record<string, string>;

/**
 * A counter's or metric's name in words (`answeredWithinT` → "Trả lời trong ngưỡng"): the reports' names
 * (`mn_` from the contracts) and the live figures' own. An unknown one stays as it is.
 */
export function metricLabel(key: string, lang: Lang): string {
  return words(lang)[`mn_${key}`] ?? key;
}

/**
 * What a metric is, in `lang`: its description in words where the page has one (`fx_`), else the hub's
 * formula with each figure it names written in words (`100 · answeredWithinT / …` →
 * `100 · Trả lời trong ngưỡng / …`). Only a formula over figures (with `·`) is rewritten: a description
 * in English words uses "answered" and "offered" as words.
 */
export function formulaText(metric: string, lang: Lang): string {
  const own = words(lang)[`fx_${metric}`];
  if (own) return own;
  const f = METRIC_FORMULAS[metric];
  if (f === undefined) return metricLabel(metric, lang);
  return f.includes('·') ? f.replace(/[A-Za-z]+/g, (w) => metricLabel(w, lang)) : f;
}

import { describe, expect, it } from 'vitest';
import { METRIC_FORMULAS, type MetricValues } from '$contracts/metrics.ts';
import { METRIC_NAMES } from '$contracts/reports.ts';
import { EXPLAIN_LISTS, formulaText, metricLabel, partsOf } from './explain.ts';
import { MESSAGES } from './messages.ts';

/** Every name the dialog can show: the figures clicked, the call lists behind them and the counts beside their formulas. */
function shownNames(): string[] {
  const values = Object.fromEntries(Object.keys(METRIC_NAMES).map((k) => [k, 1])) as unknown as MetricValues;
  const parts = Object.keys(EXPLAIN_LISTS).flatMap((m) => Object.keys(partsOf(m, values) ?? {}));
  return [...new Set([...Object.keys(EXPLAIN_LISTS), ...Object.values(EXPLAIN_LISTS).flat(), ...parts])];
}
/** A hub identifier as code writes it (answeredWithinT, slThresholdSec). */
const CAMEL = /\b[a-z]+[A-Z]\w*/;

describe('"explain this number" in Vietnamese', () => {
  it('every call list and every metric described in words has a Vietnamese description', () => {
    const listed = new Set(Object.values(EXPLAIN_LISTS).flat());
    const worded = Object.entries(METRIC_FORMULAS)
      .filter(([, f]) => !f.includes('·'))
      .map(([k]) => k)
      .filter((k) => !['dropRatePct', 'connectivityRatePct', 'conversionRatePct', 'transferRatePct'].includes(k));
    const vi = MESSAGES.vi as Record<string, string>;
    const missing = [...new Set([...listed, ...worded])].filter((k) => !vi[`fx_${k}`]);
    expect(missing).toEqual([]);
  });

  it('given any figure, list or count it shows, then it names it in words in Vietnamese and English, not by its counter name', () => {
    const names = shownNames();
    expect(names).toContain('answeredWithinT');
    for (const lang of ['vi', 'en'] as const) {
      const unnamed = names.filter((k) => metricLabel(k, lang) === k || CAMEL.test(metricLabel(k, lang)));
      expect({ lang, unnamed }).toEqual({ lang, unnamed: [] });
    }
    expect(metricLabel('answeredWithinT', 'vi')).toBe('Trả lời trong ngưỡng');
    expect(metricLabel('answeredWithinT', 'en')).toBe('Answered within threshold');
    expect(metricLabel('answeredAfterT', 'vi')).toBe('Trả lời quá ngưỡng');
  });

  it('given a formula over other figures, then it writes each of them in words, in the page\'s language', () => {
    for (const lang of ['vi', 'en'] as const) {
      const raw = shownNames().map((k) => [k, formulaText(k, lang)] as const).filter(([, f]) => CAMEL.test(f));
      expect({ lang, raw }).toEqual({ lang, raw: [] });
    }
    expect(formulaText('serviceLevelPct', 'vi')).toBe('100 · Trả lời trong ngưỡng / (Cuộc được trả lời + Cuộc bỏ máy − Bỏ máy sớm)');
    expect(formulaText('serviceLevelPct', 'en')).toBe('100 · Answered within threshold / (Answered + Abandoned − Short abandons)');
    // Not the English formula on a Vietnamese page.
    const english = shownNames().filter((k) => formulaText(k, 'vi') === formulaText(k, 'en'));
    expect(english).toEqual([]);
  });
});

describe('"explain this number" descriptions', () => {
  it('given any description of a figure, then it says what the calls are in words, not by the telephony event behind them', () => {
    const EVENT = /\b(call|agent|queue|offer|params|campaign)\.[a-z]+/i;
    for (const lang of ['vi', 'en'] as const) {
      const msgs = MESSAGES[lang] as Record<string, string>;
      const named = Object.entries(msgs).filter(([k, v]) => k.startsWith('fx_') && EVENT.test(v)).map(([k]) => k);
      expect({ lang, named }).toEqual({ lang, named: [] });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { METRIC_FORMULAS } from '$contracts/metrics.ts';
import { EXPLAIN_LISTS } from './explain.ts';
import { MESSAGES } from './messages.ts';

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
});

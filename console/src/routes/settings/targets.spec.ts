import { describe, expect, it } from 'vitest';
import { apiFail } from '$contracts/api-errors.ts';
import { MESSAGES } from '$lib/messages.ts';
// The hub's check is the one that counts: the page's must agree with it, metric by metric.
import { targetRange as hubRange } from '$contracts/reports.ts';
import { TARGET_METRICS as HUB_METRICS, targetRefusal } from '../../../../realtime/src/reports/report-settings.ts';
import { TARGET_METRIC_NAMES, rangeHint, targetProblem, targetRange, targetRefusalProblem, validFromNote } from './targets.ts';

const fill = (s: string, vars: Record<string, string>) => s.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);

describe('the report-target form checks what the hub checks', () => {
  it('the metrics and their ranges are the hub’s: percentages 0 to 100, seconds and counts 0 or more', () => {
    expect(TARGET_METRIC_NAMES).toEqual(HUB_METRICS);
    for (const m of HUB_METRICS) expect(targetRange(m), m).toEqual(hubRange(m));
    expect(targetRange('serviceLevelPct')).toEqual({ min: 0, max: 100 });
    expect(targetRange('abandonRatePct')).toEqual({ min: 0, max: 100 });
    // Conformance goes over 100 % with overtime: no upper bound.
    expect(targetRange('conformancePct')).toEqual({ min: 0, max: null });
    expect(targetRange('asaSec')).toEqual({ min: 0, max: null });
    expect(targetRange('offered')).toEqual({ min: 0, max: null });
    expect(targetRange('fooBar')).toBeNull();
    expect([rangeHint('serviceLevelPct'), rangeHint('asaSec'), rangeHint('fooBar')]).toEqual(['0–100', '≥ 0', '']);
  });

  it('≥ 150 % and −5 % are refused before sending, beside the field; the page and the hub agree on every range; “fooBar” is the hub’s to refuse', () => {
    expect(targetProblem('serviceLevelPct', 150)).toEqual({ field: 'target', key: 'af_target_out_of_range', vars: { metric: 'serviceLevelPct', min: '0', max: '100' } });
    expect(targetProblem('abandonRatePct', -5)).toEqual({ field: 'target', key: 'af_target_out_of_range', vars: { metric: 'abandonRatePct', min: '0', max: '100' } });
    expect(targetProblem('asaSec', -1)).toEqual({ field: 'target', key: 'af_target_below_min', vars: { metric: 'asaSec', min: '0' } });
    expect(targetProblem('fooBar', 1)).toBeNull();
    expect(targetRefusalProblem('unknown_target_metric', targetRefusal('fooBar', 1)!.params as Record<string, string>)).toEqual({ field: 'metric', key: 'af_unknown_target_metric', vars: { metric: 'fooBar' } });
    for (const [m, v] of [['serviceLevelPct', 100], ['serviceLevelPct', 0], ['abandonRatePct', 4.5], ['ahtSec', 300], ['revenue', 5e9]] as const) expect(targetProblem(m, v), `${m} ${v}`).toBeNull();
    // Required and not-a-number are the page's own words.
    expect(targetProblem('serviceLevelPct', null)).toBeNull();
    expect(targetProblem('serviceLevelPct', NaN)).toBeNull();

    for (const m of HUB_METRICS) {
      for (const v of [-5, -0.1, 0, 50, 100, 100.5, 150, 1e6]) {
        const hub = targetRefusal(m, v);
        const page = targetProblem(m, v);
        expect(page?.key ?? null, `${m} ${v}`).toBe(hub ? `af_${hub.reason}` : null);
        // The hub's answer, when a page sends it anyway, lands on the same field with the same words.
        if (hub) expect(targetRefusalProblem(hub.reason, hub.params as Record<string, string>)).toEqual(page);
      }
    }
  });

  it('the hub’s refusal is worded beside the field it names, in both languages', () => {
    const fail = apiFail('target_out_of_range', { field: 'target', metric: 'serviceLevelPct', min: '0', max: '100' });
    const p = targetRefusalProblem(fail.reason, fail.params)!;
    expect(p.field).toBe('target');
    const vars = { ...p.vars, metric: MESSAGES.vi.mn_serviceLevelPct };
    expect(fill(MESSAGES.vi[p.key], vars)).toBe('Mục tiêu của Mức phục vụ (%) phải từ 0 đến 100');
    expect(fill(MESSAGES.en[p.key], { ...p.vars, metric: MESSAGES.en.mn_serviceLevelPct })).toBe('The target for Service level (%) must be 0 to 100');
    expect(targetRefusalProblem('unknown_target_metric', { field: 'metric', metric: 'fooBar' })).toMatchObject({ field: 'metric', key: 'af_unknown_target_metric' });
    expect(fill(MESSAGES.vi.af_unknown_target_metric, { metric: 'fooBar' })).toBe('Báo cáo không có chỉ số “fooBar” để đặt mục tiêu');
    expect(targetRefusalProblem('range_too_long', { max: '62' })).toBeNull();
    expect(targetRefusalProblem(undefined, undefined)).toBeNull();
  });

  it('“valid from”: blank or today says “from today”; a past date warns that those days’ reports will be judged by the new target', () => {
    expect(validFromNote('', '2026-03-10')).toEqual({ key: 'stFromToday', date: '2026-03-10' });
    expect(validFromNote('2026-03-10', '2026-03-10')).toEqual({ key: 'stFromToday', date: '2026-03-10' });
    expect(validFromNote('2026-03-02', '2026-03-10')).toEqual({ key: 'stFromPast', date: '2026-03-02' });
    expect(validFromNote('2026-04-01', '2026-03-10')).toEqual({ key: 'stFromLater', date: '2026-04-01' });
    expect(MESSAGES.vi.stFromToday).toContain('áp dụng từ hôm nay');
    expect(MESSAGES.en.stFromToday).toContain('from today');
    expect(fill(MESSAGES.vi.stFromPast, { date: '2026-03-02' })).toBe('Ngày đã qua: báo cáo của các ngày từ 2026-03-02 đến nay sẽ được đánh giá theo mục tiêu mới.');
  });
});

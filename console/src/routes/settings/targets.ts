/**
 * The report-target form's checks, the same ranges as the hub's (`realtime/src/reports/report-settings.ts`,
 * the check that counts; the ranges are `targetRange` of the contracts). The metric
 * must be one a report computes (`METRIC_NAMES`, the keys of `MetricValues`): the field suggests them,
 * and the hub's refusal of any other name is shown beside it (`targetRefusalProblem`). And what the
 * "valid from" date means: blank or today applies from today; a past date reaches back and judges the
 * reports of those days against the new target.
 */
import { METRIC_NAMES, targetRange as hubRange, type NamedMetric } from '$contracts/reports.ts';
import type { MessageKey } from '$lib/messages.ts';

/** Every metric a target may be set on, as the hub accepts them. */
export const TARGET_METRIC_NAMES = Object.keys(METRIC_NAMES) as NamedMetric[];

export const isTargetMetric = (metric: string): metric is NamedMetric => Object.hasOwn(METRIC_NAMES, metric);

/** The values a target on `metric` may take (`max` null: no upper bound); null for a name reports do not compute. */
export function targetRange(metric: string): { min: number; max: number | null } | null {
  return isTargetMetric(metric) ? hubRange(metric) : null;
}

/** A problem of the form, beside its field: the message (the hub's reason's) with its params. */
export interface TargetProblem {
  field: 'metric' | 'target';
  key: Extract<MessageKey, 'af_unknown_target_metric' | 'af_target_out_of_range' | 'af_target_below_min'>;
  vars: Record<string, string>;
}

/**
 * What is wrong with a target of `value` on `metric`, checked before sending: null when nothing is, or
 * when the hub is the one to say it (a metric it does not compute); `value` null or NaN is the page's
 * "required" / "not a number".
 */
export function targetProblem(metric: string, value: number | null): TargetProblem | null {
  const range = targetRange(metric);
  if (range === null || value === null || Number.isNaN(value)) return null;
  const { min, max } = range;
  if (max !== null && (value < min || value > max)) return { field: 'target', key: 'af_target_out_of_range', vars: { metric, min: String(min), max: String(max) } };
  if (value < min) return { field: 'target', key: 'af_target_below_min', vars: { metric, min: String(min) } };
  return null;
}

/** The hub's refusal of a target (`reason`, `params` of its answer) as a problem beside its field; null for any other failure. */
export function targetRefusalProblem(reason: string | undefined, params: Record<string, string> | undefined): TargetProblem | null {
  const p = params ?? {};
  const field = p.field === 'metric' || p.field === 'target' ? p.field : reason === 'unknown_target_metric' ? 'metric' : 'target';
  if (reason === 'unknown_target_metric') return { field, key: 'af_unknown_target_metric', vars: { metric: p.metric ?? '' } };
  if (reason === 'target_out_of_range') return { field, key: 'af_target_out_of_range', vars: { metric: p.metric ?? '', min: p.min ?? '', max: p.max ?? '' } };
  if (reason === 'target_below_min') return { field, key: 'af_target_below_min', vars: { metric: p.metric ?? '', min: p.min ?? '' } };
  return null;
}

/**
 * What the "valid from" date does, said under the field: blank or today applies from today (the hub's
 * default too); a past date judges the reports of the days since against the new target; a later one
 * starts then.
 */
export function validFromNote(validFrom: string, today: string): { key: Extract<MessageKey, 'stFromToday' | 'stFromPast' | 'stFromLater'>; date: string } {
  const d = validFrom.trim();
  if (d === '' || d === today) return { key: 'stFromToday', date: today };
  return { key: d < today ? 'stFromPast' : 'stFromLater', date: d };
}

/** The range a target on `metric` may take, as the field's placeholder: `0–100`, `≥ 0`; '' for an unknown metric. */
export function rangeHint(metric: string): string {
  const r = targetRange(metric);
  return r === null ? '' : r.max === null ? `≥ ${r.min}` : `${r.min}–${r.max}`;
}

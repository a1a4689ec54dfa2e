/**
 * What a report target may be (`PUT /api/v1/reports/targets` checks it at the edge). A report compares
 * a target with the metric of that name in its figures (`checkTargets` reads `MetricValues`), so the
 * metric must be one of those (`METRIC_NAMES`, keyed by `MetricValues`); on any other name the target
 * would never be judged. The value must be one the metric can reach: a percentage (a name ending in
 * `Pct`) 0 to 100 (conformance, which overtime takes over 100, 0 or more), seconds and counts 0 or more.
 */
import { apiFail, METRIC_NAMES, targetRange, type ApiFail, type NamedMetric } from '../contracts/index.ts';


/** Every metric a report can hold a target on. */
export const TARGET_METRICS = Object.keys(METRIC_NAMES) as NamedMetric[];

export const isTargetMetric = (metric: string): metric is NamedMetric => Object.hasOwn(METRIC_NAMES, metric);

/** A refused target's reason: each names the field (`metric`, `target`) and what it may be. */
export type TargetFail = Extract<ApiFail, { reason: 'unknown_target_metric' | 'target_out_of_range' | 'target_below_min' }>;

/** Why a target of `target` on `metric` is refused (the reason names the field and what it may be); undefined when it is fine. */
export function targetRefusal(metric: string, target: number): TargetFail | undefined {
  if (!isTargetMetric(metric)) return apiFail('unknown_target_metric', { field: 'metric', metric }) as TargetFail;
  const { min, max } = targetRange(metric);
  if (max !== null && (target < min || target > max)) return apiFail('target_out_of_range', { field: 'target', metric, min: String(min), max: String(max) }) as TargetFail;
  if (target < min) return apiFail('target_below_min', { field: 'target', metric, min: String(min) }) as TargetFail;
  return undefined;
}

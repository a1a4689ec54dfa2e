/**
 * REST of the reports and complaints pages (the hub's `/api/v1/reports/*` and `/api/v1/complaints*`,
 * docs/REPORTS.md): authenticated JSON, and file downloads (CSV, the printable page) that need the
 * bearer token, so they are fetched and handed over as a blob.
 */
import { ApiError, apiErrorOf } from './api-fail.ts';
import { apiUrl } from './hub-url.ts';
import { session } from './state/session.svelte.ts';
import type { ComplaintAssignee, ComplaintDetail as ComplaintDetailDTO, ComplaintDTO, ComplaintListItem, ComplaintsSummary } from '$contracts/records.ts';
import type { MetricParamsUsed, MetricValues } from '$contracts/metrics.ts';
import type { MetricParams } from '$contracts/site.ts';
import type { ReportFactor, TargetCause } from '$contracts/reports.ts';

export type { ComplaintAssignee, ComplaintDetailDTO, ComplaintDTO, ComplaintListItem, ComplaintsSummary, ReportFactor, TargetCause };

/** A figure of the metric engine, by its name (a key of the contracts' `MetricValues`, as the hub's report names them). */
export type MetricName = keyof MetricValues;

/** A refusal of the hub: its status and error body; pages word it with `errorText` (api-fail.ts). */
export { ApiError };

export async function send<T>(method: 'POST' | 'PATCH' | 'PUT', path: string, body: unknown): Promise<T> {
  const res = await fetch(apiUrl(path), {
    method,
    headers: { authorization: `Bearer ${session.token ?? ''}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await apiErrorOf(res);
  return (await res.json().catch(() => ({}))) as T;
}

/** Fetches a file with the token; `print` opens it in a new tab (the printable page), else downloads it. */
export async function openFile(path: string, fileName: string, print = false): Promise<void> {
  const res = await fetch(apiUrl(path), { headers: { authorization: `Bearer ${session.token ?? ''}` } });
  if (!res.ok) throw await apiErrorOf(res);
  const url = URL.createObjectURL(await res.blob());
  if (print) {
    const w = window.open(url, '_blank');
    w?.addEventListener('load', () => w.print());
  } else {
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
  }
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The parts of a report the page shows (the full shape: realtime/src/reports/report.ts). */
export interface ReportValues {
  offered: number;
  answered: number;
  abandoned: number;
  serviceLevelPct: number | null;
  abandonRatePct: number | null;
  asaSec: number | null;
  ahtSec: number | null;
  occupancyPct: number | null;
  /** Schedule adherence (missing in reports stored before it existed). */
  adherencePct?: number | null;
  handled: number;
  staffedAgents: number;
  volumePerAgent: number | null;
  connectivityRatePct: number | null;
  conversionRatePct: number | null;
  revenue: number;
}
/** A target vs actual; a miss carries its causes in English words and as data. */
export interface ReportTargetDTO {
  metric: string;
  kind: 'min' | 'max';
  target: number;
  actual: number | null;
  met: boolean | null;
  causes: string[];
  /** The causes as data, worded by the page (`report-causes.ts`). Missing in reports stored before it existed. */
  causeDetails?: TargetCause[];
}
export interface ReportDTO {
  kind: 'daily' | 'weekly';
  scope: string;
  id: string;
  name: string;
  period: { from: string; to: string; days: string[] };
  /** The period as instants (epoch ms, [from, to)). */
  from: number;
  to: number;
  /** The parameters of the total: those in force at the period's end. */
  params: MetricParamsUsed;
  /**
   * Only when the scope's parameters changed during the period: the versions that began inside it, each from
   * `at`, and those in force at its start. Each point of `series` used the version in force at its start
   * (`report-rules.ts` words them).
   */
  paramsChanged?: { at: number; params: MetricParams }[];
  paramsAtStart?: MetricParams;
  total: ReportValues;
  series: { start: number; label: string; values: ReportValues }[];
  breakdown: { scope: string; id: string; name: string; values: ReportValues }[];
  targets: ReportTargetDTO[];
  factors: ReportFactor[];
  quality: { agentId: string; name: string; handled: number; complete: number; valid: number; validPct: number | null }[];
  /** Missing in reports stored before the section existed. */
  complaints?: ComplaintsSummary;
  /**
   * The figures that mean nothing for the scope (the hub's `notApplicable`: a team's or an agent's offered and
   * abandoned calls, which belong to lines); their values stay in `total` and `series` but are not shown.
   * Missing in reports stored before it existed (every figure shown).
   */
  omitted?: MetricName[];
}



/** The status flow, declared once in the contracts (the hub's complaint flow uses the same list). */
export { COMPLAINT_NEXT_STATUS as NEXT_STATUS } from '$contracts/records.ts';

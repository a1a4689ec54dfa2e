/**
 * Report jobs: name -> payload (workers in `queue-workers/src/reports`, docs/REPORTS.md). A job
 * scheduler per site enqueues the daily and weekly runs; a run can also be asked for by hand with a
 * deterministic job id `reports-{kind}|{siteId}|{date}`. Idempotent: a run replaces the stored reports
 * of its period (`report_runs` is unique per site, kind, scope, id and period).
 */
export interface ReportJobs {
  /** The daily reports of one site-local day: the site (with queues, teams and agents), each queue, each team. */
  'reports:daily': { siteId: string; /** `YYYY-MM-DD`; default: yesterday in the site's time zone. */ date?: string };
  /** The weekly reports of the ISO week containing `date` (default: last week). */
  'reports:weekly': { siteId: string; date?: string };
}

/** BullMQ queue of the reports area. */
export const REPORT_QUEUE = 'reports';

/**
 * BullMQ job names and payloads, declared once (house style rule 7). Each area declares its jobs in
 * its own interface (`jobs.<area>.ts`) so parallel work never edits one list; this file joins them.
 * Producers and workers import `JobName`/`JobOf<K>`; a worker's handlers are typed
 * `{ [K in JobName]: (data: JobOf<K>) => Promise<unknown> }` so a missing handler does not compile.
 */
import type { CampaignJobs } from './jobs.campaigns.ts';
import type { ReportJobs } from './jobs.reports.ts';

export type JobPayloads = CampaignJobs & ReportJobs;
export type JobName = keyof JobPayloads & string;
export type JobOf<K extends JobName> = JobPayloads[K];
/** A job as a producer hands it over: its name and payload, checked together. */
export type JobItem = { [K in JobName]: { name: K; data: JobOf<K> } }[JobName];

/**
 * The reports worker: a BullMQ job scheduler per site enqueues `reports:daily` (every day at 00:30
 * site time, for the day before) and `reports:weekly` (Mondays 01:00, for the week before); the worker
 * builds the reports with `ReportsService` and stores them (`report_runs`). Handlers are one record
 * typed over `ReportJobs`, so a job without a handler does not compile (house style rule 7).
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { REPORT_QUEUE, type ReportJobs } from '../../../realtime/src/contracts/jobs.reports.ts';
import { SiteCalendar } from '../../../realtime/src/core/time.ts';
import { ReportsRepository } from '../../../realtime/src/reports/reports.repository.ts';
import { addDays, ReportError, ReportsService } from '../../../realtime/src/reports/reports.service.ts';
import type { Database } from '../../../realtime/src/storage/database.ts';

export interface ReportSite {
  id: string;
  timeZone: string;
  intervalMin?: number;
}

export interface ReportWorkersOptions {
  redisUrl: string;
  database: Database;
  logger: Logger;
  /** Sites to schedule (the live site; imported data sets are reported on demand). */
  sites: readonly ReportSite[];
  /** Cron pattern (site time) of the daily run. @defaultValue '30 0 * * *' */
  dailyPattern?: string;
  /** @defaultValue '0 1 * * 1' (Mondays 01:00) */
  weeklyPattern?: string;
  /** Key prefix in Redis (tests use their own). @defaultValue 'bull' */
  prefix?: string;
  successDispositions?: readonly string[];
  /** @defaultValue 1 */
  concurrency?: number;
}

export interface ReportWorkers {
  queue: Queue;
  worker: Worker;
  /** Enqueues a run now (deterministic id: a second request for the same period while one waits is the same job). */
  request<K extends keyof ReportJobs>(name: K, data: ReportJobs[K]): Promise<Job>;
  close(): Promise<void>;
}

type Handlers = { [K in keyof ReportJobs]: (data: ReportJobs[K], job: Job) => Promise<unknown> };

/** Scopes a run reports on: the site, each queue, each team (agents are in the site report's breakdown). */
async function scopesOf(repo: ReportsRepository, siteId: string): Promise<{ scope: 'site' | 'queue' | 'team'; id: string }[]> {
  const [queues, teams] = await Promise.all([repo.queues(siteId), repo.teams(siteId)]);
  return [{ scope: 'site', id: '' }, ...queues.map((q) => ({ scope: 'queue' as const, id: q.id })), ...teams.map((t) => ({ scope: 'team' as const, id: t.id }))];
}

export async function startReportWorkers(opts: ReportWorkersOptions): Promise<ReportWorkers> {
  const log = opts.logger.child({ component: 'reports-worker' });
  const prefix = opts.prefix ?? 'bull';
  // Producers fail fast when Redis is down; the worker waits for it (BullMQ's production advice).
  const queue = new Queue(REPORT_QUEUE, { connection: { url: opts.redisUrl, enableOfflineQueue: false }, prefix });
  const repo = new ReportsRepository(opts.database);
  const reports = new ReportsService(repo, opts.successDispositions ? { successDispositions: opts.successDispositions } : {});
  const calendars = new Map(opts.sites.map((s) => [s.id, new SiteCalendar(s.timeZone, s.intervalMin ?? 15)]));
  const yesterday = (siteId: string) => {
    const cal = calendars.get(siteId) ?? new SiteCalendar('UTC', 15);
    return addDays(cal.localDate(Date.now()), -1);
  };

  const runAll = async (kind: 'daily' | 'weekly', siteId: string, date: string, job: Job) => {
    const scopes = await scopesOf(repo, siteId);
    let done = 0;
    for (const s of scopes) {
      try {
        await reports.run(kind, siteId, date, s.scope, s.id);
      } catch (err) {
        // A site that does not exist or a bad date will not get better by retrying.
        if (err instanceof ReportError) throw new UnrecoverableError(err.message);
        throw err;
      }
      await job.updateProgress(Math.round((100 * ++done) / scopes.length));
    }
    log.info({ kind, siteId, date, reports: done }, 'reports stored');
    return { kind, siteId, date, reports: done };
  };

  const handlers: Handlers = {
    'reports:daily': (d, job) => runAll('daily', d.siteId, d.date ?? yesterday(d.siteId), job),
    'reports:weekly': (d, job) => runAll('weekly', d.siteId, d.date ?? addDays(yesterday(d.siteId), -6), job),
  };

  const worker = new Worker(
    REPORT_QUEUE,
    async (job: Job) => {
      const h = handlers[job.name as keyof ReportJobs] as ((data: unknown, job: Job) => Promise<unknown>) | undefined;
      if (!h) throw new UnrecoverableError(`unknown job ${job.name}`);
      return h(job.data, job);
    },
    { connection: { url: opts.redisUrl, maxRetriesPerRequest: null }, prefix, concurrency: opts.concurrency ?? 1 },
  );
  worker.on('failed', (job, err) => log.warn({ job: job?.name, id: job?.id, err: err.message }, 'report job failed'));

  for (const s of opts.sites) {
    await queue.upsertJobScheduler(
      `reports-daily|${s.id}`,
      { pattern: opts.dailyPattern ?? '30 0 * * *', tz: s.timeZone },
      { name: 'reports:daily', data: { siteId: s.id } satisfies ReportJobs['reports:daily'], opts: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: 100, removeOnFail: 100 } },
    );
    await queue.upsertJobScheduler(
      `reports-weekly|${s.id}`,
      { pattern: opts.weeklyPattern ?? '0 1 * * 1', tz: s.timeZone },
      { name: 'reports:weekly', data: { siteId: s.id } satisfies ReportJobs['reports:weekly'], opts: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  return {
    queue,
    worker,
    request(name, data) {
      const date = data.date ?? (name === 'reports:daily' ? yesterday(data.siteId) : addDays(yesterday(data.siteId), -6));
      return queue.add(name, { ...data, date }, { jobId: `${name.replace(":", "-")}|${data.siteId}|${date}`, attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: true, removeOnFail: 100 });
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}

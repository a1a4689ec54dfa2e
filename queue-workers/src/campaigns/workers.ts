/**
 * `startCampaignWorkers(opts)`: the campaigns area at run time.
 *
 * - BullMQ queue `campaign-dial` (jobs `campaign:dial`, concurrency 50) and `campaign-control`
 *   (`campaign:pace` per running campaign on a job scheduler, `campaign:import-leads`,
 *   `campaign:outreach` on a cron scheduler, `campaign:post-call-survey`). Handlers in one record typed
 *   over the job names (a missing one does not compile).
 * - Production settings (bullmq "going to production"): workers' connections `maxRetriesPerRequest: null`
 *   (they reconnect and carry on), producers' `enableOfflineQueue: false` (an API call fails fast when
 *   Redis is down); `stop()` closes the workers (SIGTERM in `npm start` and the worker CLI).
 * - Followers of the attempt log: the hub notifier (`call.dialed`, `call.offered`, `call.abandoned` to the
 *   hub's ingest) and the persister (attempt and lead rows to the database), each resuming from its own
 *   stored position (at-least-once; both sides are idempotent).
 * - The outcome follower reads the hub's event log (answers, ends, dispositions of campaign calls, and
 *   inbound calls due a post-call survey); the drop sweeper hangs up connected calls nobody answered.
 */
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DomainEvent, SiteConfig } from '../../../realtime/src/contracts/index.ts';
import { CAMPAIGN_QUEUES, type CampaignJobs } from '../../../realtime/src/contracts/jobs.campaigns.ts';
import type { Database } from '../../../realtime/src/storage/database.ts';
import { CampaignRepository } from './campaign.repository.ts';
import { CampaignService } from './campaigns.service.ts';
import { SimulatedCarrier, type DialerPort } from './carrier.ts';
import { campaignClock } from './clock.ts';
import { tableComplaints, type ComplaintPort, type HubPort } from './ports.ts';
import { CampaignStore, type LogEntry } from './store.ts';
import { reportOutages } from '../../../realtime/src/hub/redis-outage.ts';

export interface CampaignWorkersOptions {
  redisUrl: string;
  db: Database;
  config: SiteConfig;
  hub: HubPort;
  /** The hub's event log (Redis stream) to follow for outcomes. */
  hubStreamKey: string;
  logger: Logger;
  /** Redis key prefix of the campaigns area. @defaultValue `cb:{site}:camp` */
  prefix?: string;
  /** @defaultValue the simulated carrier */
  carrier?: DialerPort;
  /** @defaultValue a `complaints` row per low score */
  complaints?: ComplaintPort;
  /** @defaultValue 50 */
  dialConcurrency?: number;
  /** Demo: simulated respondents answer every survey question. @defaultValue false */
  simulateRespondents?: boolean;
  /** BullMQ lock of an active job; a killed worker's jobs are taken over after it. @defaultValue 30000 */
  lockDurationMs?: number;
  /** @defaultValue 15000 */
  stalledIntervalMs?: number;
  /** Which parts run here. @defaultValue all */
  run?: { dial?: boolean; control?: boolean; followers?: boolean };
  /** Re-enqueue claimed leads without a job after this long. @defaultValue 30000 */
  recoverAfterMs?: number;
  /** A stopped or completed campaign's lead keys leave Redis this long after it finished. @defaultValue 60000 */
  finalizeAfterMs?: number;
  /** How often finished campaigns are looked at for that. @defaultValue 5000 */
  finalizeEveryMs?: number;
  /** The persister waits up to this long for a fuller batch after a short read (database rows lag by that much). @defaultValue 500 */
  persistLingerMs?: number;
  /**
   * The hub's clock speed (`CALLBOARD_SPEED`): pacing cycles, rings and drop deadlines follow it.
   * @defaultValue 1
   */
  clockSpeed?: number;
  /** The hub's clock (in process: `hub.now()`); else the wall clock scaled by `clockSpeed` from `clockStart`. */
  now?: () => number;
  /** The hub's time now, when `now` is not given (a worker process reads it from the hub's `/healthz`). */
  clockStart?: number;
}

export interface CampaignWorkers {
  service: CampaignService;
  dialQueue: Queue;
  controlQueue: Queue;
  prefix: string;
  /** Resolves when the followers have handled everything written so far (tests, benchmarks). */
  drain(): Promise<void>;
  /**
   * Closes the BullMQ workers (their in-flight jobs finish first), then, with `drainMs`, lets the
   * followers pass what those jobs wrote (at most that long), then closes every connection.
   */
  stop(o?: { drainMs?: number }): Promise<void>;
}

type Handlers = { [K in keyof CampaignJobs]: (data: CampaignJobs[K], job: Job) => Promise<unknown> };

export async function startCampaignWorkers(o: CampaignWorkersOptions): Promise<CampaignWorkers> {
  const prefix = o.prefix ?? `cb:${o.config.id}:camp`;
  const run = { dial: true, control: true, followers: true, ...o.run };
  const log = o.logger.child({ area: 'campaigns' });
  // Workers: block forever on Redis calls and reconnect. Producers: fail fast.
  const workerConn = (): ConnectionOptions => {
    const r = new Redis(o.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: false, lazyConnect: false });
    reportOutages([r], log, 'campaign worker');
    return r;
  };
  // One producer connection per queue: a queue's close() quits the connection it was given.
  const producer = async () => {
    const r = new Redis(o.redisUrl, { maxRetriesPerRequest: 3, enableOfflineQueue: false, lazyConnect: true });
    reportOutages([r], log, 'campaign queue');
    await r.connect();
    return r;
  };
  // Auto-pipelining: the dial jobs running side by side send their scripts in one write per tick.
  const state = new Redis(o.redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: true });
  reportOutages([state], log, 'campaign state');
  const bullPrefix = `${prefix}:bull`;
  const dialQueue = new Queue(CAMPAIGN_QUEUES.dial, { connection: await producer(), prefix: bullPrefix });
  const controlQueue = new Queue(CAMPAIGN_QUEUES.control, { connection: await producer(), prefix: bullPrefix });
  // BullMQ repeats a connection error on every attempt while Redis is away: the same warning at most every 30 s.
  const warned = new Map<string, number>();
  const warnEvery30s = (msg: string, err: Error): void => {
    const k = `${msg}\u0000${err.message}`;
    if (Date.now() - (warned.get(k) ?? -Infinity) < 30_000) return;
    warned.set(k, Date.now());
    log.warn({ err: err.message }, msg);
  };
  for (const q of [dialQueue, controlQueue]) q.on('error', (err) => warnEvery30s('campaign queue error', err));
  const store = new CampaignStore(state, prefix);
  const repo = new CampaignRepository(o.db.db);
  const clock = campaignClock({ ...(o.clockSpeed ? { speed: o.clockSpeed } : {}), ...(o.now ? { now: o.now } : {}), ...(o.clockStart !== undefined ? { start: o.clockStart } : {}) });
  const service = new CampaignService({
    store,
    repo,
    clock,
    carrier: o.carrier ?? new SimulatedCarrier(state, prefix, clock.speed),
    hub: o.hub,
    config: o.config,
    logger: log,
    dialQueue,
    controlQueue,
    complaints: o.complaints ?? tableComplaints(o.db.db),
    simulateRespondents: o.simulateRespondents ?? false,
    // Compared with clock time: the same real time at any speed.
    recoverAfterMs: (o.recoverAfterMs ?? 30_000) * clock.speed,
    finalizeAfterMs: (o.finalizeAfterMs ?? 60_000) * clock.speed,
  });
  await service.loadDnc();
  // Running campaigns found in the database (a restart): load and reschedule them.
  for (const c of await repo.listCampaigns(o.config.id)) {
    await store.putCampaign(c);
    if (c.status === 'running') await service.setStatus(c.id, 'running');
    // Finished before a restart (or before finalizing existed) with its leads still in Redis.
    if ((c.status === 'stopped' || c.status === 'completed') && (await store.isLoaded(c.id))) await state.zadd(store.k.finishing(), 'NX', Date.now(), c.id);
    if (c.settings.schedule) await service.schedule(c);
  }

  const handlers: Handlers = {
    'campaign:dial': (d) => service.dial(d),
    'campaign:pace': (d) => service.pace(d.campaignId),
    'campaign:import-leads': async (d, job) => {
      const { createReadStream, statSync, rmSync } = await import('node:fs');
      const size = statSync(d.path).size;
      const r = await service.importFile(d.campaignId, createReadStream(d.path), d.importId, size, (pct) => job.updateProgress(pct));
      await job.updateProgress(100);
      if (d.deleteAfter) rmSync(d.path, { force: true });
      return { rowsRead: r.rowsRead, inserted: r.inserted, merged: r.merged, rejected: r.rejected };
    },
    'campaign:outreach': (d) => service.outreach(d.campaignId),
    'campaign:post-call-survey': (d) => service.postCallSurvey(d),
  };
  const dispatch = async (job: Job) => {
    const h = handlers[job.name as keyof CampaignJobs] as (data: unknown, job: Job) => Promise<unknown>;
    if (!h) throw new Error(`no handler for job ${job.name}`);
    return h(job.data, job);
  };
  const workerOpts = (concurrency: number) => ({
    connection: workerConn(),
    prefix: bullPrefix,
    concurrency,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 15_000,
    maxStalledCount: 5,
  });
  const workers: Worker[] = [];
  if (run.dial) workers.push(new Worker(CAMPAIGN_QUEUES.dial, dispatch, workerOpts(o.dialConcurrency ?? 50)));
  if (run.control) workers.push(new Worker(CAMPAIGN_QUEUES.control, dispatch, workerOpts(4)));
  for (const w of workers) {
    w.on('failed', (job, err) => {
      if (err.name === 'UnrecoverableError') log.info({ job: job?.id }, err.message);
      else log.warn({ job: job?.id, err: err.message }, 'campaign job failed');
    });
    w.on('error', (err) => warnEvery30s('campaign worker error', err));
  }

  // ------------------------------------------------------------------------------- followers
  let stopping = false;
  const loops: Promise<void>[] = [];
  const readers: Redis[] = [];
  const idle = new Set<string>();
  // The persister takes big batches: one transaction per batch is what costs on the database.
  // `lingerMs`: after a short read, keep reading up to this long for a fuller batch (the persister: one
  // transaction per batch is what costs on the database, so fewer and bigger ones while dialing fast).
  const follow = (name: string, key: string, posKey: string, handle: (ids: string[], fields: string[][]) => Promise<void>, count = 500, start = '0-0', lingerMs = 0) => {
    const reader = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
    reportOutages([reader], log, `campaign follower ${name}`);
    readers.push(reader);
    loops.push(
      (async () => {
        let pos = await state.get(posKey);
        if (pos === null && start === '$') {
          // From the current end, resolved to an id at once so nothing between two reads is missed.
          const last = await reader.xrevrange(key, '+', '-', 'COUNT', 1);
          pos = last[0]?.[0] ?? '0-0';
          await state.set(posKey, pos);
        }
        pos ??= start;
        let backoff = 100;
        while (!stopping) {
          try {
            const res = (await reader.xread('COUNT', count, 'BLOCK', 200, 'STREAMS', key, pos)) as [string, [string, string[]][]][] | null;
            const entries = res?.[0]?.[1] ?? [];
            if (!entries.length) {
              idle.add(name);
              continue;
            }
            idle.delete(name);
            const until = Date.now() + lingerMs;
            while (lingerMs > 0 && entries.length < count && !stopping) {
              const left = until - Date.now();
              if (left <= 0) break;
              const more = (await reader.xread('COUNT', count - entries.length, 'BLOCK', Math.max(1, left), 'STREAMS', key, entries[entries.length - 1]![0])) as [string, [string, string[]][]][] | null;
              const got = more?.[0]?.[1] ?? [];
              if (!got.length) break;
              entries.push(...got);
            }
            await handle(
              entries.map((e) => e[0]),
              entries.map((e) => e[1]),
            );
            pos = entries[entries.length - 1]![0];
            await state.set(posKey, pos);
            backoff = 100;
          } catch (err) {
            if (stopping) break;
            idle.delete(name);
            log.warn({ follower: name, err: (err as Error).message }, 'campaign follower failed; retrying');
            await new Promise((r) => setTimeout(r, backoff));
            backoff = Math.min(5000, backoff * 2);
          }
        }
      })(),
    );
  };
  const entriesOf = (fields: string[][]): LogEntry[] => fields.map((f) => JSON.parse(f[f.indexOf('e') + 1]!) as LogEntry);

  let sweeper: NodeJS.Timeout | undefined;
  let trimmer: NodeJS.Timeout | undefined;
  let finalizer: NodeJS.Timeout | undefined;
  let finalizing: Promise<unknown> | undefined;
  if (run.followers) {
    follow('hub', store.k.log(), store.k.pos('hub'), async (_ids, fields) => {
      const events = CampaignService.hubEventsOf(entriesOf(fields));
      for (let i = 0; i < events.length; i += 500) await o.hub.ingest(events.slice(i, i + 500));
    });
    follow(
      'db',
      store.k.log(),
      store.k.pos('db'),
      async (_ids, fields) => {
        await repo.applyLog(entriesOf(fields));
      },
      5000,
      '0-0',
      o.persistLingerMs ?? 500,
    );
    // Post-call surveys: inbound queues -> survey campaign, refreshed as campaigns change.
    let postCall = new Map<string, string>();
    let postCallAt = 0;
    follow('outcomes', o.hubStreamKey, store.k.pos('outcomes'), async (_ids, fields) => {
      if (Date.now() - postCallAt > 5000) {
        postCallAt = Date.now();
        const m = new Map<string, string>();
        for (const id of await store.running()) {
          const c = await service.campaign(id);
          for (const q of c?.settings.postCallQueues ?? []) m.set(q, id);
        }
        postCall = m;
      }
      const events: DomainEvent[] = [];
      for (const f of fields) {
        const i = f.indexOf('e');
        if (i >= 0 && f[i + 1] !== undefined) for (const e of JSON.parse(f[i + 1]!) as DomainEvent[]) events.push(e);
      }
      await service.onHubEvents(events, postCall);
    }, 500, '$'); // the hub's history before the first start holds no campaign call (and must not trigger post-call surveys)
    let sweeping = false;
    sweeper = setInterval(() => {
      if (sweeping || stopping) return;
      sweeping = true;
      service
        .sweepDrops()
        .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'drop sweep failed'))
        .finally(() => (sweeping = false));
    }, 250);
    // Finished campaigns: final lead states to the database, their lead keys out of Redis.
    finalizer = setInterval(() => {
      if (finalizing || stopping) return;
      finalizing = service
        .finalizeDue()
        .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'finalizing finished campaigns failed'))
        .finally(() => (finalizing = undefined));
    }, o.finalizeEveryMs ?? 5000);
    // The attempt log is kept until both followers have passed it.
    trimmer = setInterval(() => {
      void (async () => {
        const [a, b] = await state.mget(store.k.pos('hub'), store.k.pos('db'));
        if (!a || !b) return;
        const min = a < b ? a : b;
        if (min.includes('-')) await state.xtrim(store.k.log(), 'MINID', '~', min);
      })().catch(() => undefined);
    }, 60_000);
  }

  log.info({ prefix, workers: workers.length, followers: run.followers, clockSpeed: clock.speed }, 'campaign workers started');
  let draining = false;
  const drain = async (untilMs = Infinity) => {
    for (;;) {
      if (stopping || Date.now() > untilMs) return;
      const len = await state.xlen(store.k.log());
      const [hub, db] = await state.mget(store.k.pos('hub'), store.k.pos('db'));
      const last = len ? ((await state.xrevrange(store.k.log(), '+', '-', 'COUNT', 1))[0]?.[0] ?? null) : null;
      if (!last || (hub === last && db === last)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    service,
    dialQueue,
    controlQueue,
    prefix,
    drain: () => drain(),
    async stop(so = {}) {
      if (stopping || draining) return;
      draining = true;
      await Promise.all(workers.map((w) => w.close()));
      if (so.drainMs && run.followers) await drain(Date.now() + so.drainMs).catch(() => undefined);
      stopping = true;
      clearInterval(sweeper);
      clearInterval(trimmer);
      clearInterval(finalizer);
      await finalizing;
      for (const r of readers) r.disconnect();
      await Promise.allSettled(loops);
      await Promise.allSettled([dialQueue.close(), controlQueue.close()]);
      await Promise.allSettled(workers.map((w) => (w.opts.connection as Redis).quit?.()));
      await state.quit().catch(() => undefined);
    },
  };
}

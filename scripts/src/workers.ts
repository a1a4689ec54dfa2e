/**
 * `npm run workers`: the queue workers in a process of their own, next to a hub that runs elsewhere
 * (`npm run hub`, or `npm start` on another machine): the campaign workers (dial, pacing, imports,
 * outreach, post-call surveys, the followers of the attempt log and of the hub's event log, the drop
 * sweeper) and the report schedulers. Several can run side by side on one Redis.
 *
 * Env: REDIS_URL (the hub's Redis), DATABASE_URL (else PGlite in .data/pglite, which only one process
 * may open), CALLBOARD_HUB_URL, CALLBOARD_JWT_SECRET (the hub's: the credentials are minted from it, as
 * `npm run token` does), CALLBOARD_SITE, CALLBOARD_STREAM, LOG_LEVEL. SIGTERM / SIGINT: in-flight jobs
 * finish, the followers pass what they wrote, connections close; a second signal exits at once.
 * See docs/OPERATIONS.md, "Running workers on their own".
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../realtime/src/accounts/index.ts';
import type { SessionDTO } from '../../realtime/src/contracts/index.ts';
import { DEV_SECRET, jwtSecret, signToken } from '../../realtime/src/hub/auth.ts';
import { loadSite } from '../../realtime/src/site/load-site.ts';
import { DataDirInUse, openDatabase, resolveTarget, safeErrorMessage, type Database } from '../../realtime/src/storage/index.ts';
import { httpHub, type HubPort } from '../../queue-workers/src/campaigns/ports.ts';
import { startCampaignWorkers, type CampaignWorkers } from '../../queue-workers/src/campaigns/workers.ts';
import { startReportWorkers, type ReportWorkers } from '../../queue-workers/src/reports/reports.worker.ts';
import { ping } from './lib/redis.ts';
import { fetchHubClock } from './sim/hub-clock.ts';

const HELP = `Usage: npm run workers [-- options]

Runs the campaign workers and the report schedulers against a running hub.

  --hub URL            the hub                        [$CALLBOARD_HUB_URL, else http://127.0.0.1:8080]
  --redis-url URL      the hub's Redis                [$REDIS_URL, else redis://127.0.0.1:6379]
  --database-url URL   PostgreSQL                     [$DATABASE_URL, else PGlite in .data/pglite]
  --data-dir DIR       PGlite data folder (no URL)    [.data/pglite]
  --concurrency N      dial jobs at once              [50]
  --no-reports         without the report schedulers
  --progress-sec N     seconds between progress lines [30; 0: none]
  --key-prefix P       Redis keys under P:camp and P:bull (tests, or several sites on one Redis)
                                                      [cb:{site}:camp and bull, as npm start]
  -h, --help
`;

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
function fail(message: string): never {
  logger.fatal(message);
  process.stderr.write(`\nworkers: ${message}\n`);
  process.exit(1);
}

const { values: a } = (() => {
  try {
    return parseArgs({
      options: {
        hub: { type: 'string' },
        'redis-url': { type: 'string' },
        'database-url': { type: 'string' },
        'data-dir': { type: 'string' },
        concurrency: { type: 'string' },
        'no-reports': { type: 'boolean', default: false },
        'progress-sec': { type: 'string' },
        'key-prefix': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
})();
if (a.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const hubUrl = (a.hub ?? process.env.CALLBOARD_HUB_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const redisUrl = a['redis-url'] ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const config = loadSite();
const streamKey = process.env.CALLBOARD_STREAM ?? `callboard:${config.id}:events`;
const secret = jwtSecret();
if (secret === DEV_SECRET) logger.warn('CALLBOARD_JWT_SECRET is not set: the credentials are signed with the development secret, which only a development hub accepts');

// ---- Redis ------------------------------------------------------------------------------------
if (!(await ping(redisUrl, 3000))) fail(`cannot reach Redis at ${redisUrl.replace(/\/\/[^@/]*@/, '//***@')} (REDIS_URL): start it, or point REDIS_URL at the hub's Redis.`);
logger.info({ redis: redisUrl.replace(/\/\/[^@/]*@/, '//***@') }, 'Redis answers');

// ---- the hub: reachable, its clock, and our credentials accepted ---------------------------------
// Credentials minted like `npm run token` (telephony for the ingest, supervisor for the live snapshot),
// again every day so a long-running process never holds an expired one.
const mint = (role: 'telephony' | 'supervisor') => signToken(secret, { userId: `workers-${role}`, name: `queue workers (${role})`, role, teamIds: [] } satisfies SessionDTO, '2d');
let port: { at: number; hub: HubPort } | undefined;
const hubPort = (): HubPort => {
  if (!port || Date.now() - port.at > 86_400_000) port = { at: Date.now(), hub: httpHub(hubUrl, mint('telephony'), mint('supervisor')) };
  return port.hub;
};
const hub: HubPort = { ingest: (events) => hubPort().ingest(events), snapshot: () => hubPort().snapshot(), hold: (agentId, sec, ref) => hubPort().hold!(agentId, sec, ref) };
try {
  const res = await fetch(`${hubUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
  if (res.status === 503) fail(`the hub at ${hubUrl} answers 503 (its Redis is down?): ${(await res.text()).slice(0, 200)}`);
} catch (err) {
  fail(`cannot reach the hub at ${hubUrl} (CALLBOARD_HUB_URL): ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}. Start it (npm run hub), or set CALLBOARD_HUB_URL.`);
}
try {
  await hub.snapshot();
} catch (err) {
  const m = (err as Error).message;
  fail(/40[13]/.test(m) ? `the hub at ${hubUrl} refuses our credentials (${m}): set CALLBOARD_JWT_SECRET to the hub's secret.` : `the hub at ${hubUrl} does not serve its snapshot: ${m}`);
}
const clock = await fetchHubClock(hubUrl);
const clockSpeed = clock?.mode === 'wall' ? clock.speed : 1;
if (clock?.mode === 'event') logger.warn('the hub runs on event time (replay): the workers keep the wall clock');
logger.info({ hub: hubUrl, clock: clock ? { mode: clock.mode, speed: clock.speed } : 'unknown' }, 'hub answers');

// ---- the database -------------------------------------------------------------------------------
const target = resolveTarget({ ...(a['database-url'] ? { url: a['database-url'] } : {}), ...(a['data-dir'] ? { dataDir: a['data-dir'] } : {}) });
let database: Database;
try {
  database = await openDatabase(target.backend === 'postgres' ? { url: target.url } : { dataDir: target.dataDir });
} catch (err) {
  const m = safeErrorMessage(err);
  if (err instanceof DataDirInUse)
    fail(`${m}.\n  PGlite is one process per data folder, and \`npm start\` holds it. Run PostgreSQL and set DATABASE_URL (the same for npm start and npm run workers).`);
  fail(`cannot open the database (${target.backend === 'postgres' ? 'DATABASE_URL' : target.dataDir}): ${m}`);
}
logger.info({ database: database.backend, location: database.location }, 'database open');

// ---- the workers --------------------------------------------------------------------------------
let campaigns: CampaignWorkers | undefined;
let reports: ReportWorkers | undefined;
try {
  campaigns = await startCampaignWorkers({
    redisUrl,
    db: database,
    config,
    hub,
    hubStreamKey: streamKey,
    logger,
    ...(a['key-prefix'] ? { prefix: `${a['key-prefix']}:camp` } : {}),
    ...(a.concurrency ? { dialConcurrency: Math.max(1, Number(a.concurrency) || 50) } : {}),
    // The hub's clock (CALLBOARD_SPEED): from its time now, at its speed.
    ...(clockSpeed !== 1 && clock ? { clockSpeed, clockStart: clock.now } : {}),
  });
  if (!a['no-reports']) reports = await startReportWorkers({ redisUrl, database, logger, sites: [config], successDispositions: config.successDispositions, ...(a['key-prefix'] ? { prefix: `${a['key-prefix']}:bull` } : {}) });
} catch (err) {
  await database.close().catch(() => undefined);
  fail(`the workers did not start: ${(err as Error).message}`);
}
const running = await campaigns.service.store.running();
logger.info({ site: config.id, campaignsRunning: running, reports: Boolean(reports), clockSpeed, stream: streamKey }, 'workers ready');

// Progress: per running campaign, its coverage and what the pacer last said.
const progressMs = Math.max(0, Number(a['progress-sec'] ?? 30)) * 1000;
const progress = progressMs
  ? setInterval(() => {
      void (async () => {
        for (const id of await campaigns.service.store.running()) {
          const p = (await campaigns.service.progress(id)) as { coverage: Record<string, number>; inflight: number; pacing: { why?: string } | null };
          const { byStatus: _, ...cov } = p.coverage;
          logger.info({ campaign: id, ...cov, inflight: p.inflight, pacing: p.pacing?.why }, 'campaign progress');
        }
      })().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'progress not available'));
    }, progressMs)
  : undefined;

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(130);
  }
  stopping = true;
  logger.info({ signal }, 'stopping: in-flight jobs finish, then the followers catch up');
  clearInterval(progress);
  const t0 = Date.now();
  await campaigns.stop({ drainMs: 10_000 }).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'campaign workers stop'));
  await reports?.close().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'report workers stop'));
  await database.close().catch(() => undefined);
  logger.info({ ms: Date.now() - t0 }, 'workers stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

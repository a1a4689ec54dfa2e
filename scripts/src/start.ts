/**
 * `npm start`: the whole demo on one machine. Redis (REDIS_URL or a private redis-server), the hub
 * with the demo site (Vietnamese vaccination & clinic hotline), the console it serves, and the traffic
 * simulator feeding it live calls. Prints where to connect and the demo logins.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../realtime/src/hub/app.ts';
import { DEV_SECRET, jwtSecret } from '../../realtime/src/hub/auth.ts';
import { checkpointOptionsFromEnv } from '../../realtime/src/hub/checkpointer.ts';
import { loadSite } from '../../realtime/src/site/load-site.ts';
import { SiteCalendar } from '../../realtime/src/core/time.ts';
import type { CtiEventIn } from '../../realtime/src/contracts/index.ts';
import { openDatabase, startRecordWriter, type Database, type RecordWriter } from '../../realtime/src/storage/index.ts';
import { demoHistory, demoSchedules, hasTodayStretch, historyDaysOf, seedCampaignHistory, seedLastYearCustomers, workDemoComplaints } from './demo-history.ts';
import { AccountsService, adminRoutes, createLogger } from '../../realtime/src/accounts/index.ts';
import { reportsMount } from '../../realtime/src/reports/reports.router.ts';
import { complaintsMount } from '../../realtime/src/complaints/complaints.router.ts';
import { ComplaintsService } from '../../realtime/src/complaints/complaints.service.ts';
import { startReportWorkers, type ReportWorkers } from '../../queue-workers/src/reports/reports.worker.ts';
import { ensureConsoleBuild } from '../../console/server/build.ts';
import { consoleMount } from '../../console/server/mount.ts';
import { ensureRedis, freePort, RedisUnavailable } from './lib/redis.ts';
import { campaignsArea } from '../../queue-workers/src/campaigns/campaigns.router.ts';
import { DEMO_CAMPAIGN_LINES, seedDemoCampaigns } from '../../queue-workers/src/campaigns/demo.ts';
import { deskAgentsOf } from './sim/model.ts';
import { resumeDemo } from './demo-restart.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
const say = (s: string) => process.stdout.write(s + '\n');

// The SvelteKit console, served by the hub at the same URL: built first when missing or stale.
try {
  await ensureConsoleBuild(say);
} catch (err) {
  console.error(`\nCallboard cannot build its console: ${(err as Error).message}\n`);
  process.exit(1);
}

let redis;
try {
  // The private Redis keeps its data in .data/redis (beside the embedded database), so a restart, even
  // after a kill -9, finds the event log, the campaigns' state and the queues' jobs where they were.
  redis = await ensureRedis(say, { dataDir: process.env.REDIS_DATA_DIR || fileURLToPath(new URL('../../.data/redis', import.meta.url)) });
} catch (err) {
  if (err instanceof RedisUnavailable) {
    console.error(`\nCallboard cannot start: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const config = loadSite();
// The last agent of each team is left to people: the simulator does not play them, so whoever signs in
// as one at the agent desk gets the offers (CALLBOARD_DESK_AGENTS=a10,a20 chooses them; "none" plays all).
let deskAgents: string[];
try {
  deskAgents = deskAgentsOf(config, process.env.CALLBOARD_DESK_AGENTS);
} catch (err) {
  console.error(`\nCallboard cannot start: ${(err as Error).message}\n`);
  await redis.stop();
  process.exit(1);
}
// A private Redis starts empty; a shared one keeps the demo's log under its own key.
const streamKey = process.env.CALLBOARD_STREAM ?? `callboard:${config.id}:events`;
const secret = jwtSecret();
// Accounts (docs/ACCESS.md): the database opens before the hub, so logins check the argon2 hashes in it
// and revocations reach the hub's sockets; the demo users are seeded (password "demo") on first start.
let database: Database | undefined;
let accounts: AccountsService | undefined;
if (process.env.CALLBOARD_DB !== '0') {
  try {
    database = await openDatabase();
    accounts = await AccountsService.open({ database, redisUrl: redis.url, siteId: config.id, logger });
    const seeded = await accounts.seedSite(config);
    if (seeded.length) say(`accounts: ${seeded.length} users seeded from the site configuration (argon2id)`);
  } catch (err) {
    say(`accounts not available (${(err as Error).message}): logins use the site configuration`);
  }
}
// ---- campaigns (issue 5): BullMQ workers in this process, API + Bull Board mounted in the hub ----
const localWorkers = process.env.CALLBOARD_WORKERS !== '0';
const campaigns = campaignsArea({
  config,
  redisUrl: redis.url,
  streamKey,
  database: () => database,
  logger,
  simulateRespondents: true,
  // CALLBOARD_SPEED=N: the workers follow the hub's clock (hub.now()); pacing cycles and rings run N times faster.
  // CALLBOARD_WORKERS=0: this process serves the campaigns API only; `npm run workers` does the dialing.
  workers: {
    ...(Number(process.env.CALLBOARD_SPEED) > 0 ? { clockSpeed: Number(process.env.CALLBOARD_SPEED) } : {}),
    ...(localWorkers ? {} : { run: { dial: false, control: false, followers: false } }),
  },
  // Low survey scores open complaints through the complaints area (its routing and SLA).
  complaints: {
    open: async (c) => {
      if (database) await new ComplaintsService(database, { timeZone: config.timeZone }).openFromSurvey({ siteId: c.siteId, score: c.surveyScore, scale: c.scale, callId: c.callId, customerRef: c.customerRef, campaignId: c.campaignId, ...(c.description ? { comment: c.description } : {}), ...(c.agentId ? { agentId: c.agentId } : {}), ...(c.queueId ? { queueId: c.queueId } : {}) });
    },
  },
});
// ---- end campaigns ----
const app = await createApp({
  ...(accounts ? { accounts } : {}),
  config,
  redisUrl: redis.url,
  logger,
  jwtSecret: secret,
  streamKey,
  ...checkpointOptionsFromEnv(),
  // CALLBOARD_SPEED=60: the hub's clock runs 60 times faster, in step with the simulator's.
  ...(Number(process.env.CALLBOARD_SPEED) > 0 ? { clockSpeed: Number(process.env.CALLBOARD_SPEED) } : {}),
  // The console answers every path the hub's routes and the other mounts leave: keep it last.
  // Reports and complaints read the database opened below (503 until it is there).
  mounts: [...(accounts ? [adminRoutes(accounts)] : []), reportsMount({ config, database: () => database }), complaintsMount({ config, database: () => database }), campaigns.mount, await consoleMount()],
});

// A fresh log gets the last CALLBOARD_HISTORY_DAYS days (default 14) and today from 07:00, simulated (below);
// a kept one whose last event is on an earlier day gets the days it missed, as many at most.
const maxHistoryDays = historyDaysOf(process.env);
const campaignLines = process.env.CALLBOARD_CAMPAIGNS !== '0' ? DEMO_CAMPAIGN_LINES : {};
const fresh = app.hub.state.seq === 0;
// The metric parameters are versioned (metrics.md): a configuration whose T, S or SL goal/basis changed
// since the last run applies from now on, not to the history. Applied at once (logged meanwhile), before
// any history, so a replay of the log counts every event with the version it was counted with.
const versioned = app.hub.versionParams('config');
// A log kept from an earlier run: the hub is where that run left it. Its simulator is gone, so what it left
// open (callers waiting, calls connected, agents signed in) ends at the log's last event, as the phone
// system would have ended it; the new simulator signs its agents in again. Stopped on an earlier day, the
// days since and today's morning are simulated, so the demo looks like a hotline that kept running
// (scripts/src/demo-restart.ts). Done before listening, with no await before the leftovers are applied: the
// hub's ticker (first run 200 ms after createApp) could otherwise offer the log's waiting calls at today's
// time, and the log would then seem to end today.
const simulating = process.env.CALLBOARD_SIMULATE !== '0';
let backfill: { events: CtiEventIn[]; since: number } | undefined;
if (!fresh) {
  const r = await resumeDemo(app.hub, config, {
    now: Date.now(),
    closeLeftovers: simulating,
    historyDays: maxHistoryDays,
    campaignIds: campaignLines,
    logName: redis.private ? 'the private Redis' : 'Redis',
    ...(redis.private ? { hint: 'delete .data for a fresh demo' } : {}),
    say,
  });
  if (r.accepted > 0) backfill = { events: r.history, since: r.lastAt };
  // Today's schedules, unless a run earlier today published them (they count from now on).
  const today = new SiteCalendar(config.timeZone, config.intervalMin).dayStart(Date.now());
  const published = [...app.hub.state.agents.values()].some((a) => a.schedule?.cover.some(([f, t]) => f <= today && t > today));
  if (!published) await app.hub.setSchedules(demoSchedules(config, [today]), 'demo:schedules');
}
if ((await versioned) && app.hub.state.paramVersions.length > 1) say('metric parameters changed since the last run (T, S, service-level goal or basis): in force from now on; earlier days keep theirs');
let port = Number(process.env.PORT ?? 8080);
let url: string;
try {
  url = await app.listen(port, process.env.HOST ?? '127.0.0.1');
} catch {
  port = await freePort();
  url = await app.listen(port, process.env.HOST ?? '127.0.0.1');
}

// A fresh log's history, so the boards open on a morning of traffic and the reports have past days to show
// and compare. Its outbound calls are the demo campaigns' past dials (recorded as theirs once the campaigns exist).
const historyDays = fresh ? maxHistoryDays : undefined;
let history: CtiEventIn[] | undefined;
if (historyDays !== undefined) {
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  if (historyDays > 0) say(`simulating ${plural(historyDays)} of history…`);
  const now = Date.now();
  history = demoHistory(config, now, 7, historyDays, campaignLines);
  // The agents' schedules of those days and today, published before the first of them, so the history
  // has its schedule adherence and conformance (the team page, the metrics API).
  const cal = new SiteCalendar(config.timeZone, config.intervalMin);
  const days = [cal.dayStart(now)];
  for (let d = 0; d < historyDays; d++) days.unshift(cal.dayStart(days[0]! - 12 * 3_600_000));
  // Before 07:33 today's morning is not simulated: today's schedules then count from now, or the agents
  // the live simulator signs in would read as late for the shifts that began at 07:00.
  const morning = hasTodayStretch(cal, now);
  // Applied at once, logged meanwhile: no await before the history is applied too.
  const published = Promise.all([
    app.hub.setSchedules(demoSchedules(config, morning ? days : days.slice(0, -1)), 'demo:schedules', days[0]! - 3_600_000),
    ...(morning ? [] : [app.hub.setSchedules(demoSchedules(config, days.slice(-1)), 'demo:schedules', now)]),
  ]);
  if (history.length > 0) {
    // One batch: applied in one synchronous step, so the hub's ticker (wall-clock timers and agent-time
    // accrual at "now") cannot run in the middle of the past days and credit them with today's time
    // (nor count the days' schedules as missed before their events are in).
    const r = await app.hub.ingest(history, { route: false });
    const accepted = r.accepted;
    const rejected = r.rejected.length;
    const calls = history.filter((e) => e.type === 'call.offered').length;
    // Before 07:33 the morning is left to live traffic: the history has no stretch of today to speak of.
    const today = hasTodayStretch(new SiteCalendar(config.timeZone, config.intervalMin), Date.now());
    const what = [historyDays ? `${plural(historyDays)} of history` : '', today ? "today's since 07:00" : ''].filter(Boolean).join(' and ');
    say(`loaded ${what}: ${calls} calls (${accepted} events${rejected ? `, ${rejected} rejected` : ''})`);
  }
  for (const sched of await published) if (!sched.ok) say(`schedules: not published (${sched.reason})`);
}

// Durable history: the record writer follows the event log into PostgreSQL (DATABASE_URL) or the
// embedded PGlite in .data/pglite, off the hub's hot path.
let writer: RecordWriter | undefined;
let reportWorkers: ReportWorkers | undefined;
if (process.env.CALLBOARD_DB !== '0') {
  try {
    database ??= await openDatabase();
    const complaints = new ComplaintsService(database, { timeZone: config.timeZone });
    // Wrap-ups with disposition `complaint` and low survey scores open complaints with their calls' rows.
    writer = startRecordWriter({ redisUrl: redis.url, streamKey, db: database, logger, config, onBatch: (db, b) => complaints.intakeFromCalls(config.id, b.calls, db) });
    say(`database: ${database.backend} (${database.location}), call records written from the event log`);
    // A fresh history's complaints, once the writer has opened them, as the team leads worked them; on a
    // restart, those of the days it simulated (the last run's open ones are left to the user).
    if (historyDays || backfill) {
      let t = Date.now();
      const past = new ComplaintsService(database, { timeZone: config.timeZone, now: () => t });
      const since = backfill?.since;
      void writer
        .caughtUp()
        .then(() => workDemoComplaints(past, config, (x) => (t = x), Date.now(), 11, since))
        .then((n) => say(`complaints: ${n} of the ${since === undefined ? "history's" : 'simulated days\''} complaints worked by the team leads (taken up, resolved, closed)`))
        .catch((err: unknown) => say(`demo complaints not worked: ${(err as Error).message}`));
    }
    // Daily (00:30) and weekly (Monday 01:00) reports, site time: a BullMQ job scheduler.
    if (localWorkers) reportWorkers = await startReportWorkers({ redisUrl: redis.url, database, logger, sites: [config], successDispositions: config.successDispositions });
    else say('workers: left to `npm run workers` (CALLBOARD_WORKERS=0): campaigns are not dialed and reports not scheduled until it runs');
  } catch (err) {
    say(`database not available (${(err as Error).message}); live boards run without it`);
  }
}

// ---- campaigns: the demo's telesales and survey campaigns (Vietnamese leads), created on first start ----
const campaignWorkers = await campaigns.ready;
if (campaignWorkers && process.env.CALLBOARD_CAMPAIGNS !== '0') {
  const created = await seedDemoCampaigns(campaignWorkers.service, config).catch((err: unknown) => (say(`demo campaigns not created: ${(err as Error).message}`), []));
  if (created.length) say(`campaigns: ${created.join(', ')} created with demo leads; telesales and survey running`);
  // New campaigns on a fresh history: the history's outbound calls become their past dials, answers and results.
  if (history && created.length) {
    const added = await seedCampaignHistory(campaignWorkers.service, history).catch((err: unknown) => (say(`past campaign dials not recorded: ${(err as Error).message}`), {}));
    const parts = Object.entries(added).map(([c, n]) => `${c} ${n}`);
    if (parts.length) say(`campaigns: the history's dials recorded as past dials (${parts.join(', ')})`);
    const lastYear = await seedLastYearCustomers(campaignWorkers.service, config, history).catch((err: unknown) => (say(`last year's campaign not recorded: ${(err as Error).message}`), 0));
    if (lastYear) say(`campaigns: last year's package campaign, ${lastYear} past dials (its buyers, some back this year, are the CX retention's customers)`);
  }
  // A restart's simulated days: their outbound calls are the campaigns' past dials too (dials already
  // recorded, by call id, are skipped: the last runs' live dials and histories are not counted twice).
  if (backfill) {
    const added = await seedCampaignHistory(campaignWorkers.service, backfill.events).catch((err: unknown) => (say(`past campaign dials not recorded: ${(err as Error).message}`), {}));
    const parts = Object.entries(added).map(([c, n]) => `${c} ${n}`);
    if (parts.length) say(`campaigns: the simulated days' dials recorded as past dials (${parts.join(', ')})`);
  }
}
history = undefined;
if (backfill) backfill.events = [];
// ---- end campaigns ----

let sim: ChildProcess | undefined;
const simScript = fileURLToPath(new URL('./simulate.ts', import.meta.url));
if (simulating && existsSync(simScript)) {
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  // Out of the hotline's hours (07:00-21:00 site time) the demo runs the flat 24-hour profile, so
  // there is always live traffic to watch.
  const cal = new SiteCalendar(config.timeZone, config.intervalMin);
  const hour = Math.floor((Date.now() - cal.dayStart(Date.now())) / 3_600_000);
  const profile = process.env.CALLBOARD_PROFILE ?? (hour >= 7 && hour < 21 ? 'hotline' : 'flat');
  // With the campaign workers dialling, the simulator makes the inbound calls only (its agents still
  // take the campaigns' calls); without them it dials the outbound lines itself.
  const dialer = campaignWorkers && process.env.CALLBOARD_CAMPAIGNS !== '0';
  const inbound = config.queues.filter((q) => q.direction === 'inbound').map((q) => q.id);
  const only = dialer && inbound.length ? ['--queues', inbound.join(',')] : [];
  const desk = deskAgents.length ? ['--except', deskAgents.join(',')] : [];
  sim = spawn(tsx, [simScript, '--hub', url, '--speed', process.env.CALLBOARD_SPEED ?? '1', '--profile', profile, '--seed', String(Date.now() % 100_000), ...only, ...desk, '--quiet'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CALLBOARD_JWT_SECRET: secret },
  });
}

say(`
  Callboard is running: ${url}
  ${config.name}: ${config.queues.length} lines, ${config.agents.length} agents${sim ? ', simulated traffic' : ''}.

  Logins (password "demo"):  supervisor · admin · lead1..lead4 (team leads) · a01..a${String(config.agents.length).padStart(2, '0')} (agents)
${sim && deskAgents.length ? `  Take calls yourself as ${deskAgents.join(', ')}: the simulator leaves them to you (set "available" at /agent).\n` : ''}  API:      GET ${url}/api/v1/snapshot   ·   ${url}/healthz   ·   ${url}/metrics
  Token:    npm run token -- --role telephony   (ingest: POST ${url}/api/v1/events)
${secret === DEV_SECRET ? '  Note:     development JWT secret in use; set CALLBOARD_JWT_SECRET in production.\n' : ''}
  Ctrl+C stops everything.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  // The simulator ends its calls and signs its agents out (SIGTERM): let that reach the hub and the log first.
  if (sim && sim.exitCode === null) {
    const exited = new Promise((r) => sim!.once('exit', r));
    sim.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  }
  await reportWorkers?.close();
  await campaigns.stop();
  await writer?.stop();
  await accounts?.close();
  await database?.close();
  await app.close();
  await redis.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

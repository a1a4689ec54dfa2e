/**
 * `createApp(deps)`: the hub's HTTP + Socket.IO server around a `Hub`. Tests start it on a random
 * port with real Redis; `main.ts` and `npm start` start it for real.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response as ExResponse } from 'express';
import { Server, type Namespace, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  apiFail,
  commandFailMessage,
  commandFailOf,
  COMMANDS,
  METRIC_FORMULAS,
  type ApiFail,
  type ClientToServerEvents,
  type CommandName,
  type InterServerEvents,
  type OfferDTO,
  type Role,
  type ServerToClientEvents,
  type SessionDTO,
  type SiteConfig,
  type SocketData,
  type TelephonyClientToServerEvents,
  type TelephonyServerToClientEvents,
} from '../contracts/index.ts';
import { SiteCalendar } from '../core/time.ts';
import { DRILLABLE, maskNumber, offerOf, queryCalls, queryMetrics, requiredAgents, snapshot, staffingForQueue, type ViewOptions } from '../core/index.ts';
import { authorize, COMMAND_ACTIONS, rolesFor, type Action, type Decision, type Target } from '../accounts/access.ts';
import { AuthError, AuthUnavailable, signToken, verifyCredential, type AccountsPort } from './auth.ts';
import { Broadcaster } from './broadcaster.ts';
import { coalesceWrites } from './coalesce-writes.ts';
import { reportOutages } from './redis-outage.ts';
import { RedisEventLog, type EventLog } from './event-log.repository.ts';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';
import { createHubMetrics, type HubMetrics } from './hub.metrics.ts';
import { Hub, scaledClock } from './hub.service.ts';

export type IO = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type TelephonyNs = Namespace<TelephonyClientToServerEvents, TelephonyServerToClientEvents, InterServerEvents, SocketData>;

export interface AppDeps {
  config: SiteConfig;
  redisUrl: string;
  logger: Logger;
  jwtSecret: string;
  /** Redis stream of the event log. @defaultValue `callboard:{site}:events` */
  streamKey?: string;
  /** Replace the Redis log (benchmarks). */
  eventLog?: EventLog;
  clock?: 'wall' | 'event';
  /**
   * Wall-clock mode only: run the hub's clock `speed` times faster than the machine's, from now (a demo
   * fed by the simulator at x60). The simulator reads the speed from `/healthz` and keeps in step.
   * @defaultValue 1
   */
  clockSpeed?: number;
  /** Time between two `hub:heartbeat` messages to every client. @defaultValue 2000 */
  heartbeatMs?: number;
  /** Minimum ms between two deltas to one room. @defaultValue 250 */
  deltaIntervalMs?: number;
  /** How far ahead of the hub's clock an event may be dated (`HubOptions.futureToleranceMs`). @defaultValue 300000 */
  futureToleranceMs?: number;
  /** Timer resolution of offers, overflow and wrap-up. @defaultValue 200 */
  tickMs?: number;
  /** Share rooms across hub processes through Redis. @defaultValue true */
  redisAdapter?: boolean;
  /** Static files served at `/` (none by default: `npm start` mounts the SvelteKit console). */
  staticDir?: string;
  /** Time between state checkpoints (0 = only at shutdown). @defaultValue 300_000 */
  checkpointEveryMs?: number;
  /** Event-log entries younger than this are kept even when checkpointed (0 = never trim). @defaultValue 7 days */
  logRetentionMs?: number;
  /** Largest ingest body. @defaultValue '20mb' */
  bodyLimit?: string;
  /**
   * Extra HTTP routes of other areas (accounts, campaigns, reports, the SvelteKit console...), mounted
   * in order after the hub's own REST endpoints and before the static files and the 404 answer.
   */
  mounts?: readonly Mount[];
  /**
   * Database accounts (`AccountsService`, realtime/src/accounts): password login against the database,
   * revocation (refused tokens, dropped sockets) and the audit log. Without them the hub logs in the
   * site configuration's users and trusts a valid token until it expires.
   */
  accounts?: AccountsPort;
}

/** What a mounted area gets from the hub: the Express app, the hub and its guards. */
export interface MountContext {
  app: express.Express;
  hub: Hub;
  io: IO;
  redis: Redis;
  logger: Logger;
  metrics: HubMetrics;
  /** Express middleware: a valid JWT of one of `roles`; the session lands in `res.locals.session`. */
  auth: (roles: readonly Role[]) => (req: Request, res: ExResponse, next: NextFunction) => void;
  /** Express middleware: a valid, unrevoked JWT allowed `action` by the access matrix (realtime/src/accounts/access.ts). */
  can: (action: Action) => (req: Request, res: ExResponse, next: NextFunction) => void;
  /** The database accounts, when the hub has them. */
  accounts?: AccountsPort;
}
export type Mount = (ctx: MountContext) => void | Promise<void>;

export interface App {
  hub: Hub;
  io: IO;
  http: HttpServer;
  metrics: HubMetrics;
  redis: Redis;
  broadcaster: Broadcaster;
  checkpointer: Checkpointer;
  /** Listens (port 0 = random) and resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** An offer as the agent's desk gets it: the customer's number masked, whichever way the call goes. */
function maskedOffer(o: OfferDTO): OfferDTO {
  if (o.from === undefined && o.to === undefined) return o;
  return { ...o, ...(o.from !== undefined ? { from: maskNumber(o.from) } : {}), ...(o.to !== undefined ? { to: maskNumber(o.to) } : {}) };
}

function viewFor(session: SessionDTO, queues: string[]): ViewOptions {
  const v: ViewOptions = { showNumbers: authorize(session, 'numbers:view').ok };
  if (queues.length) v.queues = queues;
  if (session.role === 'agent' && session.agentId) v.agentId = session.agentId;
  return v;
}

/** An instant (epoch ms, ISO-8601 with an offset), or a site-local date `YYYY-MM-DD` kept as it is: see `instantOf`. */
const TimeParam = z.union([z.string().regex(/^\d+$/).transform(Number), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)), z.iso.date()]).optional();
const ScopeParams = {
  scope: z.enum(['site', 'queue', 'team', 'agent', 'campaign']).default('site'),
  id: z.string().min(1).max(128).optional(),
  from: TimeParam,
  to: TimeParam,
};
const MetricsQuerySchema = z
  .strictObject({
    ...ScopeParams,
    interval: z.enum(['15', 'interval', 'day']).optional(),
    window: z.enum(['15', '30', '60']).transform(Number).optional(),
  })
  .refine((q) => q.scope === 'site' || q.id !== undefined, { message: 'id is required for this scope', path: ['id'] })
  .refine((q) => q.window === undefined || (q.interval === undefined && q.from === undefined && q.to === undefined), {
    message: 'window (the last N minutes) goes without interval, from and to',
    path: ['window'],
  });
const CallsQuerySchema = z
  .strictObject({
    ...ScopeParams,
    metric: z.enum(DRILLABLE).default('offered'),
    limit: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(1000)).default(100),
    offset: z.string().regex(/^\d+$/).transform(Number).default(0),
  })
  .refine((q) => q.scope === 'site' || q.id !== undefined, { message: 'id is required for this scope', path: ['id'] });
const Num = z.string().regex(/^\d+(\.\d+)?$/, 'a number').transform(Number);
const StaffingQuerySchema = z.strictObject({
  queue: z.string().min(1).max(128).optional(),
  window: z.enum(['15', '30', '60']).transform(Number).default(30),
  calls: Num.optional(),
  intervalMin: Num.pipe(z.number().positive().max(1440)).default(15),
  ahtSec: Num.pipe(z.number().positive()).optional(),
  slTargetPct: Num.pipe(z.number().max(100)).default(80),
  slThresholdSec: Num.default(20),
  asaTargetSec: Num.optional(),
  maxOccupancyPct: Num.pipe(z.number().positive().max(100)).optional(),
  shrinkagePct: Num.pipe(z.number().max(99)).optional(),
  patienceSec: Num.pipe(z.number().positive()).optional(),
});
const LoginSchema = z.strictObject({ username: z.string().min(1).max(128), password: z.string().min(1).max(256) });

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function createApp(deps: AppDeps): Promise<App> {
  const { config, logger } = deps;
  const metrics = createHubMetrics(true);
  const redis = new Redis(deps.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  reportOutages([redis], logger, 'hub');
  await redis.connect();
  const streamKey = deps.streamKey ?? `callboard:${config.id}:events`;
  const log =
    deps.eventLog ??
    new RedisEventLog(redis, streamKey, {
      // Redis away: the entry is tried again until it is written; the sources' answers wait meanwhile.
      onRetry: (err, attempt) => {
        if (attempt === 1 || attempt % 30 === 0) logger.warn({ err: err.message, attempt }, 'event log write failed; trying again (answers to the sources wait)');
      },
    });
  const clockSpeed = deps.clock === 'event' ? 1 : (deps.clockSpeed ?? 1);
  // A faster clock (a demo at x60) runs ahead of the machine's, and so do the times of the events it
  // logged: after a restart it goes on from the log's last event, not back to the machine's time
  // (which would put the logged calls in the future: negative times in state, empty sliding windows).
  let fastClock: () => number = Date.now;
  const hub = new Hub({ config, log, logger, metrics, clock: deps.clock ?? 'wall', ...(clockSpeed !== 1 ? { now: () => fastClock() } : {}), ...(deps.futureToleranceMs !== undefined ? { futureToleranceMs: deps.futureToleranceMs } : {}) });

  const started = Date.now();
  const rebuilt = await hub.rebuild((n) => {
    if (n % 20000 === 0) logger.info({ entries: n }, 'rebuilding state from the event log');
  });
  if (clockSpeed !== 1) fastClock = scaledClock(clockSpeed, Math.max(Date.now(), hub.state.clock));
  if (rebuilt.events > 0) logger.info(rebuilt, `state rebuilt from the event log in ${Date.now() - started} ms`);

  const app = express();
  app.disable('x-powered-by');
  const http = createServer(app);
  const io: IO = new Server(http, { cors: { origin: true, credentials: true }, serveClient: true, 
    // A client that lost its connection briefly gets the missed packets back, but the auth middleware
    // still runs (skipMiddlewares: false), so a revoked user's recovered session is refused.
    // (The Redis adapter cannot restore sessions: with it, a reconnect is a new connection.)
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
  });
  let pub: Redis | undefined;
  let sub: Redis | undefined;
  if (deps.redisAdapter ?? true) {
    pub = redis.duplicate();
    sub = redis.duplicate();
    reportOutages([pub, sub], logger, 'hub adapter');
    // Keyed by the event log: hubs of different logs on one Redis must not share rooms.
    io.adapter(createAdapter(pub, sub, { key: `${streamKey}:sio` }));
  }
  const broadcaster = new Broadcaster(io, hub.state, () => hub.now(), deps.deltaIntervalMs ?? 250);
  const telephony = io.of('/telephony') as unknown as TelephonyNs;

  hub.addListener({
    onDirty: (d) => broadcaster.onDirty(d),
    onEffects: (effects) => {
      for (const ef of effects) {
        // Numbers are masked on the desk too: the phone system connects the call, nobody needs to read it.
        if (ef.kind === 'offer') io.to(`agent:${ef.offer.agentId}`).emit('offer:new', maskedOffer(ef.offer));
        else if (ef.kind === 'offerCancelled') io.to(`agent:${ef.agentId}`).emit('offer:cancelled', { callId: ef.callId, reason: ef.reason });
        else telephony.emit('telephony:command', ef.command);
      }
    },
  });

  // ------------------------------------------------------------------------------ auth helpers
  const accounts = deps.accounts;
  /** The session of a valid token that was not revoked (with database accounts). */
  const authenticate = async (token: string | undefined): Promise<SessionDTO> => (await authenticateToken(token)).session;
  /** The same, with the token's id (sockets join `token:{jti}` so that one token can be dropped). */
  const authenticateToken = async (token: string | undefined): Promise<{ session: SessionDTO; jti?: string }> => {
    const { session, tokenVersion, jti } = verifyCredential(deps.jwtSecret, token);
    if (accounts) await accounts.assertCurrent(session, tokenVersion, jti);
    return { session, ...(jti ? { jti } : {}) };
  };
  /** `check` answers why the session may not make the request (`request`: `GET /path`), or undefined. */
  const guard = (check: (s: SessionDTO, request: string) => ApiFail | string | undefined) => (req: Request, res: ExResponse, next: NextFunction) => {
    authenticate(req.headers.authorization).then(
      (session) => {
        const request = `${req.method} ${req.path}`;
        const why = check(session, request);
        if (why !== undefined) {
          metrics.badPayloads.inc({ edge: 'auth' });
          res.status(403).json({ error: { code: 'forbidden', ...(typeof why === 'string' ? { message: `${why}: ${request}` } : why) } });
          return;
        }
        res.locals.session = session;
        next();
      },
      (err: unknown) => {
        metrics.badPayloads.inc({ edge: 'auth' });
        // The logger redacts credentials (realtime/src/accounts/safe-logger.ts).
        logger.debug({ req: { method: req.method, url: req.originalUrl, ip: req.ip, headers: req.headers }, reason: (err as Error).message }, 'request refused');
        if (err instanceof AuthUnavailable) res.status(503).json({ error: { code: 'unavailable', ...err.fail } });
        else res.status(401).json({ error: { code: 'unauthorized', ...(err instanceof AuthError ? err.fail : { message: (err as Error).message }) } });
      },
    );
  };
  const auth = (roles: readonly Role[]) => guard((s, request) => (roles.includes(s.role) ? undefined : apiFail('role_may_not', { role: s.role, action: 'use', request })));
  const can = (action: Action) => guard((s, request) => {
    const d = authorize(s, action);
    if (d.ok) return undefined;
    // Without a target only the role and the grant can refuse; the others keep their sentence.
    if (d.why === 'role_may_not') return apiFail('role_may_not', { ...d.params, request });
    if (d.why === 'no_access_grant') return apiFail('no_access_grant', { ...d.params, request });
    return d.reason;
  });
  const badQuery = (res: ExResponse, issues: z.core.$ZodIssue[]) => {
    metrics.badPayloads.inc({ edge: 'query' });
    res.status(400).json({
      error: { code: 'invalid', message: 'invalid query', details: issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`) },
    });
  };

  // ------------------------------------------------------------------------------------- REST
  app.get('/healthz', async (_req, res) => {
    let redisOk = true;
    try {
      await redis.ping();
    } catch {
      redisOk = false;
    }
    res.status(redisOk ? 200 : 503).json({
      status: redisOk ? 'ok' : 'degraded',
      redis: redisOk ? 'up' : 'down',
      seq: hub.state.seq,
      events: hub.counts,
      uptimeSec: Math.round((Date.now() - started) / 1000),
      clock: { mode: hub.clockMode, speed: clockSpeed, now: hub.now() },
    });
  });

  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.post('/api/v1/auth/login', express.json({ limit: '10kb' }), (req, res) => {
    const p = LoginSchema.safeParse(req.body);
    if (!p.success) return badQuery(res, p.error.issues);
    const refuse = () => {
      metrics.badPayloads.inc({ edge: 'auth' });
      res.status(401).json({ error: { code: 'unauthorized', ...apiFail('wrong_login', {}) } });
    };
    if (accounts) {
      accounts.login(p.data.username, p.data.password, req.ip).then(
        (r) => (r ? res.json({ token: signToken(deps.jwtSecret, r.session, '12h', r.tokenVersion), session: r.session }) : refuse()),
        (err: unknown) => {
          logger.error({ err }, 'login failed');
          res.status(500).json({ error: { code: 'internal', ...apiFail('internal_error', {}) } });
        },
      );
      return;
    }
    const u = config.users.find((x) => x.id === p.data.username);
    if (!u || !sameSecret(u.password, p.data.password)) return refuse();
    const session: SessionDTO = { userId: u.id, name: u.name, role: u.role, teamIds: u.teamIds };
    if (u.agentId) session.agentId = u.agentId;
    res.json({ token: signToken(deps.jwtSecret, session), session });
  });

  app.post(
    '/api/v1/events',
    can('telephony:ingest'),
    express.json({ limit: deps.bodyLimit ?? '20mb', strict: false }),
    express.text({ type: ['application/x-ndjson', 'application/ndjson'], limit: deps.bodyLimit ?? '20mb' }),
    async (req, res) => {
      const type = req.headers['content-type'] ?? '';
      let items: unknown[];
      const lineErrors: { index: number; errors: string[] }[] = [];
      if (type.includes('ndjson')) {
        items = [];
        const lines = String(req.body ?? '').split('\n');
        for (const line of lines) {
          if (line.trim() === '') continue;
          try {
            items.push(JSON.parse(line));
          } catch (err) {
            lineErrors.push({ index: items.length, errors: [`invalid JSON: ${(err as Error).message}`] });
            items.push(undefined);
          }
        }
      } else if (type.includes('json')) {
        items = Array.isArray(req.body) ? req.body : [req.body];
      } else {
        metrics.badPayloads.inc({ edge: 'ingest' });
        res.status(415).json({ error: { code: 'invalid', ...apiFail('unsupported_media_type', { contentType: type || 'none' }) } });
        return;
      }
      const result = await hub.ingest(items);
      // Unparseable NDJSON lines were passed as `undefined`: report the JSON error, not the schema one.
      const byIndex = new Map(result.rejected.map((r) => [r.index, r]));
      for (const le of lineErrors) {
        const r = byIndex.get(le.index);
        if (r) r.errors = le.errors;
      }
      // "200 if the body parsed, 400 if it did not": an NDJSON body of which no line parsed did not.
      res.status(items.length > 0 && lineErrors.length === items.length ? 400 : 200).json(result);
    },
  );

  // The dialer holds an agent while it rings a lead assigned to them (docs/API.md); a telephony source's right.
  const HoldBody = z.strictObject({ sec: z.number().min(0).max(120), ref: z.string().max(256).optional() });
  app.post('/api/v1/agents/:id/hold', can('telephony:ingest'), express.json({ limit: '4kb' }), async (req, res) => {
    const p = HoldBody.safeParse(req.body);
    const id = String(req.params.id ?? '');
    if (!p.success || id.length === 0 || id.length > 128) {
      metrics.badPayloads.inc({ edge: 'rest' });
      res.status(400).json({ error: { code: 'invalid', message: 'body { sec: 0..120, ref? } and an agent id', details: p.success ? [] : p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) } });
      return;
    }
    const r = await hub.holdAgent(id, p.data.sec, p.data.ref);
    if (r.ok) res.json({ agentId: id, until: r.until });
    // The state's refusal (unknown or offline agent): its sentence, and the command reason it is made of.
    else res.status(409).json({ error: { code: 'conflict', message: r.reason, ...commandFailOf(r.reason) } });
  });

  // Agents' schedules for one site day (docs/API.md): adherence and conformance are counted against them.
  const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM, 00:00 to 24:00');
  const ScheduleBody = z.strictObject({
    agents: z.record(z.string().min(1).max(128), z.array(z.strictObject({ from: Clock, to: Clock, activity: z.string().min(1).max(64).regex(/^[a-z][a-z0-9_-]*$/) })).max(48)),
  });
  const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  // A calendar date (2026-02-30 is refused).
  const DateParam = z.iso.date();
  app.put('/api/v1/schedules/:date', can('agent:control'), express.json({ limit: '256kb' }), async (req, res) => {
    const session = res.locals.session as SessionDTO;
    const date = DateParam.safeParse(req.params.date);
    const p = ScheduleBody.safeParse(req.body);
    if (!date.success || !p.success) {
      metrics.badPayloads.inc({ edge: 'rest' });
      const issues = p.success ? [] : p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      res.status(400).json({ error: { code: 'invalid', message: 'a date YYYY-MM-DD and a body { agents: { id: [{ from: "HH:MM", to: "HH:MM", activity }] } }', details: date.success ? issues : ['date: YYYY-MM-DD', ...issues] } });
      return;
    }
    const dayStart = calendar.dateStart(date.data);
    const dayEnd = calendar.nextDayStart(dayStart);
    const at = (hhmm: string) => Math.min(dayEnd, dayStart + minutesOf(hhmm) * 60_000);
    // Every agent is checked first (a team lead sets their teams' agents only), so a refusal changes nothing.
    for (const agentId of Object.keys(p.data.agents)) {
      const a = hub.state.agents.get(agentId);
      if (!a) {
        res.status(404).json({ error: { code: 'not_found', message: commandFailMessage('unknown_agent', { agentId }), reason: 'unknown_agent', params: { agentId } } });
        return;
      }
      const d = authorize(session, 'agent:control', { agentId, ...(a.teamId ? { teamId: a.teamId } : {}) });
      if (!d.ok) {
        res.status(403).json({ error: { code: 'forbidden', message: d.reason, reason: d.why, params: d.params } });
        return;
      }
    }
    const events = Object.entries(p.data.agents).map(([agentId, list]) => ({
      agentId,
      from: dayStart,
      to: dayEnd,
      activities: list.map((x) => ({ start: at(x.from), end: at(x.to), activity: x.activity })),
    }));
    const r = await hub.setSchedules(events, `${session.role}:${session.userId}`);
    if (r.ok) res.json({ date: date.data, agents: events.length });
    else res.status(409).json({ error: { code: 'conflict', message: r.reason, ...commandFailOf(r.reason) } });
  });

  app.get('/api/v1/snapshot', can('console:connect'), (req, res) => {
    const session = res.locals.session as SessionDTO;
    const q = typeof req.query.queues === 'string' && req.query.queues ? req.query.queues.split(',') : [];
    res.json(snapshot(hub.state, hub.now(), viewFor(session, q)));
  });

  // A date is the site's day, not UTC's: `from=2026-12-05` is that day's local midnight, and a date as `to`
  // takes its whole day in (`from=D&to=D` is day D), as the reports' dates do.
  const calendar = new SiteCalendar(config.timeZone, config.intervalMin);
  const instantOf = (v: number | string | undefined, end: boolean): number | undefined =>
    typeof v !== 'string' ? v : end ? calendar.nextDayStart(calendar.dateStart(v)) : calendar.dateStart(v);

  /**
   * A range ending before it starts, or a line, team or agent the site does not have, is refused (a 200
   * of zeros would read as a quiet day). Campaigns are the workers': any id is answered.
   */
  const refuseScope = (res: ExResponse, q: { scope: string; id?: string | undefined }, from?: number, to?: number): boolean => {
    if (from !== undefined && to !== undefined && to <= from) {
      metrics.badPayloads.inc({ edge: 'query' });
      res.status(400).json({ error: { code: 'invalid', ...apiFail('to_before_from', {}) } });
      return true;
    }
    const id = q.id ?? '';
    const known =
      q.scope === 'queue' ? hub.state.queues.has(id) : q.scope === 'agent' ? hub.state.agents.has(id) : q.scope === 'team' ? config.teams.some((t) => t.id === id) : true;
    if (known) return false;
    res.status(404).json({ error: { code: 'not_found', ...apiFail('unknown_scope_id', { scope: q.scope, id }) } });
    return true;
  };

  app.get('/api/v1/metrics', can('reports:read'), (req, res) => {
    const p = MetricsQuerySchema.safeParse(req.query);
    if (!p.success) return badQuery(res, p.error.issues);
    const q = p.data;
    const mq: Parameters<typeof queryMetrics>[1] = { scope: q.scope };
    if (q.id !== undefined) mq.id = q.id;
    if (q.from !== undefined) mq.from = instantOf(q.from, false)!;
    if (q.to !== undefined) mq.to = instantOf(q.to, true)!;
    if (refuseScope(res, q, mq.from, mq.to)) return;
    if (q.interval !== undefined) mq.interval = q.interval === 'day' ? 'day' : 'interval';
    if (q.window !== undefined) mq.windowMin = q.window;
    res.json(queryMetrics(hub.state, mq, hub.now(), METRIC_FORMULAS));
  });

  app.get('/api/v1/calls', can('reports:read'), (req, res) => {
    const p = CallsQuerySchema.safeParse(req.query);
    if (!p.success) return badQuery(res, p.error.issues);
    const q = p.data;
    const cq: Parameters<typeof queryCalls>[1] = { scope: q.scope, metric: q.metric, limit: q.limit, offset: q.offset };
    if (q.id !== undefined) cq.id = q.id;
    if (q.from !== undefined) cq.from = instantOf(q.from, false)!;
    if (q.to !== undefined) cq.to = instantOf(q.to, true)!;
    if (refuseScope(res, q, cq.from, cq.to)) return;
    const r = queryCalls(hub.state, cq, hub.now());
    res.json({ metric: q.metric, formula: METRIC_FORMULAS[q.metric] ?? q.metric, ...r });
  });

  // Staffing: the agents a line needs now (measured traffic through Erlang A/C), or a calculator.
  app.get('/api/v1/staffing', can('reports:read'), (req, res) => {
    const p = StaffingQuerySchema.safeParse(req.query);
    if (!p.success) return badQuery(res, p.error.issues);
    const q = p.data;
    if (q.queue !== undefined) {
      const r = staffingForQueue(hub.state, q.queue, hub.now(), q.window);
      if (!r) return res.status(404).json({ error: { code: 'not_found', ...apiFail('unknown_line', { queue: q.queue }) } });
      return res.json(r);
    }
    if (q.calls === undefined || q.ahtSec === undefined) {
      return badQuery(res, [{ code: 'custom', path: ['queue'], message: 'give queue=ID (live), or calls and ahtSec (calculator)', input: undefined } as z.core.$ZodIssue]);
    }
    try {
      res.json(
        requiredAgents({
          calls: q.calls,
          intervalSec: q.intervalMin * 60,
          ahtSec: q.ahtSec,
          slTargetPct: q.slTargetPct,
          slThresholdSec: q.slThresholdSec,
          ...(q.asaTargetSec !== undefined ? { asaTargetSec: q.asaTargetSec } : {}),
          ...(q.maxOccupancyPct !== undefined ? { maxOccupancyPct: q.maxOccupancyPct } : {}),
          ...(q.shrinkagePct !== undefined ? { shrinkagePct: q.shrinkagePct } : {}),
          ...(q.patienceSec !== undefined ? { patienceSec: q.patienceSec } : {}),
        }),
      );
    } catch (err) {
      badQuery(res, [{ code: 'custom', path: [], message: (err as Error).message, input: undefined } as z.core.$ZodIssue]);
    }
  });

  for (const mount of deps.mounts ?? []) await mount({ app, hub, io, redis, logger, metrics, auth, can, ...(accounts ? { accounts } : {}) });

  // The console is a mount (console/server/mount.ts); static files only when asked for.
  if (deps.staticDir && existsSync(deps.staticDir)) app.use(express.static(deps.staticDir));

  app.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', ...apiFail('no_such_endpoint', { method: req.method, path: req.path }) } });
  });
  // body-parser's errors: `type` says which, `limit` is the endpoint's, in bytes.
  app.use((err: Error & { type?: string; status?: number; limit?: number }, req: Request, res: ExResponse, _next: NextFunction) => {
    // A charset or content encoding body-parser does not read (`charset.unsupported`, `encoding.unsupported`).
    if (err.status === 415) {
      metrics.badPayloads.inc({ edge: 'body' });
      res.status(415).json({ error: { code: 'invalid', ...apiFail('unsupported_media_type', { contentType: req.headers['content-type'] ?? 'none' }), details: [err.message] } });
      return;
    }
    if (err.type === 'entity.parse.failed' || err.type === 'entity.too.large' || err.status === 400 || err.status === 413) {
      metrics.badPayloads.inc({ edge: 'body' });
      // Other unreadable bodies (an aborted upload, a wrong length) reach no user: their code words them.
      const why =
        err.type === 'entity.parse.failed'
          ? apiFail('bad_json', { detail: err.message })
          : err.type === 'entity.too.large' && err.limit !== undefined
            ? apiFail('body_too_large', { limit: String(err.limit) })
            : { message: `request body: ${err.message}` };
      res.status(err.status ?? 400).json({ error: { code: 'invalid', ...why } });
      return;
    }
    logger.error({ err }, 'request failed');
    res.status(500).json({ error: { code: 'internal', ...apiFail('internal_error', {}) } });
  });

  // ------------------------------------------------------------------------------- Socket.IO
  const agentSockets = new Map<string, number>();
  let closing = false;
  /**
   * A refused connection's error: the English message as before (older consoles and scripts read it)
   * and the reason, which Socket.IO hands to the client as `connect_error`'s `err.data`.
   */
  const connectError = (err: unknown): Error => {
    const e = new Error((err as Error).message) as Error & { data?: { reason: string; params: Record<string, string> } };
    if (err instanceof AuthError) e.data = { reason: err.fail.reason, params: err.fail.params as Record<string, string> };
    return e;
  };
  /** Why a session may not connect to `namespace` for `action`: without a target only the grant or the role refuses. */
  const connectFail = (session: SessionDTO, action: Action, d: Exclude<Decision, { ok: true }>, namespace: string): ApiFail =>
    d.why === 'no_access_grant'
      ? apiFail('no_access_grant', { ...d.params, request: `connect ${namespace}` })
      : apiFail('role_may_not', { role: session.role, action, request: `connect ${namespace}` });
  // Runs on every connection, recovered ones included: a revoked token is refused here.
  io.use((socket, next) => {
    const a = socket.handshake.auth as { token?: unknown; queues?: unknown };
    const token = typeof a?.token === 'string' ? a.token : socket.handshake.headers.authorization;
    authenticateToken(token)
      .then(({ session, jti }) => {
        if (session.role === 'telephony') throw new AuthError(apiFail('wrong_namespace', { role: session.role, namespace: '/telephony' }));
        const d = authorize(session, 'console:connect');
        // "credential" tells an older console (no `err.data`) to sign in again rather than retry.
        if (!d.ok) throw new AuthError(connectFail(session, 'console:connect', d, '/'), `credential refused: ${d.reason}`);
        socket.data.session = session;
        const qs = z.array(z.string().min(1).max(128)).max(100).safeParse(a?.queues ?? []);
        socket.data.queues = qs.success ? qs.data : [];
        if (jti) void socket.join(`token:${jti}`);
        next();
      })
      .catch((err: unknown) => {
        metrics.badPayloads.inc({ edge: 'socket-auth' });
        logger.debug({ handshake: { address: socket.handshake.address, auth: socket.handshake.auth }, reason: (err as Error).message }, 'socket connection refused');
        next(connectError(err));
      });
  });

  // A revocation (on any hub) drops the user's sockets here at once; their reconnects are refused above.
  const stopRevocations = accounts?.onRevoked((userId, jti) => {
    const room = jti ? `token:${jti}` : `user:${userId}`;
    io.local.in(room).disconnectSockets(true);
    telephony.local.in(room).disconnectSockets(true);
  });

  /** What a command acts on, for the access matrix and the audit log. */
  const commandTarget = (name: CommandName, payload: unknown): { target: Target; type?: string; id?: string; state?: () => unknown } => {
    const p = (payload ?? {}) as { agentId?: unknown; queue?: unknown };
    if (COMMAND_ACTIONS[name] === 'agent:control' && typeof p.agentId === 'string') {
      const agentId = p.agentId;
      const a = hub.state.agents.get(agentId);
      const target: Target = { agentId };
      if (a?.teamId) target.teamId = a.teamId;
      return {
        target,
        type: 'agent',
        id: agentId,
        state: () => {
          const x = hub.state.agents.get(agentId);
          return x ? { state: x.state, reason: x.reason ?? null, queues: [...x.queues] } : null;
        },
      };
    }
    if (COMMAND_ACTIONS[name] === 'queue:control' && typeof p.queue === 'string') {
      const queue = p.queue;
      return {
        target: {},
        type: 'queue',
        id: queue,
        state: () => {
          const q = hub.state.queues.get(queue);
          return q ? { open: q.open, closedAction: q.closedAction, closedOverflowTo: q.closedOverflowTo ?? null, priority: q.priority } : null;
        },
      };
    }
    return { target: {} };
  };

  io.on('connection', (socket: Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>) => {
    const { session, queues } = socket.data;
    metrics.sockets.inc({ namespace: '/' });
    const rooms: string[] = [];
    if (session.role === 'agent' && session.agentId) {
      rooms.push(`agent:${session.agentId}`);
      agentSockets.set(session.agentId, (agentSockets.get(session.agentId) ?? 0) + 1);
    } else if (queues.length) rooms.push(...queues.map((q) => `queue:${q}`));
    else rooms.push('site');
    // Every socket of a user, whatever it watches: revocation disconnects this room.
    rooms.push(`user:${session.userId}`);
    void socket.join(rooms);
    socket.emit('session:info', session);
    socket.emit('snapshot', snapshot(hub.state, hub.now(), viewFor(session, queues)));
    if (session.agentId) {
      // A ringing offer survives a reconnect.
      const a = hub.state.agents.get(session.agentId);
      const call = a?.offerCallId ? hub.state.calls.get(a.offerCallId) : undefined;
      if (a && call && call.offerExpiresAt !== undefined) {
        socket.emit('offer:new', maskedOffer(offerOf(hub.state, call, a.id, call.offerExpiresAt)));
      }
    }

    socket.on('snapshot:get', (ack) => {
      if (typeof ack !== 'function') return;
      // Deltas are patches against what a room was sent: after this snapshot its next delta goes whole.
      broadcaster.forget(socket.rooms);
      ack({ ok: true, data: snapshot(hub.state, hub.now(), viewFor(session, queues)) });
    });

    for (const name of Object.keys(COMMANDS) as CommandName[]) {
      socket.on(name, (payload: unknown, ack: unknown) => {
        const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
        const action = COMMAND_ACTIONS[name];
        // Supervisor, team lead and admin actions go to the audit log (queued: never on the hot path).
        const audited = accounts && action !== 'desk:use';
        const t = commandTarget(name, payload);
        const before = audited ? t.state?.() : undefined;
        const audit = (outcome: string, after?: unknown) =>
          accounts!.audit({
            actor: session,
            action: name,
            outcome,
            ...(t.type ? { targetType: t.type } : {}),
            ...(t.id ? { targetId: t.id } : {}),
            from: socket.handshake.address,
            before: before ?? null,
            after: after ?? null,
          });
        const d = authorize(session, action, t.target);
        if (!d.ok) {
          metrics.commands.inc({ name, result: 'forbidden' });
          if (audited) audit('forbidden', { request: payload ?? null });
          // The sentence as before, and the reason the console words (the command's name rather than the access action).
          const why = d.why === 'role_may_not' ? ({ reason: 'role_not_allowed', params: { role: d.params.role, command: name } } as const) : { reason: d.why, params: d.params };
          reply({ ok: false, error: { code: 'forbidden', message: d.reason, ...why } });
          return;
        }
        hub.command(session, name, payload).then(
          (r) => {
            if (audited) audit(r.ok ? 'ok' : r.error.code, r.ok ? t.state?.() : { request: payload ?? null });
            reply(r);
          },
          (err: unknown) => {
            logger.error({ err, name }, 'command failed');
            if (audited) audit('internal', { request: payload ?? null });
            reply({ ok: false, error: { code: 'internal', ...apiFail('internal_error', {}) } });
          },
        );
      });
    }

    socket.on('disconnect', () => {
      metrics.sockets.dec({ namespace: '/' });
      if (!session.agentId) return;
      const n = (agentSockets.get(session.agentId) ?? 1) - 1;
      if (n > 0) {
        agentSockets.set(session.agentId, n);
        return;
      }
      agentSockets.delete(session.agentId);
      const a = hub.state.agents.get(session.agentId);
      if (a?.offerCallId) {
        // The agent's last window closed while an offer rang: the call goes to the next agent.
        const ev = { id: `disc-${a.id}-${a.offerCallId}-${Date.now()}`, type: 'offer.rejected' as const, at: hub.now(), source: 'hub', callId: a.offerCallId, agentId: a.id, reason: 'disconnected' as const };
        if (!closing) hub.applyDecision(ev).catch((err: unknown) => logger.error({ err }, 'disconnect decision failed'));
      }
    });
  });

  telephony.use((socket, next) => {
    const a = socket.handshake.auth as { token?: unknown };
    authenticateToken(typeof a?.token === 'string' ? a.token : socket.handshake.headers.authorization)
      .then(({ session, jti }) => {
        const d = authorize(session, 'telephony:ingest');
        if (!d.ok) throw new AuthError(connectFail(session, 'telephony:ingest', d, '/telephony'), `${d.reason}: may not send telephony events`);
        socket.data.session = session;
        socket.data.queues = [];
        // One token's sockets (a revoked script token is dropped alone).
        if (jti) void socket.join(`token:${jti}`);
        next();
      })
      .catch((err: unknown) => {
        metrics.badPayloads.inc({ edge: 'socket-auth' });
        next(connectError(err));
      });
  });
  telephony.on('connection', (socket) => {
    metrics.sockets.inc({ namespace: '/telephony' });
    // The acks of a group commit leave in one TCP write (coalesce-writes.ts).
    coalesceWrites(socket.conn);
    void socket.join(`user:${socket.data.session.userId}`);
    socket.on('events', (payload, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      hub.ingest(Array.isArray(payload) ? payload : [payload]).then(reply, (err: unknown) => {
        logger.error({ err }, 'ingest failed');
        reply({ accepted: 0, duplicates: 0, rejected: [{ index: -1, errors: ['internal error; retry'] }] });
      });
    });
    socket.on('disconnect', () => metrics.sockets.dec({ namespace: '/telephony' }));
  });

  // Heartbeat: deltas come only on change, so clients need a sign that silence means "nothing changed".
  const heartbeat = setInterval(() => io.local.emit('hub:heartbeat', { seq: hub.state.seq, at: hub.now() }), deps.heartbeatMs ?? 2000);

  // ---------------------------------------------------------------------------------- ticker
  let ticking: Promise<unknown> | undefined;
  const ticker = setInterval(() => {
    if (ticking || closing) return;
    const t = hub.tick();
    t.catch((err: unknown) => logger.error({ err }, 'tick failed'));
    // Timers keep running while Redis is away: a tick waits for its log write at most a second (the
    // write goes on, in order, and is tried until Redis takes it).
    let timer: NodeJS.Timeout | undefined;
    ticking = Promise.race([t, new Promise<void>((r) => (timer = setTimeout(r, 1000)))])
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        ticking = undefined;
      });
  }, deps.tickMs ?? 200);

  const checkpointer = startCheckpointer({
    hub,
    log,
    logger,
    ...(deps.checkpointEveryMs !== undefined ? { everyMs: deps.checkpointEveryMs } : {}),
    ...(deps.logRetentionMs !== undefined ? { retentionMs: deps.logRetentionMs } : {}),
  });

  return {
    hub,
    io,
    http,
    checkpointer,
    metrics,
    redis,
    broadcaster,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const addr = http.address();
          const p = typeof addr === 'object' && addr ? addr.port : port;
          resolve(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${p}`);
        });
      });
    },
    async close() {
      closing = true;
      // A write Redis refuses from now on is reported, not tried again (or the checkpoint below would wait for it).
      log.stop?.();
      stopRevocations?.();
      clearInterval(ticker);
      clearInterval(heartbeat);
      await ticking;
      // A clean stop leaves a checkpoint, so the next start replays almost nothing.
      await checkpointer.stop();
      broadcaster.close();
      io.disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
      // The adapter's close() sends (p)unsubscribe, and its broadcasts PUBLISH, without awaiting: let
      // those replies arrive before quitting (a PING answered means every earlier command was), or they
      // fail as unhandled "Connection is closed." rejections.
      await Promise.all([sub?.ping().catch(() => undefined), pub?.ping().catch(() => undefined), redis.ping().catch(() => undefined)]);
      await Promise.allSettled([redis.quit(), pub?.quit(), sub?.quit()]);
    },
  };
}

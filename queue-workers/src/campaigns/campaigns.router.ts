/**
 * The campaigns area inside the hub: `campaignsArea(opts)` gives a `Mount` for `createApp({ mounts })`
 * that starts the campaign workers on the hub's process (in-process hub port) and serves:
 *
 * Supervisors, admins, team leads (`campaigns:use`):
 * - `GET /api/v1/campaigns` · `POST /api/v1/campaigns` (create) · `GET|PATCH /api/v1/campaigns/:id`
 * - `POST /api/v1/campaigns/:id/start|pause|stop` (a completed campaign, a draft's pause or stop: 409, see `CampaignService.control`)
 * - `POST /api/v1/campaigns/:id/leads` (body: the CSV, `text/csv`) -> 202 `{ importId }`;
 *   `GET /api/v1/campaigns/:id/imports/:importId` (progress `pct`, counts, row errors)
 * - `GET /api/v1/campaigns/:id/progress` (coverage, pacing, governor, alerts) · `/coverage` · `/results`
 * - `POST /api/v1/campaigns/:id/assign` `{ leadIds, agentId?, teamId? }`
 * - `GET|POST|DELETE /api/v1/dnc` (`scope`: `global` or a campaign id)
 * Agents: `POST /api/v1/campaigns/:id/preview/next`, `POST /api/v1/campaigns/:id/preview/:leadId/dial|skip`,
 * `POST /api/v1/campaigns/:id/answers` (survey answers).
 * Admins: Bull Board at `/admin/queues` (the browser's `callboard_token` cookie or the Authorization header).
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { apiFail, reasonOf } from '../../../realtime/src/contracts/api-errors.ts';
import type { SessionDTO, SiteConfig } from '../../../realtime/src/contracts/index.ts';
import type { Mount, MountContext } from '../../../realtime/src/hub/app.ts';
import type { Database } from '../../../realtime/src/storage/database.ts';
import { BadRequest, Conflict, NotFound, type CampaignService } from './campaigns.service.ts';
import { CampaignInputSchema, CampaignPatchSchema, SettingsSchema, campaignFromInput, type Campaign } from './model.ts';
import { inProcessHub, type ComplaintPort } from './ports.ts';
import { startCampaignWorkers, type CampaignWorkers, type CampaignWorkersOptions } from './workers.ts';

export interface CampaignsAreaOptions {
  config: SiteConfig;
  redisUrl: string;
  /** The hub's event log stream. */
  streamKey: string;
  database: () => Database | undefined;
  logger: Logger;
  complaints?: ComplaintPort;
  /** Demo: simulated survey respondents. */
  simulateRespondents?: boolean;
  workers?: Partial<CampaignWorkersOptions>;
}

export interface CampaignsArea {
  mount: Mount;
  /** The running workers once the mount has started them (undefined without a database). */
  ready: Promise<CampaignWorkers | undefined>;
  stop(): Promise<void>;
}

const Phones = z.array(z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164')).min(1).max(100_000);
const DncBody = z.strictObject({ scope: z.string().min(1).max(128).default('global'), phones: Phones, reason: z.string().max(500).optional() });
const AssignBody = z.strictObject({ leadIds: z.array(z.string().min(1).max(64)).min(1).max(10_000), agentId: z.string().max(128).nullable().optional(), teamId: z.string().max(128).nullable().optional() });
const AnswersBody = z.strictObject({
  leadId: z.string().min(1).max(64),
  callId: z.string().max(128).nullable().optional(),
  answers: z.array(z.strictObject({ questionId: z.string().min(1).max(128), score: z.number().optional(), text: z.string().max(4000).optional() })).min(1).max(50),
});

/** Reads the console's `callboard_token` cookie into the Authorization header when that header is absent. */
export function cookieAuth(req: Request, _res: Response, next: NextFunction): void {
  if (!req.headers.authorization && req.headers.cookie) {
    const m = /(?:^|;\s*)callboard_token=([^;]+)/.exec(req.headers.cookie);
    if (m) req.headers.authorization = `Bearer ${decodeURIComponent(m[1]!)}`;
  }
  next();
}

export function campaignsArea(o: CampaignsAreaOptions): CampaignsArea {
  let resolveReady!: (w: CampaignWorkers | undefined) => void;
  const ready = new Promise<CampaignWorkers | undefined>((r) => (resolveReady = r));
  let workers: CampaignWorkers | undefined;

  const mount: Mount = async (ctx: MountContext) => {
    const db = o.database();
    if (db) {
      try {
        workers = await startCampaignWorkers({
          redisUrl: o.redisUrl,
          db,
          config: o.config,
          hub: inProcessHub(ctx.hub, (errs) => o.logger.debug({ errs: errs.slice(0, 3) }, 'hub refused dialer events')),
          hubStreamKey: o.streamKey,
          logger: o.logger,
          ...(o.complaints ? { complaints: o.complaints } : {}),
          simulateRespondents: o.simulateRespondents ?? false,
          // The hub's own clock (scaled with CALLBOARD_SPEED); `workers.clockSpeed` scales the pacing cycles.
          ...(ctx.hub.clockMode === 'wall' ? { now: () => ctx.hub.now() } : {}),
          ...o.workers,
        });
      } catch (err) {
        o.logger.error({ err: (err as Error).message }, 'campaign workers did not start');
      }
    }
    resolveReady(workers);
    ctx.app.use('/api/v1/campaigns', cookieAuth);
    ctx.app.use('/api/v1/dnc', cookieAuth);
    ctx.app.use('/api/v1', campaignsRouter(ctx, () => workers?.service, o.config));
    // Bull Board for admins (the console's admin area links here).
    const board = new ExpressAdapter();
    board.setBasePath('/admin/queues');
    if (workers) createBullBoard({ queues: [new BullMQAdapter(workers.dialQueue), new BullMQAdapter(workers.controlQueue)], serverAdapter: board });
    ctx.app.use('/admin/queues', cookieAuth, ctx.auth(['admin']), (req, res, next) => (workers ? board.getRouter()(req, res, next) : res.status(503).json({ error: { code: 'unavailable', message: 'campaign workers are not running (no database)' } })));
  };
  return {
    mount,
    ready,
    async stop() {
      await workers?.stop();
    },
  };
}

type Svc = () => CampaignService | undefined;

function campaignsRouter(ctx: MountContext, svc: Svc, config: SiteConfig): express.Router {
  const r = express.Router();
  const staff = ctx.can('campaigns:use');
  const agent = ctx.auth(['agent']);
  const anyone = ctx.auth(['agent', 'admin', 'supervisor', 'team_lead']);
  const json = express.json({ limit: '5mb' });

  /** Wraps a handler: 503 without workers, zod/NotFound/BadRequest/Conflict errors as JSON answers. */
  const h =
    (fn: (s: CampaignService, req: Request, res: Response) => Promise<unknown>) =>
    (req: Request, res: Response): void => {
      const s = svc();
      if (!s) {
        res.status(503).json({ error: { code: 'unavailable', ...apiFail('campaigns_not_running', {}) } });
        return;
      }
      fn(s, req, res).then(
        (body) => {
          if (!res.headersSent) res.json(body);
        },
        (err: Error) => {
          if (res.headersSent) return;
          if (err instanceof z.ZodError) res.status(400).json({ error: { code: 'invalid', message: 'invalid body', details: err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) } });
          else if (err instanceof NotFound) res.status(404).json({ error: { code: 'not_found', message: err.message, ...reasonOf(err.fail) } });
          else if (err instanceof BadRequest) res.status(400).json({ error: { code: 'invalid', message: err.message, ...reasonOf(err.fail) } });
          else if (err instanceof Conflict) res.status(409).json({ error: { code: 'conflict', message: err.message, ...reasonOf(err.fail) } });
          else {
            // Redis down: producers fail fast (enableOfflineQueue: false), so the caller hears it at once.
            ctx.logger.error({ err: err.message }, 'campaign request failed');
            res.status(503).json({ error: { code: 'unavailable', ...apiFail('campaigns_unavailable', {}) } });
          }
        },
      );
    };
  const getCampaign = async (s: CampaignService, id: string): Promise<Campaign> => {
    const c = await s.repo.getCampaign(id);
    if (!c) throw new NotFound(apiFail('unknown_campaign', { campaignId: id }));
    return c;
  };
  const teamCheck = (req: Request, c: Campaign) => {
    const session = (req.res?.locals.session ?? {}) as SessionDTO;
    if (session.role === 'team_lead' && c.settings.teams.length && !c.settings.teams.some((t) => session.teamIds.includes(t))) throw new NotFound(apiFail('unknown_campaign', { campaignId: c.id }));
  };

  r.get(
    '/campaigns',
    staff,
    h(async (s) => {
      const list = await s.repo.listCampaigns(config.id);
      return { campaigns: await Promise.all(list.map(async (c) => ({ ...c, coverage: await s.coverage(c.id) }))) };
    }),
  );
  r.post(
    '/campaigns',
    staff,
    json,
    h(async (s, req, res) => {
      const input = CampaignInputSchema.parse(req.body);
      if (!config.queues.some((q) => q.id === input.queueId)) throw new BadRequest(apiFail('unknown_site_queue', { queue: input.queueId }));
      if (await s.repo.getCampaign(input.id)) throw new BadRequest(apiFail('campaign_exists', { campaignId: input.id }));
      const c = campaignFromInput(config.id, input);
      await s.save(c);
      await s.schedule(c);
      res.status(201);
      return c;
    }),
  );
  r.get(
    '/campaigns/:id',
    staff,
    h(async (s, req) => {
      const c = await getCampaign(s, String(req.params.id));
      teamCheck(req, c);
      return { ...c, progress: await s.progress(c.id) };
    }),
  );
  r.patch(
    '/campaigns/:id',
    staff,
    json,
    h(async (s, req) => {
      const c = await getCampaign(s, String(req.params.id));
      teamCheck(req, c);
      const p = CampaignPatchSchema.parse(req.body);
      const raw = req.body as { settings?: Record<string, unknown> };
      const next: Campaign = {
        ...c,
        ...(p.name !== undefined ? { name: p.name } : {}),
        ...(p.type !== undefined ? { type: p.type } : {}),
        ...(p.queueId !== undefined ? { queueId: p.queueId } : {}),
        ...(p.dialingMode !== undefined ? { dialingMode: p.dialingMode } : {}),
        ...(p.priority !== undefined ? { priority: p.priority } : {}),
        ...(p.maxAttempts !== undefined ? { maxAttempts: p.maxAttempts } : {}),
        ...(p.script !== undefined ? { script: p.script } : {}),
        ...(p.questions !== undefined ? { questions: p.questions } : {}),
        ...(p.startAt !== undefined ? { startAt: p.startAt ? Date.parse(p.startAt) : null } : {}),
        ...(p.endAt !== undefined ? { endAt: p.endAt ? Date.parse(p.endAt) : null } : {}),
        // Settings merge: only the fields sent change.
        settings: raw.settings ? SettingsSchema.parse({ ...c.settings, ...raw.settings }) : c.settings,
      };
      await s.save(next);
      await s.schedule(next);
      if (next.status === 'running' && next.settings.pacingMs !== c.settings.pacingMs) await s.setStatus(next.id, 'running');
      return next;
    }),
  );
  for (const action of ['start', 'pause', 'stop'] as const) {
    r.post(
      `/campaigns/:id/${action}`,
      staff,
      h(async (s, req) => {
        const c = await getCampaign(s, String(req.params.id));
        teamCheck(req, c);
        // A completed campaign, and a draft's pause or stop, are refused (409): `control` says why.
        const updated = await s.control(c.id, action);
        return { id: updated.id, status: updated.status };
      }),
    );
  }
  r.post(
    '/campaigns/:id/leads',
    staff,
    express.raw({ type: () => true, limit: '200mb' }),
    h(async (s, req, res) => {
      const c = await getCampaign(s, String(req.params.id));
      teamCheck(req, c);
      const body = req.body as Buffer;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new BadRequest(apiFail('csv_required', {}));
      const fileName = typeof req.query.name === 'string' ? req.query.name.slice(0, 200) : 'upload.csv';
      const path = join(tmpdir(), `callboard-leads-${randomBytes(8).toString('hex')}.csv`);
      await writeFile(path, body);
      const importId = await s.repo.createImport(c.id, fileName, body.length);
      await s.importJob(c.id, importId, path);
      res.status(202);
      return { importId, campaignId: c.id, bytes: body.length };
    }),
  );
  r.get(
    '/campaigns/:id/imports/:importId',
    staff,
    h(async (s, req) => {
      const imp = await s.repo.getImport(Number(req.params.importId));
      if (!imp || imp.campaignId !== req.params.id) throw new NotFound(apiFail('unknown_import', {}));
      return { ...imp, pct: imp.status === 'done' ? 100 : imp.bytesTotal ? Math.floor((100 * imp.bytesRead) / imp.bytesTotal) : null };
    }),
  );
  r.get('/campaigns/:id/progress', staff, h(async (s, req) => s.progress(String(req.params.id))));
  r.get('/campaigns/:id/coverage', staff, h(async (s, req) => s.coverage((await getCampaign(s, String(req.params.id))).id)));
  r.get('/campaigns/:id/results', staff, h(async (s, req) => s.results(String(req.params.id))));
  r.post(
    '/campaigns/:id/assign',
    staff,
    json,
    h(async (s, req) => {
      const c = await getCampaign(s, String(req.params.id));
      teamCheck(req, c);
      const b = AssignBody.parse(req.body);
      if (b.agentId && !config.agents.some((a) => a.id === b.agentId)) throw new BadRequest(apiFail('unknown_site_agent', { agentId: b.agentId }));
      if (b.teamId && !config.teams.some((t) => t.id === b.teamId)) throw new BadRequest(apiFail('unknown_site_team', { teamId: b.teamId }));
      const session = req.res!.locals.session as SessionDTO;
      const moved = await s.assign(c.id, b.leadIds, b.agentId ?? null, b.teamId ?? null, 'manual', session.userId);
      return { assigned: b.leadIds.length, moved };
    }),
  );
  r.get(
    '/dnc',
    staff,
    h(async (s, req) => ({ entries: await s.repo.dnc(typeof req.query.scope === 'string' ? req.query.scope : undefined) })),
  );
  r.post(
    '/dnc',
    staff,
    json,
    h(async (s, req) => {
      const b = DncBody.parse(req.body);
      const session = req.res!.locals.session as SessionDTO;
      await s.addDnc(b.scope, b.phones, b.reason ?? null, session.userId);
      return { added: b.phones.length, scope: b.scope };
    }),
  );
  r.delete(
    '/dnc',
    staff,
    json,
    h(async (s, req) => {
      const b = z.strictObject({ scope: z.string().min(1).default('global'), phone: z.string().regex(/^\+[1-9]\d{6,14}$/) }).parse(req.body);
      await s.removeDnc(b.scope, b.phone);
      return { removed: b.phone, scope: b.scope };
    }),
  );
  // ------------------------------------------------------------------------------- agents
  r.post(
    '/campaigns/:id/preview/next',
    agent,
    h(async (s, req) => {
      const session = req.res!.locals.session as SessionDTO;
      const next = await s.previewNext(String(req.params.id), session.agentId!);
      if (!next) return { lead: null };
      const { phone, ...lead } = next.lead;
      // The number is not shown: the dialer places the call.
      return { lead: { ...lead, phone: `${phone.slice(0, 4)}•••${phone.slice(-3)}` }, attempt: next.attempt, script: next.script };
    }),
  );
  for (const action of ['dial', 'skip'] as const) {
    r.post(
      `/campaigns/:id/preview/:leadId/${action}`,
      agent,
      h(async (s, req) => {
        const session = req.res!.locals.session as SessionDTO;
        const ok = await s.previewDecide(String(req.params.id), String(req.params.leadId), session.agentId!, action);
        if (!ok) throw new BadRequest(apiFail('lead_not_reserved', {}));
        return { ok: true };
      }),
    );
  }
  r.post(
    '/campaigns/:id/answers',
    anyone,
    json,
    h(async (s, req) => {
      const b = AnswersBody.parse(req.body);
      const session = req.res!.locals.session as SessionDTO;
      const n = await s.submitAnswers(String(req.params.id), b.leadId, b.callId ?? null, b.answers.map((a) => ({ questionId: a.questionId, ...(a.score !== undefined ? { score: a.score } : {}), ...(a.text !== undefined ? { text: a.text } : {}) })), session.agentId ?? null);
      return { stored: n };
    }),
  );
  return r;
}

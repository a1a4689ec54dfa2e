/**
 * Complaints REST, mounted on the hub's app (`createApp({ mounts: [complaintsMount(...)] })`):
 *
 * - `GET /api/v1/complaints?status=open,in_progress&department=&from=&to=&limit=&offset=`
 * - `POST /api/v1/complaints` (a form with its `description`, or an agent's wrap-up: `channel: 'wrapup'` with
 *   `callId`; a `callId` the site does not know is refused: `unknown_call`)
 * - `GET /api/v1/complaints/:id` (with its history), `PATCH /api/v1/complaints/:id` (category, description, priority)
 * - `POST /api/v1/complaints/:id/status` `{ status, rootCause?, note? }`, `POST /api/v1/complaints/:id/reopen` `{ note? }`
 * - `POST /api/v1/complaints/:id/notes` `{ note }`, `POST /api/v1/complaints/:id/assign` `{ assignee: userId | null, note? }`
 * - `GET|PUT /api/v1/complaints/config/routes|root-causes|business-hours` (PUT: admin, supervisor; each
 *   change goes to the audit log with the configuration before and after, when the hub has accounts)
 * - `GET /api/v1/complaints/config/assignees`: `{ assignees: [{ id, name, role, teams }] }`, the people a
 *   complaint may be assigned to (the console offers them by name)
 *
 * Team leads see and handle the complaints of their teams; agents open complaints and see their own.
 */
import express, { type Response } from 'express';
import { z } from 'zod';
import { apiFail, mayHandleComplaint, reasonOf, type ComplaintAssignee, type SessionDTO, type SiteConfig } from '../contracts/index.ts';
import { authorize } from '../accounts/access.ts';
import { UsersRepository } from '../accounts/users.repository.ts';
import type { Mount } from '../hub/app.ts';
import type { Database } from '../storage/database.ts';
import { STATUSES } from './complaint-flow.ts';
import { ComplaintError, ComplaintsService, type ComplaintDTO } from './complaints.service.ts';

export interface ComplaintsMountOptions {
  config: SiteConfig;
  database: () => Database | undefined;
  now?: () => number;
}

const Id = z.string().min(1).max(128);
const TimeParam = z.union([z.string().regex(/^\d+$/).transform(Number), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]).optional();
const ListQuery = z.strictObject({
  status: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
  department: Id.optional(),
  agent: Id.optional(),
  from: TimeParam,
  to: TimeParam,
  limit: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(500)).default(100),
  offset: z.string().regex(/^\d+$/).transform(Number).default(0),
});
/**
 * A complaint says what it is about: a form its description (blanks alone are none), a wrap-up its call
 * (sent again without the description, it answers the complaint already opened for the call).
 */
const OpenBody = z
  .strictObject({
    channel: z.enum(['form', 'wrapup']).default('form'),
    category: Id.optional(),
    description: z.string().trim().min(1).max(4000).optional(),
    callId: Id.optional(),
    queueId: Id.optional(),
    agentId: Id.optional(),
    customerRef: z.string().max(128).optional(),
    priority: z.enum(['normal', 'high']).optional(),
  })
  .superRefine((b, ctx) => {
    // zod's own words for a missing field: the console shows "required" beside it.
    if (b.channel === 'form' && b.description === undefined) ctx.addIssue({ code: 'custom', path: ['description'], message: 'Invalid input: expected string, received undefined' });
    if (b.channel === 'wrapup' && b.callId === undefined) ctx.addIssue({ code: 'custom', path: ['callId'], message: 'Invalid input: expected string, received undefined' });
  });
const PatchBody = z.strictObject({ category: Id.optional(), description: z.string().max(4000).optional(), priority: z.enum(['normal', 'high']).optional() });
const StatusBody = z.strictObject({ status: z.enum(STATUSES), rootCause: Id.optional(), note: z.string().max(2000).optional() });
const ReopenBody = z.strictObject({ note: z.string().max(2000).optional() });
const NoteBody = z.strictObject({ note: z.string().trim().min(1).max(2000) });
const AssignBody = z.strictObject({ assignee: Id.nullable(), note: z.string().max(2000).optional() });
const RoutesBody = z.strictObject({ routes: z.array(z.strictObject({ category: Id, department: Id, slaBusinessMin: z.number().int().min(1).max(100_000) })).max(200) });
const CausesBody = z.strictObject({ rootCauses: z.array(z.strictObject({ code: Id, label: z.string().min(1).max(200) })).max(500) });
const HoursBody = z.strictObject({
  timeZone: z.string().min(1).max(64),
  hours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()])).max(6)),
  holidays: z.array(z.iso.date()).max(400).default([]),
});
const IdParam = z.string().regex(/^\d{1,15}$/).transform(Number);

export function complaintsMount(opts: ComplaintsMountOptions): Mount {
  return ({ app, auth, logger, accounts, hub }) => {
    const log = logger.child({ component: 'complaints' });
    const siteId = opts.config.id;
    const teamOf = new Map(opts.config.agents.map((a) => [a.id, a.teamId]));
    const svc = () => {
      const db = opts.database();
      return db ? new ComplaintsService(db, { timeZone: opts.config.timeZone, ...(opts.now ? { now: opts.now } : {}) }) : undefined;
    };
    const fail = (res: Response, err: unknown) => {
      if (err instanceof ComplaintError) {
        res.status(err.code === 'not_found' ? 404 : err.code === 'conflict' ? 409 : 400).json({ error: { code: err.code, message: err.message, ...reasonOf(err.fail) } });
        return;
      }
      log.error({ err: (err as Error).message }, 'complaints request failed');
      res.status(500).json({ error: { code: 'internal', ...apiFail('internal_error', {}) } });
    };
    const noDb = (res: Response) => res.status(503).json({ error: { code: 'unavailable', ...apiFail('no_database', { area: 'complaints' }) } });
    const invalid = (res: Response, issues: z.core.$ZodIssue[]) =>
      res.status(400).json({ error: { code: 'invalid', message: 'invalid request', details: issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) } });
    /** Whether the session may see or act on a complaint. */
    const mayAccess = (s: SessionDTO, c: ComplaintDTO) =>
      s.role === 'admin' || s.role === 'supervisor' || (s.role === 'team_lead' && c.teamId !== null && s.teamIds.includes(c.teamId)) || (s.role === 'agent' && c.agentId !== null && c.agentId === s.agentId);
    const json = express.json({ limit: '32kb' });
    /** A configuration change in the audit log (who, from where, before and after). */
    const audited = async (req: express.Request, res: Response, target: string, before: () => Promise<unknown>, change: () => Promise<unknown>, after: () => Promise<unknown>) => {
      const prev = accounts ? await before() : undefined;
      await change();
      if (accounts) accounts.audit({ actor: res.locals.session as SessionDTO, action: 'complaints:config', targetType: 'complaints-config', targetId: target, from: req.ip, before: prev, after: await after() });
      res.json({ ok: true });
    };
    const MANAGE = ['admin', 'supervisor', 'team_lead'] as const;
    /**
     * The people a complaint may be assigned to: active users of the roles that handle complaints (agents
     * open complaints and see their own only; one given to an agent would sit where nobody works it). The
     * service takes any user id; this is what the console offers. The users table is the truth (the record
     * writer and the accounts seed it from the configuration, admins edit and disable users there); a
     * database with no users of the site yet (neither ran) gets the configuration's users.
     */
    const assignees = async (db: Database): Promise<ComplaintAssignee[]> => {
      const stored = await new UsersRepository(db.db).list(siteId);
      const people: readonly { id: string; name: string; role: string; teamIds: readonly string[] }[] = stored.length ? stored.filter((u) => u.disabledAt === null) : opts.config.users;
      const handles = (role: string): role is ComplaintAssignee['role'] => (MANAGE as readonly string[]).includes(role);
      return people
        .flatMap(({ id, name, role, teamIds }) => (handles(role) ? [{ id, name, role, teams: [...teamIds] }] : []))
        .sort((a, b) => a.name.localeCompare(b.name, 'vi') || a.id.localeCompare(b.id));
    };

    // Agents read the routes too: their wrap-up form offers the site's complaint categories.
    app.get('/api/v1/complaints/config/routes', auth([...MANAGE, 'agent']), async (_req, res) => {
      const s = svc();
      if (!s) return noDb(res);
      res.json({ routes: await s.routes(siteId) });
    });
    app.put('/api/v1/complaints/config/routes', auth(['admin', 'supervisor']), json, async (req, res) => {
      const p = RoutesBody.safeParse(req.body);
      if (!p.success) return invalid(res, p.error.issues);
      const s = svc();
      if (!s) return noDb(res);
      await audited(req, res, 'routes', () => s.routes(siteId), () => s.setRoutes(siteId, p.data.routes), () => s.routes(siteId)).catch((e: unknown) => fail(res, e));
    });
    app.get('/api/v1/complaints/config/root-causes', auth(MANAGE), async (_req, res) => {
      const s = svc();
      if (!s) return noDb(res);
      res.json({ rootCauses: await s.rootCauses(siteId) });
    });
    app.put('/api/v1/complaints/config/root-causes', auth(['admin', 'supervisor']), json, async (req, res) => {
      const p = CausesBody.safeParse(req.body);
      if (!p.success) return invalid(res, p.error.issues);
      const s = svc();
      if (!s) return noDb(res);
      await audited(req, res, 'root-causes', () => s.rootCauses(siteId), () => s.setRootCauses(siteId, p.data.rootCauses), () => s.rootCauses(siteId)).catch((e: unknown) => fail(res, e));
    });
    app.get('/api/v1/complaints/config/assignees', auth(MANAGE), async (_req, res) => {
      const db = opts.database();
      if (!db) return noDb(res);
      await assignees(db).then((a) => res.json({ assignees: a }), (e: unknown) => fail(res, e));
    });
    app.get('/api/v1/complaints/config/business-hours', auth(MANAGE), async (_req, res) => {
      const s = svc();
      if (!s) return noDb(res);
      res.json(await s.businessHours(siteId));
    });
    app.put('/api/v1/complaints/config/business-hours', auth(['admin', 'supervisor']), json, async (req, res) => {
      const p = HoursBody.safeParse(req.body);
      if (!p.success) return invalid(res, p.error.issues);
      const s = svc();
      if (!s) return noDb(res);
      await audited(req, res, 'business-hours', () => s.businessHours(siteId), () => s.setBusinessHours(siteId, p.data), () => s.businessHours(siteId)).catch((e: unknown) => fail(res, e));
    });

    app.get('/api/v1/complaints', auth([...MANAGE, 'agent']), async (req, res) => {
      const p = ListQuery.safeParse(req.query);
      if (!p.success) return invalid(res, p.error.issues);
      const s = svc();
      if (!s) return noDb(res);
      const session = res.locals.session as SessionDTO;
      const q = p.data;
      if (session.role === 'agent' && !session.agentId) {
        res.json({ total: 0, complaints: [] });
        return;
      }
      try {
        res.json(
          await s.list(siteId, {
            status: q.status,
            department: q.department,
            agentId: session.role === 'agent' ? session.agentId : q.agent,
            teamIds: session.role === 'team_lead' ? session.teamIds : undefined,
            from: q.from,
            to: q.to,
            limit: q.limit,
            offset: q.offset,
          }),
        );
      } catch (err) {
        fail(res, err);
      }
    });

    app.post('/api/v1/complaints', auth([...MANAGE, 'agent']), json, async (req, res) => {
      const p = OpenBody.safeParse(req.body);
      if (!p.success) return invalid(res, p.error.issues);
      const s = svc();
      if (!s) return noDb(res);
      const session = res.locals.session as SessionDTO;
      const b = p.data;
      const agentId = session.role === 'agent' ? session.agentId : b.agentId;
      try {
        // A call of the site: live or just ended (the hub's, not all written yet), else in the records.
        const known = (id: string) => hub.state.calls.has(id) || hub.state.recordIndex.has(id) || s.hasCall(siteId, id);
        if (b.callId !== undefined && !(await known(b.callId))) throw new ComplaintError('invalid', apiFail('unknown_call', { callId: b.callId }));
        const r = await s.openComplaint({
          siteId,
          channel: b.channel,
          category: b.category,
          description: b.description,
          callId: b.callId,
          queueId: b.queueId,
          agentId,
          teamId: agentId ? teamOf.get(agentId) : undefined,
          customerRef: b.customerRef,
          priority: b.priority,
          // An agent's wrap-up complaint for a call is one complaint, however often it is sent.
          sourceKey: b.channel === 'wrapup' && b.callId ? `wrapup:${b.callId}` : undefined,
          actor: session.userId,
        });
        res.status(r.created ? 201 : 200).json(r.complaint);
      } catch (err) {
        fail(res, err);
      }
    });

    const withComplaint =
      (roles: readonly ('admin' | 'supervisor' | 'team_lead' | 'agent')[], act: (s: ComplaintsService, id: number, session: SessionDTO, body: unknown, c: ComplaintDTO) => Promise<unknown>) =>
      [
        auth(roles),
        json,
        async (req: express.Request, res: Response) => {
          const id = IdParam.safeParse(req.params.id);
          if (!id.success) return invalid(res, id.error.issues);
          const s = svc();
          if (!s) return noDb(res);
          const session = res.locals.session as SessionDTO;
          try {
            const c = await s.brief(siteId, id.data);
            if (!mayAccess(session, c)) {
              res.status(403).json({ error: { code: 'forbidden', ...apiFail('not_your_complaint', {}) } });
              return;
            }
            res.json(await act(s, id.data, session, req.body, c));
          } catch (err) {
            if (err instanceof z.ZodError) return invalid(res, err.issues);
            fail(res, err);
          }
        },
      ] as const;

    app.get('/api/v1/complaints/:id', ...withComplaint([...MANAGE, 'agent'], (s, id, session) => s.get(siteId, id, { showNumbers: authorize(session, 'numbers:view').ok })));
    app.patch(
      '/api/v1/complaints/:id',
      ...withComplaint(MANAGE, (s, id, session, body) => s.update(siteId, id, { ...PatchBody.parse(body), actor: session.userId })),
    );
    app.post(
      '/api/v1/complaints/:id/status',
      ...withComplaint(MANAGE, (s, id, session, body) => {
        const b = StatusBody.parse(body);
        return s.setStatus(siteId, id, b.status, { rootCause: b.rootCause, note: b.note, actor: session.userId });
      }),
    );
    app.post(
      '/api/v1/complaints/:id/reopen',
      ...withComplaint(MANAGE, (s, id, session, body) => s.reopen(siteId, id, { note: ReopenBody.parse(body ?? {}).note, actor: session.userId })),
    );
    app.post(
      '/api/v1/complaints/:id/notes',
      ...withComplaint(MANAGE, (s, id, session, body) => s.addNote(siteId, id, { note: NoteBody.parse(body).note, actor: session.userId })),
    );
    app.post(
      '/api/v1/complaints/:id/assign',
      ...withComplaint(MANAGE, async (s, id, session, body, c) => {
        const b = AssignBody.parse(body);
        if (b.assignee !== null) {
          const p = (await assignees(opts.database()!)).find((x) => x.id === b.assignee);
          if (!p || !mayHandleComplaint(p, c.teamId)) throw new ComplaintError('invalid', apiFail(p ? 'assignee_other_team' : 'unknown_assignee', { assignee: b.assignee }));
        }
        return s.assign(siteId, id, { assignee: b.assignee, note: b.note, actor: session.userId });
      }),
    );
  };
}

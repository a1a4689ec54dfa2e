/**
 * Admin REST (docs/API.md, docs/ACCESS.md), mounted through `createApp({ mounts: [adminRoutes(accounts)] })`:
 * users (list, create, edit, delete), grants and revocations, and the audit log with its chain check.
 */
import express, { type Request, type Response as ExResponse } from 'express';
import { Gauge } from 'prom-client';
import { z } from 'zod';
import { AccessKindSchema, apiFail, reasonOf, RoleSchema, type SessionDTO } from '../contracts/index.ts';
import type { Mount } from '../hub/app.ts';
import { AccountsError, type AccountsService } from './accounts.service.ts';
import { verifyAuditLog } from './audit-verify.ts';
import type { AdminUserDTO, AuditEntryDTO } from '../contracts/records.ts';
import type { AuditRow } from './audit.repository.ts';
import { tokenView } from './tokens.ts';
import type { UserRecord } from './users.repository.ts';

// The refusal names the characters allowed (the console words it: `aff_idChars`).
const Id = z.string().min(1).max(128).regex(/^[A-Za-z0-9._@-]+$/, 'use only letters A-Z a-z, digits 0-9 and . _ @ -');
const Password = z.string().min(4).max(256);
const CreateUser = z.strictObject({
  id: Id,
  name: z.string().min(1).max(200),
  role: RoleSchema,
  password: Password.optional(),
  agentId: Id.nullable().optional(),
  teamIds: z.array(Id).max(50).optional(),
  access: z.array(AccessKindSchema).optional(),
});
const UpdateUser = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    role: RoleSchema.optional(),
    password: Password.optional(),
    agentId: Id.nullable().optional(),
    teamIds: z.array(Id).max(50).optional(),
    access: z.array(AccessKindSchema).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((x) => Object.keys(x).length > 0, 'nothing to change');
const AccessBody = z.strictObject({ access: AccessKindSchema });
const MintBody = z.strictObject({
  role: RoleSchema,
  subject: Id.optional(),
  name: z.string().min(1).max(200).optional(),
  agentId: Id.optional(),
  teamIds: z.array(Id).max(50).optional(),
  label: z.string().max(200).default(''),
  /** Seconds, or `90m`, `12h`, `30d`, `1y`. */
  expiresIn: z.union([z.number().int().min(1), z.string().regex(/^\d+[smhdwy]?$/)]).default('30d'),
});
const TokensQuery = z.strictObject({ all: z.enum(['0', '1', 'true', 'false']).optional() });
const Time = z.union([z.string().regex(/^\d+$/).transform((s) => new Date(Number(s))), z.iso.datetime({ offset: true }).transform((s) => new Date(s)), z.iso.date().transform((s) => new Date(s + 'T00:00:00Z'))]);
const AuditQuery = z.strictObject({
  actor: z.string().min(1).max(128).optional(),
  /** An action, or a prefix ending in `*` (`user:*`). */
  action: z.string().min(1).max(64).optional(),
  /** The target's id (a user, a queue, an agent). */
  target: z.string().min(1).max(128).optional(),
  from: Time.optional(),
  to: Time.optional(),
  limit: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(1000)).default(100),
  /** Entries before this seq (the next page). */
  before: z.string().regex(/^\d+$/).transform(Number).optional(),
});

export function userDTO(u: UserRecord): AdminUserDTO {
  return {
    id: u.id,
    name: u.name,
    role: u.role,
    agentId: u.agentId,
    teamIds: u.teamIds,
    access: u.access,
    disabled: u.disabledAt !== null,
    disabledAt: u.disabledAt?.toISOString() ?? null,
    hasPassword: u.hasPassword,
    tokenVersion: u.tokenVersion,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

export function auditDTO(r: AuditRow): AuditEntryDTO {
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    actor: r.actorUserId,
    actorRole: r.actorRole,
    action: r.action,
    outcome: r.outcome,
    targetType: r.targetType,
    targetId: r.targetId,
    from: r.fromAddress,
    before: r.before,
    after: r.after,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

/** Entries queued a moment ago are part of the answer (unless the database is down: then do not wait long). */
async function settled(accounts: AccountsService): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  await Promise.race([accounts.trail.flush(), new Promise((r) => (t = setTimeout(r, 2000)))]);
  clearTimeout(t);
}

export function adminRoutes(accounts: AccountsService): Mount {
  return ({ app, can, logger, metrics, hub }) => {
    const json = express.json({ limit: '20kb' });
    // The audit trail on GET /metrics: entries waiting for the database, and its retries (an outage).
    const trail = accounts.trail;
    new Gauge({ name: 'callboard_audit_queued', help: 'Audit entries not yet in the database', registers: [metrics.registry], collect() { this.set(trail.stats.queued); } });
    new Gauge({ name: 'callboard_audit_written', help: 'Audit entries written by this process', registers: [metrics.registry], collect() { this.set(trail.stats.written); } });
    new Gauge({ name: 'callboard_audit_retries', help: 'Failed audit writes retried by this process', registers: [metrics.registry], collect() { this.set(trail.stats.retries); } });
    const actor = (req: Request, res: ExResponse) => ({ session: res.locals.session as SessionDTO, from: req.ip });
    const invalid = (res: ExResponse, issues: z.core.$ZodIssue[]) => {
      metrics.badPayloads.inc({ edge: 'query' });
      res.status(400).json({ error: { code: 'invalid', message: 'invalid request', details: issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) } });
    };
    const fail = (res: ExResponse, err: unknown) => {
      if (err instanceof AccountsError) {
        res.status(err.code === 'not_found' ? 404 : err.code === 'conflict' ? 409 : 400).json({ error: { code: err.code, message: err.message, ...reasonOf(err.fail) } });
        return;
      }
      logger.error({ err }, 'admin request failed');
      res.status(500).json({ error: { code: 'internal', ...apiFail('internal_error', {}) } });
    };
    const handle = (fn: (req: Request, res: ExResponse) => Promise<void>) => (req: Request, res: ExResponse) => {
      fn(req, res).catch((err: unknown) => fail(res, err));
    };
    const param = (req: Request) => String(req.params.id);
    /** A login or token linked to an agent the site does not have (a typo: `a99`) opens a desk with no agent behind it. */
    const knownAgent = (agentId: string | null | undefined) => {
      if (agentId && !hub.state.agents.has(agentId)) throw new AccountsError('invalid', apiFail('unknown_site_agent', { agentId }));
    };

    app.get('/api/v1/admin/users', can('users:manage'), handle(async (_req, res) => {
      res.json({ users: (await accounts.list()).map(userDTO) });
    }));

    app.get('/api/v1/admin/users/:id', can('users:manage'), handle(async (req, res) => {
      const u = await accounts.get(param(req));
      if (!u) throw new AccountsError('not_found', apiFail('unknown_user', { userId: param(req) }));
      res.json(userDTO(u));
    }));

    app.post('/api/v1/admin/users', can('users:manage'), json, handle(async (req, res) => {
      const p = CreateUser.safeParse(req.body);
      if (!p.success) return invalid(res, p.error.issues);
      const { agentId, teamIds, access, password, ...rest } = p.data;
      knownAgent(agentId);
      const u = await accounts.create(actor(req, res), {
        ...rest,
        ...(password !== undefined ? { password } : {}),
        ...(agentId !== undefined ? { agentId } : {}),
        ...(teamIds !== undefined ? { teamIds } : {}),
        ...(access !== undefined ? { access } : {}),
      });
      res.status(201).json(userDTO(u));
    }));

    app.patch('/api/v1/admin/users/:id', can('users:manage'), json, handle(async (req, res) => {
      const p = UpdateUser.safeParse(req.body);
      if (!p.success) return invalid(res, p.error.issues);
      knownAgent(p.data.agentId);
      const patch = Object.fromEntries(Object.entries(p.data).filter(([, v]) => v !== undefined));
      res.json(userDTO(await accounts.update(actor(req, res), param(req), patch)));
    }));

    app.delete('/api/v1/admin/users/:id', can('users:manage'), handle(async (req, res) => {
      await accounts.remove(actor(req, res), param(req));
      res.status(204).end();
    }));

    app.post('/api/v1/admin/users/:id/grant', can('users:manage'), json, handle(async (req, res) => {
      const p = AccessBody.safeParse(req.body);
      if (!p.success) return invalid(res, p.error.issues);
      res.json(userDTO(await accounts.grant(actor(req, res), param(req), p.data.access)));
    }));

    app.post('/api/v1/admin/users/:id/revoke', can('users:manage'), json, handle(async (req, res) => {
      const p = AccessBody.safeParse(req.body);
      if (!p.success) return invalid(res, p.error.issues);
      res.json(userDTO(await accounts.revoke(actor(req, res), param(req), p.data.access)));
    }));

    app.post('/api/v1/admin/users/:id/revoke-sessions', can('users:manage'), handle(async (req, res) => {
      const v = await accounts.revokeSessions(actor(req, res), param(req));
      res.json({ id: param(req), tokenVersion: v });
    }));

    // Tokens for scripts and adapters (`npm run token` records them too): list, mint, revoke one.
    app.get('/api/v1/admin/tokens', can('users:manage'), handle(async (req, res) => {
      const p = TokensQuery.safeParse(req.query);
      if (!p.success) return invalid(res, p.error.issues);
      const all = p.data.all === '1' || p.data.all === 'true';
      res.json({ tokens: (await accounts.listTokens(all)).map(tokenView) });
    }));

    app.post('/api/v1/admin/tokens', can('users:manage'), json, handle(async (req, res) => {
      const p = MintBody.safeParse(req.body);
      if (!p.success) return invalid(res, p.error.issues);
      const { subject, name, agentId, teamIds, ...rest } = p.data;
      knownAgent(agentId);
      const r = await accounts.issueToken(actor(req, res), {
        ...rest,
        ...(subject !== undefined ? { subject } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(agentId !== undefined ? { agentId } : {}),
        ...(teamIds !== undefined ? { teamIds } : {}),
      });
      // The only time the token is shown.
      res.status(201).json({ token: r.token, ...tokenView(r.record) });
    }));

    app.post('/api/v1/admin/tokens/:id/revoke', can('users:manage'), handle(async (req, res) => {
      res.json(tokenView(await accounts.revokeToken(actor(req, res), param(req))));
    }));

    app.get('/api/v1/audit', can('audit:read'), handle(async (req, res) => {
      const p = AuditQuery.safeParse(req.query);
      if (!p.success) return invalid(res, p.error.issues);
      const q = p.data;
      await settled(accounts);
      const rows = await accounts.auditRepo.list({
        siteId: accounts.siteId,
        limit: q.limit,
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.target ? { target: q.target } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.before !== undefined ? { beforeSeq: q.before } : {}),
      });
      res.json({ entries: rows.map(auditDTO), next: rows.length === q.limit ? rows[rows.length - 1]!.seq : null });
    }));

    app.get('/api/v1/audit/verify', can('audit:read'), handle(async (_req, res) => {
      await settled(accounts);
      const [v] = await verifyAuditLog(accounts.database, [accounts.siteId], { redis: accounts.revocations.redis, file: accounts.anchorFile });
      const { check, anchor } = v!;
      // A truncation has the shape of a break: `broken.seq` is the first missing entry.
      if (check.ok && anchor && !anchor.ok) res.json({ ok: false, entries: check.entries, broken: { seq: anchor.missing?.from ?? check.entries, reason: anchor.reason } });
      else res.json({ ...check, ...(anchor?.ok && anchor.sources.length ? { anchoredSeq: anchor.anchoredSeq, anchors: anchor.sources } : {}) });
    }));
  };
}

/**
 * The admin pages (users, grants, revocations, the audit log, script tokens: docs/ACCESS.md): wire types and pure
 * helpers (query strings, diffs; tested in admin.spec.ts). The REST calls are in admin-api.ts.
 */
import type { AdminUserDTO, AuditEntryDTO, IssuedTokenDTO } from '$contracts/records.ts';
import type { AccessKind, Role } from '$contracts/site.ts';

/** Declared once in the contracts (the admin REST's own types). */
export type AdminUser = AdminUserDTO;
export type AuditEntry = AuditEntryDTO;

export type ChainCheck = { ok: true; entries: number; head: string | null } | { ok: false; entries: number; broken: { seq: number; id?: number; reason: string } };

export const ROLES: Role[] = ['admin', 'supervisor', 'team_lead', 'agent', 'qa', 'telephony'];
export const ACCESS: AccessKind[] = ['console', 'phone', 'campaigns'];

/**
 * A user id, token subject or agent id as the hub takes it (`Id` in admin.routes.ts), for an input's
 * `pattern`. Chromium compiles `pattern` with the `v` flag, where a `-` in a class must be escaped: with
 * `[...@-]` the pattern is invalid (a console error, and the browser checks nothing).
 */
export const ID_PATTERN = '[A-Za-z0-9._@\\-]+';

export interface AuditFilters {
  actor: string;
  action: string;
  target: string;
  /** `YYYY-MM-DDTHH:mm` from a datetime-local input (local time), or empty. */
  from: string;
  to: string;
}

/** The query string of `GET /api/v1/audit` for the filters (empty ones left out), and a page. */
export function auditQuery(f: AuditFilters, opts: { limit?: number; before?: number | null } = {}): string {
  const q = new URLSearchParams();
  if (f.actor.trim()) q.set('actor', f.actor.trim());
  if (f.action.trim()) q.set('action', f.action.trim());
  if (f.target.trim()) q.set('target', f.target.trim());
  const ms = (v: string) => (v ? new Date(v).getTime() : NaN);
  if (Number.isFinite(ms(f.from))) q.set('from', String(ms(f.from)));
  if (Number.isFinite(ms(f.to))) q.set('to', String(ms(f.to)));
  q.set('limit', String(opts.limit ?? 100));
  if (opts.before != null) q.set('before', String(opts.before));
  return `/api/v1/audit?${q.toString()}`;
}

/** What changed between an entry's before and after, one line per field (`field: a → b`). */
export function changes(before: unknown, after: unknown): string[] {
  const b = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  const show = (v: unknown) => (v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v));
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).map((k) => (k in b && k in a ? `${k}: ${show(b[k])} → ${show(a[k])}` : k in a ? `${k}: ${show(a[k])}` : `${k}: ${show(b[k])} → –`));
}

/** A token minted for a script or an adapter (the contract's `IssuedTokenDTO`): never the token itself. */
export type IssuedTokenView = IssuedTokenDTO;

/** The answer of `POST /api/v1/admin/tokens`: the only time the token is shown. */
export type MintedToken = IssuedTokenView & { token: string };

export type TokenStatus = 'active' | 'revoked' | 'expired';

/** Revoked wins over expired: a revocation is what someone did, an expiry only what time did. */
export function tokenStatus(t: Pick<IssuedTokenView, 'revokedAt' | 'expiresAt'>, now: number): TokenStatus {
  if (t.revokedAt) return 'revoked';
  return new Date(t.expiresAt).getTime() <= now ? 'expired' : 'active';
}

/** Lifetimes offered by the mint form (the hub takes any `\d+[smhdwy]`). */
export const TOKEN_EXPIRIES = ['7d', '30d', '90d', '1y'] as const;

export interface MintForm {
  role: Role;
  label: string;
  expiresIn: string;
  /** The token's subject; empty: the agent, else the role (the hub decides). */
  subject: string;
  agentId: string;
}

/** The body of `POST /api/v1/admin/tokens` (`MintBody`): trimmed, empty optional fields left out. */
export function mintBody(f: MintForm): { role: Role; label: string; expiresIn: string; subject?: string; agentId?: string } {
  const subject = f.subject.trim();
  const agentId = f.agentId.trim();
  return { role: f.role, label: f.label.trim(), expiresIn: f.expiresIn, ...(subject ? { subject } : {}), ...(agentId ? { agentId } : {}) };
}

/** The list's view of a freshly minted token: the secret is dropped so it lives only in the one-time box. */
export function withoutSecret({ token: _token, ...view }: MintedToken): IssuedTokenView {
  return view;
}

/**
 * The access matrix: which role may do which action, on what scope, with which grant. One table, read
 * by the hub (sockets, commands, REST) and by the admin API, and tested case by case
 * (`access.spec.ts`: every role x action x scope). docs/ACCESS.md prints it.
 */
import { AccessKindSchema, type AccessKind, type CommandName, type Role, type SessionDTO } from '../contracts/index.ts';

export type { AccessKind };
/** What an admin grants and revokes besides the role (`user_access`). */
export const ACCESS_KINDS = AccessKindSchema.options;

/**
 * Where an allowed action applies: `site` anything on the site, `team` agents of the session's teams
 * (a team lead's scopes), `self` the session's own agent.
 */
export type Scope = 'site' | 'team' | 'self';

export const ACTIONS = [
  /** Open the console (Socket.IO `/`, `GET /api/v1/snapshot`). */
  'console:connect',
  /** Agent desk commands on one's own agent: state, offers, hold, end, wrap-up. */
  'desk:use',
  /** Open/close a line, change its priority. */
  'queue:control',
  /** Force an agent's state, move an agent between lines. */
  'agent:control',
  /** `GET /api/v1/metrics`, `GET /api/v1/calls`. */
  'reports:read',
  /** Send telephony events (`POST /api/v1/events`, Socket.IO `/telephony`). */
  'telephony:ingest',
  /** Callers' numbers unmasked in views. */
  'numbers:view',
  /** Campaigns (lists, dialer, surveys): for the campaigns area's routes. */
  'campaigns:use',
  /** Users: list, create, edit, grant, revoke, reset passwords. */
  'users:manage',
  /** Read the audit log. */
  'audit:read',
] as const;
export type Action = (typeof ACTIONS)[number];

export interface ActionRule {
  /** Roles allowed, each with its scope. A role not listed may not. */
  roles: Partial<Record<Role, Scope>>;
  /** The grant the user also needs (when the session carries grants). */
  grant?: AccessKind;
}

export const ACCESS_MATRIX: Record<Action, ActionRule> = {
  'console:connect': { roles: { admin: 'site', supervisor: 'site', team_lead: 'site', agent: 'self', qa: 'site' }, grant: 'console' },
  'desk:use': { roles: { agent: 'self' }, grant: 'phone' },
  'queue:control': { roles: { admin: 'site', supervisor: 'site' }, grant: 'console' },
  'agent:control': { roles: { admin: 'site', supervisor: 'site', team_lead: 'team' }, grant: 'console' },
  'reports:read': { roles: { admin: 'site', supervisor: 'site', team_lead: 'site', qa: 'site' }, grant: 'console' },
  'telephony:ingest': { roles: { telephony: 'site', admin: 'site' }, grant: 'phone' },
  // The phone system connects calls; only an admin (troubleshooting the PBX) reads whole numbers.
  'numbers:view': { roles: { admin: 'site' } },
  'campaigns:use': { roles: { admin: 'site', supervisor: 'site', team_lead: 'team' }, grant: 'campaigns' },
  'users:manage': { roles: { admin: 'site' }, grant: 'console' },
  'audit:read': { roles: { admin: 'site' }, grant: 'console' },
};

/** The action each console command needs. */
export const COMMAND_ACTIONS: Record<CommandName, Action> = {
  'agent:setState': 'desk:use',
  'offer:accept': 'desk:use',
  'offer:decline': 'desk:use',
  'call:hold': 'desk:use',
  'call:end': 'desk:use',
  'wrapup:finish': 'desk:use',
  'queue:setOpen': 'queue:control',
  'queue:setPriority': 'queue:control',
  'queue:remove': 'queue:control',
  'agent:forceState': 'agent:control',
  'agent:move': 'agent:control',
};

/** Grants a new user of each role gets unless the admin says otherwise (and the demo users). */
export const DEFAULT_ACCESS: Record<Role, readonly AccessKind[]> = {
  admin: ['console', 'phone', 'campaigns'],
  supervisor: ['console', 'campaigns'],
  team_lead: ['console', 'campaigns'],
  agent: ['console', 'phone'],
  qa: ['console'],
  telephony: ['phone'],
};

/** A session as the hub sees it: `access` present when the token carries grants (DB accounts). */
export type AccessSession = Pick<SessionDTO, 'userId' | 'role' | 'agentId' | 'teamIds'> & { access?: readonly AccessKind[] };

/** What an action is applied to. Absent: the action as such (a site-wide view, a queue). */
export interface Target {
  /** The agent acted on. */
  agentId?: string;
  /** That agent's team (unknown or none: a team-scoped role may not act on it). */
  teamId?: string;
}

/** Why access is refused, machine-readable (the console words it; see `contracts/command-errors.ts`). */
export type AccessFail =
  | { why: 'role_may_not'; params: { role: string; action: string } }
  | { why: 'no_access_grant'; params: { userId: string; grant: string } }
  | { why: 'not_your_team'; params: { agentId: string } }
  | { why: 'not_you'; params: { agentId: string } };

export type Decision = { ok: true; scope: Scope } | ({ ok: false; reason: string } & AccessFail);

/**
 * May `session` do `action` on `target`? Checks the role, the grant (sessions without `access`, i.e.
 * tokens minted without a database, have their role's defaults) and the scope.
 */
export function authorize(session: AccessSession, action: Action, target: Target = {}): Decision {
  const rule = ACCESS_MATRIX[action];
  const scope = rule.roles[session.role];
  if (!scope) return { ok: false, reason: `role ${session.role} may not ${action}`, why: 'role_may_not', params: { role: session.role, action } };
  if (rule.grant) {
    const access = session.access ?? DEFAULT_ACCESS[session.role];
    if (!access.includes(rule.grant))
      return { ok: false, reason: `${session.userId} has no ${rule.grant} access`, why: 'no_access_grant', params: { userId: session.userId, grant: rule.grant } };
  }
  if (scope === 'team' && target.agentId !== undefined && (target.teamId === undefined || !session.teamIds.includes(target.teamId))) {
    return { ok: false, reason: `agent ${target.agentId} is not in your team`, why: 'not_your_team', params: { agentId: target.agentId } };
  }
  if (scope === 'self' && target.agentId !== undefined && target.agentId !== session.agentId) {
    return { ok: false, reason: `agent ${target.agentId} is not you`, why: 'not_you', params: { agentId: target.agentId } };
  }
  return { ok: true, scope };
}

/** Roles that may do `action` at all (for route guards). */
export function rolesFor(action: Action): Role[] {
  return Object.keys(ACCESS_MATRIX[action].roles) as Role[];
}

/**
 * Who is signed in. The token lives in sessionStorage for the socket client and in the cookie
 * `callboard_token` (path=/, SameSite=Strict) so server-side tools mounted in the hub (Bull Board)
 * can authenticate the browser.
 */
import type { Role } from '$contracts/site.ts';
import type { ApiErrorBody, SessionDTO } from '$contracts/socket.ts';
import { apiErrorOf } from '../api-fail.ts';
import { apiUrl } from '../hub-url.ts';

const KEY = 'callboard.session';
export const COOKIE = 'callboard_token';

/** A refusal keeps the hub's error body (the login page words it with `apiFailText`). */
export type LoginResult = { ok: true; session: SessionDTO } | { ok: false; status: number; message: string; error?: ApiErrorBody };

/** The page each role lands on. */
export function homeOf(role: Role): string {
  switch (role) {
    case 'agent':
      return '/agent';
    case 'team_lead':
      return '/team';
    case 'admin':
    case 'supervisor':
      return '/supervisor';
    case 'qa':
      // Quality assurance reads the boards and the calls behind the numbers; it changes nothing.
      return '/wallboard';
    default:
      return '/login';
  }
}

/** Roles that may open each page (the hub enforces the same on its data). */
export const PAGE_ROLES: Record<string, readonly Role[]> = {
  '/wallboard': ['admin', 'supervisor', 'team_lead', 'qa'],
  '/supervisor': ['admin', 'supervisor', 'qa'],
  '/team': ['admin', 'supervisor', 'team_lead'],
  '/agent': ['agent'],
  '/reports': ['admin', 'supervisor', 'team_lead'],
  '/complaints': ['admin', 'supervisor', 'team_lead', 'agent'],
  // Users, grants and the audit log (docs/ACCESS.md).
  '/admin': ['admin'],
  '/campaigns': ['admin', 'supervisor', 'team_lead'],
  // CX KPIs: whoever reads reports (`reports:read`, QA included); team leads their teams.
  '/cx': ['admin', 'supervisor', 'team_lead', 'qa'],
  // Targets, forecasts, complaint routing: admins and supervisors edit, team leads read.
  '/settings': ['admin', 'supervisor', 'team_lead'],
};

export function mayOpen(role: Role, path: string): boolean {
  const key = Object.keys(PAGE_ROLES).find((p) => path === p || path.startsWith(p + '/'));
  return key === undefined || PAGE_ROLES[key]!.includes(role);
}

class Session {
  token = $state<string | null>(null);
  user = $state.raw<SessionDTO | null>(null);

  constructor() {
    if (typeof window === 'undefined') return;
    try {
      const raw = window.sessionStorage.getItem(KEY);
      if (raw) {
        const v = JSON.parse(raw) as { token: string; session: SessionDTO };
        this.token = v.token;
        this.user = v.session;
      }
    } catch {
      /* nothing stored */
    }
  }

  async login(username: string, password: string): Promise<LoginResult> {
    let res: Response;
    try {
      res = await fetch(apiUrl('/api/v1/auth/login'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    } catch (err) {
      return { ok: false, status: 0, message: (err as Error).message };
    }
    if (!res.ok) {
      const e = await apiErrorOf(res);
      return { ok: false, status: res.status, message: e.message, error: e.body };
    }
    const body = (await res.json()) as { token: string; session: SessionDTO };
    this.token = body.token;
    this.user = body.session;
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify(body));
    } catch {
      /* private mode: the session lasts as long as the page */
    }
    document.cookie = `${COOKIE}=${encodeURIComponent(body.token)}; path=/; SameSite=Strict${location.protocol === 'https:' ? '; Secure' : ''}`;
    return { ok: true, session: body.session };
  }

  logout(): void {
    this.token = null;
    this.user = null;
    try {
      window.sessionStorage.removeItem(KEY);
    } catch {
      /* ignore */
    }
    document.cookie = `${COOKIE}=; path=/; SameSite=Strict; max-age=0`;
  }

  /** Authenticated GET against the hub's REST API. */
  async get<T>(path: string): Promise<T> {
    const res = await fetch(apiUrl(path), { headers: { authorization: `Bearer ${this.token ?? ''}` } });
    if (!res.ok) throw await apiErrorOf(res);
    return (await res.json()) as T;
  }
}

export const session = new Session();

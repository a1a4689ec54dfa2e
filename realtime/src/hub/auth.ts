/**
 * JWT credentials for the console, scripts and telephony adapters. HS256 with a shared secret:
 * `CALLBOARD_JWT_SECRET`, or a fixed development secret (the hub warns when it uses it).
 */
import jwt from 'jsonwebtoken';
import { AccessKindSchema, apiFail, RoleSchema, type ApiFail, type SessionDTO } from '../contracts/index.ts';
import { z } from 'zod';

export const DEV_SECRET = 'callboard-dev-secret-change-me';

export function jwtSecret(env: NodeJS.ProcessEnv = process.env): string {
  return env.CALLBOARD_JWT_SECRET && env.CALLBOARD_JWT_SECRET.length > 0 ? env.CALLBOARD_JWT_SECRET : DEV_SECRET;
}

const Claims = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  role: RoleSchema,
  agentId: z.string().optional(),
  teamIds: z.array(z.string()).default([]),
  access: z.array(AccessKindSchema).optional(),
  /** The user's token version when it was issued (database accounts; see docs/ACCESS.md). */
  ver: z.number().int().min(0).default(0),
  /** The token's id: tokens minted for scripts have one and can be revoked one by one. */
  jti: z.string().min(1).max(128).optional(),
});

/**
 * Signs a session into a token. `tokenVersion`: the account's version at login (a revocation
 * increments it and the hub refuses older tokens).
 * @defaultValue expiresIn '12h'
 */
export function signToken(secret: string, s: SessionDTO, expiresIn: jwt.SignOptions['expiresIn'] = '12h', tokenVersion?: number, jwtid?: string): string {
  return jwt.sign(
    { name: s.name, role: s.role, agentId: s.agentId, teamIds: s.teamIds, access: s.access, ver: tokenVersion },
    secret,
    { subject: s.userId, expiresIn, algorithm: 'HS256', ...(jwtid ? { jwtid } : {}) },
  );
}

/**
 * A refused credential, with its reason (`api-errors.ts`): REST answers it in its error body, Socket.IO
 * in `connect_error`'s `data`. The message is the reason's sentence unless one is given.
 */
export class AuthError extends Error {
  constructor(
    readonly fail: ApiFail,
    message: string = fail.message,
  ) {
    super(message);
  }
}
/** The credential could not be checked now (Redis down): retry, do not sign in again. */
export class AuthUnavailable extends AuthError {}

/** Verifies a token (optionally with a `Bearer ` prefix) and returns its session. */
export function verifyToken(secret: string, token: string | undefined): SessionDTO {
  return verifyCredential(secret, token).session;
}

/** Verifies a token and returns its session and the token version it was issued under (0 when none). */
export function verifyCredential(secret: string, token: string | undefined): { session: SessionDTO; tokenVersion: number; jti?: string } {
  if (!token) throw new AuthError(apiFail('no_credential', {}));
  const raw = token.startsWith('Bearer ') ? token.slice(7) : token;
  let payload: unknown;
  try {
    payload = jwt.verify(raw, secret, { algorithms: ['HS256'] });
  } catch (err) {
    // Expired apart: the console says "your session has expired" rather than "not valid".
    if (err instanceof jwt.TokenExpiredError) throw new AuthError(apiFail('credential_expired', {}));
    throw new AuthError(apiFail('invalid_credential', { detail: (err as Error).message }));
  }
  const c = Claims.safeParse(payload);
  if (!c.success) throw new AuthError(apiFail('invalid_credential', { detail: 'bad claims' }));
  const s: SessionDTO = { userId: c.data.sub, name: c.data.name, role: c.data.role, teamIds: c.data.teamIds };
  if (c.data.agentId) s.agentId = c.data.agentId;
  if (c.data.access) s.access = c.data.access;
  return { session: s, tokenVersion: c.data.ver, ...(c.data.jti ? { jti: c.data.jti } : {}) };
}

/**
 * What the hub needs from the accounts (a database) when it has them: password login, the check that
 * a token was not revoked, the audit trail and revocation notices. Without one the hub logs in the
 * site configuration's users and trusts any valid token until it expires.
 */
export interface AccountsPort {
  /** The user and their token version when the password is right and the account may log in; else null. */
  login(username: string, password: string, from: string | undefined): Promise<{ session: SessionDTO; tokenVersion: number } | null>;
  /** Throws `AuthError` when the token's user was revoked since the token was issued, or the token itself (`jti`). */
  assertCurrent(session: SessionDTO, tokenVersion: number, jti?: string): Promise<void>;
  /** Queues an audit entry (never blocks: written in the background). */
  audit(entry: AuditEntryInput): void;
  /** Calls `fn(userId)` whenever a user's sessions are revoked, on any hub process; `fn(subject, jti)` when one token is. */
  onRevoked(fn: (userId: string, jti?: string) => void): () => void;
}

/** One audit entry as the hub reports it. */
export interface AuditEntryInput {
  actor: Pick<SessionDTO, 'userId' | 'role'> | null;
  action: string;
  /** `ok`, or the refusal's error code. @defaultValue 'ok' */
  outcome?: string;
  targetType?: string;
  targetId?: string;
  /** Client address. */
  from?: string | undefined;
  before?: unknown;
  after?: unknown;
}

/**
 * JWT credentials for the console, scripts and telephony adapters. HS256 with a shared secret:
 * `CALLBOARD_JWT_SECRET`, or a fixed development secret (the hub warns when it uses it).
 */
import jwt from 'jsonwebtoken';
import { RoleSchema, type SessionDTO } from '../contracts/index.ts';
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
});

/** Signs a session into a token. @defaultValue expiresIn '12h' */
export function signToken(secret: string, s: SessionDTO, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
  return jwt.sign(
    { name: s.name, role: s.role, agentId: s.agentId, teamIds: s.teamIds },
    secret,
    { subject: s.userId, expiresIn, algorithm: 'HS256' },
  );
}

export class AuthError extends Error {}

/** Verifies a token (optionally with a `Bearer ` prefix) and returns its session. */
export function verifyToken(secret: string, token: string | undefined): SessionDTO {
  if (!token) throw new AuthError('missing credential');
  const raw = token.startsWith('Bearer ') ? token.slice(7) : token;
  let payload: unknown;
  try {
    payload = jwt.verify(raw, secret, { algorithms: ['HS256'] });
  } catch (err) {
    throw new AuthError(`invalid credential: ${(err as Error).message}`);
  }
  const c = Claims.safeParse(payload);
  if (!c.success) throw new AuthError('invalid credential: bad claims');
  const s: SessionDTO = { userId: c.data.sub, name: c.data.name, role: c.data.role, teamIds: c.data.teamIds };
  if (c.data.agentId) s.agentId = c.data.agentId;
  return s;
}

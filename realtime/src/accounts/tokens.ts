/**
 * Tokens minted for scripts and adapters (`npm run token`, `POST /api/v1/admin/tokens`): each carries a
 * `jti` and is recorded in `issued_tokens` (who it is for, the role, when, a label, who minted it; never
 * the token), so an admin can list them and revoke one. Minting is audited (`token:issue`).
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { and, desc, eq, gt, isNotNull, sql } from 'drizzle-orm';
import { RoleSchema, type IssuedTokenDTO, type Role, type SessionDTO } from '../contracts/index.ts';
import { signToken } from '../hub/auth.ts';
import type { Database, Db } from '../storage/database.ts';
import { issuedTokens } from '../storage/schema.accounts.ts';
import type { AuditDraft } from './audit.repository.ts';

export interface MintInput {
  role: Role;
  /** The token's subject. @defaultValue the agent, else the role */
  subject?: string;
  name?: string;
  agentId?: string;
  teamIds?: string[];
  label?: string;
  /** Seconds, or a duration such as `30d`, `12h`. @defaultValue '30d' */
  expiresIn?: string | number;
}

export interface IssuedToken {
  jti: string;
  subject: string;
  name: string;
  role: Role;
  agentId: string | null;
  teamIds: string[];
  label: string;
  issuedBy: string;
  issuedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_557_600 };

/** `30d`, `12h`, `90m`, `3600` (seconds) -> seconds. */
export function durationSec(v: string | number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)\s*([smhdwy]?)$/.exec(v.trim());
  if (!m) throw new Error(`bad duration ${JSON.stringify(v)}: use e.g. 3600, 90m, 12h, 30d`);
  return Number(m[1]) * UNITS[m[2] || 's']!;
}

/** Who runs `npm run token` (the OS user), for the record. */
export const cliIssuer = (): string => {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
};

/**
 * Signs a token with a fresh `jti` and records it in the same transaction as its audit entry draft
 * (the caller writes the draft: through the audit trail in the hub, straight to the chain from the CLI).
 */
export async function mintToken(
  db: Db,
  siteId: string,
  secret: string,
  input: MintInput,
  issuedBy: string,
): Promise<{ token: string; record: IssuedToken; audit: Omit<AuditDraft, 'siteId' | 'at'> }> {
  const role = RoleSchema.parse(input.role);
  const subject = input.subject ?? input.agentId ?? role;
  const sec = durationSec(input.expiresIn ?? '30d');
  if (sec <= 0) throw new Error('the token must expire in the future');
  const jti = randomUUID();
  const issuedAt = new Date();
  const expiresAt = new Date(issuedAt.getTime() + sec * 1000);
  const session: SessionDTO = { userId: subject, name: input.name ?? subject, role, teamIds: input.teamIds ?? [] };
  if (input.agentId) session.agentId = input.agentId;
  const token = signToken(secret, session, sec, undefined, jti);
  const record: IssuedToken = {
    jti,
    subject,
    name: session.name,
    role,
    agentId: input.agentId ?? null,
    teamIds: session.teamIds,
    label: input.label ?? '',
    issuedBy,
    issuedAt,
    expiresAt,
    revokedAt: null,
    revokedBy: null,
  };
  await db.insert(issuedTokens).values({ siteId, ...record });
  return {
    token,
    record,
    audit: {
      actorUserId: issuedBy,
      actorRole: null,
      action: 'token:issue',
      outcome: 'ok',
      targetType: 'token',
      targetId: jti,
      fromAddress: null,
      before: null,
      after: tokenView(record),
    },
  };
}

/** The audit and REST view of a token record (never the token). */
export function tokenView(r: IssuedToken): IssuedTokenDTO {
  return {
    jti: r.jti,
    subject: r.subject,
    name: r.name,
    role: r.role,
    agentId: r.agentId,
    teamIds: r.teamIds,
    label: r.label,
    issuedBy: r.issuedBy,
    issuedAt: r.issuedAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
    revokedBy: r.revokedBy,
  };
}

/** Thin I/O over `issued_tokens`. */
export class TokensRepository {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  /** Newest first; expired ones only with `all`. */
  async list(siteId: string, all = false): Promise<IssuedToken[]> {
    const rows = await this.database.db
      .select()
      .from(issuedTokens)
      .where(and(eq(issuedTokens.siteId, siteId), all ? sql`true` : gt(issuedTokens.expiresAt, new Date())))
      .orderBy(desc(issuedTokens.issuedAt));
    return rows.map(toIssued);
  }

  async find(siteId: string, jti: string): Promise<IssuedToken | undefined> {
    const rows = await this.database.db.select().from(issuedTokens).where(and(eq(issuedTokens.siteId, siteId), eq(issuedTokens.jti, jti)));
    return rows[0] ? toIssued(rows[0]) : undefined;
  }

  /** Marks it revoked (the first revocation's time and actor stay). @returns the record, undefined when unknown */
  async revoke(siteId: string, jti: string, by: string): Promise<IssuedToken | undefined> {
    await this.database.db
      .update(issuedTokens)
      .set({ revokedAt: new Date(), revokedBy: by })
      .where(and(eq(issuedTokens.siteId, siteId), eq(issuedTokens.jti, jti), sql`${issuedTokens.revokedAt} is null`));
    return this.find(siteId, jti);
  }

  /** Revoked tokens that have not expired yet (to restore the hubs' Redis marks at start). */
  async revokedLive(siteId: string): Promise<IssuedToken[]> {
    const rows = await this.database.db
      .select()
      .from(issuedTokens)
      .where(and(eq(issuedTokens.siteId, siteId), isNotNull(issuedTokens.revokedAt), gt(issuedTokens.expiresAt, new Date())));
    return rows.map(toIssued);
  }
}

function toIssued(r: typeof issuedTokens.$inferSelect): IssuedToken {
  return {
    jti: r.jti,
    subject: r.subject,
    name: r.name,
    role: r.role as Role,
    agentId: r.agentId,
    teamIds: r.teamIds,
    label: r.label,
    issuedBy: r.issuedBy,
    issuedAt: r.issuedAt,
    expiresAt: r.expiresAt,
    revokedAt: r.revokedAt,
    revokedBy: r.revokedBy,
  };
}

/**
 * Accounts and access (issue 3): what each user may use besides their role. The users themselves and
 * the audit log are in `schema.ts` (`users`, `audit_log`). See docs/ACCESS.md.
 */
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { pgTable } from 'drizzle-orm/pg-core';
import { users } from './schema.ts';

/** What an admin grants and revokes: the console, the phone system (taking or sending calls), campaigns. */
export const ACCESS_KINDS = ['console', 'phone', 'campaigns'] as const;

export const userAccess = pgTable(
  'user_access',
  {
    siteId: text('site_id').notNull(),
    userId: text('user_id').notNull(),
    access: text('access').notNull(),
    grantedBy: text('granted_by'),
    grantedAt: timestamp('granted_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.userId, t.access] }),
    foreignKey({ columns: [t.siteId, t.userId], foreignColumns: [users.siteId, users.id], name: 'user_access_user_fk' }).onDelete('cascade'),
    check('user_access_kind', sql.raw(`access in (${ACCESS_KINDS.map((a) => `'${a}'`).join(', ')})`)),
  ],
);

/**
 * Tokens minted for scripts and adapters (`npm run token`, `POST /api/v1/admin/tokens`): one row per
 * token, keyed by its `jti`, so an admin can list them and revoke one without touching the others. The
 * token itself is never stored.
 */
export const issuedTokens = pgTable(
  'issued_tokens',
  {
    siteId: text('site_id').notNull(),
    jti: text('jti').notNull(),
    /** The token's subject (`sub`): a user id or a service name such as `pbx1`. */
    subject: text('subject').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    agentId: text('agent_id'),
    teamIds: text('team_ids').array().notNull().default(sql`'{}'::text[]`),
    /** What it is for ("PBX adapter, building A"). */
    label: text('label').notNull().default(''),
    /** Who minted it: an admin's user id, or `cli:<os user>` for `npm run token`. */
    issuedBy: text('issued_by').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3, mode: 'date' }),
    revokedBy: text('revoked_by'),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.jti] }), index('issued_tokens_site_issued').on(t.siteId, t.issuedAt)],
);

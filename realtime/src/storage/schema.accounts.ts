/**
 * Accounts and access (issue 3): what each user may use besides their role. The users themselves and
 * the audit log are in `schema.ts` (`users`, `audit_log`). See docs/ACCESS.md.
 */
import { sql } from 'drizzle-orm';
import { check, foreignKey, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
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

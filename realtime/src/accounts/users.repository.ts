/** Users and their grants in the database: thin I/O, no rules (those are in accounts.service.ts). */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AccessKind, Role } from '../contracts/index.ts';
import type { Db } from '../storage/database.ts';
import { userAccess } from '../storage/schema.accounts.ts';
import { sites, users } from '../storage/schema.ts';

export interface UserRecord {
  siteId: string;
  id: string;
  name: string;
  role: Role;
  agentId: string | null;
  teamIds: string[];
  access: AccessKind[];
  disabledAt: Date | null;
  tokenVersion: number;
  hasPassword: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  id: string;
  name: string;
  role: Role;
  agentId?: string | null;
  teamIds?: string[];
  passwordHash?: string | null;
  access: readonly AccessKind[];
}

export type UserPatch = Partial<{ name: string; role: Role; agentId: string | null; teamIds: string[]; passwordHash: string; disabledAt: Date | null }>;

const columns = {
  siteId: users.siteId,
  id: users.id,
  name: users.name,
  role: users.role,
  agentId: users.agentId,
  teamIds: users.teamIds,
  disabledAt: users.disabledAt,
  tokenVersion: users.tokenVersion,
  passwordHash: users.passwordHash,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

/** Over a drizzle handle: the database's, or a transaction's (`database.transaction((tx) => ... new UsersRepository(tx))`). */
export class UsersRepository {
  constructor(private readonly db: Db) {}

  /** The user with their password hash (for login) or undefined. */
  async find(siteId: string, id: string): Promise<(UserRecord & { passwordHash: string | null }) | undefined> {
    const rows = await this.db.select(columns).from(users).where(and(eq(users.siteId, siteId), eq(users.id, id)));
    const r = rows[0];
    if (!r) return undefined;
    const access = await this.accessOf(siteId, [id]);
    return { ...toRecord(r, access.get(id) ?? []), passwordHash: r.passwordHash };
  }

  async list(siteId: string): Promise<UserRecord[]> {
    const rows = await this.db.select(columns).from(users).where(eq(users.siteId, siteId)).orderBy(asc(users.id));
    const access = await this.accessOf(siteId);
    return rows.map((r) => toRecord(r, access.get(r.id) ?? []));
  }

  private async accessOf(siteId: string, ids?: string[]): Promise<Map<string, AccessKind[]>> {
    const where = ids ? and(eq(userAccess.siteId, siteId), inArray(userAccess.userId, ids)) : eq(userAccess.siteId, siteId);
    const rows = await this.db.select({ userId: userAccess.userId, access: userAccess.access }).from(userAccess).where(where).orderBy(asc(userAccess.access));
    const m = new Map<string, AccessKind[]>();
    for (const r of rows) m.set(r.userId, [...(m.get(r.userId) ?? []), r.access as AccessKind]);
    return m;
  }

  /** Inserts a user; false when the id is taken. */
  async insert(siteId: string, u: NewUser, grantedBy: string | null): Promise<boolean> {
    const r = await this.db
      .insert(users)
      .values({ siteId, id: u.id, name: u.name, role: u.role, agentId: u.agentId ?? null, teamIds: u.teamIds ?? [], passwordHash: u.passwordHash ?? null })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (r.length === 0) return false;
    await this.setAccess(siteId, u.id, u.access, grantedBy);
    return true;
  }

  async update(siteId: string, id: string, patch: UserPatch): Promise<boolean> {
    const r = await this.db
      .update(users)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(users.siteId, siteId), eq(users.id, id)))
      .returning({ id: users.id });
    return r.length > 0;
  }

  async remove(siteId: string, id: string): Promise<boolean> {
    const r = await this.db.delete(users).where(and(eq(users.siteId, siteId), eq(users.id, id))).returning({ id: users.id });
    return r.length > 0;
  }

  /** Replaces the user's grants with `access`. */
  async setAccess(siteId: string, userId: string, access: readonly AccessKind[], grantedBy: string | null): Promise<void> {
    await this.db.delete(userAccess).where(and(eq(userAccess.siteId, siteId), eq(userAccess.userId, userId), access.length ? sql`${userAccess.access} <> all(${sql.param([...access])}::text[])` : sql`true`));
    if (access.length) {
      await this.db
        .insert(userAccess)
        .values(access.map((a) => ({ siteId, userId, access: a, grantedBy })))
        .onConflictDoNothing();
    }
  }

  /** Increments the user's token version and returns the new one (undefined: no such user). */
  async bumpTokenVersion(siteId: string, id: string): Promise<number | undefined> {
    const r = await this.db
      .update(users)
      .set({ tokenVersion: sql`${users.tokenVersion} + 1`, updatedAt: new Date() })
      .where(and(eq(users.siteId, siteId), eq(users.id, id)))
      .returning({ v: users.tokenVersion });
    return r[0]?.v;
  }

  /** Every user's token version above 0 (to restore the hubs' revocation keys). */
  async tokenVersions(siteId: string): Promise<Map<string, number>> {
    const rows = await this.db
      .select({ id: users.id, v: users.tokenVersion })
      .from(users)
      .where(and(eq(users.siteId, siteId), sql`${users.tokenVersion} > 0`));
    return new Map(rows.map((r) => [r.id, r.v]));
  }

  /** The site's row (users reference it); left as it is when present. */
  async ensureSite(site: { id: string; name: string; timeZone: string; locale: string; intervalMin: number }): Promise<void> {
    await this.db.insert(sites).values(site).onConflictDoNothing();
  }

  /**
   * Seeds users: inserts missing ones; users without a password yet (rows the record writer synced from
   * the configuration) get the hash and their grants. Users that have a password are left alone.
   * @returns the ids seeded
   */
  async seed(siteId: string, list: NewUser[]): Promise<string[]> {
    const seeded: string[] = [];
    for (const u of list) {
      const inserted = await this.insert(siteId, u, null);
      if (inserted) {
        seeded.push(u.id);
        continue;
      }
      const r = await this.db
        .update(users)
        .set({ passwordHash: u.passwordHash ?? null, updatedAt: new Date() })
        .where(and(eq(users.siteId, siteId), eq(users.id, u.id), isNull(users.passwordHash)))
        .returning({ id: users.id });
      if (r.length) {
        await this.setAccess(siteId, u.id, u.access, null);
        seeded.push(u.id);
      }
    }
    return seeded;
  }

  /** Ids of the site's users that have no password yet (or do not exist) among `ids`. */
  async withoutPassword(siteId: string, ids: string[]): Promise<Set<string>> {
    const rows = await this.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.siteId, siteId), inArray(users.id, ids), sql`${users.passwordHash} is not null`));
    const have = new Set(rows.map((r) => r.id));
    return new Set(ids.filter((id) => !have.has(id)));
  }
}

function toRecord(r: { siteId: string; id: string; name: string; role: string; agentId: string | null; teamIds: string[]; disabledAt: Date | null; tokenVersion: number; passwordHash: string | null; createdAt: Date; updatedAt: Date }, access: AccessKind[]): UserRecord {
  return {
    siteId: r.siteId,
    id: r.id,
    name: r.name,
    role: r.role as Role,
    agentId: r.agentId,
    teamIds: r.teamIds,
    access,
    disabledAt: r.disabledAt,
    tokenVersion: r.tokenVersion,
    hasPassword: r.passwordHash !== null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** The audit log table: appends under the site's chain lock, filtered reads, the chain in order. */
import { and, asc, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../storage/database.ts';
import { auditLog, sites } from '../storage/schema.ts';
import { entryHash, type ChainEntry } from './audit-chain.ts';

/** An entry before it joins the chain. */
export type AuditDraft = Omit<ChainEntry, 'seq' | 'prevHash'>;
export type AuditRow = ChainEntry & { id: number; hash: string };

export interface AuditFilter {
  siteId: string;
  actor?: string;
  action?: string;
  /** The target's id (a user, a queue, an agent). */
  target?: string;
  from?: Date;
  to?: Date;
  /** Entries with a lower seq (paging backwards). */
  beforeSeq?: number;
  /** @defaultValue 100 */
  limit?: number;
}

export class AuditRepository {
  constructor(private readonly database: Database) {}

  /**
   * Appends entries (one site) to the chain in one transaction. The site's advisory lock makes
   * concurrent writers (several hub processes on one server) take turns, so the chain never forks.
   * @returns the chain's new head
   */
  async append(siteId: string, drafts: AuditDraft[]): Promise<{ seq: number; hash: string | null }> {
    return this.database.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'callboard-audit:' + siteId}))`);
      const last = await tx
        .select({ seq: auditLog.seq, hash: auditLog.hash })
        .from(auditLog)
        .where(eq(auditLog.siteId, siteId))
        .orderBy(desc(auditLog.seq))
        .limit(1);
      let seq = last[0]?.seq ?? 0;
      let prevHash: string | null = last[0]?.hash ?? null;
      const rows = drafts.map((d) => {
        const e: ChainEntry = { ...d, siteId, seq: ++seq, prevHash };
        const hash = entryHash(e);
        prevHash = hash;
        return { ...e, before: e.before ?? null, after: e.after ?? null, hash };
      });
      for (let i = 0; i < rows.length; i += 500) await tx.insert(auditLog).values(rows.slice(i, i + 500));
      return { seq, hash: prevHash };
    });
  }

  /** Newest first. */
  async list(f: AuditFilter): Promise<AuditRow[]> {
    const where: SQL[] = [eq(auditLog.siteId, f.siteId)];
    if (f.actor) where.push(eq(auditLog.actorUserId, f.actor));
    if (f.action) where.push(f.action.endsWith('*') ? sql`${auditLog.action} like ${f.action.slice(0, -1).replace(/[%_\\]/g, '\\$&') + '%'}` : eq(auditLog.action, f.action));
    if (f.target) where.push(eq(auditLog.targetId, f.target));
    if (f.from) where.push(gte(auditLog.at, f.from));
    if (f.to) where.push(lte(auditLog.at, f.to));
    if (f.beforeSeq !== undefined) where.push(lt(auditLog.seq, f.beforeSeq));
    const rows = await this.database.db
      .select()
      .from(auditLog)
      .where(and(...where))
      .orderBy(desc(auditLog.seq))
      .limit(f.limit ?? 100);
    return rows.map(toRow);
  }

  /** The site's chain in order, in pages (for verification). */
  async *chain(siteId: string, pageSize = 5000): AsyncGenerator<AuditRow> {
    let after = 0;
    for (;;) {
      const rows = await this.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.siteId, siteId), sql`${auditLog.seq} > ${after}`))
        .orderBy(asc(auditLog.seq))
        .limit(pageSize);
      for (const r of rows) yield toRow(r);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  /** The site's newest entry (the chain head), or undefined when it has none. */
  async head(siteId: string): Promise<{ seq: number; hash: string } | undefined> {
    const r = await this.database.db
      .select({ seq: auditLog.seq, hash: auditLog.hash })
      .from(auditLog)
      .where(eq(auditLog.siteId, siteId))
      .orderBy(desc(auditLog.seq))
      .limit(1);
    return r[0];
  }

  /** Every site of the database (the `sites` table). */
  async knownSites(): Promise<string[]> {
    const rows = await this.database.db.select({ id: sites.id }).from(sites).orderBy(asc(sites.id));
    return rows.map((r) => r.id);
  }

  async sites(): Promise<string[]> {
    const rows = await this.database.db.selectDistinct({ siteId: auditLog.siteId }).from(auditLog).orderBy(asc(auditLog.siteId));
    return rows.map((r) => r.siteId);
  }
}

function toRow(r: typeof auditLog.$inferSelect): AuditRow {
  return {
    id: r.id,
    siteId: r.siteId,
    seq: r.seq,
    at: r.at,
    actorUserId: r.actorUserId,
    actorRole: r.actorRole,
    action: r.action,
    outcome: r.outcome,
    targetType: r.targetType,
    targetId: r.targetId,
    fromAddress: r.fromAddress,
    before: r.before,
    after: r.after,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

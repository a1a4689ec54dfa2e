/**
 * Thin I/O over the tables the record writer and the importer fill. Every write is an upsert keyed
 * by the rows' natural ids, and an update that would change nothing is skipped (`setWhere ... is
 * distinct from`), so writing the same batch twice leaves the database exactly as it was.
 */
import { and, eq, getTableColumns, getTableName, inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { SiteConfig } from '../contracts/index.ts';
import { rowsOf, type Database, type Db } from './database.ts';
import type { ParamsVersion } from '../core/state.ts';
import type { AgentStateRecord, CallRecord, IntervalAggregateRecord } from './records.ts';
import { metricParamVersions } from './schema.reports.ts';
import {
  agents,
  agentSkills,
  agentStateHistory,
  calls,
  importRuns,
  intervalAggregates,
  queues,
  sites,
  streamPositions,
  teams,
  users,
} from './schema.ts';

/** What an upsert did. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface StreamPosition {
  lastId: string;
  entries: number;
  events: number;
}

/** The site row of a data set that has no site configuration of its own. */
export interface SiteRow {
  id: string;
  name: string;
  timeZone: string;
  locale?: string;
  intervalMin?: number;
}

export const zeroCounts = (): UpsertCounts => ({ inserted: 0, updated: 0, unchanged: 0 });

export function addCounts(into: UpsertCounts, c: UpsertCounts): UpsertCounts {
  into.inserted += c.inserted;
  into.updated += c.updated;
  into.unchanged += c.unchanged;
  return into;
}

/** Rows per statement. */
const CHUNK = 5000;

/**
 * `insert ... select from json_populate_recordset($1) on conflict (key) do update set <every other
 * column> = excluded.<column> where (<those columns>) is distinct from (excluded.<those columns>)`,
 * in chunks. The rows travel as one JSON parameter per statement: PostgreSQL parses it natively, which
 * is 3-4x faster than a statement with one parameter per value (~35 per call row), most of all on
 * PGlite. Rows must be unique by key within one call and carry every column (no defaults apply).
 */
async function upsertRows<T extends PgTable>(
  db: Db,
  table: T,
  rows: readonly T['$inferInsert'][],
  key: readonly PgColumn[],
): Promise<UpsertCounts> {
  const counts = zeroCounts();
  if (rows.length === 0) return counts;
  const columns = Object.entries(getTableColumns(table)) as [string, PgColumn][];
  const keyNames = new Set(key.map((c) => c.name));
  const rest = columns.filter(([, c]) => !keyNames.has(c.name));
  const q = (name: string) => `"${name}"`;
  const tableName = getTableName(table);
  const all = columns.map(([, c]) => q(c.name)).join(', ');
  const head = sql.raw(
    `insert into ${q(tableName)} (${all}) select ${all} from json_populate_recordset(null::${q(tableName)}, `,
  );
  const tail = sql.raw(
    `::json) on conflict (${key.map((c) => q(c.name)).join(', ')}) do update set ` +
      rest.map(([, c]) => `${q(c.name)} = excluded.${q(c.name)}`).join(', ') +
      ` where (${rest.map(([, c]) => `${q(tableName)}.${q(c.name)}`).join(', ')}) is distinct from (${rest
        .map(([, c]) => `excluded.${q(c.name)}`)
        .join(', ')})` +
      // xmax = 0 on a row version this statement inserted; an updated one has our transaction id there.
      ` returning (xmax = 0) as inserted`,
  );
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const json = part.map((row) => {
      const o: Record<string, unknown> = {};
      for (const [prop, col] of columns) o[col.name] = (row as Record<string, unknown>)[prop] ?? null;
      return o;
    });
    const changed = rowsOf<{ inserted: boolean }>(await db.execute(sql`${head}${JSON.stringify(json)}${tail}`));
    let inserted = 0;
    for (const r of changed) if (r.inserted) inserted++;
    counts.inserted += inserted;
    counts.updated += changed.length - inserted;
    counts.unchanged += part.length - changed.length;
  }
  return counts;
}

/** Ensures rows exist for ids seen in events (named after their id; never overwrites a name). */
async function ensureDimensions(db: Db, siteId: string, queueIds: Iterable<string>, agentIds: Iterable<string>): Promise<void> {
  const qs = [...new Set(queueIds)].map((id) => ({ siteId, id, name: id }));
  if (qs.length) await db.insert(queues).values(qs).onConflictDoNothing();
  const as = [...new Set(agentIds)].map((id) => ({ siteId, id, name: id }));
  if (as.length) await db.insert(agents).values(as).onConflictDoNothing();
}

export class RecordsRepository {
  /** @param database the handle; its `db` is read on every call, so a `reopen()` is picked up. */
  constructor(private readonly database: Pick<Database, 'db' | 'transaction'>) {}

  private get db(): Db {
    return this.database.db;
  }

  upsertCalls(rows: readonly CallRecord[], db: Db = this.db): Promise<UpsertCounts> {
    return upsertRows(db, calls, rows, [calls.siteId, calls.id]);
  }

  upsertAgentStates(rows: readonly AgentStateRecord[], db: Db = this.db): Promise<UpsertCounts> {
    return upsertRows(db, agentStateHistory, rows, [agentStateHistory.siteId, agentStateHistory.agentId, agentStateHistory.fromAt]);
  }

  /**
   * Upserts metric-engine buckets (`interval_aggregates`): a row carries the bucket's whole latest
   * counters, so writing it twice changes nothing and a later write of the same bucket replaces it.
   * `updated_at` moves only when the counters or the staffed agents changed.
   */
  async upsertAggregates(rows: readonly IntervalAggregateRecord[], db: Db = this.db): Promise<UpsertCounts> {
    const counts = zeroCounts();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      const json = JSON.stringify(
        part.map((r) => ({
          site_id: r.siteId,
          scope: r.scope,
          scope_id: r.scopeId ?? '',
          interval_start: r.intervalStart,
          interval_min: r.intervalMin,
          counters: r.counters,
          staffed: r.staffed,
        })),
      );
      const changed = rowsOf<{ inserted: boolean }>(
        await db.execute(sql`insert into interval_aggregates (site_id, scope, scope_id, interval_start, interval_min, counters, staffed)
          select site_id, scope, scope_id, interval_start, interval_min, counters, staffed
          from json_populate_recordset(null::interval_aggregates, ${json}::json)
          on conflict (site_id, scope, scope_id, interval_min, interval_start) do update
            set counters = excluded.counters, staffed = excluded.staffed, updated_at = now()
            where (interval_aggregates.counters, interval_aggregates.staffed) is distinct from (excluded.counters, excluded.staffed)
          returning (xmax = 0) as inserted`),
      );
      let inserted = 0;
      for (const r of changed) if (r.inserted) inserted++;
      counts.inserted += inserted;
      counts.updated += changed.length - inserted;
      counts.unchanged += part.length - changed.length;
    }
    return counts;
  }

  /** Adds the site row if it is missing (a data set's site; the live site comes from `syncSite`). */
  async ensureSite(site: SiteRow, db: Db = this.db): Promise<void> {
    await db
      .insert(sites)
      .values({ id: site.id, name: site.name, timeZone: site.timeZone, locale: site.locale ?? 'en', intervalMin: site.intervalMin ?? 15 })
      .onConflictDoNothing();
  }

  /**
   * Writes one derived batch in one transaction: missing queue/agent rows, calls, state history and,
   * when given, the stream position the batch ends at. All or nothing, so a position is never ahead
   * of the rows.
   */
  async writeBatch(
    siteId: string,
    batch: {
      calls: readonly CallRecord[];
      agentStates: readonly AgentStateRecord[];
      aggregates?: readonly IntervalAggregateRecord[];
      queueIds?: Iterable<string>;
      agentIds?: Iterable<string>;
      paramVersions?: readonly ParamsVersion[];
    },
    position?: { streamKey: string; lastId: string; entries: number; events: number },
    /** More writes in the same transaction (complaint intake from the calls), so they commit with the rows. */
    also?: (db: Db) => Promise<unknown>,
  ): Promise<{ calls: UpsertCounts; agentStates: UpsertCounts; aggregates: UpsertCounts }> {
    return this.database.transaction(async (db) => {
      await ensureDimensions(db, siteId, batch.queueIds ?? [], batch.agentIds ?? []);
      const c = await this.upsertCalls(batch.calls, db);
      const a = await this.upsertAgentStates(batch.agentStates, db);
      const g = await this.upsertAggregates(batch.aggregates ?? [], db);
      if (batch.paramVersions?.length) {
        await db
          .insert(metricParamVersions)
          .values(batch.paramVersions.map((v) => ({ siteId, at: new Date(v.at), site: v.site, queues: v.queues })))
          .onConflictDoNothing();
      }
      if (also) await also(db);
      if (position) {
        const row = { streamKey: position.streamKey, siteId, lastId: position.lastId, entries: position.entries, events: position.events };
        await db
          .insert(streamPositions)
          .values(row)
          .onConflictDoUpdate({
            target: streamPositions.streamKey,
            set: { lastId: row.lastId, entries: row.entries, events: row.events, updatedAt: sql`now()` },
          });
      }
      return { calls: c, agentStates: a, aggregates: g };
    });
  }

  async getPosition(streamKey: string): Promise<StreamPosition | undefined> {
    const r = await this.db
      .select({ lastId: streamPositions.lastId, entries: streamPositions.entries, events: streamPositions.events })
      .from(streamPositions)
      .where(eq(streamPositions.streamKey, streamKey));
    return r[0];
  }

  /**
   * Writes the site configuration (site, queues, teams, agents and their skills, users) so reports
   * can name things. Upserts: rows of the configuration are updated, other rows are left alone.
   * Users are only added when absent (admins edit them afterwards; a restart keeps their changes).
   * Demo passwords are never stored (`password_hash` stays as it is).
   */
  async syncSite(config: SiteConfig): Promise<void> {
    await this.database.transaction(async (db) => {
      const site = { id: config.id, name: config.name, timeZone: config.timeZone, locale: config.locale, intervalMin: config.intervalMin, params: { ...config.params } };
      await db
        .insert(sites)
        .values(site)
        .onConflictDoUpdate({ target: sites.id, set: { name: site.name, timeZone: site.timeZone, locale: site.locale, intervalMin: site.intervalMin, params: site.params } });
      if (config.queues.length) {
        const rows = config.queues.map((q) => ({
          siteId: config.id,
          id: q.id,
          name: q.name,
          nameVi: q.nameVi ?? null,
          direction: q.direction,
          priority: q.priority,
          routing: q.routing,
          wrapupSec: q.wrapupSec,
          skills: q.skills,
          params: { ...q.params },
        }));
        await db
          .insert(queues)
          .values(rows)
          .onConflictDoUpdate({
            target: [queues.siteId, queues.id],
            set: {
              name: sql.raw('excluded.name'),
              nameVi: sql.raw('excluded.name_vi'),
              direction: sql.raw('excluded.direction'),
              priority: sql.raw('excluded.priority'),
              routing: sql.raw('excluded.routing'),
              wrapupSec: sql.raw('excluded.wrapup_sec'),
              skills: sql.raw('excluded.skills'),
              params: sql.raw('excluded.params'),
            },
          });
      }
      if (config.teams.length) {
        await db
          .insert(teams)
          .values(config.teams.map((t) => ({ siteId: config.id, id: t.id, name: t.name, leadUserId: t.leadUserId ?? null })))
          .onConflictDoUpdate({ target: [teams.siteId, teams.id], set: { name: sql.raw('excluded.name'), leadUserId: sql.raw('excluded.lead_user_id') } });
      }
      if (config.agents.length) {
        await db
          .insert(agents)
          .values(config.agents.map((a) => ({ siteId: config.id, id: a.id, name: a.name, teamId: a.teamId ?? null, queues: [...a.queues] })))
          .onConflictDoUpdate({
            target: [agents.siteId, agents.id],
            set: { name: sql.raw('excluded.name'), teamId: sql.raw('excluded.team_id'), queues: sql.raw('excluded.queues') },
          });
        const ids = config.agents.map((a) => a.id);
        await db.delete(agentSkills).where(and(eq(agentSkills.siteId, config.id), inArray(agentSkills.agentId, ids)));
        const skills = config.agents.flatMap((a) => Object.entries(a.skills).map(([skill, level]) => ({ siteId: config.id, agentId: a.id, skill, level })));
        if (skills.length) await db.insert(agentSkills).values(skills);
      }
      if (config.users.length) {
        // Users are seeded, never re-applied: once a user exists, the database is the truth (an admin
        // may have changed their role, teams or name through the admin API; a restart must not undo it).
        await db
          .insert(users)
          .values(config.users.map((u) => ({ siteId: config.id, id: u.id, name: u.name, role: u.role, agentId: u.agentId ?? null, teamIds: [...u.teamIds] })))
          .onConflictDoNothing({ target: [users.siteId, users.id] });
      }
    });
  }

  // ------------------------------------------------------------------------------ import runs

  async startImportRun(run: { siteId: string; format: string; path: string; fileSha256: string; fileBytes: number }): Promise<number> {
    const r = await this.db.insert(importRuns).values(run).returning({ id: importRuns.id });
    return r[0]!.id;
  }

  async finishImportRun(
    id: number,
    result: {
      status: 'done' | 'failed';
      rowsRead: number;
      rowsImported: number;
      rowsSkipped: number;
      skipped: Record<string, number>;
      quirks: Record<string, number>;
      calls: UpsertCounts;
      stateRows: number;
      error?: string;
    },
  ): Promise<void> {
    await this.db
      .update(importRuns)
      .set({
        status: result.status,
        finishedAt: sql`now()`,
        rowsRead: result.rowsRead,
        rowsImported: result.rowsImported,
        rowsSkipped: result.rowsSkipped,
        skipped: result.skipped,
        quirks: result.quirks,
        callsInserted: result.calls.inserted,
        callsUpdated: result.calls.updated,
        callsUnchanged: result.calls.unchanged,
        stateRows: result.stateRows,
        error: result.error ?? null,
      })
      .where(eq(importRuns.id, id));
  }
}

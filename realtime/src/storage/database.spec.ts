import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { asc, eq, getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../contracts/index.ts';
import { ev, ready, siteInput, t } from '../core/testing.ts';
import { listTables, openDatabase, rowsOf, safeErrorMessage, type Database } from './database.ts';
import { createRecordState, recordsFromEvents } from './records.ts';
import { RecordsRepository } from './records.repository.ts';
import { agents, agentSkills, agentStateHistory, calls, queues, sites, users } from './schema.ts';
import { testBackends, type TestDatabase } from './testing.ts';

/** Every table the schema files declare (schema.ts and each area's schema.*.ts), sorted. */
const TABLES = await (async () => {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir).filter((f) => /^schema(\.[\w-]+)?\.ts$/.test(f));
  const names = new Set<string>();
  for (const f of files) {
    const mod = (await import(`./${f}`)) as Record<string, unknown>;
    for (const v of Object.values(mod)) if (is(v, PgTable)) names.add(getTableName(v));
  }
  return [...names].sort();
})();

async function migrationsApplied(db: Database): Promise<number> {
  const r = await db.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return rowsOf<{ n: number }>(r)[0]!.n;
}

describe.each(testBackends())('database on $name', (backend) => {
  let t0: TestDatabase | undefined;
  afterEach(async () => {
    await t0?.drop();
    t0 = undefined;
  });

  it('given an empty database, when it is opened then every migration applies and all tables exist; when opened again nothing more applies', async () => {
    t0 = await backend.create({ migrate: false });
    expect(await listTables(t0.database.db)).toEqual([]);
    await t0.database.close();
    const first = await openDatabase(t0.options);
    expect(TABLES).toEqual(expect.arrayContaining(['calls', 'agents', 'users', 'audit_log', 'interval_aggregates']));
    expect(await listTables(first.db)).toEqual(TABLES);
    const applied = await migrationsApplied(first);
    expect(applied).toBeGreaterThanOrEqual(1);
    await first.close();
    // Idempotent: a second open (and a reopen) finds everything applied.
    const second = await openDatabase(t0.options);
    expect(await migrationsApplied(second)).toBe(applied);
    await second.reopen();
    expect(await migrationsApplied(second)).toBe(applied);
    expect(await listTables(second.db)).toEqual(TABLES);
    await second.close();
  });

  it('given a site configuration, when it is synced twice then its rows exist once and no password is stored', async () => {
    t0 = await backend.create();
    const repo = new RecordsRepository(t0.database);
    const config = parseSiteConfig(
      siteInput({
        agents: [
          { id: 'a1', name: 'Agent One', teamId: 't1', queues: ['booking', 'advice'], skills: { vaccine: 7 } },
          { id: 'a2', name: 'Agent Two', teamId: 't1', queues: ['booking'] },
        ],
        users: [
          { id: 'admin', name: 'Admin', role: 'admin', password: 'demo' },
          { id: 'lead1', name: 'Lead', role: 'team_lead', password: 'demo', teamIds: ['t1'] },
        ],
      }),
    );
    await repo.syncSite(config);
    await repo.syncSite(config);
    const db = t0.database.db;
    expect(await db.select({ id: sites.id, tz: sites.timeZone }).from(sites)).toEqual([{ id: 'test', tz: 'Asia/Ho_Chi_Minh' }]);
    expect((await db.select({ id: queues.id }).from(queues).orderBy(asc(queues.id))).map((q) => q.id)).toEqual(['advice', 'booking']);
    expect(await db.select({ id: agents.id, team: agents.teamId }).from(agents).orderBy(asc(agents.id))).toEqual([
      { id: 'a1', team: 't1' },
      { id: 'a2', team: 't1' },
    ]);
    expect(await db.select({ skill: agentSkills.skill, level: agentSkills.level }).from(agentSkills)).toEqual([{ skill: 'vaccine', level: 7 }]);
    const u = await db.select().from(users).where(eq(users.id, 'lead1'));
    expect(u).toEqual([expect.objectContaining({ role: 'team_lead', teamIds: ['t1'], passwordHash: null })]);
  });

  it('given derived rows, when the same batch is written twice then the second write changes nothing', async () => {
    t0 = await backend.create();
    const repo = new RecordsRepository(t0.database);
    const config = parseSiteConfig(siteInput({ queues: [{ id: 'booking', name: 'Booking', wrapupSec: 10 }] }));
    await repo.syncSite(config);
    const batch = recordsFromEvents(
      [
        ...ready(t(0), 'a1'),
        ev.offered('c1', 'booking', t(10), { from: '+84900000001', attributes: { lang: 'vi' } }),
        ev.answered('c1', 'a1', t(12)),
        ev.ended('c1', t(70)),
        ev.outcome('c1', t(75), { disposition: 'booked', revenue: 12.5, surveyScore: 4.5 }),
        ev.state('a1', 'available', t(80)),
        ev.offered('c2', 'walk-in', t(90)),
        ev.abandoned('c2', t(95)),
      ],
      createRecordState(config),
    );
    const first = await repo.writeBatch('test', batch);
    expect(first.calls).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(first.agentStates.inserted).toBe(batch.agentStates.length);
    const second = await repo.writeBatch('test', batch);
    expect(second.calls).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    expect(second.agentStates).toEqual({ inserted: 0, updated: 0, unchanged: batch.agentStates.length });
    // What was written reads back as it was derived (types, nulls, arrays, jsonb, fractions).
    const stored = await t0.database.db.select().from(calls).orderBy(asc(calls.id));
    expect(stored).toEqual([...batch.calls].sort((a, b) => a.id.localeCompare(b.id)));
    expect(await t0.database.db.select().from(agentStateHistory).orderBy(asc(agentStateHistory.fromAt))).toEqual(batch.agentStates);
    // The unknown queue of c2 got a dimension row named after its id.
    expect(await t0.database.db.select({ name: queues.name }).from(queues).where(eq(queues.id, 'walk-in'))).toEqual([{ name: 'walk-in' }]);
  });
});

describe('PGlite data folder', () => {
  it('given a data folder open in this process, when it is opened again then that is refused until the first handle closes', async () => {
    const t1 = await testBackends()[0]!.create();
    try {
      await expect(openDatabase(t1.options)).rejects.toThrow(/already open in this process/);
      await t1.database.close();
      const again = await openDatabase(t1.options);
      expect(again.backend).toBe('pglite');
      await again.close();
    } finally {
      await t1.drop();
    }
  });
});

describe('safeErrorMessage', () => {
  it('given a failed statement, when its error is logged then only the driver message remains, never the parameters', () => {
    const cause = new Error('duplicate key value violates unique constraint "calls_pkey"');
    const err = Object.assign(new Error('Failed query: insert into "calls" ...\nparams: [{"from_number":"+84901234567"}]'), { cause });
    expect(safeErrorMessage(err)).toBe('duplicate key value violates unique constraint "calls_pkey"');
    expect(safeErrorMessage(new Error('Failed query: begin\nparams: +84901234567'))).toBe('Failed query: begin');
  });
});

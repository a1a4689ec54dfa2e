import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { rowsOf } from '../../../realtime/src/storage/index.ts';
import { testBackends, type TestBackend, type TestDatabase } from '../../../realtime/src/storage/testing.ts';
import { formatSummary, importFile } from './run.ts';

/** Resolved from the repository root: shared/ sits beside it. */
const JANUARY = fileURLToPath(new URL('../../../../shared/data/anonymous-bank-1999/january.txt', import.meta.url));
if (!existsSync(JANUARY)) throw new Error(`the Anonymous Bank data is missing: ${JANUARY} (shared/ must sit beside the repository)`);

let dir = '';
/** The header and the first 2,000 rows of January: enough to show idempotency quickly. */
let slice = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-import-'));
  slice = join(dir, 'january-head.txt');
  writeFileSync(slice, readFileSync(JANUARY, 'utf8').split('\n').slice(0, 2001).join('\n') + '\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `fn` with a fresh database of `backend`, dropped afterwards. */
async function withDatabase(backend: TestBackend, fn: (tdb: TestDatabase) => Promise<void>): Promise<void> {
  const tdb = await backend.create();
  try {
    await fn(tdb);
  } finally {
    await tdb.drop();
  }
}

describe.each(testBackends())('import of Anonymous Bank 1999 on $name', (backend) => {
  it(
    'given january.txt, when imported then its counts match the data README and docs/REPLAY.md',
    ({ expect }) =>
    withDatabase(backend, async (tdb) => {
      const db = tdb.database.db;
      const r = await importFile(JANUARY, { database: tdb.database });
      // README: 31,599 rows = 27,060 AGENT + 4,299 HANG + 240 PHANTOM. REPLAY.md: 29,980 calls offered,
      // 26,879 answered, 3,101 abandoned; skipped 1,198 HANG in the VRU, 240 PHANTOM, 181 overlaps.
      expect(r).toMatchObject({ format: 'anonymous-bank', siteId: 'anonymous-bank', rows: 31_599, imported: 29_980, answered: 26_879, abandoned: 3_101 });
      expect(r.skipped).toEqual({
        'HANG in the VRU (never queued)': 1_198,
        'PHANTOM (virtual call)': 240,
        'agent already on another call (overlap)': 181,
      });
      expect(r.quirks['negative vru_time']).toBe(33);
      expect(r.calls).toEqual({ inserted: 29_980, updated: 0, unchanged: 0 });
      expect(formatSummary([r])).toMatch(/31,599 rows, 29,980 imported, 1,619 skipped/);

      const t = rowsOf<Record<string, number>>(
        await db.execute(sql`select count(*)::int as calls,
          (count(*) filter (where result = 'answered'))::int as answered,
          (count(*) filter (where result = 'abandoned'))::int as abandoned,
          (count(*) filter (where status <> 'done'))::int as live,
          (count(*) filter (where result = 'answered' and (handle_ms is null or wait_ms is null or agent_id is null)))::int as incomplete,
          count(distinct agent_id)::int as agents,
          count(distinct queue_id)::int as queues
          from calls where site_id = 'anonymous-bank'`),
      )[0]!;
      // 31 agents including the NO_SERVER stand-ins; 6 queues with calls (PS, PE, IN, NE, NW, TT: January's
      // two rows of the undocumented type AA never reached a queue).
      expect(t).toEqual({ calls: 29_980, answered: 26_879, abandoned: 3_101, live: 0, incomplete: 0, agents: 31, queues: 6 });
      // Agent state history: spans never run backwards; every agent ends logged out (one open offline row each).
      const h = rowsOf<Record<string, number>>(
        await db.execute(sql`select count(*)::int as rows,
          (count(*) filter (where to_at <= from_at))::int as backwards,
          (count(*) filter (where to_at is null))::int as open,
          (count(*) filter (where to_at is null and state <> 'offline'))::int as open_not_offline,
          (count(*) filter (where state = 'onCall'))::int as on_call,
          (select count(*)::int from calls where result = 'answered' and ended_at = answered_at) as zero_length_calls
          from agent_state_history where site_id = 'anonymous-bank'`),
      )[0]!;
      expect(h).toMatchObject({ backwards: 0, open: 31, open_not_offline: 0 });
      // One onCall span per answered call, except zero-length calls (a 0 ms state is not kept).
      expect(h.zero_length_calls).toBe(332);
      expect(h.on_call).toBe(26_879 - 332);
      expect(r.agentStates.inserted).toBe(h.rows);
    }),
    // A whole month of real data into the database: 15-30 s alone, more on a loaded 2-core machine.
    180_000,
  );

  it('given part of a month imported once, when imported again then nothing changes', ({ expect }) =>
    withDatabase(backend, async (tdb) => {
      const first = await importFile(slice, { database: tdb.database });
      expect(first.rows).toBe(2000);
      expect(first.calls.inserted).toBe(first.imported);
      const second = await importFile(slice, { database: tdb.database });
      expect(second.calls).toEqual({ inserted: 0, updated: 0, unchanged: first.imported });
      expect(second.agentStates).toEqual({ inserted: 0, updated: 0, unchanged: first.agentStates.inserted });
      const runs = rowsOf<{ n: number }>(await tdb.database.db.execute(sql`select count(*)::int as n from import_runs where status = 'done'`));
      expect(runs[0]!.n).toBe(2);
    }));
});

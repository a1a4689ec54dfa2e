/**
 * The baseline (the same weekday of the weeks before) derives each earlier day with the metric parameters
 * in force that day, not with the report's own (metrics.md: versioned, never applied silently to history).
 * Its figures today (offered, AHT, staffed agents) do not depend on the one parameter applied at derivation,
 * the SL basis (T and S are applied when a call is counted), so this watches which parameters the engine's
 * `deriveMetrics` is handed for each day's buckets: the function itself runs unchanged.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyCounters, type MetricParams } from '../contracts/index.ts';
import type { Bucket } from '../core/metrics.ts';
import { RecordsRepository } from '../storage/records.repository.ts';
import { testBackends, type TestDatabase } from '../storage/testing.ts';
import { ReportsRepository } from './reports.repository.ts';
import { ReportsService } from './reports.service.ts';

const derived: { offered: number; slBasis: MetricParams['slBasis'] }[] = [];
vi.mock('../core/metrics.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../core/metrics.ts')>();
  return {
    ...m,
    deriveMetrics: (b: Bucket, p: MetricParams) => {
      derived.push({ offered: b.c.offered, slBasis: p.slBasis });
      return m.deriveMetrics(b, p);
    },
  };
});

const dbs: TestDatabase[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.drop();
});

const vn = (s: string) => new Date(`${s}+07:00`);

describe.each(testBackends())('the baseline of a report with versioned parameters ($name)', (backend) => {
  it('given the SL basis changed twice in the weeks before, each earlier Monday is derived with the basis in force that Monday', async () => {
    const db = await backend.create();
    dbs.push(db);
    const records = new RecordsRepository(db.database);
    await records.ensureSite({ id: 's', name: 'S', timeZone: 'Asia/Ho_Chi_Minh' });
    // A distinct number of calls each Monday, to tell the days apart in what the engine derives.
    const monday = (d: string, offered: number) => ({
      siteId: 's',
      scope: 'site',
      scopeId: '',
      intervalStart: vn(`${d}T09:00:00`),
      intervalMin: 15,
      counters: { ...emptyCounters(), offered, answered: offered, answeredWithinT: offered, handled: offered, handleMs: offered * 180_000 },
      staffed: ['a1'],
    });
    const version = (at: string, slBasis: MetricParams['slBasis']) => ({ at: vn(at).getTime(), site: { slThresholdSec: 20, slTargetPct: 80, shortAbandonSec: 5, slBasis }, queues: {} });
    await records.writeBatch('s', {
      calls: [],
      agentStates: [],
      aggregates: [monday('2026-02-02', 104), monday('2026-02-09', 103), monday('2026-02-16', 102), monday('2026-02-23', 101), monday('2026-03-02', 150)],
      // `answered` until Friday 20 February, `offered` until Friday 27 February, `spec` since.
      paramVersions: [version('2026-01-01T00:00:00', 'answered'), version('2026-02-20T00:00:00', 'offered'), version('2026-02-27T00:00:00', 'spec')],
    });
    derived.length = 0;
    const r = await new ReportsService(new ReportsRepository(db.database)).daily('s', '2026-03-02', 'site');
    expect(r.params.slBasis).toBe('spec');
    const basisOf = (offered: number) => [...new Set(derived.filter((d) => d.offered === offered).map((d) => d.slBasis))];
    // The report's own day with its own basis; each earlier Monday with the one in force then.
    expect(basisOf(150)).toEqual(['spec']);
    expect([basisOf(101), basisOf(102), basisOf(103), basisOf(104)]).toEqual([['offered'], ['answered'], ['answered'], ['answered']]);
    // The four Mondays together (their AHT) with the basis in force on the latest of them.
    expect(basisOf(101 + 102 + 103 + 104)).toEqual(['offered']);
    // What the baseline says is unchanged: 100-odd calls a Monday, 180 s each.
    expect(r.factors.map((f) => `${f.kind}:${f.expected}`)).toEqual(['volume:102.5']);
  });
});

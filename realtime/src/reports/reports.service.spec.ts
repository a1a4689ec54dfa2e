import { afterEach, describe, expect, it } from 'vitest';
import { emptyCounters, type Counters } from '../contracts/index.ts';
import { RecordsRepository } from '../storage/records.repository.ts';
import { testBackends, type TestDatabase } from '../storage/testing.ts';
import { ReportsRepository } from './reports.repository.ts';
import { ReportsService } from './reports.service.ts';

const dbs: TestDatabase[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.drop();
});

const vn = (s: string) => new Date(`${s}+07:00`);

/** A throwaway database with site `s` (Asia/Ho_Chi_Minh), and a site-wide 15-minute bucket starting at `when` (site time). */
async function siteDb(backend: ReturnType<typeof testBackends>[number]) {
  const db = await backend.create();
  dbs.push(db);
  const records = new RecordsRepository(db.database);
  await records.ensureSite({ id: 's', name: 'S', timeZone: 'Asia/Ho_Chi_Minh' });
  return { db, records };
}
const siteBucket = (when: string, counters: Partial<Counters>, staffed: string[]) => ({
  siteId: 's',
  scope: 'site',
  scopeId: '',
  intervalStart: vn(when),
  intervalMin: 15,
  counters: { ...emptyCounters(), ...counters },
  staffed,
});

describe.each(testBackends())('report causes against the baseline ($name)', (backend) => {
  it('given four earlier Mondays, a Monday with 50% more calls, longer handling and fewer agents names all three', async () => {
    const { db, records } = await siteDb(backend);
    const bucket = (day: string, offered: number, handleSec: number, staffed: string[]) =>
      siteBucket(`${day}T09:00:00`, { offered, answered: offered, answeredWithinT: Math.round(offered / 2), handled: offered, handleMs: offered * handleSec * 1000 }, staffed);
    const four = ['a1', 'a2', 'a3', 'a4'];
    await records.upsertAggregates([
      bucket('2026-02-02', 100, 180, four),
      bucket('2026-02-09', 100, 180, four),
      bucket('2026-02-16', 100, 180, four),
      bucket('2026-02-23', 100, 180, four),
      // A Tuesday: not the same weekday, not in the baseline.
      bucket('2026-02-24', 900, 600, ['a1']),
      bucket('2026-03-02', 150, 216, ['a1', 'a2']),
    ]);
    const r = await new ReportsService(new ReportsRepository(db.database)).daily('s', '2026-03-02', 'site');
    expect(r.total).toMatchObject({ offered: 150, serviceLevelPct: 50, staffedAgents: 2 });
    expect(r.factors.map((f) => `${f.kind}:${f.basis}`)).toEqual(['volume:baseline', 'aht:baseline', 'staffing:baseline']);
    expect(r.targets[0]).toMatchObject({ metric: 'serviceLevelPct', target: 80, met: false });
    expect(r.targets[0]!.causes).toEqual([
      'volume was 50% over the usual (same weekday, previous weeks) (150 calls vs 100)',
      'AHT rose 20% (216 s vs 180 s usual)',
      '2 agents fewer than usual (2 staffed vs 4)',
    ]);
    // A weekly report: the week's days against the same days of the 4 weeks before.
    const w = await new ReportsService(new ReportsRepository(db.database)).weekly('s', '2026-03-04', 'site');
    expect(w.series.map((x) => x.values.offered)).toEqual([150, 0, 0, 0, 0, 0, 0]);
    // Baseline weeks: 100 + 900 (the Tuesday before), then 100, 100, 100: 325 calls a week.
    expect(w.factors.find((f) => f.kind === 'volume')).toMatchObject({ basis: 'baseline', actual: 150, expected: 325 });
  });
});

describe.each(testBackends())('daily report series ($name)', (backend) => {
  it('given calls at 20:45 and 23:00 and none between, when the day is read then the quiet intervals are in its series with zero calls (the chart keeps time)', async () => {
    const { db, records } = await siteDb(backend);
    const at = (hhmm: string, offered: number) => siteBucket(`2026-03-02T${hhmm}:00`, { offered, answered: offered, answeredWithinT: offered }, ['a1']);
    await records.upsertAggregates([at('20:45', 4), at('23:00', 33)]);
    const r = await new ReportsService(new ReportsRepository(db.database)).daily('s', '2026-03-02', 'site');
    expect(r.series.map((x) => `${x.label}:${x.values.offered}`)).toEqual([
      '20:45:4', '21:00:0', '21:15:0', '21:30:0', '21:45:0', '22:00:0', '22:15:0', '22:30:0', '22:45:0', '23:00:33',
    ]);
    // An empty interval has no rates (nothing to divide), and the day's total is unchanged.
    expect(r.series[1]!.values.serviceLevelPct).toBeNull();
    expect(r.total.offered).toBe(37);
  });
});

describe.each(testBackends())('versioned metric parameters ($name)', (backend) => {
  it('given the SL basis changed on Tuesday (a params.version written by the record writer), then Monday\'s report keeps the spec basis and Tuesday\'s uses the new one', async () => {
    const { db, records } = await siteDb(backend);
    const day = (d: string) => siteBucket(`${d}T09:00:00`, { offered: 20, answered: 10, abandoned: 10, answeredWithinT: 5 }, ['a1']);
    const version = (at: string, slBasis: 'spec' | 'answered') => ({ at: vn(at).getTime(), site: { slThresholdSec: 20, slTargetPct: 80, shortAbandonSec: 5, slBasis }, queues: {} });
    await records.writeBatch('s', { calls: [], agentStates: [], aggregates: [day('2026-03-02'), day('2026-03-03')], paramVersions: [version('2026-03-02T06:00:00', 'spec'), version('2026-03-03T00:00:00', 'answered')] });
    const reports = new ReportsService(new ReportsRepository(db.database));
    const mon = await reports.daily('s', '2026-03-02', 'site');
    const tue = await reports.daily('s', '2026-03-03', 'site');
    // Spec basis: 5 / (10 + 10 - 0); answered basis: 5 / 10.
    expect([mon.total.serviceLevelPct, mon.params.slBasis]).toEqual([25, 'spec']);
    expect([tue.total.serviceLevelPct, tue.params.slBasis]).toEqual([50, 'answered']);
    // Written twice (a writer retrying its batch): stored once.
    await records.writeBatch('s', { calls: [], agentStates: [], paramVersions: [version('2026-03-03T00:00:00', 'answered')] });
    expect(await new ReportsRepository(db.database).paramVersions('s')).toHaveLength(2);
  });
});

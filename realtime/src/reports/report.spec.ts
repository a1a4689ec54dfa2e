import { describe, expect, it } from 'vitest';
import { emptyCounters, MetricParamsSchema } from '../contracts/index.ts';
import { causeText, csvField } from './report-format.ts';
import { checkTargets, factorsOf, notApplicable, sumRows, valuesOf, withWorkedAgents, wrapupQuality, type AggregateRow } from './report.ts';

const params = MetricParamsSchema.parse({});
const row = (start: number, c: Partial<ReturnType<typeof emptyCounters>>, staffed: string[] = []): AggregateRow => ({ scope: 'site', scopeId: '', start, counters: { ...emptyCounters(), ...c }, staffed });

describe('report figures from stored buckets', () => {
  it('sums counters as the engine does (max wait is a max) and staffed agents as a union', () => {
    const b = sumRows([row(0, { offered: 3, maxWaitMs: 40_000, handled: 2, handleMs: 400_000 }, ['a1', 'a2']), row(900_000, { offered: 2, maxWaitMs: 10_000, handled: 2, handleMs: 200_000 }, ['a2', 'a3'])]);
    expect(b.c).toMatchObject({ offered: 5, maxWaitMs: 40_000, handled: 4, handleMs: 600_000 });
    expect([...b.staffed].sort()).toEqual(['a1', 'a2', 'a3']);
    const v = valuesOf([row(0, { offered: 4, answered: 3, abandoned: 1, answeredWithinT: 2, handled: 3, handleMs: 540_000 }, ['a1', 'a2'])], params);
    expect(v).toMatchObject({ serviceLevelPct: 50, ahtSec: 180, volumePerAgent: 1.5, staffedAgents: 2 });
  });
});

describe('causes of a miss', () => {
  const total = valuesOf([row(0, { offered: 460, answered: 400, abandoned: 60, answeredWithinT: 250, handled: 400, handleMs: 400 * 210_000, busyMs: 7_200_000, availableMs: 3_600_000 }, ['a1', 'a2', 'a3'])], params);

  it('without a forecast: against the same weekdays before (volume 15% up, AHT 16.7% up, 2 agents fewer than usual)', () => {
    const f = factorsOf({ total, baseline: { offered: 400, ahtSec: 180, staffedAgents: 5, days: 4 }, days: 1 });
    expect(f.map((x) => x.text)).toEqual([
      'volume was 15% over the usual (same weekday, previous weeks) (460 calls vs 400)',
      'AHT rose 16.7% (210 s vs 180 s usual)',
      '2 agents fewer than usual (3 staffed vs 5)',
    ]);
    const [sl] = checkTargets(total, [{ metric: 'serviceLevelPct', kind: 'min', target: 80 }], f);
    expect(sl).toMatchObject({ met: false, causes: f.map((x) => x.text) });
    const [aht] = checkTargets(total, [{ metric: 'ahtSec', kind: 'max', target: 200 }], f);
    expect(aht).toMatchObject({ met: false, causes: ['AHT rose 16.7% (210 s vs 180 s usual)'] });
  });
  it('small changes (under 5%) are not causes; a miss without causes says what it found', () => {
    const f = factorsOf({ total, forecast: { offered: 450, ahtSec: 205, agents: 3 }, days: 1 });
    expect(f).toEqual([]);
    const [sl] = checkTargets(total, [{ metric: 'serviceLevelPct', kind: 'min', target: 80 }], f);
    expect(sl!.causes[0]).toMatch(/^no volume, handle-time or staffing change found/);
    expect(checkTargets(total, [{ metric: 'revenue', kind: 'min', target: 1 }, { metric: 'nope', kind: 'min', target: 1 }], f).map((t) => t.met)).toEqual([false, null]);
  });
  it('the causes are data too (the factors, or none found with the occupancy), worded in Vietnamese and English from it', () => {
    const NBSP = '\u00a0';
    const f = factorsOf({ total, baseline: { offered: 400, ahtSec: 180, staffedAgents: 5, days: 4 }, days: 1 });
    const [sl] = checkTargets(total, [{ metric: 'serviceLevelPct', kind: 'min', target: 80 }], f);
    expect(sl!.causeDetails).toEqual([
      { kind: 'volume', pct: 15, actual: 460, expected: 400, basis: 'baseline', text: sl!.causes[0] },
      { kind: 'aht', pct: 16.7, actual: 210, expected: 180, basis: 'baseline', text: sl!.causes[1] },
      { kind: 'staffing', actual: 3, expected: 5, basis: 'baseline', agents: 2, text: sl!.causes[2] },
    ]);
    // English from the data says what the server's sentence says; Vietnamese writes 16,7 %.
    expect(sl!.causeDetails.map((c) => causeText(c, 'en'))).toEqual(sl!.causes);
    expect(sl!.causeDetails.map((c) => causeText(c, 'vi'))).toEqual([
      `Lượng cuộc gọi cao hơn thường lệ (cùng thứ các tuần trước) 15${NBSP}% (460 cuộc so với 400)`,
      `Thời gian xử lý TB tăng 16,7${NBSP}% (210 giây so với thường lệ 180 giây)`,
      'Ít hơn thường lệ 2 điện thoại viên (3 làm việc so với 5)',
    ]);

    // Against a forecast: volume under it, one agent absent; AHT fell (not a cause of a service-level miss).
    const g = factorsOf({ total, forecast: { offered: 1_600, ahtSec: 250, agents: 4 }, days: 1 });
    const [sl2] = checkTargets(total, [{ metric: 'serviceLevelPct', kind: 'min', target: 80 }], g);
    expect(sl2!.causeDetails.map((c) => c.kind)).toEqual(['volume', 'absent']);
    // The worded English groups thousands (1,600), the server's sentence does not.
    expect(sl2!.causes[0]).toBe('volume was 71.2% under forecast (460 calls vs 1600)');
    expect(sl2!.causeDetails.map((c) => causeText(c, 'en'))).toEqual(['volume was 71.2% under forecast (460 calls vs 1,600)', sl2!.causes[1]]);
    expect(sl2!.causeDetails.map((c) => causeText(c, 'vi'))).toEqual([
      `Lượng cuộc gọi thấp hơn dự báo 71,2${NBSP}% (460 cuộc so với 1.600)`,
      '1 điện thoại viên vắng mặt (3 làm việc trên 4 theo lịch)',
    ]);
    expect(causeText(g.find((x) => x.kind === 'aht')!, 'vi')).toBe(`Thời gian xử lý TB giảm 16${NBSP}% (210 giây so với dự báo 250 giây)`);
    expect(causeText(g.find((x) => x.kind === 'aht')!, 'en')).toBe('AHT fell 16% (210 s vs 250 s forecast)');

    // Nothing changed: the occupancy, unrounded in the data (66.67%), 1 decimal in words.
    const [none] = checkTargets(total, [{ metric: 'serviceLevelPct', kind: 'min', target: 80 }], []);
    expect(none!.causeDetails).toEqual([{ kind: 'noneFound', occupancyPct: total.occupancyPct, text: none!.causes[0] }]);
    expect(none!.causes).toEqual(['no volume, handle-time or staffing change found; occupancy was 66.7%']);
    expect(causeText(none!.causeDetails[0]!, 'en')).toBe(none!.causes[0]);
    expect(causeText(none!.causeDetails[0]!, 'vi')).toBe(`Không thấy thay đổi về lượng cuộc gọi, thời gian xử lý hay nhân sự; tỷ lệ bận là 66,7${NBSP}%`);
    // A met target has neither.
    expect(checkTargets(total, [{ metric: 'serviceLevelPct', kind: 'min', target: 10 }], f)[0]).toMatchObject({ met: true, causes: [], causeDetails: [] });
  });
});

describe('data-entry quality and exports', () => {
  it('complete = a disposition; valid = a known code and revenue for a sale', () => {
    const q = wrapupQuality(
      [
        { agentId: 'a1', disposition: 'booked', missingRevenue: 0, calls: 8 },
        { agentId: 'a1', disposition: null, missingRevenue: 0, calls: 2 },
        { agentId: 'a2', disposition: 'sold', missingRevenue: 1, calls: 4 },
        { agentId: 'a2', disposition: 'typo!!', missingRevenue: 0, calls: 1 },
      ],
      new Set(['booked', 'sold']),
      new Map([['a1', 'Lan']]),
    );
    expect(q).toEqual([
      { agentId: 'a2', name: 'a2', handled: 5, complete: 5, valid: 3, validPct: 60 },
      { agentId: 'a1', name: 'Lan', handled: 10, complete: 8, valid: 8, validPct: 80 },
    ]);
  });
  it('CSV cells: quoted when needed, formulas defused, numbers kept', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-12.5')).toBe('-12.5');
  });
});

describe('figures by scope', () => {
  it('a team or an agent has no offered, abandoned or dialed calls (they are the lines\' and campaigns\'); a line, a campaign and the site have every figure', () => {
    for (const scope of ['team', 'agent']) {
      expect(notApplicable(scope, 'spec')).toEqual(expect.arrayContaining(['offered', 'abandoned', 'shortAbandoned', 'abandonRatePct', 'abandonRateRawPct', 'avgAbandonWaitSec', 'attempts']));
      // What its agents answered and handled is its own, and so the service level of those calls...
      expect(notApplicable(scope, 'spec')).not.toContain('answered');
      expect(notApplicable(scope, 'answered')).not.toContain('serviceLevelPct');
      // ...except on the `offered` basis: no call is offered to a team.
      expect(notApplicable(scope, 'offered')).toContain('serviceLevelPct');
    }
    for (const scope of ['site', 'queue', 'campaign']) expect(notApplicable(scope, 'offered')).toEqual([]);
  });

  it("a campaign's agents per interval are those who answered its calls offered then; an interval with no bucket gets one", () => {
    const rows = [{ ...row(0, { offered: 2, handled: 2 }), scope: 'campaign', scopeId: 'pkg' }, { ...row(900_000, { offered: 1 }), scope: 'campaign', scopeId: 'pkg' }];
    const out = withWorkedAgents(rows, [{ agentId: 'a2', start: 0 }, { agentId: 'a1', start: 0 }, { agentId: 'a1', start: 0 }, { agentId: 'a3', start: 1_800_000 }], 'pkg');
    expect(out.map((r) => `${r.start}:${r.staffed.join('+')}`)).toEqual(['0:a1+a2', '900000:', '1800000:a3']);
    expect(valuesOf(out, params)).toMatchObject({ handled: 2, staffedAgents: 3, volumePerAgent: 2 / 3 });
  });
});

import { describe, expect, expectTypeOf, it } from 'vitest';
import { emptyCounters, MetricParamsSchema, type ComplaintsSummary, type Counters, type MetricParams } from '$contracts/index.ts';
import { MESSAGES } from '$lib/messages.ts';
// The report as the hub builds it: the page must read the hub's own answer.
import { buildReport, type Report as HubReport, type ReportScope as HubScope } from '../../../../realtime/src/reports/report.ts';
import type { ReportDTO } from '$lib/reports-api.ts';
import { hasFigure, pickedId, scopeIds, TOTAL_LABEL, totalFigures, volumeFigures } from './report-scope.ts';

const live = {
  queues: [
    { id: 'vaccine-booking', name: 'Vaccine booking', nameVi: 'Đặt lịch tiêm chủng' },
    { id: 'advice', name: 'Advice', nameVi: 'Tư vấn' },
  ],
  teams: [
    { id: 'team-booking', name: 'Booking team', nameVi: 'Tổ đặt lịch' },
    { id: 'team-care', name: 'Care team', nameVi: 'Tổ chăm sóc' },
  ],
  agents: [
    { id: 'a01', name: 'Bùi Minh Dung', teamId: 'team-booking' },
    { id: 'a11', name: 'Nguyễn Văn Nam', teamId: 'team-care' },
  ],
};

describe('report scope list', () => {
  it('names the lines in the page language (Vietnamese names on the Vietnamese page)', () => {
    expect(scopeIds('queue', live, 'vi').map((x) => x.name)).toEqual(['Đặt lịch tiêm chủng', 'Tư vấn']);
    expect(scopeIds('queue', live, 'en').map((x) => x.name)).toEqual(['Vaccine booking', 'Advice']);
    expect(scopeIds('team', live, 'vi').map((x) => x.name)).toEqual(['Tổ đặt lịch', 'Tổ chăm sóc']);
  });
  it('a campaign report offers the campaigns by name (none until they are read)', () => {
    const campaigns = [{ id: 'vaccine-packages', name: 'Gói vắc xin 2026' }, { id: 'satisfaction-survey', name: 'Khảo sát hài lòng' }];
    expect(scopeIds('campaign', { ...live, campaigns }, 'vi')).toEqual(campaigns);
    expect(scopeIds('campaign', live, 'vi')).toEqual([]);
    expect(pickedId('campaign', '', scopeIds('campaign', { ...live, campaigns }, 'vi'))).toBe('vaccine-packages');
  });
  it("a team lead's lists hold their own teams and agents only", () => {
    expect(scopeIds('team', live, 'vi', ['team-care']).map((x) => x.id)).toEqual(['team-care']);
    expect(scopeIds('agent', live, 'vi', ['team-care']).map((x) => x.id)).toEqual(['a11']);
    expect(scopeIds('site', live, 'vi')).toEqual([]);
  });
  it('reports on the pick, else the first of the list (what the list then shows selected)', () => {
    const teams = scopeIds('team', live, 'vi');
    expect(pickedId('team', '', teams)).toBe('team-booking');
    expect(pickedId('team', 'team-care', teams)).toBe('team-care');
    expect(pickedId('site', 'team-care', teams)).toBe('');
    expect(pickedId('agent', '', [])).toBe('');
  });
});

describe('report scope change', () => {
  it('a line picked, then the scope changed to team: the report and the list are about the first team, not the line id', () => {
    const teams = scopeIds('team', live, 'vi');
    expect(pickedId('team', 'vaccine-booking', teams)).toBe('team-booking');
    expect(pickedId('agent', 'team-care', scopeIds('agent', live, 'vi'))).toBe('a01');
  });
  it('an id the address named (an imported data set) is kept for its scope only', () => {
    const queues = scopeIds('queue', live, 'vi');
    const address = { scope: 'queue', id: 'bank-queue-1' };
    expect(pickedId('queue', 'bank-queue-1', queues, address)).toBe('bank-queue-1');
    expect(pickedId('team', 'bank-queue-1', scopeIds('team', live, 'vi'), address)).toBe('team-booking');
  });
});

/** A day's report of `scope` built by the hub from one bucket: 40 calls answered by the scope's agents (and, for a line, 46 offered, 6 abandoned). */
function hubReport(scope: HubScope, counters: Partial<Counters>, slBasis: MetricParams['slBasis'] = 'spec') {
  const params = MetricParamsSchema.parse({ slBasis });
  const start = Date.parse('2026-03-02T09:00:00+07:00');
  const dayStart = Date.parse('2026-03-02T00:00:00+07:00');
  return buildReport({
    kind: 'daily',
    siteId: 's',
    siteName: 'S',
    scope,
    id: 'x',
    name: 'X',
    days: ['2026-03-02'],
    dayStarts: [dayStart],
    to: dayStart + 86_400_000,
    params,
    paramsUsed: { ...params, intervalMin: 15, timeZone: 'Asia/Ho_Chi_Minh' },
    rows: [{ scope, scopeId: 'x', start, counters: { ...emptyCounters(), ...counters }, staffed: ['a1', 'a2'] }],
    parts: [],
    targets: [],
    quality: [],
    complaints: {} as ComplaintsSummary,
    label: () => '09:00',
    generatedAt: start,
  });
}
const answered = { answered: 40, answeredWithinT: 30, answeredWaitMs: 400_000, handled: 38, handleMs: 38 * 200_000, busyMs: 7_600_000, availableMs: 2_000_000 };

describe("a report's figures for its scope", () => {
  it("a team's report shows the calls its agents answered and handled, not 'Gọi đến 0' and a blank abandon rate", () => {
    const team = hubReport('team', answered);
    expect(totalFigures(team)).toEqual(['answered', 'handled', 'serviceLevelPct', 'asaSec', 'ahtSec', 'occupancyPct', 'volumePerAgent', 'staffedAgents', 'revenue']);
    const labels = totalFigures(team).map((f) => MESSAGES.vi[TOTAL_LABEL[f]]);
    expect(labels.slice(0, 2)).toEqual(['Trả lời', 'Đã xử lý']);
    expect(labels).not.toContain(MESSAGES.vi.offered);
    expect(labels).not.toContain(MESSAGES.vi.abandonRate);
    expect(hasFigure(team, 'offered')).toBe(false);
    // The volume chart: what the team's agents answered (no bars of zeros for offered and abandoned).
    expect(volumeFigures(team)).toEqual(['answered']);
    // An agent's report alike.
    expect(totalFigures(hubReport('agent', answered))).toEqual(totalFigures(team));
  });
  it("a line's report keeps its calls offered and abandon rate; adherence only with a schedule", () => {
    const queue = hubReport('queue', { ...answered, offered: 46, abandoned: 6 });
    expect(totalFigures(queue)).toEqual(['offered', 'answered', 'serviceLevelPct', 'abandonRatePct', 'asaSec', 'ahtSec', 'occupancyPct', 'volumePerAgent', 'staffedAgents', 'revenue']);
    expect(volumeFigures(queue)).toEqual(['offered', 'answered', 'abandoned']);
    const scheduled = hubReport('site', { ...answered, offered: 46, scheduledMs: 3_600_000, adherentMs: 3_000_000 });
    expect(totalFigures(scheduled)).toContain('adherencePct');
  });
  it('on the `offered` SL basis a team has no service level (no call is offered to it): no tile rather than a blank', () => {
    expect(totalFigures(hubReport('team', answered, 'offered'))).not.toContain('serviceLevelPct');
    expect(totalFigures(hubReport('queue', { ...answered, offered: 46 }, 'offered'))).toContain('serviceLevelPct');
  });
  it("the console's report type declares the hub's `omitted` (the same names), and the page's helpers read it as declared", () => {
    // Type-level (svelte-check, tsc): `ReportDTO` has `omitted`, typed as the hub's report types it; the hub's
    // report is a `ReportDTO` as it stands.
    expectTypeOf<NonNullable<ReportDTO['omitted']>>().toEqualTypeOf<HubReport['omitted']>();
    const hub = hubReport('team', answered);
    const asSent: ReportDTO = hub;
    // What the page receives: the hub's JSON, read as the declared type, with no cast in the helpers.
    const dto: ReportDTO = JSON.parse(JSON.stringify(asSent));
    expect(dto.omitted).toEqual(hub.omitted);
    expect(dto.omitted).toContain('offered');
    // Every name is one of the engine's figures, present in the total the page reads.
    for (const m of dto.omitted ?? []) expect(dto.total).toHaveProperty(m);
    expect(totalFigures(dto)).toEqual(totalFigures(hub));
    expect(hasFigure(dto, 'offered')).toBe(false);
    expect(hasFigure(dto, 'answered')).toBe(true);
  });
  it('a report built before the hub named its omitted figures shows them all', () => {
    expect(totalFigures({ scope: 'team', total: {} })).toContain('offered');
  });
  it('the note and the campaign hint are worded in both languages', () => {
    for (const lang of ['vi', 'en'] as const) {
      expect(MESSAGES[lang].rpLineCalls).toMatch(/.{40,}/);
      expect(MESSAGES[lang].rpStaffedCampaign).toMatch(/.{20,}/);
    }
  });
});

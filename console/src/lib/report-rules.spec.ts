import { describe, expect, it } from 'vitest';
import { emptyCounters, MetricParamsSchema, type ComplaintsSummary, type MetricParams } from '$contracts/index.ts';
// The report as the hub builds it, and the hub's printable page of it: the page must say what that page says.
import { buildReport, type ReportKind } from '../../../realtime/src/reports/report.ts';
import { reportHtml } from '../../../realtime/src/reports/report-format.ts';
import type { ReportDTO } from './reports-api.ts';
import { ruleAt, rulesInForce, ruleTime, slRuleText, slTargetSeries } from './report-rules.ts';

const NBSP = '\u00a0';
const TZ = 'Asia/Ho_Chi_Minh';
const local = (iso: string) => Date.parse(`${iso}+07:00`);
const DAY = 86_400_000;

const before = MetricParamsSchema.parse({});
const after = MetricParamsSchema.parse({ slThresholdSec: 10, slTargetPct: 90, slBasis: 'answered' });

/**
 * The hub's report of Tuesday 3 March 2026 (daily) or of its week (Monday 2 to Sunday 8), with calls at 09:00
 * and 11:00 each day; `changeAt`: when the line's rule changed from T = 20 s, 80 %, basis spec to T = 10 s,
 * 90 %, basis answered (none: no change).
 */
function hubReport(kind: ReportKind, changeAt?: number) {
  const days = kind === 'daily' ? ['2026-03-03'] : ['02', '03', '04', '05', '06', '07', '08'].map((d) => `2026-03-${d}`);
  const dayStarts = days.map((d) => local(`${d}T00:00:00`));
  const paramsAt = (at: number): MetricParams => (changeAt !== undefined && at >= changeAt ? after : before);
  const to = dayStarts.at(-1)! + DAY;
  const rows = days.flatMap((d) =>
    ['09:00', '11:00'].map((hm) => ({ scope: 'queue', scopeId: 'booking', start: local(`${d}T${hm}:00`), counters: { ...emptyCounters(), offered: 10, answered: 10, answeredWithinT: 8 }, staffed: ['a1'] })),
  );
  return buildReport({
    kind,
    siteId: 's',
    siteName: 'S',
    scope: 'queue',
    id: 'booking',
    name: 'Booking',
    days,
    dayStarts,
    to,
    params: paramsAt(to - 1),
    paramsAt,
    versionStarts: changeAt === undefined ? [] : [changeAt],
    paramsUsed: { ...paramsAt(to - 1), intervalMin: 15, timeZone: TZ },
    rows,
    parts: [],
    targets: [],
    quality: [],
    // No complaints section (the printable page leaves it out).
    complaints: undefined as unknown as ComplaintsSummary,
    label: (start) => ruleTime(start, TZ, 'en', false),
    intervalMs: 15 * 60_000,
    generatedAt: to,
  });
}
/** What the page receives: the hub's JSON, read as the console's type. */
const asSent = (r: ReturnType<typeof hubReport>): ReportDTO => JSON.parse(JSON.stringify(r satisfies ReportDTO));

describe("a report's service-level rule on the report page", () => {
  it('given one rule for the whole day, then the page states it, in Vietnamese and English, and the target line is flat', () => {
    const r = asSent(hubReport('daily'));
    expect(r.paramsChanged).toBeUndefined();
    expect(slRuleText(r, 'vi')).toEqual({ rule: `Mức phục vụ: mục tiêu 80${NBSP}%, trả lời trong 20 giây (cơ sở trả lời + bỏ máy − bỏ máy sớm), bỏ máy sớm: dưới 5 giây`, note: null });
    expect(slRuleText(r, 'en')).toEqual({ rule: 'Service level: target 80%, answered within 20 s (basis spec), short abandon < 5 s', note: null });
    expect(new Set(slTargetSeries(r, r.series))).toEqual(new Set([80]));
  });

  it('given a rule changed at 10:30, then the page states each rule with the time it applied from (site time) and that each interval uses the rule at its start, the total the one at the end', () => {
    const r = asSent(hubReport('daily', local('2026-03-03T10:30:00')));
    expect(r.paramsChanged).toHaveLength(1);
    expect(slRuleText(r, 'vi')).toEqual({
      rule:
        `Mức phục vụ đổi trong kỳ: từ 00:00: mục tiêu 80${NBSP}%, trả lời trong 20 giây (cơ sở trả lời + bỏ máy − bỏ máy sớm), bỏ máy sớm dưới 5 giây; ` +
        `từ 10:30: mục tiêu 90${NBSP}%, trả lời trong 10 giây (cơ sở cuộc được trả lời), bỏ máy sớm dưới 5 giây`,
      note: 'Mỗi khoảng thời gian tính theo quy tắc có hiệu lực lúc bắt đầu khoảng, phần tổng hợp theo quy tắc cuối kỳ (thời gian trả lời và bỏ máy so với ngưỡng có hiệu lực lúc có cuộc gọi).',
    });
    expect(slRuleText(r, 'en')).toEqual({
      rule: 'Service-level rule changed in the period: from 00:00: target 80%, answered within 20 s (basis spec), short abandon < 5 s; from 10:30: target 90%, answered within 10 s (basis answered), short abandon < 5 s',
      note: "Each interval uses the rule in force at its start, the totals the one at the period's end (answer and abandon times are measured against the thresholds in force at the time of the call).",
    });
    // The chart's target line: each interval's goal is the one in force at its start (the step at 10:30).
    const goals = r.series.map((s, i) => [s.label, slTargetSeries(r, r.series)[i]]);
    expect(goals.filter(([l]) => ['10:15', '10:30', '10:45'].includes(l as string))).toEqual([
      ['10:15', 80],
      ['10:30', 90],
      ['10:45', 90],
    ]);
    expect([ruleAt(r, r.from).slThresholdSec, ruleAt(r, r.to - 1).slThresholdSec]).toEqual([20, 10]);
  });

  it('given a weekly report with a change on Wednesday at 10:30, then each rule is dated (the Vietnamese way in Vietnamese) and each day keeps the rule at its start', () => {
    const r = asSent(hubReport('weekly', local('2026-03-04T10:30:00')));
    expect(slRuleText(r, 'vi').rule).toBe(
      `Mức phục vụ đổi trong kỳ: từ 02/03/2026 00:00: mục tiêu 80${NBSP}%, trả lời trong 20 giây (cơ sở trả lời + bỏ máy − bỏ máy sớm), bỏ máy sớm dưới 5 giây; ` +
        `từ 04/03/2026 10:30: mục tiêu 90${NBSP}%, trả lời trong 10 giây (cơ sở cuộc được trả lời), bỏ máy sớm dưới 5 giây`,
    );
    expect(slRuleText(r, 'en').rule).toMatch(/^Service-level rule changed in the period: from 2026-03-02 00:00: .*; from 2026-03-04 10:30: target 90%/);
    expect(slRuleText(r, 'vi').note).toBe('Mỗi ngày tính theo quy tắc có hiệu lực lúc đầu ngày, phần tổng hợp theo quy tắc cuối kỳ (thời gian trả lời và bỏ máy so với ngưỡng có hiệu lực lúc có cuộc gọi).');
    // Wednesday keeps Wednesday's rule at 00:00; Thursday on the new one.
    expect(r.series.map((s) => s.label)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']);
    expect(slTargetSeries(r, r.series)).toEqual([80, 80, 80, 90, 90, 90, 90]);
  });

  it('names the same instants, worded the same way, as the printable page (daily by the time of day, weekly with the date)', () => {
    for (const [kind, at] of [
      ['daily', local('2026-03-03T10:30:00')],
      ['weekly', local('2026-03-04T10:30:00')],
    ] as const) {
      const r = hubReport(kind, at);
      for (const lang of ['vi', 'en'] as const) {
        const html = reportHtml(r, { lang }).replaceAll('&#39;', "'");
        const times = rulesInForce(r).map((v) => ruleTime(v.from, TZ, lang, kind === 'weekly'));
        for (const t of times) expect(html).toContain(`${lang === 'vi' ? 'từ' : 'from'} ${t} `);
        expect(html).toContain(slRuleText(r, lang).note);
      }
    }
  });

  it('a rule changed before the period (none inside it) is the one rule', () => {
    const r = asSent(hubReport('daily', local('2026-03-02T12:00:00')));
    expect(r.paramsChanged).toBeUndefined();
    expect(slRuleText(r, 'en')).toEqual({ rule: 'Service level: target 90%, answered within 10 s (basis answered), short abandon < 5 s', note: null });
    expect(rulesInForce(r)).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { METRIC_NAMES, type TargetCause } from '$contracts/reports.ts';
import { MESSAGES } from '$lib/messages.ts';
// The hub's printable page words the same data: both must say the same thing.
import { causeText as hubCauseText } from '../../../../realtime/src/reports/report-format.ts';
import { causeText, targetCauses } from './report-causes.ts';

const NBSP = '\u00a0';

/** One cause of each kind and direction, as the hub sends them (`causeDetails`, the English sentence in `text`). */
const CAUSES: TargetCause[] = [
  { kind: 'volume', pct: 6.8, actual: 1_068, expected: 1_000, basis: 'forecast', text: 'volume was 6.8% over forecast (1068 calls vs 1000)' },
  { kind: 'volume', pct: -12.5, actual: 350, expected: 400, basis: 'baseline', text: 'volume was 12.5% under the usual (same weekday, previous weeks) (350 calls vs 400)' },
  { kind: 'aht', pct: 16.7, actual: 210, expected: 180, basis: 'baseline', text: 'AHT rose 16.7% (210 s vs 180 s usual)' },
  { kind: 'aht', pct: -16, actual: 210, expected: 250, basis: 'forecast', text: 'AHT fell 16% (210 s vs 250 s forecast)' },
  { kind: 'absent', actual: 2, expected: 3, basis: 'forecast', agents: 1, text: '1 agent absent (2 staffed of 3 scheduled)' },
  { kind: 'staffing', actual: 3, expected: 5.4, basis: 'baseline', agents: 2, text: '2 agents fewer than usual (3 staffed vs 5.4)' },
  { kind: 'noneFound', occupancyPct: 66.666, text: 'no volume, handle-time or staffing change found; occupancy was 66.7%' },
];

describe('the causes of a missed target on the report page', () => {
  it('are worded in Vietnamese from their data, numbers as Vietnamese writes them', () => {
    expect(CAUSES.map((c) => causeText(c, 'vi'))).toEqual([
      `Lượng cuộc gọi cao hơn dự báo 6,8${NBSP}% (1.068 cuộc so với 1.000)`,
      `Lượng cuộc gọi thấp hơn thường lệ (cùng thứ các tuần trước) 12,5${NBSP}% (350 cuộc so với 400)`,
      `Thời gian xử lý TB tăng 16,7${NBSP}% (210 giây so với thường lệ 180 giây)`,
      `Thời gian xử lý TB giảm 16${NBSP}% (210 giây so với dự báo 250 giây)`,
      '1 điện thoại viên vắng mặt (2 làm việc trên 3 theo lịch)',
      'Ít hơn thường lệ 2 điện thoại viên (3 làm việc so với 5,4)',
      `Không thấy thay đổi về lượng cuộc gọi, thời gian xử lý hay nhân sự; tỷ lệ bận là 66,7${NBSP}%`,
    ]);
  });
  it('are worded in English as the hub says them (thousands grouped)', () => {
    expect(CAUSES.map((c) => causeText(c, 'en'))).toEqual(CAUSES.map((c) => c.text.replace('1068 calls vs 1000', '1,068 calls vs 1,000')));
  });
  it('say what the printable page says, in both languages', () => {
    for (const lang of ['vi', 'en'] as const) expect(CAUSES.map((c) => causeText(c, lang))).toEqual(CAUSES.map((c) => hubCauseText(c, lang)));
  });
  it('fall back to the English sentences for a report stored before the data, and for a kind this page does not know', () => {
    expect(targetCauses({ causes: ['volume was 100% over forecast (4 calls vs 2)'] }, 'vi')).toEqual(['volume was 100% over forecast (4 calls vs 2)']);
    expect(targetCauses({ causes: [CAUSES[4]!.text], causeDetails: [CAUSES[4]!] }, 'vi')).toEqual(['1 điện thoại viên vắng mặt (2 làm việc trên 3 theo lịch)']);
    const newer = { kind: 'holiday', text: 'a public holiday' } as unknown as TargetCause;
    expect(causeText(newer, 'vi')).toBe('a public holiday');
  });
});

describe('metric names', () => {
  it('the console names every metric as the hub\'s printable report does (one table in the contracts)', () => {
    for (const [k, v] of Object.entries(METRIC_NAMES)) {
      expect((MESSAGES.vi as Record<string, string>)[`mn_${k}`]).toBe(v.vi);
      expect((MESSAGES.en as Record<string, string>)[`mn_${k}`]).toBe(v.en);
    }
    expect(MESSAGES.vi.mn_abandonRatePct).toBe('Tỷ lệ bỏ máy (%)');
    expect(MESSAGES.en.mn_revenue).toBe('Revenue (VND)');
  });
});

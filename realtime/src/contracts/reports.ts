/**
 * What a report says in words, shared by the hub (the printable page, `reportHtml`) and the console
 * (the report page, the settings): the metrics' names in Vietnamese and English, and the causes of a
 * missed target as data (a kind with its figures) rather than a sentence, so each reader words them in
 * its own language. The English sentence the API has always carried stays beside the data (`text`,
 * `TargetResult.causes`), like the pacer's reasons (`queue-workers/src/campaigns/pace-reasons.ts`).
 *
 * Dependency-free on purpose: the console imports it.
 */
import type { MetricValues } from './metrics.ts';

export type ReportLang = 'vi' | 'en';

/**
 * Every metric's name, as a report, its targets and the console's settings write it (`mn_` + the key in
 * the console's messages come from here). Units in brackets: the printable page writes the values bare.
 */
export const METRIC_NAMES = {
  offered: { vi: 'Cuộc gọi đến', en: 'Calls offered' },
  answered: { vi: 'Cuộc được trả lời', en: 'Answered' },
  abandoned: { vi: 'Cuộc bỏ máy', en: 'Abandoned' },
  shortAbandoned: { vi: 'Bỏ máy sớm', en: 'Short abandons' },
  answeredWithinT: { vi: 'Trả lời trong ngưỡng', en: 'Answered within threshold' },
  overflowed: { vi: 'Chuyển tràn', en: 'Overflowed' },
  rejectedClosed: { vi: 'Từ chối (line đóng)', en: 'Refused (line closed)' },
  serviceLevelPct: { vi: 'Mức phục vụ (%)', en: 'Service level (%)' },
  abandonRatePct: { vi: 'Tỷ lệ bỏ máy (%)', en: 'Abandon rate (%)' },
  abandonRateRawPct: { vi: 'Tỷ lệ bỏ máy gồm bỏ sớm (%)', en: 'Abandon rate incl. short (%)' },
  asaSec: { vi: 'Thời gian chờ trả lời TB (giây)', en: 'Average speed of answer (s)' },
  avgAbandonWaitSec: { vi: 'Thời gian chờ TB trước khi bỏ máy (giây)', en: 'Average wait before abandoning (s)' },
  maxWaitSec: { vi: 'Chờ lâu nhất (giây)', en: 'Longest wait (s)' },
  ahtSec: { vi: 'Thời gian xử lý TB (giây)', en: 'Average handle time (s)' },
  transferRatePct: { vi: 'Tỷ lệ chuyển cuộc (%)', en: 'Transfer rate (%)' },
  handled: { vi: 'Cuộc đã xử lý', en: 'Handled' },
  occupancyPct: { vi: 'Tỷ lệ bận (%)', en: 'Occupancy (%)' },
  utilizationPct: { vi: 'Tỷ lệ sử dụng (%)', en: 'Utilization (%)' },
  volumePerAgent: { vi: 'Số cuộc / điện thoại viên', en: 'Calls per agent' },
  staffedAgents: { vi: 'Điện thoại viên làm việc', en: 'Agents staffed' },
  missedOffers: { vi: 'Lượt mời bị lỡ', en: 'Missed offers' },
  attempts: { vi: 'Lượt quay số', en: 'Dial attempts' },
  connectivityRatePct: { vi: 'Tỷ lệ kết nối (%)', en: 'Connect rate (%)' },
  dropRatePct: { vi: 'Tỷ lệ rớt cuộc (%)', en: 'Drop rate (%)' },
  conversionRatePct: { vi: 'Tỷ lệ chuyển đổi (%)', en: 'Conversion rate (%)' },
  revenue: { vi: 'Doanh thu (đ)', en: 'Revenue (VND)' },
} as const satisfies Record<keyof MetricValues, Record<ReportLang, string>>;

export type NamedMetric = keyof typeof METRIC_NAMES;

/** A metric's name in `lang`; an unknown one (a target on any metric name) as it is. */
export function metricName(metric: string, lang: ReportLang): string {
  return Object.hasOwn(METRIC_NAMES, metric) ? METRIC_NAMES[metric as NamedMetric][lang] : metric;
}

/** The names as the console's messages hold them: `mn_serviceLevelPct`, ... */
export function metricMessages(lang: ReportLang): { [K in NamedMetric as `mn_${K}`]: string } {
  return Object.fromEntries(Object.entries(METRIC_NAMES).map(([k, v]) => [`mn_${k}`, v[lang]])) as { [K in NamedMetric as `mn_${K}`]: string };
}

/** Whether an expectation is the day's forecast or the baseline (same weekday over the weeks before). */
export type CauseBasis = 'forecast' | 'baseline';

/**
 * One thing that differed from expectations:
 * - `volume`: calls offered vs expected (`pct` over, or under when negative);
 * - `aht`: average handle time in seconds vs expected (`pct` up or down);
 * - `absent`: agents staffed (`actual`) vs scheduled (`expected`), `agents` absent;
 * - `staffing`: without a schedule, agents staffed vs the usual, `agents` fewer;
 * - `occupancy`: declared, not produced (kept for compatibility).
 */
export interface ReportFactor {
  kind: 'volume' | 'aht' | 'absent' | 'staffing' | 'occupancy';
  /** Percent over (positive) or under the expectation, for volume and AHT (1 decimal). */
  pct?: number;
  actual: number;
  expected: number;
  basis: CauseBasis;
  /** Agents absent (`absent`) or fewer than usual (`staffing`). */
  agents?: number;
  /** The English sentence (what the API always carried). */
  text: string;
}

/** A miss that no volume, handle-time or staffing change explains: the occupancy is given instead. */
export interface NoCauseFound {
  kind: 'noneFound';
  /** Occupancy of the period (%), unrounded. */
  occupancyPct: number;
  text: string;
}

/** One cause of a missed target: a factor, or `noneFound`. Same order as `causes` (its `text`s). */
export type TargetCause = ReportFactor | NoCauseFound;

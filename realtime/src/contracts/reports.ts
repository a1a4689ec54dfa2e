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
  adherencePct: { vi: 'Tuân thủ lịch (%)', en: 'Schedule adherence (%)' },
  conformancePct: { vi: 'Đủ giờ theo lịch (%)', en: 'Schedule conformance (%)' },
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

/**
 * The causes in words: the console's report page and the hub's printable page both say them with
 * `causeText`. The English follows the API's sentences (`text`) word for word, numbers grouped (1,234).
 */
const CAUSE_WORDS = {
  vi: {
    volumeOver_forecast: 'Lượng cuộc gọi cao hơn dự báo {pct} ({actual} cuộc so với {expected})',
    volumeUnder_forecast: 'Lượng cuộc gọi thấp hơn dự báo {pct} ({actual} cuộc so với {expected})',
    volumeOver_baseline: 'Lượng cuộc gọi cao hơn thường lệ (cùng thứ các tuần trước) {pct} ({actual} cuộc so với {expected})',
    volumeUnder_baseline: 'Lượng cuộc gọi thấp hơn thường lệ (cùng thứ các tuần trước) {pct} ({actual} cuộc so với {expected})',
    ahtUp_forecast: 'Thời gian xử lý TB tăng {pct} ({actual} giây so với dự báo {expected} giây)',
    ahtDown_forecast: 'Thời gian xử lý TB giảm {pct} ({actual} giây so với dự báo {expected} giây)',
    ahtUp_baseline: 'Thời gian xử lý TB tăng {pct} ({actual} giây so với thường lệ {expected} giây)',
    ahtDown_baseline: 'Thời gian xử lý TB giảm {pct} ({actual} giây so với thường lệ {expected} giây)',
    absent: '{n} điện thoại viên vắng mặt ({actual} làm việc trên {expected} theo lịch)',
    absentOne: '{n} điện thoại viên vắng mặt ({actual} làm việc trên {expected} theo lịch)',
    staffing: 'Ít hơn thường lệ {n} điện thoại viên ({actual} làm việc so với {expected})',
    staffingOne: 'Ít hơn thường lệ {n} điện thoại viên ({actual} làm việc so với {expected})',
    noneFound: 'Không thấy thay đổi về lượng cuộc gọi, thời gian xử lý hay nhân sự; tỷ lệ bận là {occupancy}',
  },
  en: {
    volumeOver_forecast: 'volume was {pct} over forecast ({actual} calls vs {expected})',
    volumeUnder_forecast: 'volume was {pct} under forecast ({actual} calls vs {expected})',
    volumeOver_baseline: 'volume was {pct} over the usual (same weekday, previous weeks) ({actual} calls vs {expected})',
    volumeUnder_baseline: 'volume was {pct} under the usual (same weekday, previous weeks) ({actual} calls vs {expected})',
    ahtUp_forecast: 'AHT rose {pct} ({actual} s vs {expected} s forecast)',
    ahtDown_forecast: 'AHT fell {pct} ({actual} s vs {expected} s forecast)',
    ahtUp_baseline: 'AHT rose {pct} ({actual} s vs {expected} s usual)',
    ahtDown_baseline: 'AHT fell {pct} ({actual} s vs {expected} s usual)',
    absent: '{n} agents absent ({actual} staffed of {expected} scheduled)',
    absentOne: '{n} agent absent ({actual} staffed of {expected} scheduled)',
    staffing: '{n} agents fewer than usual ({actual} staffed vs {expected})',
    staffingOne: '{n} agent fewer than usual ({actual} staffed vs {expected})',
    noneFound: 'no volume, handle-time or staffing change found; occupancy was {occupancy}',
  },
} as const satisfies Record<ReportLang, Record<string, string>>;
type CauseWord = keyof (typeof CAUSE_WORDS)['vi'];

const figureFormats = new Map<ReportLang, Intl.NumberFormat>();
/** A figure in a sentence: at most 1 decimal, grouped (1.234,5 in Vietnamese, 1,234.5 in English). */
function fig(n: number, lang: ReportLang): string {
  let f = figureFormats.get(lang);
  if (!f) figureFormats.set(lang, (f = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', { maximumFractionDigits: 1 })));
  return f.format(n);
}
/** 6,8 % (a no-break space before the sign in Vietnamese) / 6.8%. */
const pct = (n: number, lang: ReportLang) => (lang === 'vi' ? `${fig(n, lang)}\u00a0%` : `${fig(n, lang)}%`);

function say(lang: ReportLang, key: CauseWord, vars: Record<string, string>): string {
  let s: string = CAUSE_WORDS[lang][key];
  for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(v);
  return s;
}

/**
 * One cause of a missed target in `lang`, from its data: "Lượng cuộc gọi cao hơn dự báo 6,8 % (1.068
 * cuộc so với 1.000)". A kind this version does not word (`occupancy`, or a newer hub's) says its English `text`.
 */
export function causeText(c: TargetCause, lang: ReportLang): string {
  switch (c.kind) {
    case 'volume':
    case 'aht': {
      const p = c.pct ?? 0;
      const dir = c.kind === 'volume' ? (p >= 0 ? 'Over' : 'Under') : p >= 0 ? 'Up' : 'Down';
      return say(lang, `${c.kind}${dir}_${c.basis}` as CauseWord, { pct: pct(Math.abs(p), lang), actual: fig(c.actual, lang), expected: fig(c.expected, lang) });
    }
    case 'absent':
    case 'staffing': {
      const n = c.agents ?? Math.round(c.expected - c.actual);
      return say(lang, n === 1 ? `${c.kind}One` : c.kind, { n: fig(n, lang), actual: fig(c.actual, lang), expected: fig(c.expected, lang) });
    }
    case 'noneFound':
      return say(lang, 'noneFound', { occupancy: pct(c.occupancyPct, lang) });
    default:
      return (c as { text: string }).text;
  }
}

/**
 * The values a report target on `metric` may take (`max` null: no upper bound): a percentage 0 to 100
 * (conformance, which overtime takes over 100, 0 or more), seconds and counts 0 or more. The hub checks
 * it at the edge (`reports/report-settings.ts`), the settings page before sending.
 */
export function targetRange(metric: NamedMetric): { min: number; max: number | null } {
  if (metric === 'conformancePct') return { min: 0, max: null };
  return metric.endsWith('Pct') ? { min: 0, max: 100 } : { min: 0, max: null };
}

/**
 * The metric parameters a report's figures were derived with, oldest first, each with the instant it
 * applied from: the one in force at the period's start (`paramsAtStart`) and each version that began inside
 * the period (`paramsChanged`); only `fallback` (the report's `params`, from its start) when none changed.
 * The printable page and the console's report page state the rules from this one reading.
 */
export function paramsInForce<P>(r: { from: number; paramsChanged?: readonly { at: number; params: P }[]; paramsAtStart?: P }, fallback: P): { from: number; params: P }[] {
  if (!r.paramsChanged?.length || r.paramsAtStart === undefined) return [{ from: r.from, params: fallback }];
  return [{ from: r.from, params: r.paramsAtStart }, ...r.paramsChanged.map((c) => ({ from: c.at, params: c.params }))];
}

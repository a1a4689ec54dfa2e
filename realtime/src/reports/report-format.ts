/**
 * A report as CSV (one row per line of the report: the total, each interval or day, each part) and as
 * a printable HTML page (no script, print styles; the console draws the charts). The CSV is for
 * machines (plain numbers, English headers); the page is for people, in Vietnamese or English.
 */
import { categoryName, causeText, departmentName, metricName, paramsInForce, rootCauseName, type ComplaintsSummaryLine, type MetricParams, type MetricValues, type ReportLang } from '../contracts/index.ts';
import { notApplicable, type Report } from './report.ts';

/** The columns of the CSV and of the printable tables, by their metric names. */
export const REPORT_COLUMNS: readonly (keyof MetricValues)[] = [
  'offered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'serviceLevelPct',
  'abandonRatePct',
  'asaSec',
  'ahtSec',
  'maxWaitSec',
  'handled',
  'occupancyPct',
  'utilizationPct',
  'staffedAgents',
  'volumePerAgent',
  'transferRatePct',
  'attempts',
  'connectivityRatePct',
  'conversionRatePct',
  'revenue',
  // Added after the first release: at the end, so a reader of the CSV by position keeps working.
  'adherencePct',
  'conformancePct',
];

/** The columns of a complaints summary line (CSV and the printable table). */
const COMPLAINT_COLUMNS = ['opened', 'high', 'resolved', 'withSla', 'inSla', 'slaMetPct', 'medianResolveH', 'backlog', 'overdue'] as const satisfies readonly (keyof ComplaintsSummaryLine)[];
function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** RFC 4180 field; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
export function csvField(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The figures of a line of the report without meaning for its scope (a team's or an agent's offered and
 * abandoned calls: `notApplicable`). The report's own are in `omitted`; its parts', by their scope.
 */
function omittedOf(r: Report, scope: string): ReadonlySet<string> {
  return new Set(scope === r.scope && r.omitted ? r.omitted : notApplicable(scope, r.params.slBasis));
}

/**
 * The metric parameters of the period, each with the instant it applied from (the period's start for the
 * first), when more than one version applied (`paramsChanged`); empty when one did (`params`).
 */
function versionsOf(r: Report): { from: number; params: MetricParams }[] {
  const v = paramsInForce<MetricParams>(r, r.params);
  return v.length > 1 ? v : [];
}

/** The columns of the CSV's `params` section. */
const PARAM_COLUMNS = ['slThresholdSec', 'slTargetPct', 'shortAbandonSec', 'slBasis'] as const satisfies readonly (keyof MetricParams)[];

export function reportCsv(r: Report): string {
  const head = ['section', 'scope', 'id', 'name', 'start', ...REPORT_COLUMNS];
  const lines: string[][] = [head];
  // A figure the scope does not have is an empty cell (no value), as a rate without a denominator is, not a 0.
  const row = (section: string, scope: string, id: string, name: string, start: string, v: MetricValues) => {
    const omit = omittedOf(r, scope);
    lines.push([section, scope, id, name, start, ...REPORT_COLUMNS.map((k) => (omit.has(k) ? '' : num(v[k] as number | null)))]);
  };
  row('total', r.scope, r.id, r.name, r.period.from, r.total);
  for (const s of r.series) row(r.kind === 'daily' ? 'interval' : 'day', r.scope, r.id, r.name, r.kind === 'daily' ? new Date(s.start).toISOString() : s.label, s.values);
  for (const b of r.breakdown) row('part', b.scope, b.id, b.name, r.period.from, b.values);
  const out = lines.map((l) => l.map(csvField).join(','));
  out.push('');
  out.push(['target', 'metric', 'kind', 'target', 'actual', 'met', 'causes'].map(csvField).join(','));
  for (const t of r.targets) out.push(['target', t.metric, t.kind, num(t.target), num(t.actual), t.met === null ? '' : String(t.met), t.causes.join('; ')].map(csvField).join(','));
  out.push('');
  out.push(['quality', 'agent', 'name', 'handled', 'complete', 'valid', 'validPct'].map(csvField).join(','));
  for (const q of r.quality) out.push(['quality', q.agentId, q.name, String(q.handled), String(q.complete), String(q.valid), num(q.validPct)].map(csvField).join(','));
  const c = r.complaints;
  if (c) {
    out.push('');
    out.push(['complaints', 'by', 'code', ...COMPLAINT_COLUMNS].map(csvField).join(','));
    const line = (by: string, l: ComplaintsSummaryLine) => out.push(['complaints', by, l.code, ...COMPLAINT_COLUMNS.map((k) => num(l[k]))].map(csvField).join(','));
    line('total', c.total);
    for (const l of c.byDepartment) line('department', l);
    for (const l of c.byCategory) line('category', l);
    for (const [channel, n] of Object.entries(c.byChannel)) out.push(['complaints', 'channel', channel, String(n)].map(csvField).join(','));
    out.push('');
    out.push(['root-cause', 'code', 'label', 'count'].map(csvField).join(','));
    for (const rc of c.rootCauses) out.push(['root-cause', rc.code, rc.label, String(rc.count)].map(csvField).join(','));
  }
  // The parameters changed during the period: each version with the instant it applied from (the rows above
  // are derived as `paramsChanged` says). Last, so a reader of the sections by position keeps working.
  const versions = versionsOf(r);
  if (versions.length > 0) {
    out.push('');
    out.push(['params', 'from', ...PARAM_COLUMNS].map(csvField).join(','));
    for (const v of versions) out.push(['params', new Date(v.from).toISOString(), ...PARAM_COLUMNS.map((k) => String(v.params[k]))].map(csvField).join(','));
  }
  return '\uFEFF' + out.join('\r\n') + '\r\n';
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** A first cell that names a code: the name, with the code as its title (as the metric columns do); a code without a name as it is. */
const namedCell = (name: string, code: string) => (name === code ? `<td>${esc(code)}</td>` : `<td title="${esc(code)}">${esc(name)}</td>`);

/** The printable page's words. The English table is typed by the Vietnamese one: a missing word does not compile. */
const VI = {
  daily: 'Báo cáo ngày',
  weekly: 'Báo cáo tuần',
  to: 'đến',
  totals: 'Tổng hợp',
  lineCalls: 'Cuộc gọi đến và bỏ máy thuộc về line, không thuộc nhóm hay điện thoại viên: báo cáo này tính các cuộc điện thoại viên đã trả lời và đã xử lý.',
  period: 'Kỳ báo cáo',
  targets: 'Mục tiêu và thực tế',
  metric: 'Chỉ số',
  target: 'Mục tiêu',
  actual: 'Thực tế',
  met: 'Đạt',
  causes: 'Nguyên nhân',
  yes: 'đạt',
  no: 'không đạt',
  factors: 'So với dự kiến',
  byInterval: 'Theo khoảng thời gian',
  byDay: 'Theo ngày',
  interval: 'Khoảng',
  day: 'Ngày',
  breakdown: 'Chi tiết',
  part: 'Thành phần',
  quality: 'Chất lượng nhập liệu CRM',
  agent: 'Điện thoại viên',
  handled: 'Đã xử lý',
  complete: 'Đã nhập',
  valid: 'Hợp lệ',
  validPct: 'Hợp lệ (%)',
  complaints: 'Khiếu nại',
  byChannel: 'Tiếp nhận theo kênh',
  none: 'không có',
  complaintsNote: 'Đã giải quyết: trong kỳ, so với SLA của loại khiếu nại; còn tồn và quá hạn: tại cuối kỳ.',
  department: 'Bộ phận',
  category: 'Loại khiếu nại',
  total: 'Tổng',
  rootCause: 'Nguyên nhân gốc của các khiếu nại đã giải quyết',
  complaintCount: 'Khiếu nại',
  timeZone: 'múi giờ {tz}',
  slRule: 'mức phục vụ: trả lời trong {t} giây (cơ sở {basis}), bỏ máy sớm: dưới {s} giây',
  slRules: 'mức phục vụ đổi trong kỳ: {rules}',
  slRuleFrom: 'từ {from} trả lời trong {t} giây (cơ sở {basis}), bỏ máy sớm dưới {s} giây',
  slRulesDaily: 'Mỗi khoảng thời gian tính theo quy tắc có hiệu lực lúc bắt đầu khoảng, phần tổng hợp theo quy tắc cuối kỳ (thời gian trả lời và bỏ máy so với ngưỡng có hiệu lực lúc có cuộc gọi).',
  slRulesWeekly: 'Mỗi ngày tính theo quy tắc có hiệu lực lúc đầu ngày, phần tổng hợp theo quy tắc cuối kỳ (thời gian trả lời và bỏ máy so với ngưỡng có hiệu lực lúc có cuộc gọi).',
  generated: 'lập lúc {at}',
  basis_spec: 'trả lời + bỏ máy − bỏ máy sớm',
  basis_answered: 'cuộc được trả lời',
  basis_offered: 'cuộc gọi đến',
  scope_site: 'toàn tổng đài',
  scope_queue: 'line',
  scope_team: 'nhóm',
  scope_agent: 'điện thoại viên',
  scope_campaign: 'chiến dịch',
  channel_form: 'biểu mẫu',
  channel_wrapup: 'sau cuộc gọi',
  channel_survey: 'khảo sát',
  c_opened: 'Tiếp nhận',
  c_high: 'Ưu tiên cao',
  c_resolved: 'Đã giải quyết',
  c_withSla: 'Giải quyết có SLA',
  c_inSla: 'Đúng hạn SLA',
  c_slaMetPct: 'Đúng hạn (%)',
  c_medianResolveH: 'Giờ làm việc để giải quyết (trung vị)',
  c_backlog: 'Còn tồn cuối kỳ',
  c_overdue: 'Quá hạn cuối kỳ',
} as const;
type Word = keyof typeof VI;
const EN: Record<Word, string> = {
  daily: 'Daily report',
  weekly: 'Weekly report',
  to: 'to',
  totals: 'Totals',
  lineCalls: 'Calls are offered to and abandoned in lines, not teams or agents: this report counts the calls the agents answered and handled.',
  period: 'Period',
  targets: 'Targets',
  metric: 'Metric',
  target: 'Target',
  actual: 'Actual',
  met: 'Met',
  causes: 'Causes',
  yes: 'yes',
  no: 'no',
  factors: 'Compared with expectations',
  byInterval: 'By interval',
  byDay: 'By day',
  interval: 'Interval',
  day: 'Day',
  breakdown: 'Breakdown',
  part: 'Part',
  quality: 'Wrap-up data quality',
  agent: 'Agent',
  handled: 'Handled',
  complete: 'Complete',
  valid: 'Valid',
  validPct: 'Valid %',
  complaints: 'Complaints',
  byChannel: 'Opened by channel',
  none: 'none',
  complaintsNote: "Resolved in the period, against the SLA of each complaint's category; open and overdue at the period's end.",
  department: 'Department',
  category: 'Category',
  total: 'Total',
  rootCause: 'Root cause of the resolved complaints',
  complaintCount: 'Complaints',
  timeZone: 'time zone {tz}',
  slRule: 'SL: answered within {t} s (basis {basis}), short abandon < {s} s',
  slRules: 'SL rule changed in the period: {rules}',
  slRuleFrom: 'from {from} answered within {t} s (basis {basis}), short abandon < {s} s',
  slRulesDaily: "Each interval uses the rule in force at its start, the totals the one at the period's end (answer and abandon times are measured against the thresholds in force at the time of the call).",
  slRulesWeekly: "Each day uses the rule in force at its start, the totals the one at the period's end (answer and abandon times are measured against the thresholds in force at the time of the call).",
  generated: 'generated {at}',
  basis_spec: 'spec',
  basis_answered: 'answered',
  basis_offered: 'offered',
  scope_site: 'site',
  scope_queue: 'queue',
  scope_team: 'team',
  scope_agent: 'agent',
  scope_campaign: 'campaign',
  channel_form: 'form',
  channel_wrapup: 'wrap-up',
  channel_survey: 'survey',
  c_opened: 'Opened',
  c_high: 'High priority',
  c_resolved: 'Resolved',
  c_withSla: 'Resolved under an SLA',
  c_inSla: 'In SLA',
  c_slaMetPct: 'SLA met %',
  c_medianResolveH: 'Median business h to resolve',
  c_backlog: 'Open at the end',
  c_overdue: 'Overdue at the end',
};
const WORDS: Record<ReportLang, Record<Word, string>> = { vi: VI, en: EN };

/** How the page writes numbers and words in one language: 1.234,5 and 413.220.000 ₫ in Vietnamese, 1,234.5 and ₫413,220,000 in English. */
class Writer {
  private readonly int: Intl.NumberFormat;
  private readonly dec: Intl.NumberFormat;
  private readonly one: Intl.NumberFormat;
  private readonly vnd: Intl.NumberFormat;
  constructor(readonly lang: ReportLang) {
    const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
    this.int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.dec = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    this.one = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    // Đồng, whole (no subunit in use); the site configuration names no currency, the sites are Vietnamese.
    this.vnd = new Intl.NumberFormat(locale, { style: 'currency', currency: 'VND', maximumFractionDigits: 0 });
  }
  w(key: Word, vars?: Record<string, string | number>): string {
    let s = WORDS[this.lang][key];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  }
  /** A table cell: whole numbers as they are, others with 2 decimals; empty when there is no value. */
  num(v: number | null | undefined): string {
    if (v === null || v === undefined || !Number.isFinite(v)) return '';
    return Number.isInteger(v) ? this.int.format(v) : this.dec.format(v);
  }
  /** A figure in a sentence, at most 1 decimal. */
  fig(v: number): string {
    return this.one.format(v);
  }
  money(v: number | null | undefined): string {
    return v === null || v === undefined || !Number.isFinite(v) ? '' : this.vnd.format(v);
  }
  /** A metric's value: revenue in đồng, the rest as numbers. */
  metric(k: string, v: number | null | undefined): string {
    return k === 'revenue' ? this.money(v) : this.num(v);
  }
  /** A site-local date (YYYY-MM-DD) as the language writes it: 02/03/2026, or as it is in English. */
  date(d: string): string {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    return this.lang === 'vi' && m ? `${m[3]}/${m[2]}/${m[1]}` : d;
  }
  /** An instant in the site's time zone: 03/03/2026 07:30 (vi), 2026-03-03 07:30 (en). */
  time(ms: number, timeZone: string): string {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone })
        .formatToParts(ms)
        .map((p) => [p.type, p.value]),
    );
    return `${this.date(`${parts.year}-${parts.month}-${parts.day}`)} ${parts.hour}:${parts.minute}`;
  }
  /** The time of day of an instant in the site's time zone: 10:30. */
  clock(ms: number, timeZone: string): string {
    return this.time(ms, timeZone).slice(-5);
  }
  /** A word for a code (`scope_queue`), or the code when there is none. */
  code(prefix: string, code: string): string {
    const k = `${prefix}${code}`;
    return Object.hasOwn(WORDS[this.lang], k) ? WORDS[this.lang][k as Word] : code;
  }
}

/** A cause of a missed target in `lang` (the contracts' `causeText`, which the console uses too). */
export { causeText };

/** A table of figures: the columns some row has a value in; a figure a row's scope does not have (`omit`) is an empty cell. */
function table(x: Writer, rows: { label: string; values: MetricValues; omit: ReadonlySet<string> }[], first: string): string {
  const value = (r: (typeof rows)[number], k: keyof MetricValues) => (r.omit.has(k) ? null : (r.values[k] as number | null));
  const cols = REPORT_COLUMNS.filter((k) => rows.some((r) => value(r, k) !== null && value(r, k) !== 0));
  return `<table><thead><tr><th>${esc(first)}</th>${cols.map((k) => `<th title="${esc(k)}">${esc(metricName(k, x.lang))}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr><td>${esc(r.label)}</td>${cols.map((k) => `<td>${esc(x.metric(k, value(r, k)))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export interface ReportHtmlOptions {
  /** The page's language. @defaultValue 'en' */
  lang?: ReportLang;
  /**
   * A line's or team's name in `lang` (the report carries the configured name); undefined keeps it.
   * The hub passes its site's Vietnamese names (`nameVi`).
   */
  nameOf?: (scope: string, id: string) => string | undefined;
}

/** A printable page: the figures, targets with causes, the breakdown and the data-entry quality, in `lang`. */
export function reportHtml(r: Report, opts: ReportHtmlOptions = {}): string {
  const x = new Writer(opts.lang ?? 'en');
  const nameOf = (scope: string, id: string, name: string) => opts.nameOf?.(scope, id) ?? name;
  const period = r.period.to !== r.period.from ? `${x.date(r.period.from)} ${x.w('to')} ${x.date(r.period.to)}` : x.date(r.period.from);
  const title = `${x.w(r.kind)}: ${nameOf(r.scope, r.id, r.name)} (${period})`;
  // A report stored before the causes had their data carries the English sentences only.
  const causes = (t: Report['targets'][number]) => (t.causeDetails ? t.causeDetails.map((c) => causeText(c, x.lang)) : t.causes);
  const targets = r.targets.length
    ? `<h2>${x.w('targets')}</h2><table><thead><tr><th>${x.w('metric')}</th><th>${x.w('target')}</th><th>${x.w('actual')}</th><th>${x.w('met')}</th><th>${x.w('causes')}</th></tr></thead><tbody>${r.targets
        .map(
          (t) =>
            `<tr class="${t.met === false ? 'miss' : ''}"><td title="${esc(t.metric)}">${esc(metricName(t.metric, x.lang))}</td><td>${t.kind === 'min' ? '≥' : '≤'} ${esc(x.metric(t.metric, t.target))}</td><td>${esc(x.metric(t.metric, t.actual))}</td><td>${t.met === null ? '–' : t.met ? x.w('yes') : x.w('no')}</td><td>${esc(causes(t).join('; '))}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const factors = r.factors.length ? `<ul>${r.factors.map((f) => `<li>${esc(causeText(f, x.lang))}</li>`).join('')}</ul>` : '';
  const quality = r.quality.length
    ? `<h2>${x.w('quality')}</h2><table><thead><tr><th>${x.w('agent')}</th><th>${x.w('handled')}</th><th>${x.w('complete')}</th><th>${x.w('valid')}</th><th>${x.w('validPct')}</th></tr></thead><tbody>${r.quality
        .map((q) => `<tr><td>${esc(q.name)}</td><td>${x.num(q.handled)}</td><td>${x.num(q.complete)}</td><td>${x.num(q.valid)}</td><td>${esc(x.num(q.validPct))}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const c = r.complaints;
  // Departments, categories and root causes by their names in the page's language (the table the console
  // uses, `contracts/complaint-names.ts`); a site's own code as it is, a root cause's own label as written.
  const complaintTable = (first: string, lines: readonly (ComplaintsSummaryLine & { name?: string })[], name: (code: string, lang: ReportLang) => string) =>
    `<table><thead><tr><th>${esc(first)}</th>${COMPLAINT_COLUMNS.map((k) => `<th>${esc(x.w(`c_${k}`))}</th>`).join('')}</tr></thead><tbody>${lines
      .map((l) => `<tr>${l.name !== undefined ? `<td>${esc(l.name)}</td>` : l.code ? namedCell(name(l.code, x.lang), l.code) : '<td>–</td>'}${COMPLAINT_COLUMNS.map((k) => `<td>${esc(x.num(l[k]))}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const complaints =
    c && (c.total.opened || c.total.resolved || c.total.backlog)
      ? `<h2>${x.w('complaints')}</h2><p class="meta">${x.w('byChannel')}: ${
          Object.entries(c.byChannel)
            .map(([k, n]) => `${esc(x.code('channel_', k))} ${x.num(n)}`)
            .join(', ') || x.w('none')
        }. ${esc(x.w('complaintsNote'))}</p>${complaintTable(x.w('department'), [...c.byDepartment, { ...c.total, name: x.w('total') }], departmentName)}${complaintTable(x.w('category'), c.byCategory, categoryName)}${
          c.rootCauses.length
            ? `<table><thead><tr><th>${x.w('rootCause')}</th><th>${x.w('complaintCount')}</th></tr></thead><tbody>${c.rootCauses
                .map((rc) => `<tr>${namedCell(rootCauseName(rc.code, x.lang, rc.label), rc.code)}<td>${x.num(rc.count)}</td></tr>`)
                .join('')}</tbody></table>`
            : ''
        }`
      : '';
  const p = r.params;
  const own = omittedOf(r, r.scope);
  const generated = x.time(r.generatedAt, p.timeZone);
  const rule = (q: MetricParams) => ({ t: x.fig(q.slThresholdSec), basis: x.code('basis_', q.slBasis), s: x.fig(q.shortAbandonSec) });
  // The rules the period's figures were derived with, each from when it applied (a daily report by the time
  // of day, a weekly one by date and time); a version that changed only what the line does not show (the SL
  // goal) is no new rule here.
  const rules: { from: number; words: ReturnType<typeof rule> }[] = [];
  for (const v of versionsOf(r)) {
    const words = rule(v.params);
    const last = rules[rules.length - 1]?.words;
    if (!last || last.t !== words.t || last.basis !== words.basis || last.s !== words.s) rules.push({ from: v.from, words });
  }
  const at = (ms: number) => (r.kind === 'daily' ? x.clock(ms, p.timeZone) : x.time(ms, p.timeZone));
  const slRule =
    rules.length > 1 ? x.w('slRules', { rules: rules.map((v) => x.w('slRuleFrom', { from: at(v.from), ...v.words })).join('; ') }) : x.w('slRule', rule(p));
  const meta = [
    esc(r.siteName),
    // The title names the line, team, agent or campaign; its id stays at hand as the scope word's title.
    r.id ? `<span title="${esc(r.id)}">${esc(x.code('scope_', r.scope))}</span>` : esc(x.code('scope_', r.scope)),
    esc(x.w('timeZone', { tz: p.timeZone })),
    esc(slRule),
    esc(x.w('generated', { at: generated })),
  ].join(' · ');
  return `<!doctype html>
<html lang="${x.lang}"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:24px;color:#111}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:20px 0 6px}
table{border-collapse:collapse;width:100%;margin-bottom:8px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}
th:first-child,td:first-child{text-align:left}tr.miss td{background:#fde8e8}.meta{color:#555}
@media print{body{margin:0}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="meta">${meta}</p>${rules.length > 1 ? `\n<p class="meta">${esc(x.w(r.kind === 'daily' ? 'slRulesDaily' : 'slRulesWeekly'))}</p>` : ''}
<h2>${x.w('totals')}</h2>${table(x, [{ label: r.period.from === r.period.to ? x.date(r.period.from) : `${x.date(r.period.from)} – ${x.date(r.period.to)}`, values: r.total, omit: own }], x.w('period'))}${own.has('offered') ? `<p class="meta">${esc(x.w('lineCalls'))}</p>` : ''}
${targets}${factors ? `<h2>${x.w('factors')}</h2>${factors}` : ''}
<h2>${x.w(r.kind === 'daily' ? 'byInterval' : 'byDay')}</h2>${table(
    x,
    r.series.map((s) => ({ label: r.kind === 'daily' ? s.label : x.date(s.label), values: s.values, omit: own })),
    x.w(r.kind === 'daily' ? 'interval' : 'day'),
  )}
${r.breakdown.length ? `<h2>${x.w('breakdown')}</h2>${table(x, r.breakdown.map((b) => ({ label: `${x.code('scope_', b.scope)}: ${nameOf(b.scope, b.id, b.name)}`, values: b.values, omit: omittedOf(r, b.scope) })), x.w('part'))}` : ''}
${quality}
${complaints}
</body></html>
`;
}

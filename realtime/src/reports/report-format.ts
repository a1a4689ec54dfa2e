/**
 * A report as CSV (one row per line of the report: the total, each interval or day, each part) and as
 * a printable HTML page (no script, print styles; the console draws the charts).
 */
import type { ComplaintsSummaryLine, MetricValues } from '../contracts/index.ts';
import type { Report } from './report.ts';

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
];

/** The columns of a complaints summary line (CSV and the printable table). */
const COMPLAINT_COLUMNS = ['opened', 'high', 'resolved', 'withSla', 'inSla', 'slaMetPct', 'medianResolveH', 'backlog', 'overdue'] as const satisfies readonly (keyof ComplaintsSummaryLine)[];
const COMPLAINT_LABELS: Record<(typeof COMPLAINT_COLUMNS)[number], string> = {
  opened: 'Opened',
  high: 'High priority',
  resolved: 'Resolved',
  withSla: 'Resolved under an SLA',
  inSla: 'In SLA',
  slaMetPct: 'SLA met %',
  medianResolveH: 'Median business h to resolve',
  backlog: 'Open at the end',
  overdue: 'Overdue at the end',
};

function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** RFC 4180 field; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
export function csvField(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(r: Report): string {
  const head = ['section', 'scope', 'id', 'name', 'start', ...REPORT_COLUMNS];
  const lines: string[][] = [head];
  const row = (section: string, scope: string, id: string, name: string, start: string, v: MetricValues) =>
    lines.push([section, scope, id, name, start, ...REPORT_COLUMNS.map((k) => num(v[k] as number | null))]);
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
  return '\uFEFF' + out.join('\r\n') + '\r\n';
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const LABELS: Partial<Record<keyof MetricValues, string>> = {
  offered: 'Offered',
  answered: 'Answered',
  abandoned: 'Abandoned',
  shortAbandoned: 'Short abandons',
  serviceLevelPct: 'SL %',
  abandonRatePct: 'Abandon %',
  asaSec: 'ASA s',
  ahtSec: 'AHT s',
  maxWaitSec: 'Max wait s',
  handled: 'Handled',
  occupancyPct: 'Occupancy %',
  utilizationPct: 'Utilization %',
  staffedAgents: 'Agents',
  volumePerAgent: 'Calls / agent',
  transferRatePct: 'Transfer %',
  attempts: 'Dial attempts',
  connectivityRatePct: 'Connect %',
  conversionRatePct: 'Conversion %',
  revenue: 'Revenue',
};

function table(rows: { label: string; values: MetricValues }[], first: string): string {
  const cols = REPORT_COLUMNS.filter((k) => rows.some((r) => r.values[k] !== null && r.values[k] !== 0));
  return `<table><thead><tr><th>${esc(first)}</th>${cols.map((k) => `<th title="${esc(k)}">${esc(LABELS[k] ?? k)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr><td>${esc(r.label)}</td>${cols.map((k) => `<td>${esc(num(r.values[k] as number | null))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A printable page: the figures, targets with causes, the breakdown and the data-entry quality. */
export function reportHtml(r: Report): string {
  const title = `${r.kind === 'daily' ? 'Daily' : 'Weekly'} report: ${r.name} (${r.period.from}${r.period.to !== r.period.from ? ` to ${r.period.to}` : ''})`;
  const targets = r.targets.length
    ? `<h2>Targets</h2><table><thead><tr><th>Metric</th><th>Target</th><th>Actual</th><th>Met</th><th>Causes</th></tr></thead><tbody>${r.targets
        .map(
          (t) =>
            `<tr class="${t.met === false ? 'miss' : ''}"><td>${esc(t.metric)}</td><td>${t.kind === 'min' ? '≥' : '≤'} ${esc(num(t.target))}</td><td>${esc(num(t.actual))}</td><td>${t.met === null ? '–' : t.met ? 'yes' : 'no'}</td><td>${esc(t.causes.join('; '))}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const factors = r.factors.length ? `<ul>${r.factors.map((f) => `<li>${esc(f.text)}</li>`).join('')}</ul>` : '';
  const quality = r.quality.length
    ? `<h2>Wrap-up data quality</h2><table><thead><tr><th>Agent</th><th>Handled</th><th>Complete</th><th>Valid</th><th>Valid %</th></tr></thead><tbody>${r.quality
        .map((q) => `<tr><td>${esc(q.name)}</td><td>${q.handled}</td><td>${q.complete}</td><td>${q.valid}</td><td>${esc(num(q.validPct))}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const c = r.complaints;
  const complaintTable = (first: string, lines: readonly ComplaintsSummaryLine[]) =>
    `<table><thead><tr><th>${esc(first)}</th>${COMPLAINT_COLUMNS.map((k) => `<th>${esc(COMPLAINT_LABELS[k])}</th>`).join('')}</tr></thead><tbody>${lines
      .map((l) => `<tr><td>${esc(l.code || '–')}</td>${COMPLAINT_COLUMNS.map((k) => `<td>${esc(num(l[k]))}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const complaints =
    c && (c.total.opened || c.total.resolved || c.total.backlog)
      ? `<h2>Complaints</h2><p class="meta">Opened by channel: ${
          Object.entries(c.byChannel)
            .map(([k, n]) => `${esc(k)} ${n}`)
            .join(', ') || 'none'
        }. Resolved in the period, against the SLA of each complaint's category; open and overdue at the period's end.</p>${complaintTable('Department', [
          ...c.byDepartment,
          { ...c.total, code: 'Total' },
        ])}${complaintTable('Category', c.byCategory)}${
          c.rootCauses.length
            ? `<table><thead><tr><th>Root cause of the resolved complaints</th><th>Complaints</th></tr></thead><tbody>${c.rootCauses
                .map((rc) => `<tr><td>${esc(rc.label)}</td><td>${rc.count}</td></tr>`)
                .join('')}</tbody></table>`
            : ''
        }`
      : '';
  const p = r.params;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:24px;color:#111}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:20px 0 6px}
table{border-collapse:collapse;width:100%;margin-bottom:8px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}
th:first-child,td:first-child{text-align:left}tr.miss td{background:#fde8e8}.meta{color:#555}
@media print{body{margin:0}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="meta">${esc(r.siteName)} · ${esc(r.scope)}${r.id ? ` ${esc(r.id)}` : ''} · time zone ${esc(p.timeZone)} · SL: answered within ${p.slThresholdSec} s (basis ${esc(p.slBasis)}), short abandon &lt; ${p.shortAbandonSec} s · generated ${esc(new Date(r.generatedAt).toISOString())}</p>
<h2>Totals</h2>${table([{ label: r.period.from === r.period.to ? r.period.from : `${r.period.from} – ${r.period.to}`, values: r.total }], 'Period')}
${targets}${factors ? `<h2>Compared with expectations</h2>${factors}` : ''}
<h2>${r.kind === 'daily' ? 'By interval' : 'By day'}</h2>${table(
    r.series.map((s) => ({ label: s.label, values: s.values })),
    r.kind === 'daily' ? 'Interval' : 'Day',
  )}
${r.breakdown.length ? `<h2>Breakdown</h2>${table(r.breakdown.map((b) => ({ label: `${b.scope}: ${b.name}`, values: b.values })), 'Part')}` : ''}
${quality}
${complaints}
</body></html>
`;
}

/**
 * The managers' settings page, pure parts: business hours as the text people type ("08:00-12:00,
 * 13:00-17:30") and back, holidays as a list of dates, and the checks the page makes before sending
 * (the hub checks again with its zod schemas and its answers are shown beside the field).
 */

export const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;

/** Metrics a report target is usually set on, offered first on the page (the hub takes any metric of the engine: `report-settings.ts`). */
export const TARGET_METRICS = ['serviceLevelPct', 'abandonRatePct', 'asaSec', 'ahtSec', 'maxWaitSec', 'occupancyPct', 'volumePerAgent', 'connectivityRatePct', 'conversionRatePct', 'revenue'] as const;

const SPAN = /^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$/;
const two = (n: string) => n.padStart(2, '0');

/** "08:00-12:00, 13:00-17:30" -> [["08:00","12:00"],["13:00","17:30"]]; '' -> closed. Errors name the bad part. */
export function parseSpans(text: string): { ok: true; spans: [string, string][] } | { ok: false; bad: string } {
  const parts = text.split(/[,;]/).map((p) => p.trim()).filter(Boolean);
  const spans: [string, string][] = [];
  let last = -1;
  for (const p of parts) {
    const m = SPAN.exec(p);
    if (!m) return { ok: false, bad: p };
    const a = Number(m[1]) * 60 + Number(m[2]);
    const z = Number(m[3]) * 60 + Number(m[4]);
    if (Number(m[2]) > 59 || Number(m[4]) > 59 || z > 24 * 60 || !(a < z) || a < last) return { ok: false, bad: p };
    last = z;
    spans.push([`${two(m[1]!)}:${m[2]}`, `${two(m[3]!)}:${m[4]}`]);
  }
  return { ok: true, spans };
}

export function formatSpans(spans: readonly (readonly [string, string])[] | undefined): string {
  return (spans ?? []).map(([a, z]) => `${a}-${z}`).join(', ');
}

/** Dates separated by commas, spaces or lines; the ones that are not `YYYY-MM-DD` are returned as `bad`. */
export function parseHolidays(text: string): { dates: string[]; bad: string[] } {
  const all = text.split(/[\s,;]+/).filter(Boolean);
  const ok = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  return { dates: [...new Set(all.filter(ok))].sort(), bad: all.filter((d) => !ok(d)) };
}

/** A number typed in a field: '' -> null, else a finite number or NaN (shown as an error). */
export function numberOf(text: string | number | null | undefined): number | null {
  if (text === null || text === undefined || String(text).trim() === '') return null;
  const n = Number(String(text).replace(',', '.'));
  return Number.isFinite(n) ? n : NaN;
}

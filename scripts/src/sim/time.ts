/**
 * Time helpers shared by the simulator and the replay: durations, IANA time-zone offsets (through
 * `Intl.DateTimeFormat`, so no tz database dependency) and ISO-8601 strings with an offset.
 * Everything takes and returns epoch milliseconds; nothing here reads the clock.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Parses a duration like `90s`, `15m`, `2h`, `1h30m`, `1d`, `500ms` or a bare number of seconds.
 * @returns milliseconds
 */
export function parseDuration(text: string): number {
  const s = text.trim().toLowerCase();
  if (s === 'inf' || s === 'infinity' || s === 'forever') return Number.POSITIVE_INFINITY;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * SECOND;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += n * (unit === 'ms' ? 1 : unit === 's' ? SECOND : unit === 'm' ? MINUTE : unit === 'h' ? HOUR : DAY);
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== s.length) throw new Error(`not a duration: "${text}" (examples: 90s, 15m, 2h, 1h30m, 1d)`);
  return total;
}

/** `2h`, `1h30m`, `45s` for display. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'unlimited';
  const s = Math.round(ms / SECOND);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', sec || (!h && !m) ? `${sec}s` : ''].join('');
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// Offsets only change on quarter-hour boundaries in every zone in use, so one lookup per
// UTC quarter-hour is exact and keeps a month of replay (~1M conversions) cheap.
const QUARTER = 15 * MINUTE;
const offsetCache = new Map<string, Map<number, number>>();

/** Offset of `timeZone` from UTC at instant `utcMs`, in ms (local = utc + offset). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  let byZone = offsetCache.get(timeZone);
  if (!byZone) {
    byZone = new Map();
    offsetCache.set(timeZone, byZone);
  }
  const bucket = Math.floor(utcMs / QUARTER);
  const hit = byZone.get(bucket);
  if (hit !== undefined) return hit;
  const probe = bucket * QUARTER;
  const parts = formatter(timeZone).formatToParts(new Date(probe));
  const get = (t: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === t)?.value ?? NaN);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const off = local - probe;
  if (byZone.size > 200_000) byZone.clear();
  byZone.set(bucket, off);
  return off;
}

/** How a local wall-clock time maps to an instant. */
export type LocalTimeKind = 'ok' | 'gap' | 'fold';

/**
 * Converts a local wall-clock time in `timeZone` to epoch ms.
 * A time in a DST gap (it never happened) is read with the offset before the change, i.e. moved
 * forward by the gap, and a time in a fold (it happened twice) takes the earlier instant: the
 * same choices as Temporal's `disambiguation: 'compatible'`.
 */
export function localToUtc(
  timeZone: string,
  y: number,
  month: number,
  d: number,
  h = 0,
  mi = 0,
  s = 0,
): { utc: number; kind: LocalTimeKind } {
  const local = Date.UTC(y, month - 1, d, h, mi, s);
  const before = zoneOffsetMs(timeZone, local - DAY);
  const after = zoneOffsetMs(timeZone, local + DAY);
  const candidates = before === after ? [before] : [Math.max(before, after), Math.min(before, after)];
  const valid = candidates.filter((o) => zoneOffsetMs(timeZone, local - o) === o);
  if (valid.length === 0) {
    // Gap: read it with the earlier (smaller, for spring-forward) offset.
    return { utc: local - Math.min(before, after), kind: 'gap' };
  }
  // Candidates are ordered largest offset first = earliest instant first.
  return { utc: local - valid[0]!, kind: valid.length > 1 ? 'fold' : 'ok' };
}

/** Local calendar fields of an instant. */
export function localParts(timeZone: string, utcMs: number): {
  y: number;
  month: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  /** Minutes since local midnight, fractional. */
  minuteOfDay: number;
  /** ISO weekday, 1 = Monday .. 7 = Sunday. */
  weekday: number;
  offsetMs: number;
} {
  const offsetMs = zoneOffsetMs(timeZone, utcMs);
  const dt = new Date(utcMs + offsetMs);
  const h = dt.getUTCHours();
  const mi = dt.getUTCMinutes();
  const s = dt.getUTCSeconds();
  return {
    y: dt.getUTCFullYear(),
    month: dt.getUTCMonth() + 1,
    d: dt.getUTCDate(),
    h,
    mi,
    s,
    minuteOfDay: h * 60 + mi + (s + dt.getUTCMilliseconds() / SECOND) / 60,
    weekday: ((dt.getUTCDay() + 6) % 7) + 1,
    offsetMs,
  };
}

/** Epoch ms of local midnight starting the day that contains `utcMs`. */
export function startOfLocalDay(timeZone: string, utcMs: number): number {
  const p = localParts(timeZone, utcMs);
  return localToUtc(timeZone, p.y, p.month, p.d).utc;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `+07:00`, `-03:30`, `Z` is never used so the local time stays readable. */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const m = Math.round(Math.abs(offsetMs) / MINUTE);
  return `${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/**
 * ISO-8601 with the local offset of `offsetMs` (e.g. `2026-11-22T08:00:03+07:00`); milliseconds
 * appear only when they are not zero.
 */
export function isoWithOffset(utcMs: number, offsetMs: number): string {
  const ms = Math.round(utcMs);
  const dt = new Date(ms + offsetMs);
  const frac = dt.getUTCMilliseconds();
  return (
    `${pad(dt.getUTCFullYear(), 4)}-${pad(dt.getUTCMonth() + 1)}-${pad(dt.getUTCDate())}` +
    `T${pad(dt.getUTCHours())}:${pad(dt.getUTCMinutes())}:${pad(dt.getUTCSeconds())}` +
    (frac ? `.${pad(frac, 3)}` : '') +
    formatOffset(offsetMs)
  );
}

/** ISO-8601 in the local time of `timeZone`. */
export function isoInZone(utcMs: number, timeZone: string): string {
  return isoWithOffset(utcMs, zoneOffsetMs(timeZone, utcMs));
}

/** Epoch ms of an event's `at` (ISO string with offset, or epoch ms); NaN if unreadable. */
export function eventTimeMs(at: unknown): number {
  if (typeof at === 'number') return at;
  if (typeof at === 'string') return Date.parse(at);
  return Number.NaN;
}

export const TIME = { SECOND, MINUTE, HOUR, DAY } as const;

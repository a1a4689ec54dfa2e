/**
 * Business hours in a site's time zone, for the complaint SLA clock: opening spans per ISO weekday,
 * holidays, and arithmetic in business time (add N business minutes; business time between two
 * instants). Pure, no clock.
 */
import { SiteCalendar } from '../core/time.ts';

export interface BusinessHours {
  timeZone: string;
  /** ISO weekday `1` (Monday) .. `7` -> local opening spans `[["08:00","12:00"], ...]`; missing = closed. */
  hours: Record<string, [string, string][]>;
  /** Local dates `YYYY-MM-DD` closed all day. */
  holidays: readonly string[];
}

/** Default: Monday-Friday 08:00-12:00 and 13:00-17:30, Saturday 08:00-12:00, Sunday closed. */
export function defaultBusinessHours(timeZone = 'Asia/Ho_Chi_Minh'): BusinessHours {
  const day: [string, string][] = [
    ['08:00', '12:00'],
    ['13:00', '17:30'],
  ];
  return { timeZone, hours: { 1: day, 2: day, 3: day, 4: day, 5: day, 6: [['08:00', '12:00']] }, holidays: [] };
}

const DAY = 86_400_000;
const HM = /^([01]\d|2[0-4]):([0-5]\d)$/;

function minutes(hm: string): number {
  const m = HM.exec(hm);
  if (!m) throw new Error(`not a time of day (HH:MM): ${hm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Checks spans (HH:MM, start < end, in order, not overlapping). @throws with the bad entry */
export function validateBusinessHours(b: BusinessHours): void {
  new Intl.DateTimeFormat('en', { timeZone: b.timeZone });
  for (const [wd, spans] of Object.entries(b.hours)) {
    if (!/^[1-7]$/.test(wd)) throw new Error(`weekday must be 1 (Monday) .. 7 (Sunday): ${wd}`);
    let last = -1;
    for (const [s, e] of spans) {
      const a = minutes(s);
      const z = minutes(e);
      if (!(a < z) || a < last) throw new Error(`bad span ${s}-${e} on weekday ${wd}`);
      last = z;
    }
  }
  for (const h of b.holidays) if (!/^\d{4}-\d{2}-\d{2}$/.test(h)) throw new Error(`holiday must be YYYY-MM-DD: ${h}`);
}

export class BusinessClock {
  private readonly cal: SiteCalendar;
  private readonly holidays: Set<string>;
  private readonly spans: Map<number, [number, number][]>;

  constructor(readonly hours: BusinessHours) {
    validateBusinessHours(hours);
    this.cal = new SiteCalendar(hours.timeZone, 15);
    this.holidays = new Set(hours.holidays);
    this.spans = new Map();
    for (let wd = 1; wd <= 7; wd++) this.spans.set(wd, (hours.hours[String(wd)] ?? []).map(([s, e]) => [minutes(s), minutes(e)]));
  }

  /** Open spans [from, to) (epoch ms) of the local day starting at `dayStart`. */
  private open(dayStart: number): [number, number][] {
    const date = this.cal.localDate(dayStart + 12 * 3_600_000);
    if (this.holidays.has(date)) return [];
    const d = new Date(`${date}T12:00:00Z`).getUTCDay();
    const wd = d === 0 ? 7 : d;
    const out: [number, number][] = [];
    for (const [a, z] of this.spans.get(wd) ?? []) {
      // Local clock time -> instant, with the offset at that time (DST-safe to the hour).
      const at = (m: number) => {
        const guess = Date.parse(`${date}T00:00:00Z`) + m * 60_000;
        return guess - this.cal.offsetMs(guess - this.cal.offsetMs(guess));
      };
      out.push([at(a), at(z)]);
    }
    return out;
  }

  /** The instant `minutes` business minutes after `from` (at `from` itself when 0). @throws if no business hours within a year */
  addBusinessMinutes(from: number, businessMinutes: number): number {
    let left = businessMinutes * 60_000;
    let day = this.cal.dayStart(from);
    for (let i = 0; i < 400; i++) {
      for (const [a, z] of this.open(day)) {
        const s = Math.max(a, from);
        if (z <= s) continue;
        if (left <= z - s) return s + left;
        left -= z - s;
      }
      day = this.cal.nextDayStart(day);
    }
    throw new Error('no business hours within a year: check the calendar');
  }

  /** Business time between `a` and `b` (ms; 0 if b <= a). */
  businessMsBetween(a: number, b: number): number {
    if (!(b > a)) return 0;
    let total = 0;
    for (let day = this.cal.dayStart(a); day < b; day = this.cal.nextDayStart(day)) {
      for (const [s, z] of this.open(day)) {
        const x = Math.max(s, a);
        const y = Math.min(z, b);
        if (y > x) total += y - x;
      }
      if (day > b + DAY) break;
    }
    return total;
  }

  /** Whether `at` is within business hours. */
  isOpen(at: number): boolean {
    return this.open(this.cal.dayStart(at)).some(([a, z]) => at >= a && at < z);
  }
}

/**
 * Site-local calendar arithmetic: day and interval boundaries in the site's time zone, computed from
 * epoch ms without reading the clock. Offsets are looked up once per UTC hour and cached, so the hot
 * path costs a Map lookup.
 */
const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export class SiteCalendar {
  readonly intervalMs: number;
  private readonly fmt: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(
    readonly timeZone: string,
    readonly intervalMin: number,
  ) {
    this.intervalMs = intervalMin * MINUTE;
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Offset of the zone from UTC at instant `ms`, in ms (e.g. +7 h for Asia/Ho_Chi_Minh). */
  offsetMs(ms: number): number {
    const key = Math.floor(ms / HOUR);
    if (key === this.cHour) return this.cHourOff;
    let off = this.offsets.get(key);
    if (off === undefined) {
      const probe = key * HOUR;
      const parts = this.fmt.formatToParts(new Date(probe));
      const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
      const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
      off = local - probe;
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(key, off);
    }
    this.cHour = key;
    this.cHourOff = off;
    return off;
  }

  private cDayStart = 0;
  private cDayEnd = -1;
  private cHour = -1;
  private cHourOff = 0;

  /** Start (epoch ms) of the site-local day containing `ms`. */
  dayStart(ms: number): number {
    if (ms >= this.cDayStart && ms < this.cDayEnd) return this.cDayStart;
    const d = this.computeDayStart(ms);
    this.cDayStart = d;
    this.cDayEnd = this.computeDayStart(d + DAY + 3 * HOUR);
    return d;
  }

  /** Start (epoch ms) of a site-local date `YYYY-MM-DD` (its local midnight). */
  dateStart(date: string): number {
    const noonUtc = Date.parse(`${date}T12:00:00Z`);
    return this.computeDayStart(noonUtc - this.offsetMs(noonUtc));
  }

  /** Start of the day after the one starting at `dayStart` (23 or 25 hours later around DST). */
  nextDayStart(dayStart: number): number {
    if (dayStart === this.cDayStart) return this.cDayEnd;
    return this.computeDayStart(dayStart + DAY + 3 * HOUR);
  }

  private computeDayStart(ms: number): number {
    const off = this.offsetMs(ms);
    const localMidnight = Math.floor((ms + off) / DAY) * DAY;
    // Near a DST change the offset at midnight can differ from the one at `ms`.
    return localMidnight - this.offsetMs(localMidnight - off);
  }

  /** Start of the report interval containing `ms`, aligned to site-local clock time. */
  intervalStart(ms: number): number {
    const off = this.offsetMs(ms);
    return Math.floor((ms + off) / this.intervalMs) * this.intervalMs - off;
  }

  /** Site-local date `YYYY-MM-DD` of `ms`. */
  localDate(ms: number): string {
    return new Date(ms + this.offsetMs(ms)).toISOString().slice(0, 10);
  }
}

/**
 * The metric engine of `shared/spec/metrics.md`. Counters are kept per scope (site, queue, team, agent,
 * campaign) in three bucket sizes: site-local days, report intervals and minutes (for sliding windows).
 * Every event adds to O(scopes) buckets; a query sums buckets and derives the metric values, so no
 * query rescans calls and no event rescans anything.
 */
import {
  COUNTER_KEYS,
  emptyCounters,
  type Counters,
  type MetricParams,
  type MetricValues,
} from '../contracts/index.ts';
import { DAY, MINUTE, SiteCalendar } from './time.ts';

export interface Bucket {
  c: Counters;
  /** Agents who were staffed at some time in the bucket's range (for volumePerAgent); filled by queries. */
  staffed: Set<string>;
}

/** Who was staffed in [from, to) for a scope: answered from the agents' staffed spans, not counted per bucket. */
export type StaffedResolver = (scope: string, from: number, to: number) => Set<string>;

/** One scope's buckets, with the last bucket of each size cached (most events hit the current one). */
export interface ScopeSeries {
  key: string;
  days: Map<number, Bucket>;
  intervals: Map<number, Bucket>;
  /**
   * Minute buckets in a ring of {@link MINUTES_KEPT} slots: slot `(start / MINUTE) % MINUTES_KEPT` holds the
   * minute starting at `mKeys[slot]` (-1: empty). Only the kept minutes are ever written, so they never
   * collide; a slot whose minute fell out of the window is reused (no map lookups, no pruning walks).
   */
  mRing: (Bucket | undefined)[];
  mKeys: Float64Array;
  dK: number;
  dB: Bucket | null;
  iK: number;
  iB: Bucket | null;
}

/** {@link MetricsStore.dump}: plain JSON data. */
export interface MetricsDump {
  latestMinute: number;
  lastPrune: number;
  /** Counter names in the order of each bucket row (so a newer build can load an older dump). */
  keys: string[];
  /** [scope key, days, intervals, minutes]; a bucket row is [start, ...counters]. */
  scopes: [string, number[][], number[][], number[][]][];
}

type NumericDelta = Partial<Record<keyof Counters, number>>;

/** Minutes kept for sliding windows. @defaultValue 120 */
export const MINUTES_KEPT = 120;

function newBucket(): Bucket {
  return { c: emptyCounters(), staffed: new Set() };
}

function getBucket(map: Map<number, Bucket>, key: number): Bucket {
  let b = map.get(key);
  if (!b) {
    b = newBucket();
    map.set(key, b);
  }
  return b;
}

/** Adds the counters `keys` (with `vals`) to `c`; `maxWaitMs` keeps the larger value. */
function applyDelta(c: Counters, keys: readonly (keyof Counters)[], vals: readonly number[]): void {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = vals[i]!;
    if (key === 'maxWaitMs') {
      if (v > c.maxWaitMs) c.maxWaitMs = v;
    } else c[key] += v;
  }
}

export function addCounters(into: Counters, from: Counters): void {
  for (const k of COUNTER_KEYS) {
    if (k === 'maxWaitMs') into.maxWaitMs = Math.max(into.maxWaitMs, from.maxWaitMs);
    else into[k] += from[k];
  }
}

function addTime(c: Counters, ms: number, avail: boolean, busy: boolean): void {
  c.staffedMs += ms;
  if (avail) c.availableMs += ms;
  else if (busy) c.busyMs += ms;
}

function dayBucket(s: ScopeSeries, key: number): Bucket {
  if (s.dK === key && s.dB) return s.dB;
  const b = getBucket(s.days, key);
  s.dK = key;
  s.dB = b;
  return b;
}
function intervalBucket(s: ScopeSeries, key: number): Bucket {
  if (s.iK === key && s.iB) return s.iB;
  const b = getBucket(s.intervals, key);
  s.iK = key;
  s.iB = b;
  return b;
}
/** The bucket of the minute starting at `key`; callers only pass kept minutes (see `record`, `recordAgentTime`). */
function minuteBucket(s: ScopeSeries, key: number): Bucket {
  const i = (key / MINUTE) % MINUTES_KEPT;
  let b = s.mRing[i];
  if (s.mKeys[i] === key) return b!;
  if (b) b.c = emptyCounters();
  else s.mRing[i] = b = newBucket();
  s.mKeys[i] = key;
  return b;
}

/** Adds the minute buckets of a series whose start lies in [from, to) to `into` (no allocation: boards ask on every delta). */
function addMinutes(into: Counters, s: ScopeSeries, from: number, to: number): void {
  for (let i = 0; i < MINUTES_KEPT; i++) {
    const k = s.mKeys[i]!;
    if (k >= from && k < to) addCounters(into, s.mRing[i]!.c);
  }
}

/** The kept minute buckets of a series, oldest first, whose start lies in [from, to) (for dumps). */
function minutesIn(s: ScopeSeries, from: number, to: number): [number, Bucket][] {
  const out: [number, Bucket][] = [];
  for (let i = 0; i < MINUTES_KEPT; i++) {
    const k = s.mKeys[i]!;
    if (k >= from && k < to) out.push([k, s.mRing[i]!]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

export class MetricsStore {
  readonly scopes = new Map<string, ScopeSeries>();
  /** Latest minute bucket seen; older minute buckets than MINUTES_KEPT before it are pruned. */
  private latestMinute = 0;
  private lastPrune = 0;

  /** Set by `createState`: which agents of a scope were staffed in a range. */
  staffedResolver: StaffedResolver = () => new Set();

  constructor(
    readonly calendar: SiteCalendar,
    /** Days of report intervals kept in memory (history lives in the database). @defaultValue 8 */
    readonly intervalRetentionDays = 8,
  ) {}

  /** The series of a scope key (created on first use). Callers on hot paths keep the result. */
  seriesOf(scope: string): ScopeSeries {
    let s = this.scopes.get(scope);
    if (!s) {
      s = { key: scope, days: new Map(), intervals: new Map(), mRing: new Array<Bucket | undefined>(MINUTES_KEPT), mKeys: new Float64Array(MINUTES_KEPT).fill(-1), dK: -1, dB: null, iK: -1, iB: null };
      this.scopes.set(scope, s);
    }
    return s;
  }

  resolve(scopes: readonly string[]): ScopeSeries[] {
    return scopes.map((k) => this.seriesOf(k));
  }

  /** Adds `delta` to the buckets containing `at` of each scope. */
  record(scopes: readonly (string | ScopeSeries)[], at: number, delta: NumericDelta): void {
    const cal = this.calendar;
    const day = cal.dayStart(at);
    const iv = cal.intervalStart(at);
    const min = Math.floor(at / MINUTE) * MINUTE;
    if (min > this.latestMinute) this.advanceMinute(min);
    const keepMinute = min > this.latestMinute - MINUTES_KEPT * MINUTE;
    // The delta's keys once, not once per bucket (its shape varies by call site: a `for...in` per bucket was slow).
    const keys: (keyof Counters)[] = [];
    const vals: number[] = [];
    for (const k in delta) {
      keys.push(k as keyof Counters);
      vals.push(delta[k as keyof Counters]!);
    }
    for (let i = 0; i < scopes.length; i++) {
      const x = scopes[i]!;
      const s = typeof x === 'string' ? this.seriesOf(x) : x;
      applyDelta(dayBucket(s, day).c, keys, vals);
      applyDelta(intervalBucket(s, iv).c, keys, vals);
      if (keepMinute) applyDelta(minuteBucket(s, min).c, keys, vals);
    }
  }

  /**
   * Adds agent time [from, to) of one kind to the scopes, split at bucket boundaries.
   * Hot path: takes resolved series, plain loops.
   */
  recordAgentTime(scopes: readonly ScopeSeries[], from: number, to: number, kind: 'availableMs' | 'busyMs' | null): void {
    if (!(to > from)) return;
    const cal = this.calendar;
    const endMin = Math.floor(to / MINUTE) * MINUTE;
    if (endMin > this.latestMinute) this.advanceMinute(endMin);
    const avail = kind === 'availableMs';
    const busy = kind === 'busyMs';
    const n = scopes.length;
    // days
    for (let t = from; t < to; ) {
      const d = cal.dayStart(t);
      const dayEnd = cal.nextDayStart(d);
      const next = dayEnd < to ? dayEnd : to;
      const ms = next - t;
      for (let i = 0; i < n; i++) addTime(dayBucket(scopes[i]!, d).c, ms, avail, busy);
      t = next > t ? next : to;
    }
    // intervals: only within retention
    const ivMs = cal.intervalMs;
    const ivFrom = to - this.intervalRetentionDays * DAY;
    for (let t = from > ivFrom ? from : ivFrom; t < to; ) {
      const k = cal.intervalStart(t);
      const next = k + ivMs < to ? k + ivMs : to;
      const ms = next - t;
      for (let i = 0; i < n; i++) addTime(intervalBucket(scopes[i]!, k).c, ms, avail, busy);
      t = next;
    }
    // minutes: only the kept window
    const mFrom = this.latestMinute - (MINUTES_KEPT - 1) * MINUTE;
    for (let t = from > mFrom ? from : mFrom; t < to; ) {
      const k = t - (t % MINUTE);
      const next = k + MINUTE < to ? k + MINUTE : to;
      const ms = next - t;
      for (let i = 0; i < n; i++) addTime(minuteBucket(scopes[i]!, k).c, ms, avail, busy);
      t = next;
    }
  }

  private advanceMinute(min: number): void {
    const prevDay = this.latestMinute ? this.calendar.dayStart(this.latestMinute) : 0;
    this.latestMinute = min;
    // Minute buckets need no pruning (their ring reuses old slots); kept in dumps for older builds.
    if (min - this.lastPrune >= 10 * MINUTE) this.lastPrune = min;
    const day = this.calendar.dayStart(min);
    if (day !== prevDay) {
      const ivCutoff = day - this.intervalRetentionDays * DAY;
      for (const s of this.scopes.values()) {
        for (const k of s.intervals.keys()) if (k < ivCutoff) s.intervals.delete(k);
        if (s.iK < ivCutoff) s.iB = null;
      }
    }
  }

  /** Sum of one scope's buckets from `map` whose start lies in [from, to). */
  private sum(scope: string, map: Map<number, Bucket> | undefined, from: number, to: number): Bucket {
    const out = newBucket();
    if (map) for (const [k, b] of map) if (k >= from && k < to) addCounters(out.c, b.c);
    out.staffed = this.staffedResolver(scope, from, to);
    return out;
  }

  /** The site-local day containing `at`. */
  day(scope: string, at: number): Bucket {
    const d = this.calendar.dayStart(at);
    const b = this.scopes.get(scope)?.days.get(d);
    return { c: b ? { ...b.c } : emptyCounters(), staffed: this.staffedResolver(scope, d, this.calendar.nextDayStart(d)) };
  }

  /** Days whose start lies in [from, to). */
  days(scope: string, from: number, to: number): Bucket {
    return this.sum(scope, this.scopes.get(scope)?.days, from, to);
  }

  /** Report intervals whose start lies in [from, to). */
  intervals(scope: string, from: number, to: number): Bucket {
    return this.sum(scope, this.scopes.get(scope)?.intervals, from, to);
  }

  /** The first minute still kept (older minutes are not in the ring any more). */
  private keptFrom(): number {
    return this.latestMinute - (MINUTES_KEPT - 1) * MINUTE;
  }

  /** Sliding window of the last `minutes` whole minutes up to and including the minute of `now`. */
  window(scope: string, now: number, minutes: number): Bucket {
    const end = Math.floor(now / MINUTE) * MINUTE + MINUTE;
    const from = Math.max(end - minutes * MINUTE, this.keptFrom());
    const out = newBucket();
    const s = this.scopes.get(scope);
    if (s) addMinutes(out.c, s, from, end);
    out.staffed = this.staffedResolver(scope, end - minutes * MINUTE, end);
    return out;
  }

  /** Interval series in [from, to), one entry per interval that has data. */
  series(scope: string, from: number, to: number): { start: number; bucket: Bucket }[] {
    const map = this.scopes.get(scope)?.intervals;
    if (!map) return [];
    const out: { start: number; bucket: Bucket }[] = [];
    for (const [k, b] of map) {
      if (k >= from && k < to) out.push({ start: k, bucket: { c: b.c, staffed: this.staffedResolver(scope, k, k + this.calendar.intervalMs) } });
    }
    return out.sort((a, b) => a.start - b.start);
  }

  /**
   * The store as plain data for a checkpoint: per scope, each bucket as [start, ...counters in
   * COUNTER_KEYS order]. `load` restores it (the caches start empty; they refill on the next event).
   */
  dump(): MetricsDump {
    const scopes: MetricsDump['scopes'] = [];
    const rows = (m: Map<number, Bucket>) => [...m].map(([k, b]) => [k, ...COUNTER_KEYS.map((c) => b.c[c])]);
    const kept = this.keptFrom();
    for (const s of this.scopes.values()) scopes.push([s.key, rows(s.days), rows(s.intervals), rows(new Map(minutesIn(s, kept, Infinity)))]);
    return { latestMinute: this.latestMinute, lastPrune: this.lastPrune, keys: [...COUNTER_KEYS], scopes };
  }

  /** Replaces the contents with a {@link dump}. Counters the dump does not know start at zero. */
  load(d: MetricsDump): void {
    this.scopes.clear();
    this.latestMinute = d.latestMinute;
    this.lastPrune = d.lastPrune;
    const map = (rows: number[][]) => {
      const m = new Map<number, Bucket>();
      for (const row of rows) {
        const b = newBucket();
        for (let i = 0; i < d.keys.length; i++) {
          const k = d.keys[i] as keyof Counters;
          if (k in b.c) b.c[k] = row[i + 1]!;
        }
        m.set(row[0]!, b);
      }
      return m;
    };
    const kept = this.keptFrom();
    for (const [key, days, intervals, minutes] of d.scopes) {
      const s = this.seriesOf(key);
      s.days = map(days);
      s.intervals = map(intervals);
      for (const [k, b] of map(minutes)) if (k >= kept && k <= this.latestMinute) minuteBucket(s, k).c = b.c;
    }
  }

  /** Earliest interval start still held in memory (older ranges fall back to day buckets). */
  intervalHorizon(now: number): number {
    return this.calendar.dayStart(now) - this.intervalRetentionDays * DAY;
  }
}

const pct = (num: number, den: number): number | null => (den > 0 ? (100 * num) / den : null);
const mean = (sumMs: number, n: number): number | null => (n > 0 ? sumMs / n / 1000 : null);

/** Derives the metric values of the spec from counters. Values with a zero denominator are null. */
export function deriveMetrics(b: Bucket, p: MetricParams): MetricValues {
  const c = b.c;
  const slDen =
    p.slBasis === 'answered' ? c.answered : p.slBasis === 'offered' ? c.offered : c.answered + c.abandoned - c.shortAbandoned;
  const staffedAgents = b.staffed.size;
  return {
    offered: c.offered,
    answered: c.answered,
    abandoned: c.abandoned,
    shortAbandoned: c.shortAbandoned,
    answeredWithinT: c.answeredWithinT,
    overflowed: c.overflowed,
    rejectedClosed: c.rejectedClosed,
    serviceLevelPct: pct(c.answeredWithinT, slDen),
    abandonRatePct: pct(c.abandoned - c.shortAbandoned, c.offered - c.shortAbandoned),
    abandonRateRawPct: pct(c.abandoned, c.offered),
    asaSec: mean(c.answeredWaitMs, c.answered),
    avgAbandonWaitSec: mean(c.abandonedWaitMs, c.abandoned),
    maxWaitSec: c.maxWaitMs / 1000,
    ahtSec: mean(c.handleMs, c.handled),
    transferRatePct: pct(c.transferred, c.answered),
    handled: c.handled,
    occupancyPct: pct(c.busyMs, c.busyMs + c.availableMs),
    utilizationPct: pct(c.busyMs, c.staffedMs),
    volumePerAgent: staffedAgents > 0 ? c.handled / staffedAgents : null,
    staffedAgents,
    missedOffers: c.missedOffers,
    attempts: c.attempts,
    connectivityRatePct: pct(c.connected, c.attempts),
    dropRatePct: pct(c.dropped, c.connected),
    conversionRatePct: pct(c.conversions, c.outboundHandled),
    revenue: c.revenue,
  };
}

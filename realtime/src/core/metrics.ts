/**
 * The metric engine of `shared/spec/metrics.md`. Counters are kept per scope (site, queue, team, agent,
 * campaign) in three bucket sizes: site-local days, report intervals and minutes (for sliding windows).
 * Every event adds to O(scopes) buckets; a query sums buckets and derives the metric values, so no
 * query rescans calls and no event rescans anything.
 */
import {
  COUNTER_KEYS,
  emptyCounters,
  everyStep,
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

/**
 * A stored bucket's counters: one number per {@link COUNTER_KEYS} entry, in that order. Typed and indexed,
 * because the hot paths add to them on every event: `row[i] += v` is one machine add, where `c[key] += v`
 * with a varying key name was a generic property lookup (a third of `hub.apply()`'s time went there).
 * Queries hand out {@link Counters} objects made from rows.
 */
export type Row = Float64Array;

const N = COUNTER_KEYS.length;
/** Index of each counter in a {@link Row}. */
const IDX = Object.fromEntries(COUNTER_KEYS.map((k, i) => [k, i])) as Record<keyof Counters, number>;
const I_MAXWAIT = IDX.maxWaitMs;
const I_STAFFED = IDX.staffedMs;
const I_AVAILABLE = IDX.availableMs;
const I_BUSY = IDX.busyMs;

const newRow = (): Row => new Float64Array(N);

/** The counters of `r` (at offset `off`) as a {@link Counters} object (a copy). */
function toCounters(r: Row, off = 0): Counters {
  const c = emptyCounters();
  for (let i = 0; i < N; i++) c[COUNTER_KEYS[i]!] = r[off + i]!;
  return c;
}

/** Adds the row at `from[off..]` to `into`; `maxWaitMs` keeps the larger value. */
function addRow(into: Row, from: Row, off = 0): void {
  for (let i = 0; i < N; i++) {
    const v = from[off + i]!;
    if (i === I_MAXWAIT) {
      if (v > into[i]!) into[i] = v;
    } else into[i] = into[i]! + v;
  }
}

/** One scope's buckets, with the last day and interval row cached (most events hit the current one). */
export interface ScopeSeries {
  key: string;
  days: Map<number, Row>;
  intervals: Map<number, Row>;
  /**
   * Minute buckets in a ring of {@link MINUTES_KEPT} slots of N counters each, in one array: slot
   * `(start / MINUTE) % MINUTES_KEPT` (at `slot * N`) holds the minute starting at `mKeys[slot]` (-1: empty).
   * Only the kept minutes are ever written, so they never collide; a slot whose minute fell out of the
   * window is zeroed and reused (no allocation, no map lookups, no pruning walks).
   */
  ring: Row;
  mKeys: Float64Array;
  dK: number;
  dB: Row | null;
  iK: number;
  iB: Row | null;
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

export type NumericDelta = Partial<Record<keyof Counters, number>>;

/** Minutes kept for sliding windows. @defaultValue 120 */
export const MINUTES_KEPT = 120;

function newBucket(): Bucket {
  return { c: emptyCounters(), staffed: new Set() };
}

function getRow(map: Map<number, Row>, key: number): Row {
  let r = map.get(key);
  if (!r) {
    r = newRow();
    map.set(key, r);
  }
  return r;
}

export function addCounters(into: Counters, from: Counters): void {
  for (const k of COUNTER_KEYS) {
    if (k === 'maxWaitMs') into.maxWaitMs = Math.max(into.maxWaitMs, from.maxWaitMs);
    // Stored before a counter existed (schedule time): it counts as 0.
    else into[k] += from[k] ?? 0;
  }
}

// A delta as (index, value) pairs, filled once per `record` call and read for each of its buckets.
// `record` never calls itself, so one scratch pair of arrays serves every call.
const dIdx = new Int32Array(N);
const dVal = new Float64Array(N);

function addDelta(r: Row, off: number, n: number): void {
  for (let j = 0; j < n; j++) {
    const i = off + dIdx[j]!;
    const v = dVal[j]!;
    if (dIdx[j] === I_MAXWAIT) {
      if (v > r[i]!) r[i] = v;
    } else r[i] = r[i]! + v;
  }
}

/** Adds `ms` to counter `i1` of the row at `off`, and to `i2` too when it is >= 0. */
function addTime(r: Row, off: number, ms: number, i1: number, i2: number): void {
  r[off + i1] = r[off + i1]! + ms;
  if (i2 >= 0) r[off + i2] = r[off + i2]! + ms;
}

function dayRow(s: ScopeSeries, key: number): Row {
  if (s.dK === key && s.dB) return s.dB;
  const b = getRow(s.days, key);
  s.dK = key;
  s.dB = b;
  return b;
}
function intervalRow(s: ScopeSeries, key: number): Row {
  if (s.iK === key && s.iB) return s.iB;
  const b = getRow(s.intervals, key);
  s.iK = key;
  s.iB = b;
  return b;
}
/**
 * Offset in `s.ring` of the minute starting at `key` (zeroed when its slot held an older minute). Callers
 * only pass kept minutes (see `record`, `recordAgentTime`). `key / MINUTE` fits an int32 until the year 6053.
 */
function minuteOff(s: ScopeSeries, key: number): number {
  const slot = ((key / MINUTE) | 0) % MINUTES_KEPT;
  const off = slot * N;
  if (s.mKeys[slot] !== key) {
    s.ring.fill(0, off, off + N);
    s.mKeys[slot] = key;
  }
  return off;
}

/** Adds the minute buckets of a series whose start lies in [from, to) to `into` (no allocation: boards ask on every delta). */
function addMinutes(into: Row, s: ScopeSeries, from: number, to: number): void {
  for (let i = 0; i < MINUTES_KEPT; i++) {
    const k = s.mKeys[i]!;
    if (k >= from && k < to) addRow(into, s.ring, i * N);
  }
}

/** The kept minutes of a series, oldest first, whose start lies in [from, to), as [start, offset in the ring]. */
function minutesIn(s: ScopeSeries, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < MINUTES_KEPT; i++) {
    const k = s.mKeys[i]!;
    if (k >= from && k < to) out.push([k, i * N]);
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
      s = { key: scope, days: new Map(), intervals: new Map(), ring: new Float64Array(MINUTES_KEPT * N), mKeys: new Float64Array(MINUTES_KEPT).fill(-1), dK: -1, dB: null, iK: -1, iB: null };
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
    // The delta's keys once, not once per bucket (its shape varies by call site).
    let n = 0;
    for (const k in delta) {
      const i = IDX[k as keyof Counters];
      const v = delta[k as keyof Counters];
      if (i === undefined || v === undefined) continue;
      dIdx[n] = i;
      dVal[n] = v;
      n++;
    }
    for (let i = 0; i < scopes.length; i++) {
      const x = scopes[i]!;
      const s = typeof x === 'string' ? this.seriesOf(x) : x;
      addDelta(dayRow(s, day), 0, n);
      addDelta(intervalRow(s, iv), 0, n);
      if (keepMinute) addDelta(s.ring, minuteOff(s, min), n);
    }
  }

  /**
   * Adds agent time [from, to) of one kind to the scopes, split at bucket boundaries.
   * Hot path: takes resolved series, plain loops.
   */
  recordAgentTime(scopes: readonly ScopeSeries[], from: number, to: number, kind: 'availableMs' | 'busyMs' | null): void {
    this.addTimeSpan(scopes, from, to, I_STAFFED, kind === 'availableMs' ? I_AVAILABLE : kind === 'busyMs' ? I_BUSY : -1);
  }

  /** Adds [from, to) as milliseconds to one time counter of the scopes (schedule time), split at bucket boundaries. */
  recordTime(scopes: readonly ScopeSeries[], from: number, to: number, counter: 'scheduledMs' | 'adherentMs' | 'scheduledStaffedMs'): void {
    this.addTimeSpan(scopes, from, to, IDX[counter], -1);
  }

  /** Adds the length of [from, to) to counter `i1` (and `i2` when >= 0) of day, interval and minute buckets. */
  private addTimeSpan(scopes: readonly ScopeSeries[], from: number, to: number, i1: number, i2: number): void {
    if (!(to > from)) return;
    const cal = this.calendar;
    const endMin = Math.floor(to / MINUTE) * MINUTE;
    if (endMin > this.latestMinute) this.advanceMinute(endMin);
    const n = scopes.length;
    // days
    for (let t = from; t < to; ) {
      const d = cal.dayStart(t);
      const dayEnd = cal.nextDayStart(d);
      const next = dayEnd < to ? dayEnd : to;
      const ms = next - t;
      for (let i = 0; i < n; i++) addTime(dayRow(scopes[i]!, d), 0, ms, i1, i2);
      t = next > t ? next : to;
    }
    // intervals: only within retention
    const ivMs = cal.intervalMs;
    const ivFrom = to - this.intervalRetentionDays * DAY;
    for (let t = from > ivFrom ? from : ivFrom; t < to; ) {
      const k = cal.intervalStart(t);
      const next = k + ivMs < to ? k + ivMs : to;
      const ms = next - t;
      for (let i = 0; i < n; i++) addTime(intervalRow(scopes[i]!, k), 0, ms, i1, i2);
      t = next;
    }
    // minutes: only the kept window
    const mFrom = this.latestMinute - (MINUTES_KEPT - 1) * MINUTE;
    let t = from > mFrom ? from : mFrom;
    for (let k = t - (t % MINUTE); t < to; k += MINUTE) {
      const next = k + MINUTE < to ? k + MINUTE : to;
      const ms = next - t;
      for (let i = 0; i < n; i++) {
        const s = scopes[i]!;
        addTime(s.ring, minuteOff(s, k), ms, i1, i2);
      }
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
  private sum(scope: string, map: Map<number, Row> | undefined, from: number, to: number): Bucket {
    const acc = newRow();
    if (map) for (const [k, r] of map) if (k >= from && k < to) addRow(acc, r);
    return { c: toCounters(acc), staffed: this.staffedResolver(scope, from, to) };
  }

  /** The site-local day containing `at`. */
  day(scope: string, at: number): Bucket {
    const d = this.calendar.dayStart(at);
    const r = this.scopes.get(scope)?.days.get(d);
    return { c: r ? toCounters(r) : emptyCounters(), staffed: this.staffedResolver(scope, d, this.calendar.nextDayStart(d)) };
  }

  /** The counters of one report interval of a scope (a copy), or undefined when nothing was counted there. */
  intervalCounters(scope: string, start: number): Counters | undefined {
    const r = this.scopes.get(scope)?.intervals.get(start);
    return r ? toCounters(r) : undefined;
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
    const s = this.scopes.get(scope);
    let c: Counters;
    if (s) {
      const acc = newRow();
      addMinutes(acc, s, from, end);
      c = toCounters(acc);
    } else c = emptyCounters();
    return { c, staffed: this.staffedResolver(scope, end - minutes * MINUTE, end) };
  }

  /** Interval series in [from, to), one entry per interval that has data. */
  series(scope: string, from: number, to: number): { start: number; bucket: Bucket }[] {
    const map = this.scopes.get(scope)?.intervals;
    if (!map) return [];
    const ivMs = this.calendar.intervalMs;
    const starts: number[] = [];
    for (const k of map.keys()) if (k >= from && k < to) starts.push(k);
    starts.sort((a, b) => a - b);
    // The quiet intervals between with zero counts.
    return everyStep(starts, ivMs).map((k) => ({ start: k, bucket: { c: toCounters(map.get(k) ?? newRow()), staffed: this.staffedResolver(scope, k, k + ivMs) } }));
  }

  /**
   * The store as plain data for a checkpoint: per scope, each bucket as [start, ...counters in
   * COUNTER_KEYS order]. `load` restores it (the caches start empty; they refill on the next event).
   */
  dump(): MetricsDump {
    const scopes: MetricsDump['scopes'] = [];
    const rows = (m: Map<number, Row>) => [...m].map(([k, r]) => [k, ...r]);
    const kept = this.keptFrom();
    for (const s of this.scopes.values()) {
      const minutes = minutesIn(s, kept, Infinity).map(([k, off]) => [k, ...s.ring.subarray(off, off + N)]);
      scopes.push([s.key, rows(s.days), rows(s.intervals), minutes]);
    }
    return { latestMinute: this.latestMinute, lastPrune: this.lastPrune, keys: [...COUNTER_KEYS], scopes };
  }

  /** Replaces the contents with a {@link dump}. Counters the dump does not know start at zero. */
  load(d: MetricsDump): void {
    this.scopes.clear();
    this.latestMinute = d.latestMinute;
    this.lastPrune = d.lastPrune;
    // Where each of the dump's columns goes in a row (-1: a counter this build does not know).
    const at = d.keys.map((k) => IDX[k as keyof Counters] ?? -1);
    const fill = (into: Row, off: number, row: number[]) => {
      for (let i = 0; i < at.length; i++) if (at[i]! >= 0) into[off + at[i]!] = row[i + 1]!;
    };
    const map = (rows: number[][]) => {
      const m = new Map<number, Row>();
      for (const row of rows) {
        const r = newRow();
        fill(r, 0, row);
        m.set(row[0]!, r);
      }
      return m;
    };
    const kept = this.keptFrom();
    for (const [key, days, intervals, minutes] of d.scopes) {
      const s = this.seriesOf(key);
      s.days = map(days);
      s.intervals = map(intervals);
      for (const row of minutes) {
        const k = row[0]!;
        if (k >= kept && k <= this.latestMinute) fill(s.ring, minuteOff(s, k), row);
      }
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
    adherencePct: pct(c.adherentMs, c.scheduledMs),
    conformancePct: pct(c.scheduledStaffedMs, c.scheduledMs),
    attempts: c.attempts,
    connectivityRatePct: pct(c.connected, c.attempts),
    dropRatePct: pct(c.dropped, c.connected),
    conversionRatePct: pct(c.conversions, c.outboundHandled),
    revenue: c.revenue,
  };
}

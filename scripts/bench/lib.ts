/**
 * Shared pieces of the benchmarks (`npm run bench:*`): percentiles, a deterministic generator of
 * realistic telephony traffic for a site, machine facts, printing, child processes and a watchdog.
 *
 * Every benchmark runs on a noisy shared machine, so each one measures a raw baseline in the same run
 * and prints its figure as a ratio to it, besides the absolute numbers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AgentConfig, CtiEventIn, SiteConfig } from '../../realtime/src/contracts/index.ts';

// ------------------------------------------------------------------------------------ statistics

export interface Stats {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  min: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function stats(samples: ArrayLike<number>): Stats {
  const a = Float64Array.from(samples as ArrayLike<number>).sort();
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]!;
  return {
    n: a.length,
    mean: a.length ? sum / a.length : NaN,
    p50: percentile(a, 50),
    p90: percentile(a, 90),
    p99: percentile(a, 99),
    max: a.length ? a[a.length - 1]! : NaN,
    min: a.length ? a[0]! : NaN,
  };
}

export function median(xs: readonly number[]): number {
  return stats(xs).p50;
}

// ------------------------------------------------------------------------------------- printing

export function machine(): { nproc: number; cpu: string; node: string; platform: string; load: string } {
  const c = cpus();
  return {
    nproc: c.length,
    cpu: c[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    // Other work on the machine (load average over 1, 5, 15 min): the reason every figure is also a ratio.
    load: loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
  };
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000 || Number.isInteger(n)) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

/** Prints rows as an aligned text table (first row = header). */
export function printTable(title: string, rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  cells.forEach((r, i) => {
    console.log('  ' + line(r));
    if (i === 0) console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

/** The last line a benchmark prints: one JSON object, easy to grep and compare between runs. */
export function printSummary(summary: Record<string, unknown>): void {
  console.log('\n' + JSON.stringify(summary));
}

export function log(msg: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
}

// ------------------------------------------------------------------------------ process helpers

/** Ends the process with an error if the benchmark runs longer than `ms` (a benchmark must stop by itself). */
export function watchdog(ms: number, onTimeout?: () => void): NodeJS.Timeout {
  const t = setTimeout(() => {
    log(`watchdog: still running after ${ms / 1000} s; giving up`);
    try {
      onTimeout?.();
    } finally {
      process.exit(3);
    }
  }, ms);
  t.unref();
  return t;
}

/** Forks a TypeScript module of this folder as a child process (IPC channel), run through tsx. */
export function forkTs(file: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child = fork(path, args, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return child;
}

/** Waits for the first IPC message from `child` that satisfies `match`, or fails after `ms`. */
export function waitMessage<T>(child: ChildProcess, match: (m: unknown) => m is T, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const onMsg = (m: unknown) => {
      if (match(m)) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (${code}) while waiting for ${what}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMsg);
      child.off('exit', onExit);
    };
    child.on('message', onMsg);
    child.on('exit', onExit);
  });
}

/** A high-resolution wall-clock time in ms that compares across processes of this machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * `App.close()` can leave an unhandled rejection behind: socket.io's `io.close()` calls the Redis
 * adapter's `close()`, which sends PUNSUBSCRIBE/UNSUBSCRIBE on the subscriber connection without
 * awaiting them, and `close()` then QUITs that connection; when it closes before the replies, ioredis
 * rejects them with "Connection is closed." and Node ends the process. A benchmark that starts and
 * stops several apps tolerates exactly that one error (and counts it); anything else still ends it.
 */
export function tolerateAdapterCloseRace(): { count: number } {
  const seen = { count: 0 };
  process.on('unhandledRejection', (err: unknown) => {
    if (err instanceof Error && err.message === 'Connection is closed.') {
      seen.count++;
      return;
    }
    console.error(err);
    process.exit(1);
  });
  return seen;
}

/** Retries a flaky step (a Redis connection closed by someone else's fault test) a few times. */
export async function retry<T>(what: string, f: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (err) {
      if (i >= tries) throw err;
      log(`${what} failed (${(err as Error).message}); retrying`);
      await sleep(300 * i);
    }
  }
}

/** Parses `--name value` / `--flag` arguments. */
export function args(argv = process.argv.slice(2)): { get(name: string): string | undefined; num(name: string, dflt: number): number; flag(name: string): boolean; positional: string[] } {
  const map = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) map.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) map.set(a.slice(2), argv[++i]!);
      else map.set(a.slice(2), 'true');
    } else positional.push(a);
  }
  return {
    get: (n) => map.get(n),
    num: (n, d) => (map.has(n) ? Number(map.get(n)) : d),
    flag: (n) => map.get(n) === 'true',
    positional,
  };
}

// --------------------------------------------------------------------------------- random numbers

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): { next(): number; int(n: number): number; exp(mean: number): number; logn(median: number, sigma: number): number } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => {
    const u = Math.max(next(), 1e-12);
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    exp: (mean) => -mean * Math.log(Math.max(next(), 1e-12)),
    logn: (med, sigma) => med * Math.exp(sigma * gauss()),
  };
}

// ------------------------------------------------------------------------------ traffic generator

export interface TrafficOptions {
  /** Stop once this many events were generated (whole call lifecycles only). */
  events: number;
  /** Offered load as a fraction of the agents' capacity. @defaultValue 0.9 */
  load?: number;
  /** @defaultValue 1 */
  seed?: number;
  /** Start of the simulated time (epoch ms). @defaultValue 2026-03-02T08:00:00+07:00 */
  start?: number;
  /**
   * Shift every time so the last event is at this instant (epoch ms). A live hub (wall clock) routes
   * at the machine's time, so its events must be about now; see `ingest.ts`.
   */
  endAt?: number;
  /** `iso`: `at` as ISO-8601 with +07:00 (what PBX adapters send); `ms`: epoch ms. @defaultValue 'iso' */
  timeFormat?: 'iso' | 'ms';
  /** Event id prefix (unique per run so a reused hub sees no duplicates). @defaultValue 'e' */
  idPrefix?: string;
}

export interface Traffic {
  events: CtiEventIn[];
  calls: number;
  answered: number;
  abandoned: number;
  /** Simulated time covered, ms. */
  spanMs: number;
  counts: Record<string, number>;
}

const ISO_OFFSET_MS = 7 * 3_600_000;
export function isoAt(ms: number): string {
  return new Date(ms + ISO_OFFSET_MS).toISOString().slice(0, 23) + '+07:00';
}

/**
 * Realistic call lifecycles for a site's inbound queues, in event-time order, all valid for the hub:
 * every agent logs in and goes available; calls are offered (Poisson arrivals, some priority callers,
 * skills), then either abandoned after the caller's patience or answered by a member agent of the
 * queue (the one free first), sometimes held and resumed, ended, given an outcome during wrap-up,
 * and the agent goes available again before the queue's wrap-up limit; agents take short breaks.
 */
export function generateTraffic(site: SiteConfig, opts: TrafficOptions): Traffic {
  const r = rng(opts.seed ?? 1);
  const load = opts.load ?? 0.9;
  const t0 = opts.start ?? Date.parse('2026-03-02T08:00:00+07:00');
  const iso = (opts.timeFormat ?? 'iso') === 'iso';
  const prefix = opts.idPrefix ?? 'e';
  const inbound = site.queues.filter((q) => q.direction === 'inbound');
  const members = new Map<string, AgentConfig[]>();
  for (const q of inbound) members.set(q.id, site.agents.filter((a) => a.queues.includes(q.id)));
  const staffed = inbound.filter((q) => (members.get(q.id)?.length ?? 0) > 0);
  if (staffed.length === 0) throw new Error('the site has no staffed inbound queue');
  // Unsorted (time, seq, event) triples; sorted at the end. seq keeps one call's same-ms events in order.
  const out: { t: number; k: number; e: Record<string, unknown> }[] = [];
  let k = 0;
  let nEvents = 0;
  const emit = (t: number, e: Record<string, unknown>) => {
    out.push({ t: Math.round(t), k: k++, e });
    nEvents++;
  };
  const freeAt = new Map<string, number>();
  site.agents.forEach((a, i) => {
    const tl = t0 + i * 150;
    emit(tl, { type: 'agent.login', agentId: a.id });
    emit(tl + 2000, { type: 'agent.state', agentId: a.id, state: 'available' });
    freeAt.set(a.id, tl + 3000);
  });
  const talkMedian = 150_000;
  const meanCycle = talkMedian * 1.15 + 12_000; // talk (lognormal mean) + ring + wrap-up
  const perSec = (load * site.agents.length) / (meanCycle / 1000);
  let t = t0 + site.agents.length * 150 + 5000;
  let calls = 0;
  let answered = 0;
  let abandoned = 0;
  const skillsOf = ['vaccine', 'booking', 'medical'];
  while (nEvents < opts.events) {
    t += r.exp(1000 / perSec);
    const q = staffed[r.int(staffed.length)]!;
    const callId = `c${prefix}${++calls}`;
    const offered: Record<string, unknown> = {
      type: 'call.offered',
      callId,
      queue: q.id,
      direction: 'inbound',
      from: `+849${String(10_000_000 + r.int(89_999_999))}`,
    };
    if (r.next() < 0.1) offered.priority = 2;
    if (r.next() < 0.2) offered.skills = [skillsOf[r.int(skillsOf.length)]!];
    if (r.next() < 0.3) offered.attributes = { branch: `HCM-${1 + r.int(12)}`, lang: r.next() < 0.8 ? 'vi' : 'en' };
    emit(t, offered);
    const patience = 20_000 + r.exp(120_000);
    let best: AgentConfig | undefined;
    let bestFree = Infinity;
    for (const a of members.get(q.id)!) {
      const f = freeAt.get(a.id)!;
      if (f < bestFree) {
        bestFree = f;
        best = a;
      }
    }
    const answerAt = Math.max(t + 2000 + r.int(6000), bestFree + 1000 + r.int(3000));
    if (!best || answerAt - t > patience) {
      emit(t + patience, { type: 'call.abandoned', callId });
      abandoned++;
      continue;
    }
    answered++;
    emit(answerAt, { type: 'call.answered', callId, agentId: best.id });
    const talk = Math.max(10_000, r.logn(talkMedian, 0.55));
    let hold = 0;
    if (r.next() < 0.1) {
      const h = answerAt + talk * 0.4;
      hold = Math.max(5000, r.logn(30_000, 0.5));
      emit(h, { type: 'call.held', callId });
      emit(h + hold, { type: 'call.resumed', callId });
    }
    const end = answerAt + talk + hold + 1000;
    emit(end, { type: 'call.ended', callId, by: r.next() < 0.6 ? 'caller' : 'agent' });
    const wrapLimit = q.wrapupSec * 1000;
    const wrap = wrapLimit > 0 ? wrapLimit * (0.3 + 0.6 * r.next()) : 0;
    const outcome: Record<string, unknown> = { type: 'call.outcome', callId, disposition: r.next() < 0.4 ? 'booked' : 'info-given' };
    if (r.next() < 0.1) outcome.notes = 'Khách hỏi lịch tiêm nhắc lại';
    emit(end + wrap * 0.8, outcome);
    let free = end + wrap;
    emit(free, { type: 'agent.state', agentId: best.id, state: 'available' });
    if (r.next() < 0.03) {
      // A short break right after this call; the agent is not free until it ends.
      emit(free + 500, { type: 'agent.state', agentId: best.id, state: 'break', reason: 'short' });
      free += 500 + 300_000;
      emit(free, { type: 'agent.state', agentId: best.id, state: 'available' });
    }
    freeAt.set(best.id, free + 500);
  }
  out.sort((x, y) => x.t - y.t || x.k - y.k);
  if (opts.endAt !== undefined && out.length) {
    const shift = opts.endAt - out[out.length - 1]!.t;
    for (const o of out) o.t += shift;
  }
  const counts: Record<string, number> = {};
  const events = out.map((o, i) => {
    const e = { id: `${prefix}${i + 1}`, at: iso ? isoAt(o.t) : o.t, source: 'bench-pbx', ...o.e } as unknown as CtiEventIn;
    counts[e.type] = (counts[e.type] ?? 0) + 1;
    return e;
  });
  return { events, calls, answered, abandoned, spanMs: out.length ? out[out.length - 1]!.t - out[0]!.t : 0, counts };
}

/** Splits into batches of `size`. */
export function batches<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * Clocks for the simulation. The model only sees `Scheduler`: `now()` and `at(time, fn)`, in
 * simulated epoch ms. `VirtualScheduler` runs a discrete-event loop (as fast as possible, fully
 * deterministic); `RealtimeScheduler` maps simulated time onto the wall clock at a chosen speed.
 */

export interface TimerHandle {
  readonly id: number;
}

export interface Scheduler {
  /** Simulated time, epoch ms. */
  now(): number;
  /** Runs `fn` at simulated time `time` (immediately-after-now if `time` is in the past). */
  at(time: number, fn: () => void): TimerHandle;
  /** Runs `fn` `delayMs` simulated ms from now. */
  after(delayMs: number, fn: () => void): TimerHandle;
  cancel(handle: TimerHandle | undefined): void;
}

interface Entry {
  time: number;
  seq: number;
  fn: () => void;
  id: number;
}

/** Binary min-heap on (time, seq): equal times run in scheduling order. */
class TimerHeap {
  private items: Entry[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Entry | undefined {
    return this.items[0];
  }
  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Entry | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
function less(x: Entry, y: Entry): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}

/** Discrete-event loop: time jumps from one timer to the next. */
export class VirtualScheduler implements Scheduler {
  private heap = new TimerHeap();
  private cancelled = new Set<number>();
  private seq = 0;
  private t: number;

  constructor(start: number) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  at(time: number, fn: () => void): TimerHandle {
    const id = ++this.seq;
    this.heap.push({ time: Math.max(time, this.t), seq: id, fn, id });
    return { id };
  }
  after(delayMs: number, fn: () => void): TimerHandle {
    return this.at(this.t + Math.max(0, delayMs), fn);
  }
  cancel(handle: TimerHandle | undefined): void {
    if (handle) this.cancelled.add(handle.id);
  }
  /** Number of timers not yet run (cancelled ones included until they surface). */
  get pending(): number {
    return this.heap.size;
  }
  /**
   * Runs timers in time order until none are left or the next one is after `until`.
   * @returns the number of timers run
   */
  run(until = Number.POSITIVE_INFINITY): number {
    let n = 0;
    for (;;) {
      const next = this.heap.peek();
      if (!next || next.time > until) break;
      this.heap.pop();
      if (this.cancelled.delete(next.id)) continue;
      this.t = next.time;
      next.fn();
      n++;
    }
    if (Number.isFinite(until) && until > this.t) this.t = until;
    return n;
  }
}

/**
 * Simulated time = `start` + (wall time since construction) x `speed`.
 * Timers are wall-clock `setTimeout`s; `stop()` cancels them all.
 */
export class RealtimeScheduler implements Scheduler {
  private readonly wall0: number;
  private timers = new Map<number, NodeJS.Timeout>();
  private seq = 0;

  constructor(
    readonly start: number,
    readonly speed: number,
    private readonly wallNow: () => number = Date.now,
  ) {
    if (!(speed > 0)) throw new Error('speed must be positive');
    this.wall0 = wallNow();
  }
  now(): number {
    return Math.round(this.start + (this.wallNow() - this.wall0) * this.speed);
  }
  at(time: number, fn: () => void): TimerHandle {
    const id = ++this.seq;
    const delay = Math.max(0, (time - this.now()) / this.speed);
    // setTimeout's limit is 2^31-1 ms (~24.8 days); re-arm if further away.
    const arm = (): void => {
      const left = Math.max(0, (time - this.now()) / this.speed);
      const t = setTimeout(
        () => {
          if (left > 2_000_000_000) return arm();
          this.timers.delete(id);
          fn();
        },
        Math.min(left, 2_000_000_000),
      );
      this.timers.set(id, t);
    };
    if (delay <= 2_000_000_000) {
      const t = setTimeout(() => {
        this.timers.delete(id);
        fn();
      }, delay);
      this.timers.set(id, t);
    } else arm();
    return { id };
  }
  after(delayMs: number, fn: () => void): TimerHandle {
    return this.at(this.now() + Math.max(0, delayMs), fn);
  }
  cancel(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }
  /** Cancels every pending timer. */
  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
  get pending(): number {
    return this.timers.size;
  }
}

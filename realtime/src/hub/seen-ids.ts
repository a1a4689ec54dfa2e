/**
 * The ids of the events the hub has applied, per source: ingest is idempotent by (source, event id).
 *
 * One Set of ids per source, so no `source + id` string is built per event (a concatenation V8 had to
 * flatten before hashing it, on every event), and the usual case, one telephony source, costs one Set
 * lookup. At `capacity` ids the oldest tenth of each source's ids is forgotten (a Set iterates in
 * insertion order): a source retries within minutes, not after millions of events.
 *
 * Checkpoints hold the newest ids as keys of the form `source\u0000id` (or `id` for an event without a
 * source), the form earlier builds wrote, so either build reads the other's checkpoints.
 */
export class SeenIds {
  private readonly bySource = new Map<string | undefined, Set<string>>();
  /** The last source looked up and its Set (the next event is almost always from the same source). */
  private lastSource: string | undefined = undefined;
  private lastSet: Set<string> | undefined;
  private total = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.total;
  }

  private setOf(source: string | undefined): Set<string> | undefined {
    if (this.lastSet !== undefined && source === this.lastSource) return this.lastSet;
    const s = this.bySource.get(source);
    if (s !== undefined) {
      this.lastSource = source;
      this.lastSet = s;
    }
    return s;
  }

  has(source: string | undefined, id: string): boolean {
    const s = this.setOf(source);
    return s !== undefined && s.has(id);
  }

  add(source: string | undefined, id: string): void {
    if (this.total >= this.capacity) this.forgetOldest();
    let s = this.setOf(source);
    if (s === undefined) {
      s = new Set();
      this.bySource.set(source, s);
      this.lastSource = source;
      this.lastSet = s;
    }
    const before = s.size;
    s.add(id);
    this.total += s.size - before;
  }

  clear(): void {
    this.bySource.clear();
    this.lastSet = undefined;
    this.total = 0;
  }

  /** Forgets the oldest tenth of each source's ids. */
  private forgetOldest(): void {
    for (const [source, s] of this.bySource) {
      let n = Math.ceil(s.size / 10);
      for (const id of s) {
        if (n-- <= 0) break;
        s.delete(id);
        this.total--;
      }
      if (s.size === 0) {
        this.bySource.delete(source);
        if (this.lastSet === s) this.lastSet = undefined;
      }
    }
  }

  /** About the `n` newest keys (each source's share of them, newest last), for a checkpoint. */
  newestKeys(n: number): string[] {
    const out: string[] = [];
    for (const [source, s] of this.bySource) {
      const share = this.total <= n ? s.size : Math.ceil((n * s.size) / this.total);
      let skip = s.size - share;
      const prefix = source === undefined ? '' : `${source}\u0000`;
      for (const id of s) if (skip-- <= 0) out.push(prefix + id);
    }
    return out;
  }

  /** Adds keys read from a checkpoint ({@link newestKeys}). */
  addKeys(keys: Iterable<string>): void {
    for (const k of keys) {
      const i = k.indexOf('\u0000');
      if (i < 0) this.add(undefined, k);
      else this.add(k.slice(0, i), k.slice(i + 1));
    }
  }
}

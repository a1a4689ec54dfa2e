/**
 * The audit log's hash chain, pure: the canonical JSON of an entry, its SHA-256 hash, and the check of
 * a whole chain. `hash(n) = sha256(canonical({ ...entry n, seq: n, prevHash: hash(n-1) }))`, so editing a
 * field, inserting, deleting or reordering rows breaks the chain at that row (truncating the newest rows
 * is seen only against a recorded head: `verifyChain`'s `expectHead`).
 */
import { createHash } from 'node:crypto';

/** One audit entry as the chain hashes it (the row without its database id). */
export interface ChainEntry {
  siteId: string;
  seq: number;
  at: Date;
  actorUserId: string | null;
  actorRole: string | null;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  fromAddress: string | null;
  before: unknown;
  after: unknown;
  prevHash: string | null;
}

/** JSON with object keys sorted at every level and `undefined` dropped (as jsonb stores it). */
export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return 'null';
  return JSON.stringify(v);
}

export function entryHash(e: ChainEntry): string {
  const content = {
    siteId: e.siteId,
    seq: e.seq,
    at: e.at.toISOString(),
    actorUserId: e.actorUserId,
    actorRole: e.actorRole,
    action: e.action,
    outcome: e.outcome,
    targetType: e.targetType,
    targetId: e.targetId,
    fromAddress: e.fromAddress,
    before: e.before ?? null,
    after: e.after ?? null,
    prevHash: e.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export type ChainCheck =
  | { ok: true; entries: number; head: string | null }
  | { ok: false; entries: number; broken: { seq: number; id?: number; reason: string } };

type Broken = { seq: number; id?: number; reason: string };

/** Checks a chain row by row (`push` each row in `seq` order, then `end`), so a long chain need not fit in memory. */
export class ChainChecker {
  private prev: string | null = null;
  private expected = 1;
  private n = 0;
  private broken: Broken | undefined;

  /** False once a row is broken (later rows are not looked at). */
  push(r: ChainEntry & { hash: string; id?: number }): boolean {
    if (this.broken) return false;
    const at = { seq: r.seq, ...(r.id !== undefined ? { id: r.id } : {}) };
    if (r.seq !== this.expected) this.broken = { ...at, reason: `seq ${r.seq} where ${this.expected} was expected (a row was deleted or inserted)` };
    else if (r.prevHash !== this.prev) this.broken = { ...at, reason: "prev_hash is not the previous entry's hash" };
    else if (entryHash(r) !== r.hash) this.broken = { ...at, reason: "hash does not match the entry's content (edited)" };
    if (this.broken) return false;
    this.prev = r.hash;
    this.expected++;
    this.n++;
    return true;
  }

  end(opts: { expectHead?: string } = {}): ChainCheck {
    if (this.broken) return { ok: false, entries: this.n, broken: this.broken };
    if (opts.expectHead !== undefined && opts.expectHead !== this.prev) {
      return { ok: false, entries: this.n, broken: { seq: this.expected, reason: 'the chain ends before the recorded head (newest entries deleted)' } };
    }
    return { ok: true, entries: this.n, head: this.prev };
  }
}

/**
 * Checks a site's chain, rows in `seq` order. Stops at the first broken row and names it: a `seq` gap
 * (a deleted or inserted row), a `prev_hash` that is not the previous row's hash, or a `hash` that does
 * not match the row's content (an edited row).
 */
export async function verifyChain(rows: Iterable<ChainEntry & { hash: string; id?: number }> | AsyncIterable<ChainEntry & { hash: string; id?: number }>, opts: { expectHead?: string } = {}): Promise<ChainCheck> {
  const c = new ChainChecker();
  for await (const r of rows) if (!c.push(r)) break;
  return c.end(opts);
}

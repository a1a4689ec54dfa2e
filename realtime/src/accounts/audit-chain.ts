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

/**
 * Checks a site's chain, rows in `seq` order. Stops at the first broken row and names it: a `seq` gap
 * (a deleted or inserted row), a `prev_hash` that is not the previous row's hash, or a `hash` that does
 * not match the row's content (an edited row).
 */
export function verifyChain(rows: Iterable<ChainEntry & { hash: string; id?: number }>, opts: { expectHead?: string } = {}): ChainCheck {
  let prev: string | null = null;
  let expected = 1;
  let n = 0;
  for (const r of rows) {
    const at = { seq: r.seq, ...(r.id !== undefined ? { id: r.id } : {}) };
    if (r.seq !== expected) return { ok: false, entries: n, broken: { ...at, reason: `seq ${r.seq} where ${expected} was expected (a row was deleted or inserted)` } };
    if (r.prevHash !== prev) return { ok: false, entries: n, broken: { ...at, reason: 'prev_hash is not the previous entry\'s hash' } };
    const h = entryHash(r);
    if (h !== r.hash) return { ok: false, entries: n, broken: { ...at, reason: 'hash does not match the entry\'s content (edited)' } };
    prev = r.hash;
    expected++;
    n++;
  }
  if (opts.expectHead !== undefined && opts.expectHead !== prev) {
    return { ok: false, entries: n, broken: { seq: expected, reason: 'the chain ends before the recorded head (newest entries deleted)' } };
  }
  return { ok: true, entries: n, head: prev };
}

/**
 * Anchors of the audit chain's head outside the audit table, so deleting the newest entries (which
 * leaves a valid, shorter chain) is detected: after every append the trail records `{ seq, hash }` of
 * the new head in
 * - Redis, `callboard:{site}:audit:head` (the highest seq only: a stale writer never lowers it), and
 * - optionally an append-only file (`CALLBOARD_AUDIT_ANCHOR_FILE`), one JSON line per head, every site;
 *   its history also catches a truncation that was followed by new entries (same seq, other hash).
 * `npm run audit:verify` and `GET /api/v1/audit/verify` check the table against them. See docs/ACCESS.md
 * for what this does and does not protect against.
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';

export interface AnchorHead {
  siteId: string;
  seq: number;
  hash: string;
  /** When it was anchored (ISO-8601). */
  at: string;
}

export const anchorKey = (siteId: string) => `callboard:${siteId}:audit:head`;

// Sets the head only when its seq is higher than the stored one (hub processes append concurrently).
const SET_IF_HIGHER = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, o = pcall(cjson.decode, cur)
  if ok and type(o) == 'table' and tonumber(o.seq) and tonumber(o.seq) >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

export interface AnchorSinks {
  redis?: Redis | undefined;
  /** Append-only anchor file. @defaultValue `CALLBOARD_AUDIT_ANCHOR_FILE`, else none */
  file?: string | undefined;
}

/** Writes a site's new chain head to every sink (a failing sink does not stop the others). */
export async function writeAnchor(sinks: AnchorSinks, head: { siteId: string; seq: number; hash: string }): Promise<void> {
  const a: AnchorHead = { siteId: head.siteId, seq: head.seq, hash: head.hash, at: new Date().toISOString() };
  const line = JSON.stringify(a);
  const jobs: Promise<unknown>[] = [];
  if (sinks.redis) jobs.push(sinks.redis.eval(SET_IF_HIGHER, 1, anchorKey(a.siteId), String(a.seq), line));
  if (sinks.file) jobs.push(appendFile(sinks.file, line + '\n', { flag: 'a' }));
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** What the anchors say about one site: every distinct anchored head, with where it came from. */
export interface SiteAnchors {
  /** seq -> hash -> sources ("redis", "file") */
  heads: Map<number, Map<string, Set<string>>>;
  sources: string[];
}

/**
 * Reads the anchors of `sites` from the file and Redis. Only the sites asked for: one Redis or one
 * anchor file may serve several databases (development machines, tests).
 */
export async function readAnchors(sinks: AnchorSinks, sites: string[]): Promise<Map<string, SiteAnchors>> {
  const out = new Map<string, SiteAnchors>();
  const add = (siteId: string, seq: number, hash: string, source: string) => {
    let s = out.get(siteId);
    if (!s) out.set(siteId, (s = { heads: new Map(), sources: [] }));
    if (!s.sources.includes(source)) s.sources.push(source);
    let byHash = s.heads.get(seq);
    if (!byHash) s.heads.set(seq, (byHash = new Map()));
    let src = byHash.get(hash);
    if (!src) byHash.set(hash, (src = new Set()));
    src.add(source);
  };
  if (sinks.file) {
    const text = await readFile(sinks.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const a = JSON.parse(line) as Partial<AnchorHead>;
        if (typeof a.siteId === 'string' && sites.includes(a.siteId) && Number.isInteger(a.seq) && typeof a.hash === 'string') add(a.siteId, a.seq!, a.hash, 'anchor file');
      } catch {
        // A torn last line (a crash mid-append): ignore it.
      }
    }
  }
  if (sinks.redis) {
    for (const siteId of sites) {
      const raw = await sinks.redis.get(anchorKey(siteId));
      if (!raw) continue;
      const a = JSON.parse(raw) as AnchorHead;
      add(siteId, a.seq, a.hash, 'redis');
    }
  }
  return out;
}

export type AnchorCheck =
  | { ok: true; anchoredSeq: number; sources: string[] }
  | { ok: false; reason: string; missing?: { from: number; to: number }; sources: string[] };

/**
 * Checks a site's chain (intact, `entries` long, with `hashAt(seq)` its hashes) against its anchors:
 * the chain must reach the highest anchored seq, and hold the anchored hash at every anchored seq.
 */
export function checkAnchors(entries: number, hashAt: (seq: number) => string | undefined, anchors: SiteAnchors | undefined): AnchorCheck {
  if (!anchors || anchors.heads.size === 0) return { ok: true, anchoredSeq: 0, sources: [] };
  const seqs = [...anchors.heads.keys()].sort((a, b) => b - a);
  const top = seqs[0]!;
  if (top > entries) {
    const from = [...anchors.heads.get(top)!.values()].flatMap((s) => [...s]);
    return {
      ok: false,
      missing: { from: entries + 1, to: top },
      reason: `TRUNCATED: entries seq ${entries + 1}..${top} are missing (the ${[...new Set(from)].join(' and ')} anchor${from.length > 1 ? 's' : ''} recorded the head at seq ${top}; the table ends at seq ${entries})`,
      sources: anchors.sources,
    };
  }
  for (const seq of seqs) {
    const have = hashAt(seq);
    for (const [hash, src] of anchors.heads.get(seq)!) {
      if (hash !== have) {
        return {
          ok: false,
          reason: `REWRITTEN: the entry at seq ${seq} is not the one anchored (${[...src].join(' and ')}: hash ${hash.slice(0, 16)}…): entries from seq ${seq} or earlier were replaced (e.g. the newest deleted and new ones appended)`,
          sources: anchors.sources,
        };
      }
    }
  }
  return { ok: true, anchoredSeq: top, sources: anchors.sources };
}

/** Verification of every site's audit chain in a database (`npm run audit:verify`), against its anchors. */
import type { Database } from '../storage/database.ts';
import { checkAnchors, readAnchors, type AnchorCheck, type AnchorSinks, type SiteAnchors } from './audit-anchor.ts';
import { ChainChecker, type ChainCheck } from './audit-chain.ts';
import { AuditRepository } from './audit.repository.ts';

export interface SiteVerification {
  siteId: string;
  check: ChainCheck;
  /** The chain against its anchored heads (absent when the chain itself is broken or nothing is anchored). */
  anchor?: AnchorCheck;
}

/** Whether a site's log is intact: its chain, and its anchors when there are any. */
export const verified = (v: SiteVerification): boolean => v.check.ok && (v.anchor?.ok ?? true);

/**
 * Checks the chains of `sites` (default: every site with entries, and with anchors every site of the database), reading each in pages,
 * then against the heads anchored in `anchors` (Redis, anchor file): a chain shorter than an anchored
 * head lost its newest entries.
 */
export async function verifyAuditLog(database: Database, sites?: string[], anchors: AnchorSinks = {}): Promise<SiteVerification[]> {
  const repo = new AuditRepository(database);
  // The database's sites, not only those with entries: a site whose entries were all deleted is still checked.
  const list = sites ?? [...new Set([...(await repo.sites()), ...(anchors.redis || anchors.file ? await repo.knownSites() : [])])].sort();
  const anchored = anchors.redis || anchors.file ? await readAnchors(anchors, list) : new Map<string, SiteAnchors>();
  const out: SiteVerification[] = [];
  for (const siteId of list) {
    const a = anchored.get(siteId);
    const want = new Set<number>(a ? a.heads.keys() : []);
    const hashes = new Map<number, string>();
    const c = new ChainChecker();
    for await (const r of repo.chain(siteId)) {
      if (!c.push(r)) break;
      if (want.has(r.seq)) hashes.set(r.seq, r.hash);
    }
    const check = c.end();
    const v: SiteVerification = { siteId, check };
    if (check.ok && a) v.anchor = checkAnchors(check.entries, (seq) => hashes.get(seq), a);
    out.push(v);
  }
  return out;
}

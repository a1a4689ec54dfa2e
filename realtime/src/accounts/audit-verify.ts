/** Verification of every site's audit chain in a database (`npm run audit:verify`). */
import type { Database } from '../storage/database.ts';
import { verifyChain, type ChainCheck } from './audit-chain.ts';
import { AuditRepository } from './audit.repository.ts';

/** Checks the chains of `sites` (default: every site with entries), reading each in pages. */
export async function verifyAuditLog(database: Database, sites?: string[]): Promise<{ siteId: string; check: ChainCheck }[]> {
  const repo = new AuditRepository(database);
  const out: { siteId: string; check: ChainCheck }[] = [];
  for (const siteId of sites ?? (await repo.sites())) out.push({ siteId, check: await verifyChain(repo.chain(siteId)) });
  return out;
}

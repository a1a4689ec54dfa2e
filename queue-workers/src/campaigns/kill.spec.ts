/**
 * Idempotency under SIGKILL: a campaign of 10,000 leads; the worker process is killed with SIGKILL in
 * the middle of the campaign, a new one takes over. Afterwards: every lead is finished (0 lost) and each
 * lead was dialed exactly as many times as its attempts say, with one row per attempt (0 dialed twice).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, rowsOf } from '../../../realtime/src/storage/database.ts';
import { testBackends } from '../../../realtime/src/storage/testing.ts';
import { CampaignRepository } from './campaign.repository.ts';
import { SimulatedCarrier } from './carrier.ts';
import { importLeads } from './lead-import.ts';
import { CampaignStore } from './store.ts';
import { leadsCsv, testCampaign } from './testing.ts';

const N = 10_000;
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function startChild(env: Record<string, string>): Promise<ChildProcess> {
  // node itself (not the tsx wrapper, whose SIGKILL would leave its node child running).
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./kill-child.ts', import.meta.url))], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

const until = async (what: string, cond: () => Promise<boolean>, timeoutMs: number) => {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('campaign workers killed with SIGKILL mid-campaign', () => {
  it(`${N} leads: 0 lost, 0 dialed twice`, { timeout: 240_000 }, async () => {
    const redisUrl = inject('redisUrl');
    const redis = new Redis(redisUrl);
    const prefix = `t:kill:${randomBytes(5).toString('hex')}`;
    const tdb = await testBackends()[0]!.create();
    const dataDir = tdb.options.dataDir!;
    // Half the dials connect (answered at once by the fake hub, half of those sold), the rest are busy
    // or unanswered and retried at once; 2 attempts.
    const camp = testCampaign({ id: 'k', maxAttempts: 2, settings: { carrier: { connect: 0.5, busy: 0.3, noAnswer: 0.2, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    camp.status = 'running';
    const repo = new CampaignRepository(tdb.database.db);
    await repo.upsertCampaign(camp);
    const imported = await importLeads(leadsCsv(N), repo, { campaignId: 'k', importId: null });
    expect(imported.inserted).toBe(N);
    await tdb.database.close();

    const carrier = new SimulatedCarrier(redis, prefix);
    const store = new CampaignStore(redis, prefix);
    const env = { REDIS_URL: redisUrl, PREFIX: prefix, DATA_DIR: dataDir };
    const T0 = Date.now();
    const first = await startChild(env);
    const placed = () => redis.hlen(`${prefix}:net:placed`);
    await until('a third of the dials', async () => (await placed()) >= N / 3, 120_000);
    console.log('killing at', await placed(), Date.now() - T0);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = await placed();
    expect(atKill).toBeLessThan(N * 1.2); // killed mid-campaign, not after

    const second = await startChild(env);
    await until('campaign completed', async () => (await store.getCampaign('k'))?.status === 'completed', 180_000);
    console.log('completed', await placed(), Date.now() - T0);
    second.kill('SIGTERM'); // drains the followers, then exits
    await new Promise((r) => second.once('exit', r));

    const database = await openDatabase({ dataDir });
    try {
      const leads = rowsOf<{ id: string; status: string; attempts: number }>(await database.db.execute(sql`select id, status, attempts from leads where campaign_id = 'k'`));
      const atts = rowsOf<{ lead_id: string; attempt: number; result: string; call_id: string }>(
        await database.db.execute(sql`select lead_id, attempt, result, call_id from campaign_attempts where campaign_id = 'k'`),
      );
      const perLead = await carrier.placements();
      const placedResults = await redis.hgetall(`${prefix}:net:placed`);
      // 0 lost: every lead finished.
      expect(leads).toHaveLength(N);
      const open = leads.filter((l) => !['done', 'exhausted'].includes(l.status));
      expect(open).toEqual([]);
      // 0 dialed twice: placements per lead = its attempts = its attempt rows, numbered 1..n.
      const rowsPer = new Map<string, number[]>();
      for (const a of atts) (rowsPer.get(a.lead_id) ?? rowsPer.set(a.lead_id, []).get(a.lead_id)!).push(a.attempt);
      const mismatched = leads.filter((l) => {
        const nums = (rowsPer.get(l.id) ?? []).sort((a, b) => a - b);
        return perLead[`k:${l.id}`] !== l.attempts || nums.length !== l.attempts || nums.some((n, i) => n !== i + 1);
      });
      expect(mismatched).toEqual([]);
      // The recorded result of each attempt is the one the network gave, and a connected call ended the lead.
      expect(atts.filter((a) => placedResults[a.call_id] !== a.result)).toEqual([]);
      expect(atts.length).toBe(Object.keys(placedResults).length);
      const connectedBefore = atts.filter((a) => a.result === 'connected' && leads.find((l) => l.id === a.lead_id)!.attempts !== a.attempt);
      expect(connectedBefore).toEqual([]);
    } finally {
      await database.close();
      await redis.quit();
    }
  });
});

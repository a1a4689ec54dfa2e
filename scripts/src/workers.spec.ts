/**
 * `npm run workers` as a child process against real Redis and a real hub on a random port: it dials a
 * small campaign, SIGTERM in the middle lets the dials in flight finish and reach the database and the
 * hub, a second process finishes the campaign and exits cleanly; startup errors say what to do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig } from '../../realtime/src/contracts/index.ts';
import { startHub, TEST_SECRET, token } from '../../realtime/src/hub/testing.ts';
import { demoSiteInput } from '../../realtime/src/site/demo-site.ts';
import { openDatabase, rowsOf } from '../../realtime/src/storage/database.ts';
import { testBackends } from '../../realtime/src/storage/testing.ts';
import { CampaignRepository } from '../../queue-workers/src/campaigns/campaign.repository.ts';
import { SimulatedCarrier } from '../../queue-workers/src/campaigns/carrier.ts';
import { importLeads } from '../../queue-workers/src/campaigns/lead-import.ts';
import { CampaignStore } from '../../queue-workers/src/campaigns/store.ts';
import { leadsCsv, testCampaign } from '../../queue-workers/src/campaigns/testing.ts';

const SCRIPT = fileURLToPath(new URL('./workers.ts', import.meta.url));
const children: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

interface Run {
  child: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}

/** node itself with tsx (not the npm/tsx wrappers), so the signal reaches the process under test. */
function run(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, exit };
}

const until = async (what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number, r?: Run) => {
  const t0 = Date.now();
  while (!(await cond())) {
    if (r && r.child.exitCode !== null) throw new Error(`workers exited (${r.child.exitCode}) while waiting for ${what}:\n${r.out().slice(-2000)}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}${r ? `:\n${r.out().slice(-2000)}` : ''}`);
    await new Promise((res) => setTimeout(res, 100));
  }
};

async function setup() {
  const redisUrl = inject('redisUrl');
  const redis = new Redis(redisUrl);
  cleanups.push(() => redis.quit());
  const id = `w${randomBytes(4).toString('hex')}`;
  const site = { ...demoSiteInput(5), id };
  const dir = mkdtempSync(join(tmpdir(), 'callboard-workers-'));
  const siteFile = join(dir, 'site.json');
  writeFileSync(siteFile, JSON.stringify(site));
  const { app, url, streamKey } = await startHub(redisUrl, site);
  cleanups.push(() => app.close());
  const keyPrefix = `t:wcli:${id}`;
  const env = { REDIS_URL: redisUrl, CALLBOARD_HUB_URL: url, CALLBOARD_JWT_SECRET: TEST_SECRET, CALLBOARD_SITE: siteFile, CALLBOARD_STREAM: streamKey };
  return { redis, app, url, streamKey, keyPrefix, env, config: parseSiteConfig(site) };
}

describe('npm run workers', () => {
  it('dials a small campaign through a real hub; SIGTERM lets the dials in flight finish and reach the database and the hub; a second process finishes it and exits cleanly', { timeout: 150_000 }, async () => {
    const { redis, app, url, keyPrefix, env, config } = await setup();
    const N = 60;
    // Three sales agents free in the hub: progressive dials three at a time, each ringing 0.5 s unanswered.
    const at = Date.now();
    const agents = ['a16', 'a17', 'a18'];
    const r0 = await app.hub.ingest(agents.flatMap((a, i) => [
      { id: `l-${a}`, type: 'agent.login', at: at + i, agentId: a, queues: ['telesales'] },
      { id: `s-${a}`, type: 'agent.state', at: at + i + 1, agentId: a, state: 'available' },
    ]) as never);
    expect(r0.accepted).toBe(6);
    const tdb = await testBackends()[0]!.create();
    const dataDir = tdb.options.dataDir!;
    const camp = testCampaign({ id: 'wk', maxAttempts: 1, settings: { carrier: { connect: 0, busy: 0, noAnswer: 1, voicemail: 0, failed: 0, ringSec: 0.5 } } as never }, config.id);
    camp.status = 'running';
    const repo = new CampaignRepository(tdb.database.db);
    await repo.upsertCampaign(camp);
    expect((await importLeads(leadsCsv(N), repo, { campaignId: 'wk', importId: null })).inserted).toBe(N);
    await tdb.database.close();

    const prefix = `${keyPrefix}:camp`;
    const carrier = new SimulatedCarrier(redis, prefix);
    const store = new CampaignStore(redis, prefix);
    const placed = () => redis.hlen(`${prefix}:net:placed`);
    const hubAttempts = async () => {
      const res = await fetch(`${url}/api/v1/metrics?scope=campaign&id=wk`, { headers: { authorization: `Bearer ${token('supervisor')}` } });
      return ((await res.json()) as { total?: { attempts?: number } }).total?.attempts ?? 0;
    };
    const args = ['--data-dir', dataDir, '--key-prefix', keyPrefix, '--progress-sec', '1'];

    const first = run(args, env);
    await until('workers ready', () => first.out().includes('workers ready'), 60_000, first);
    await until('some dials and a progress line', async () => (await placed()) >= 6 && first.out().includes('campaign progress'), 60_000, first);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(first.out()).toContain('campaign progress');
    expect(first.out()).toContain('workers stopped');
    const atStop = await placed();
    expect(atStop).toBeLessThan(N); // stopped mid-campaign
    // Every call placed before the stop is recorded in the database and known to the hub.
    const db1 = await openDatabase({ dataDir });
    const rows1 = rowsOf<{ n: number }>(await db1.db.execute(sql`select count(*)::int as n from campaign_attempts where campaign_id = 'wk'`))[0]!.n;
    await db1.close();
    expect(rows1).toBe(atStop);
    expect(await hubAttempts()).toBe(atStop);

    const second = run(args, env);
    await until('campaign completed', async () => (await store.getCampaign('wk'))?.status === 'completed', 90_000, second);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    expect(await placed()).toBe(N);
    expect(Object.values(await carrier.placements())).toEqual(Array(N).fill(1));
    const db2 = await openDatabase({ dataDir });
    const leads = rowsOf<{ status: string; attempts: number }>(await db2.db.execute(sql`select status, attempts from leads where campaign_id = 'wk'`));
    const rows2 = rowsOf<{ n: number }>(await db2.db.execute(sql`select count(*)::int as n from campaign_attempts where campaign_id = 'wk'`))[0]!.n;
    await db2.close();
    expect(leads.filter((l) => l.status === 'exhausted' && l.attempts === 1)).toHaveLength(N);
    expect(rows2).toBe(N);
    expect(await hubAttempts()).toBe(N);
  });

  it('says what is wrong when Redis, the hub or the database cannot be used', { timeout: 90_000 }, async () => {
    const { keyPrefix, env } = await setup();
    const noRedis = run(['--key-prefix', keyPrefix], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await noRedis.exit).toBe(1);
    expect(noRedis.out()).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\)/);

    const noHub = run(['--key-prefix', keyPrefix], { ...env, CALLBOARD_HUB_URL: 'http://127.0.0.1:1' });
    expect(await noHub.exit).toBe(1);
    expect(noHub.out()).toMatch(/cannot reach the hub at http:\/\/127\.0\.0\.1:1 \(CALLBOARD_HUB_URL\)/);

    const badSecret = run(['--key-prefix', keyPrefix], { ...env, CALLBOARD_JWT_SECRET: 'not-the-hubs' });
    expect(await badSecret.exit).toBe(1);
    expect(badSecret.out()).toMatch(/refuses our credentials.*CALLBOARD_JWT_SECRET/);

    // The PGlite folder held by another process (here: this test, as `npm start` would).
    const tdb = await testBackends()[0]!.create();
    cleanups.push(() => tdb.drop());
    const busy = run(['--data-dir', tdb.options.dataDir!, '--key-prefix', keyPrefix], env);
    expect(await busy.exit).toBe(1);
    expect(busy.out()).toMatch(/in use by process \d+/);
    expect(busy.out()).toMatch(/set DATABASE_URL/);
  });
});

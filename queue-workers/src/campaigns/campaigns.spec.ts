/**
 * The campaign pipeline against real Redis (vitest's global setup) and a throwaway PGlite database:
 * lead import with bad rows, DNC, retries by result, call windows by time zone, quota stop, governor.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import { testBackends, type TestDatabase } from '../../../realtime/src/storage/testing.ts';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../realtime/src/storage/database.ts';
import { SimulatedCarrier } from './carrier.ts';
import { leadIdOf } from './campaign.repository.ts';
import { callIdOf } from './store.ts';
import { FakeHub, leadsCsv, testCampaign, type FakeHubOptions } from './testing.ts';
import { startCampaignWorkers, type CampaignWorkers, type CampaignWorkersOptions } from './workers.ts';
import type { Campaign } from './model.ts';
import { demoHistory, seedCampaignHistory, seedLastYearCustomers } from '../../../scripts/src/demo-history.ts';
import { DEMO_CAMPAIGN_LINES, demoCampaigns, demoLeadsCsv, LAST_YEAR_CAMPAIGN } from './demo.ts';
import { CxRepository } from '../../../realtime/src/reports/cx.repository.ts';
import { RecordsRepository } from '../../../realtime/src/storage/records.repository.ts';
import { calls } from '../../../realtime/src/storage/schema.ts';
import { customerIdOfNumber } from '../../../realtime/src/storage/customer-id.ts';

const logger = pino({ level: 'silent' });
const backend = testBackends()[0]!;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function setup(hubOpts: Partial<FakeHubOptions> = {}, workerOpts: Partial<CampaignWorkersOptions> = {}) {
  const redisUrl = inject('redisUrl');
  const redis = new Redis(redisUrl);
  cleanups.push(() => redis.quit());
  const prefix = `t:camp:${randomBytes(5).toString('hex')}`;
  const db: TestDatabase = await backend.create();
  cleanups.push(() => db.drop());
  const hub = new FakeHub({ redis, streamKey: `${prefix}:hubevents`, queue: 'telesales', freeAgents: 20, ...hubOpts });
  const w: CampaignWorkers = await startCampaignWorkers({
    redisUrl,
    db: db.database,
    config: demoSite(),
    hub,
    hubStreamKey: `${prefix}:hubevents`,
    logger,
    prefix,
    recoverAfterMs: 2000,
    ...workerOpts,
  });
  cleanups.push(() => w.stop());
  const carrier = new SimulatedCarrier(redis, prefix);
  const s = w.service;
  const waitFor = async (what: string, cond: () => Promise<boolean>, timeoutMs = 20_000) => {
    const t0 = Date.now();
    while (!(await cond())) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const create = async (c: Campaign, csv: string) => {
    await s.save(c);
    const importId = await s.repo.createImport(c.id, 'test.csv', csv.length);
    return s.importFile(c.id, csv, importId, csv.length);
  };
  const leads = async (campaignId: string) =>
    rowsOf<{ id: string; phone: string; status: string; attempts: number; next_at: Date | string | null; last_result: string | null; assigned_agent_id: string | null; assigned_team_id: string | null }>(
      await db.database.db.execute(sql`select id, phone, status, attempts, next_at, last_result, assigned_agent_id, assigned_team_id from leads where campaign_id = ${campaignId} order by phone`),
    );
  const attempts = async (campaignId: string) =>
    rowsOf<{ lead_id: string; attempt: number; result: string; connection: string | null; disposition: string | null }>(
      await db.database.db.execute(sql`select lead_id, attempt, result, connection, disposition from campaign_attempts where campaign_id = ${campaignId} order by lead_id, attempt`),
    );
  return { redis, prefix, db, hub, w, s, carrier, waitFor, create, leads, attempts };
}

describe('finished campaigns', () => {
  it('a stopped campaign leaves no lead records in Redis once its calls are over: final lead states in the database, coverage and results unchanged; started again, its workable leads come back', async () => {
    const { s, create, prefix, waitFor, w, leads } = await setup({}, { finalizeAfterMs: 1000, finalizeEveryMs: 200 });
    // Half the dials connect (answered and finished by the fake hub's agents), the others wait 60 min for a retry.
    const c = testCampaign({ id: 'fin', maxAttempts: 2, settings: { retry: { no_answer: 60 }, carrier: { connect: 0.5, busy: 0, noAnswer: 0.5, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    await create(c, leadsCsv(30));
    await s.setStatus('fin', 'running');
    await waitFor('first attempts over', async () => {
      const cov = await s.coverage('fin');
      return cov.leadsInProgress === 0 && cov.leadsPending === 0 && cov.leadsDone + cov.leadsRetryWaiting === 30;
    });
    await w.drain();
    const keys = async () => {
      const out: string[] = [];
      for (const pattern of [`${prefix}:c:fin:*`, `${prefix}:att:fin:*`]) for await (const k of s.store.scanKeys(pattern)) out.push(...k);
      return out;
    };
    const perLead = (ks: string[]) => ks.filter((k) => k.includes(':c:fin:l:') || k.includes(':att:fin:') || /:c:fin:(due|fly|conn|dialt|dialm|pa|tzs)(:|$)/.test(k));
    const before = await keys();
    expect(before.filter((k) => k.includes(':c:fin:l:'))).toHaveLength(30);
    expect(before.filter((k) => k.includes(':att:fin:')).length).toBeGreaterThanOrEqual(30);
    const { byStatus: _b1, ...cov1 } = await s.coverage('fin');
    expect(cov1.leadsDone).toBeGreaterThan(0);
    expect(cov1.leadsRetryWaiting).toBeGreaterThan(0);
    const res1 = await s.results('fin');

    await s.setStatus('fin', 'stopped');
    // Until the finalizer is through: it clears the lead keys, then releases its lock (a busy machine shows the gap).
    await waitFor('lead keys gone', async () => {
      const ks = await keys();
      return perLead(ks).length === 0 && !ks.some((k) => k.endsWith(':finlock'));
    });
    const rest = await keys();
    expect(rest.filter((k) => !/:c:fin:(cfg|st|pace|pacelock)$/.test(k))).toEqual([]);
    expect(await s.store.isLoaded('fin')).toBe(false);
    const { byStatus: _b2, ...cov2 } = await s.coverage('fin');
    expect(cov2).toEqual(cov1);
    expect(await s.results('fin')).toEqual(res1);
    const rows = await leads('fin');
    expect(rows.filter((l) => l.status === 'retry' && l.attempts === 1 && l.next_at !== null && new Date(l.next_at).getTime() > Date.now() + 50 * 60_000)).toHaveLength(cov1.leadsRetryWaiting);
    expect(rows.filter((l) => l.status === 'done')).toHaveLength(cov1.leadsDone);

    // Started again: the leads still to work are loaded back from the database, due when they were.
    await s.setStatus('fin', 'running');
    expect((await keys()).filter((k) => k.includes(':c:fin:l:'))).toHaveLength(cov1.leadsRetryWaiting);
    const { byStatus: _b3, ...cov3 } = await s.coverage('fin');
    expect(cov3).toMatchObject({ leadsRetryWaiting: cov1.leadsRetryWaiting, leadsPending: 0, leadsInProgress: 0 });
    await s.setStatus('fin', 'paused');
  });
});

describe('completed campaigns', () => {
  it('a completed campaign is not started, paused or stopped again (Conflict, with the reason); a scheduled one runs again at its next outreach round, and a stop ends its rounds', async () => {
    const { s, create, waitFor, w } = await setup();
    // No lead: started, it completes at once.
    await s.save(testCampaign({ id: 'empty' }));
    expect((await s.control('empty', 'start')).status).toBe('running');
    await waitFor('empty completed', async () => (await s.repo.getCampaign('empty'))?.status === 'completed');
    await expect(s.control('empty', 'start')).rejects.toMatchObject({ name: 'Conflict', message: 'campaign empty is completed: it cannot be started again, it has no lead left to dial' });
    await expect(s.control('empty', 'pause')).rejects.toMatchObject({ name: 'Conflict', message: 'campaign empty is completed: there is nothing to pause' });
    await expect(s.control('empty', 'stop')).rejects.toMatchObject({ name: 'Conflict', message: 'campaign empty is completed: there is nothing to stop' });
    expect((await s.repo.getCampaign('empty'))?.status).toBe('completed');
    await expect(s.control('nope', 'start')).rejects.toMatchObject({ name: 'NotFound' });

    // A scheduled campaign: its outreach round works its leads again; a stop ends the rounds.
    const c = testCampaign({ id: 'rounds', maxAttempts: 1, settings: { schedule: { pattern: '0 9 * * *' }, carrier: { connect: 0, busy: 0, noAnswer: 1, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    await create(c, leadsCsv(3));
    await s.control('rounds', 'start');
    await waitFor('round 1 done', async () => (await s.repo.getCampaign('rounds'))?.status === 'completed');
    await expect(s.control('rounds', 'start')).rejects.toThrow(/rounds is completed: it cannot be started again, it has no lead left to dial; its next scheduled round works its leads again/);
    await s.outreach('rounds');
    await waitFor('round 2 done', async () => (await s.repo.getCampaign('rounds'))?.status === 'completed' && (await s.results('rounds')).attempts === 6);
    await w.drain();
    expect((await s.control('rounds', 'stop')).status).toBe('stopped');
    await s.outreach('rounds');
    expect((await s.repo.getCampaign('rounds'))?.status).toBe('stopped');
  });
});

describe('draft campaigns', () => {
  it('given a draft (never started), when paused or stopped then it is refused (Conflict, with the reason) and stays a draft; start still runs it', async () => {
    const { s, create } = await setup();
    await create(testCampaign({ id: 'new' }), leadsCsv(2));
    await expect(s.control('new', 'pause')).rejects.toMatchObject({ name: 'Conflict', message: 'campaign new has not started: there is nothing to pause', fail: { reason: 'campaign_not_started', params: { campaignId: 'new', action: 'pause' } } });
    await expect(s.control('new', 'stop')).rejects.toMatchObject({ name: 'Conflict', message: 'campaign new has not started: there is nothing to stop', fail: { reason: 'campaign_not_started', params: { campaignId: 'new', action: 'stop' } } });
    expect((await s.repo.getCampaign('new'))?.status).toBe('draft');
    expect((await s.control('new', 'start')).status).toBe('running');
    expect((await s.control('new', 'pause')).status).toBe('paused');
    // A stopped campaign has nothing to pause either (it stays stopped); start runs it again.
    expect((await s.control('new', 'stop')).status).toBe('stopped');
    await expect(s.control('new', 'pause')).rejects.toMatchObject({ name: 'Conflict', fail: { reason: 'campaign_stopped_pause', params: { campaignId: 'new' } } });
    expect((await s.repo.getCampaign('new'))?.status).toBe('stopped');
    expect((await s.control('new', 'start')).status).toBe('running');
  });

  it('given a scheduled draft, when stopped then it is stopped and its first outreach round does not run it; its pause is refused', async () => {
    const { s, create } = await setup();
    await create(testCampaign({ id: 'later', settings: { schedule: { pattern: '0 9 * * *' } } as never }), leadsCsv(2));
    await expect(s.control('later', 'pause')).rejects.toMatchObject({ name: 'Conflict', message: 'campaign later has not started: there is nothing to pause' });
    expect((await s.control('later', 'stop')).status).toBe('stopped');
    await s.outreach('later');
    expect((await s.repo.getCampaign('later'))?.status).toBe('stopped');
  });
});

describe('lead import', () => {
  it('given a CSV with bad rows, when imported then good rows become E.164 leads, duplicates merge and every bad row is reported without stopping the import', async () => {
    const { s, create, leads, db } = await setup();
    const c = testCampaign({ id: 'imp' });
    const csv = [
      'So dien thoai;Ho ten;Phan khuc;TZ;agent;Ghi chu',
      '090 123 4567;Nguyễn Thị Lan;hcm;;a31;VIP',
      '+84 91 234 5678;Trần Văn Nam;hn;;;',
      '12345;Bad Number;hn;;;',
      ';No Phone;hn;;;',
      '0901234567;;hcm;;;renewal', // duplicate of row 2: merged
      '0912 345 679;Lê Minh;;Mars/Olympus;;', // unknown time zone
      '0912345680;Phạm Hà;;America/New_York;;',
      '0912345681;Ngô An;;;a99;', // unknown agent
      '"0912345682;Unclosed quote;hn;;;', // unreadable: one row error, the next row still imported
      '0912345683;Đỗ Vy;hn;;;',
    ].join('\n');
    const r = await create(c, csv);
    expect(r.rowsRead).toBeGreaterThanOrEqual(9);
    expect(r.errors.map((e) => e.reason)).toEqual(expect.arrayContaining(['invalid phone number', 'missing phone number', 'unknown time zone', 'unknown agent', 'unreadable CSV row (unbalanced quotes)']));
    expect(r.rejected).toBe(5);
    expect(r.errors.find((e) => e.reason === 'invalid phone number')).toMatchObject({ row: 4, value: '12345' });
    const rows = await leads('imp');
    const phones = rows.map((x) => x.phone);
    expect(phones).toEqual(expect.arrayContaining(['+84901234567', '+84912345678', '+84912345680', '+84912345683']));
    expect(phones.filter((p) => p === '+84901234567')).toHaveLength(1);
    expect(r.merged).toBe(1);
    const lan = rowsOf<{ name: string; attributes: Record<string, string>; assigned_agent_id: string; time_zone: string; customer_id: string }>(
      await db.database.db.execute(sql`select name, attributes, assigned_agent_id, time_zone, customer_id from leads where campaign_id = 'imp' and phone = '+84901234567'`),
    )[0]!;
    expect(lan).toMatchObject({ name: 'Nguyễn Thị Lan', assigned_agent_id: 'a31', time_zone: 'Asia/Ho_Chi_Minh' });
    // Without a customer id column, the same opaque id as the number's calls: never the number itself.
    expect(lan.customer_id).toBe(customerIdOfNumber('+84901234567'));
    expect(lan.customer_id).toMatch(/^tel:[0-9a-f]{24}$/);
    expect(lan.attributes).toMatchObject({ 'Ghi chu': 'renewal' });
    const imp = await s.repo.getImport(1);
    expect(imp).toMatchObject({ status: 'done', rejected: r.rejected, inserted: r.inserted });
    // Importing again changes nothing but merges.
    const again = await create(c, csv);
    expect(again.inserted).toBe(0);
    expect((await leads('imp')).length).toBe(rows.length);
  });
});

describe('dialing pipeline', () => {
  it('given a running campaign, every lead is dialed, connected calls reach the hub as call.dialed + call.offered and outcomes finish the leads; do-not-call numbers are never dialed', async () => {
    const { s, create, leads, attempts, hub, carrier, waitFor, w } = await setup();
    const c = testCampaign({ id: 'run1', maxAttempts: 1, settings: { carrier: { connect: 1, busy: 0, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    await create(c, leadsCsv(40));
    await s.addDnc('global', ['+84910000003'], 'asked', 'test');
    await s.addDnc('run1', ['+84910000007'], 'asked', 'test');
    await s.setStatus('run1', 'running');
    await waitFor('campaign completed', async () => (await s.campaign('run1'))?.status === 'completed');
    await w.drain();
    const cov = await s.coverage('run1');
    expect(cov).toMatchObject({ leadsDone: 38, leadsDnc: 2, leadsPending: 0, leadsRetryWaiting: 0, leadsInProgress: 0 });
    const placed = await carrier.placements();
    expect(placed[`run1:${leadIdOf('run1', '+84910000003')}`]).toBeUndefined();
    expect(placed[`run1:${leadIdOf('run1', '+84910000007')}`]).toBeUndefined();
    expect(Object.keys(placed)).toHaveLength(38);
    // Every dial job ran once, without an error (a failed attempt leaves its stack trace on the job).
    const jobs = await w.dialQueue.getCompleted(0, 1000);
    expect(jobs).toHaveLength(38);
    expect(jobs.filter((j) => j.stacktrace?.length)).toEqual([]);
    expect(hub.events.filter((e) => e.type === 'call.dialed')).toHaveLength(38);
    const offered = hub.events.filter((e) => e.type === 'call.offered');
    expect(offered).toHaveLength(38);
    expect(offered[0]).toMatchObject({ direction: 'outbound', queue: 'telesales', campaignId: 'run1' });
    await waitFor('rows persisted', async () => (await attempts('run1')).filter((a) => a.disposition).length === 38);
    const rows = await leads('run1');
    expect(rows.filter((l) => l.status === 'done')).toHaveLength(38);
    expect(rows.filter((l) => l.status === 'dnc').map((l) => l.phone).sort()).toEqual(['+84910000003', '+84910000007']);
    const res = await s.results('run1');
    expect(res).toMatchObject({ attempts: 38, connected: 38, connectivityRatePct: 100, handled: 38 });
    expect(res.conversionRatePct).toBeGreaterThan(0);
  });

  it('a lead assigned to an agent is dialed only while that agent is free, and its connected call is offered to that agent first (preferredAgentId)', async () => {
    const own = { id: 'a31', state: 'onCall' };
    const { s, create, hub, waitFor, w } = await setup({ agents: [own] });
    const c = testCampaign({ id: 'own', maxAttempts: 1, settings: { carrier: { connect: 1, busy: 0, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    const rows = ['phone,name,agent'];
    for (let i = 0; i < 8; i++) rows.push(`09100000${10 + i},Khách ${i},${i < 2 ? 'a31' : ''}`);
    await create(c, rows.join('\n') + '\n');
    await s.setStatus('own', 'running');
    const mine = new Set(['+84910000010', '+84910000011'].map((p) => leadIdOf('own', p)));
    // a31 is on a call: the pool's leads are dialed by the other free agents, a31's two wait.
    await waitFor('pool leads done', async () => (await s.coverage('own')).leadsDone === 6);
    await new Promise((r) => setTimeout(r, 300)); // a few more pacing cycles (100 ms) with a31 busy
    expect(await s.coverage('own')).toMatchObject({ leadsDone: 6, leadsPending: 2, leadsInProgress: 0 });
    own.state = 'available';
    await waitFor('campaign completed', async () => (await s.campaign('own'))?.status === 'completed');
    await w.drain();
    const offered = hub.events.filter((e) => e.type === 'call.offered');
    expect(offered).toHaveLength(8);
    const toA31 = offered.filter((e) => mine.has(e.leadId!));
    expect(toA31).toHaveLength(2);
    for (const e of toA31) expect(e).toMatchObject({ preferredAgentId: 'a31', direction: 'outbound', attributes: { assignedAgent: 'a31', campaign: 'own', campaignName: 'own' } });
    for (const e of offered.filter((x) => !mine.has(x.leadId!))) expect(e.preferredAgentId).toBeUndefined();
    // Each of a31's dials held a31 in the hub while it rang (connected: the hub's offer ends the hold, no release).
    expect(hub.holds.map((h) => `${h.agentId}:${h.sec}`)).toEqual(['a31:50', 'a31:50']);
    expect(hub.holds.map((h) => h.ref).sort()).toEqual(toA31.map((e) => e.callId).sort());
  });

  it('a personal lead that does not answer: its agent is held while it rings, then released at once', async () => {
    const { s, create, hub, waitFor, w } = await setup({ agents: [{ id: 'a33', state: 'available' }] });
    const c = testCampaign({ id: 'own-busy', maxAttempts: 1, settings: { carrier: { connect: 0, busy: 1, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 5 } } as never });
    await create(c, 'phone,name,agent\n0910000030,Khách C,a33\n0910000031,Khách D,\n');
    await s.setStatus('own-busy', 'running');
    await waitFor('campaign completed', async () => (await s.campaign('own-busy'))?.status === 'completed');
    await w.drain();
    const call = callIdOf('own-busy', leadIdOf('own-busy', '+84910000030'), 1);
    expect(hub.holds).toEqual([
      { agentId: 'a33', sec: 15, ref: call },
      { agentId: 'a33', sec: 0, ref: call },
    ]);
  });

  it('an agent offline since last night keeps their leads until absent reassignAfterMin while the workers watch; then the team gets them', async () => {
    // a32 signed out two hours ago; the workers have just started.
    const away = { id: 'a32', state: 'offline', since: Date.now() - 2 * 3_600_000 };
    const { s, create, leads, waitFor } = await setup({ agents: [away] });
    const mk = (id: string, reassignAfterMin: number) =>
      testCampaign({ id, maxAttempts: 1, settings: { reassignAfterMin, carrier: { connect: 1, busy: 0, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    const csv = ['phone,name,agent', '0910000020,Khách A,a32', '0910000021,Khách B,a32', ''].join('\n');
    await create(mk('keep', 30), csv);
    await s.setStatus('keep', 'running');
    await new Promise((r) => setTimeout(r, 2_000)); // the first absence check runs at the first pacing cycles
    expect((await leads('keep')).map((l) => [l.assigned_agent_id, l.status])).toEqual([
      ['a32', 'pending'],
      ['a32', 'pending'],
    ]);
    // The same with reassignAfterMin 0: absent at once, the leads go to a32's team and are dialed.
    await create(mk('hand-over', 0), csv);
    await s.setStatus('hand-over', 'running');
    await waitFor('hand-over completed', async () => (await s.campaign('hand-over'))?.status === 'completed', 75_000);
    expect((await leads('hand-over')).map((l) => [l.assigned_agent_id, l.assigned_team_id])).toEqual([
      [null, 'team-sales'],
      [null, 'team-sales'],
    ]);
  }, 100_000);

  it('retries by result: busy after its delay, up to the maximum attempts, then exhausted', async () => {
    const { s, create, leads, waitFor, w, carrier } = await setup();
    // Every dial is busy; busy retries at once; 3 attempts.
    const c = testCampaign({ id: 'busy', maxAttempts: 3, settings: { carrier: { connect: 0, busy: 1, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    await create(c, leadsCsv(10));
    await s.setStatus('busy', 'running');
    await waitFor('campaign completed', async () => (await s.campaign('busy'))?.status === 'completed');
    await w.drain();
    const rows = await leads('busy');
    expect(rows.every((l) => l.status === 'exhausted' && l.attempts === 3 && l.last_result === 'busy')).toBe(true);
    expect(Object.values(await carrier.placements())).toEqual(Array(10).fill(3));
  });

  it('retry delays per result: busy 30 min, no answer 2 h, voicemail the next day at the window opening', async () => {
    const { s, create, leads, waitFor, w } = await setup();
    const t0 = Date.now();
    const mk = (id: string, carrier: Record<string, number>) =>
      testCampaign({ id, maxAttempts: 3, settings: { retry: { busy: 30, no_answer: 120, voicemail: 'next-day' }, window: { start: '00:00', end: '23:59' }, carrier: { connect: 0, busy: 0, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0, ...carrier } } as never });
    for (const [id, rates] of [['rb', { busy: 1 }], ['rn', { noAnswer: 1 }], ['rv', { voicemail: 1 }]] as const) {
      await create(mk(id, rates), leadsCsv(3));
      await s.setStatus(id, 'running');
    }
    for (const id of ['rb', 'rn', 'rv']) await waitFor(`${id} dialed`, async () => (await s.coverage(id)).leadsRetryWaiting === 3);
    await w.drain();
    const due = async (id: string) => (await leads(id)).map((l) => new Date(l.next_at!).getTime() - t0);
    for (const d of await due('rb')) expect(d).toBeGreaterThan(29 * 60_000), expect(d).toBeLessThan(31 * 60_000);
    for (const d of await due('rn')) expect(d).toBeGreaterThan(119 * 60_000), expect(d).toBeLessThan(121 * 60_000);
    // Next day 00:00 in Asia/Ho_Chi_Minh (the window opens at 00:00 here).
    const vnMidnight = (ms: number) => Math.floor((ms + 7 * 3_600_000) / 86_400_000 + 1) * 86_400_000 - 7 * 3_600_000;
    for (const l of await leads('rv')) expect(new Date(l.next_at!).getTime()).toBe(vnMidnight(t0));
  });

  it('call windows by time zone: a lead whose local time is outside the window is not dialed and waits for its opening', async () => {
    const { s, create, leads, waitFor, w, carrier } = await setup();
    // A window open now in Asia/Ho_Chi_Minh and closed now in America/New_York (11-12 hours apart).
    const vnHour = Math.floor(((Date.now() / 3_600_000 + 7) % 24 + 24) % 24);
    const start = `${String(vnHour).padStart(2, '0')}:00`;
    const end = `${String(Math.min(23, vnHour + 1)).padStart(2, '0')}:${vnHour === 23 ? '59' : '00'}`;
    const c = testCampaign({ id: 'tz', maxAttempts: 1, settings: { window: { start, end }, carrier: { connect: 0, busy: 0, noAnswer: 1, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    const csv = 'phone,time_zone\n0910000001,Asia/Ho_Chi_Minh\n0910000002,America/New_York\n0910000003,Asia/Ho_Chi_Minh\n';
    await create(c, csv);
    await s.setStatus('tz', 'running');
    await waitFor('VN leads dialed', async () => (await s.coverage('tz')).leadsExhausted === 2);
    await waitFor('NY lead released', async () => (await s.coverage('tz')).leadsPending === 1 && (await s.coverage('tz')).leadsInProgress === 0);
    await w.drain();
    const placed = await carrier.placements();
    expect(placed[`tz:${leadIdOf('tz', '+84910000002')}`]).toBeUndefined();
    expect(Object.keys(placed)).toHaveLength(2);
    const ny = await s.store.getLead('tz', leadIdOf('tz', '+84910000002'));
    expect(ny).toMatchObject({ status: 'pending', attempts: 0 });
    const due = await s.store.redis.zscore(s.store.k.due('tz'), leadIdOf('tz', '+84910000002'));
    // Its next opening is in the future and at `start` New York time.
    expect(Number(due)).toBeGreaterThan(Date.now());
    const ny24 = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Number(due)));
    expect(ny24).toBe(start);
    expect((await leads('tz')).length).toBe(3);
  });

  it('survey quota: when the quota is reached dialing stops within one pacing cycle and the campaign completes', async () => {
    const { s, create, waitFor, w, carrier, db } = await setup({ freeAgents: 3, surveyScore: (id) => (id.endsWith(':1') ? 9 : 9) });
    const c = testCampaign({
      id: 'q',
      type: 'survey',
      queueId: 'survey',
      maxAttempts: 1,
      settings: { quota: { total: 6, perSegment: {} }, successDispositions: ['completed'], carrier: { connect: 1, busy: 0, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0 } } as never,
      questions: [
        { id: 'nps', kind: 'nps', text: 'Bạn có giới thiệu chúng tôi không?' },
        { id: 'csat', kind: 'csat', text: 'Mức độ hài lòng?' },
      ],
    });
    (s as unknown as { d: { hub: FakeHub } }).d.hub.o.disposition = () => 'completed';
    (s as unknown as { d: { hub: FakeHub } }).d.hub.o.queue = 'survey';
    await create(c, leadsCsv(200));
    await s.setStatus('q', 'running');
    await waitFor('quota completes the campaign', async () => (await s.campaign('q'))?.status === 'completed');
    await w.drain();
    const placed = Object.keys(await carrier.placements()).length;
    // 6 completed; at most one cycle's dials (3 free agents) more were on their way.
    expect(placed).toBeGreaterThanOrEqual(6);
    expect(placed).toBeLessThanOrEqual(6 + 3 + 3);
    const cov = await s.coverage('q');
    expect(cov.leadsPending).toBeGreaterThan(150);
    const ans = rowsOf<{ kind: string; score: number }>(await db.database.db.execute(sql`select kind, score from survey_answers where campaign_id = 'q'`));
    expect(ans.filter((a) => a.kind === 'nps').length).toBeGreaterThanOrEqual(6);
    const r = await s.results('q');
    expect(r.npsScore).toBe(100);
    // Surveys sent are the customers dialed (one lead each, dialed once), answered those who answered:
    // the CX report's meaning of surveyResponseRatePct.
    const answeredBy = new Set(rowsOf<{ customer_id: string }>(await db.database.db.execute(sql`select customer_id from survey_answers where campaign_id = 'q'`)).map((x) => x.customer_id)).size;
    expect([r.surveysSent, r.surveysAnswered]).toEqual([placed, answeredBy]);
    expect(r.surveyResponseRatePct).toBeCloseTo((100 * answeredBy) / placed, 10);
  });

  it('survey quota per segment: leads of a full segment are no longer dialed while other segments go on', async () => {
    const { s, create, waitFor, w } = await setup({ freeAgents: 2, disposition: () => 'completed' });
    const c = testCampaign({
      id: 'qs',
      type: 'survey',
      maxAttempts: 1,
      settings: { quota: { perSegment: { hn: 3 } }, successDispositions: ['completed'], carrier: { connect: 1, busy: 0, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0 } } as never,
    });
    await create(c, leadsCsv(40));
    await s.setStatus('qs', 'running');
    await waitFor('campaign completed', async () => (await s.campaign('qs'))?.status === 'completed');
    await w.drain();
    const st = await s.store.stats('qs');
    expect(st['q:seg:hn']).toBeGreaterThanOrEqual(3);
    expect(st['q:seg:hn']).toBeLessThanOrEqual(3 + 2 + 2);
    expect(st['q:seg:hcm']).toBe(20);
    expect((await s.coverage('qs')).leadsQuota).toBeGreaterThan(10);
  });

  it('two campaigns whose lines the same free agents take dial for each of them once between them, not once each; callers waiting on an inbound line they take count too', async () => {
    // 5 free agents take the telesales line, the survey line and the advice line; 2 callers wait on advice.
    const { s, create, redis } = await setup({ freeAgents: 5, agentQueues: ['telesales', 'survey', 'advice'], waiting: { advice: 2 }, autoAnswer: false });
    // Dials ring 3 s, so those of one cycle are still in flight when the other campaign paces.
    const carrier = { connect: 0, busy: 0, noAnswer: 1, voicemail: 0, failed: 0, ringSec: 3 };
    const sales = testCampaign({ id: 'pool-sales', queueId: 'telesales', settings: { pacingMs: 60_000, carrier } as never });
    const survey = testCampaign({ id: 'pool-survey', type: 'survey', queueId: 'survey', settings: { pacingMs: 60_000, carrier } as never });
    await create(sales, leadsCsv(20));
    await create(survey, leadsCsv(20, 100));
    await s.setStatus('pool-sales', 'running');
    await s.setStatus('pool-survey', 'running');
    // Both cycles at once, as their schedulers fire on the same tick (the scheduler's own first run may be one of them).
    await Promise.all([s.pace('pool-sales'), s.pace('pool-survey')]);
    const inFlight = async () => (await redis.zcard(s.store.k.fly('pool-sales'))) + (await redis.zcard(s.store.k.fly('pool-survey')));
    // 5 free agents, 2 of them for the advice callers: 3 dials between the two campaigns (10 before: 5 each).
    expect(await inFlight()).toBe(3);
    // Another round changes nothing while those ring.
    await Promise.all([s.pace('pool-sales'), s.pace('pool-survey')]);
    expect(await inFlight()).toBe(3);
  });

  it('governor: when a shared inbound queue is under its service-level target with calls waiting, pacing stops and says why; it resumes after recovery', async () => {
    const shared = [{ id: 'advice', serviceLevelPct: 60 as number | null, targetPct: 80, inQueue: 4 }];
    const { s, create, waitFor } = await setup({ freeAgents: 5, shared });
    const c = testCampaign({ id: 'gov', settings: { sharedQueues: ['advice'], pacingMs: 60_000, carrier: { connect: 0, busy: 0, noAnswer: 1, voicemail: 0, failed: 0, ringSec: 0 }, retry: { no_answer: 60 } } as never });
    await create(c, leadsCsv(20));
    await s.setStatus('gov', 'running');
    const p1 = await s.pace('gov');
    expect(p1?.plan?.dials).toBe(0);
    expect(p1?.governor.backingOff).toBe(true);
    expect(p1?.why).toMatch(/advice: SL 60% < target 80%/);
    // The same, as codes with arguments for the console to word.
    const behind = [{ id: 'advice', serviceLevelPct: 60, targetPct: 80, waiting: 4 }];
    expect(p1).toMatchObject({ whyCode: 'backingOff', whyArgs: { factor: 0, queues: behind }, governor: { code: 'backingOff', factor: 0, queues: behind } });
    shared[0]!.serviceLevelPct = 95;
    await new Promise((r) => setTimeout(r, 450)); // the snapshot is cached 400 ms
    const p2 = await s.pace('gov');
    expect(p2?.governor.backingOff).toBe(false);
    expect(p2?.plan?.dials).toBeGreaterThan(0);
    expect(p2).toMatchObject({ whyCode: 'progressive', whyArgs: {}, governor: { code: 'recovered', queues: [] } });
    await waitFor('dialed', async () => ((await s.store.stats('gov')).attempts ?? 0) > 0);
    // Paused: the pacer says so, and has not looked at the governor.
    await s.setStatus('gov', 'paused');
    const p3 = await s.pace('gov');
    expect(p3).toMatchObject({ why: 'campaign paused', whyCode: 'notRunning', whyArgs: { status: 'paused' }, governor: { code: 'notChecked', reason: '', queues: [] }, plan: null });
    // What the API returns is what the pacer recorded.
    expect(((await s.progress('gov')) as { pacing: unknown }).pacing).toEqual(p3);
  });

  it('post-call survey: the caller of an inbound call on a chosen queue becomes a lead of the survey campaign, once, and a low answer opens a complaint', async () => {
    const { s, create, redis, prefix, waitFor, db } = await setup({ freeAgents: 0 });
    const c = testCampaign({ id: 'pcs', type: 'survey', queueId: 'survey', settings: { postCallQueues: ['vaccine-booking'] } as never, questions: [{ id: 'csat', kind: 'csat', text: 'Hài lòng?' }] });
    await create(c, leadsCsv(1));
    await s.setStatus('pcs', 'running');
    const at = Date.now();
    const events = [
      { id: 'i1', type: 'call.offered', at, callId: 'in-1', queue: 'vaccine-booking', direction: 'inbound', from: '0987 111 222' },
      { id: 'i2', type: 'call.offered', at, callId: 'in-2', queue: 'advice', direction: 'inbound', from: '0987 333 444' },
      { id: 'i3', type: 'call.ended', at: at + 60_000, callId: 'in-1' },
      { id: 'i4', type: 'call.ended', at: at + 60_000, callId: 'in-2' },
    ];
    await redis.xadd(`${prefix}:hubevents`, '*', 'e', JSON.stringify(events));
    await redis.xadd(`${prefix}:hubevents`, '*', 'e', JSON.stringify([{ id: 'i3b', type: 'call.ended', at: at + 61_000, callId: 'in-1' }]));
    await waitFor('survey lead added', async () => (await s.coverage('pcs')).total === 2);
    const rows = rowsOf<{ phone: string; segment: string }>(await db.database.db.execute(sql`select phone, segment from leads where campaign_id = 'pcs' and segment is not null and segment <> 'hn'`));
    expect(rows).toEqual([{ phone: '+84987111222', segment: 'vaccine-booking' }]);
    // An agent records the caller's answers: CSAT 1 opens a complaint (one per call).
    const lead = rows[0]!;
    const id = (await s.repo.workableLeads('pcs')).find((l) => l.phone === lead.phone)!.id;
    expect(await s.submitAnswers('pcs', id, 'out:pcs:x:1', [{ questionId: 'csat', score: 1 }], 'a31')).toBe(1);
    await expect(s.submitAnswers('pcs', id, null, [{ questionId: 'csat', score: 9 }], 'a31')).rejects.toThrow(/out of range/);
    const complaints = rowsOf<{ channel: string; campaign_id: string; source_key: string; customer_ref: string; description: string | null; agent_id: string; team_id: string | null }>(
      await db.database.db.execute(sql`select channel, campaign_id, source_key, customer_ref, description, agent_id, team_id from complaints`),
    );
    // The complaint names the customer by the id of the caller's inbound calls, not by the number; without
    // a comment it has no description (the console words the score in the page's language). It names the
    // agent and their team, so the team's lead sees it.
    const team = demoSite().agents.find((a) => a.id === 'a31')!.teamId;
    expect(team).toBeTruthy();
    expect(complaints).toEqual([{ channel: 'survey', campaign_id: 'pcs', source_key: 'survey:out:pcs:x:1', customer_ref: customerIdOfNumber('+84987111222'), description: null, agent_id: 'a31', team_id: team }]);
  });

  it('proactive outreach: a scheduled campaign gets a BullMQ job scheduler; each run works its segment again and records the offer on every attempt', async () => {
    const { s, create, waitFor, w, attempts } = await setup();
    const c = testCampaign({ id: 'bday', maxAttempts: 1, settings: { offer: 'Phiếu khám miễn phí', schedule: { pattern: '0 9 * * *' }, carrier: { connect: 0, busy: 0, noAnswer: 1, voicemail: 0, failed: 0, ringSec: 0 } } as never });
    await create(c, leadsCsv(5));
    await s.schedule(c);
    const schedulers = await w.controlQueue.getJobSchedulers();
    expect(schedulers.map((x) => ({ key: x.key, pattern: x.pattern, tz: x.tz }))).toEqual([{ key: 'outreach:bday', pattern: '0 9 * * *', tz: 'Asia/Ho_Chi_Minh' }]);
    for (let round = 1; round <= 2; round++) {
      await s.outreach('bday'); // what the scheduler's job runs
      await waitFor(`round ${round} done`, async () => (await s.campaign('bday'))?.status === 'completed');
      await w.drain();
    }
    const rows = await attempts('bday');
    expect(rows).toHaveLength(10);
    const offers = rowsOf<{ offer: string }>(await (s.repo.db.execute(sql`select distinct offer from campaign_attempts where campaign_id = 'bday'`)));
    expect(offers).toEqual([{ offer: 'Phiếu khám miễn phí' }]);
  });
});

describe('past dials', () => {
  it('given one past day of the demo history, then its outbound calls are the demo campaigns\' leads, attempts, survey answers and results, and recording them again adds nothing', async () => {
    const { s, create, db } = await setup({}, { simulateRespondents: true });
    const site = demoSite();
    for (const c of demoCampaigns(site).filter((x) => x.id in { 'vaccine-packages': 1, 'satisfaction-survey': 1 })) await create(c, demoLeadsCsv(40, 1));
    const now = Date.parse('2026-03-09T08:00:00+07:00');
    const history = demoHistory(site, now, 7, 1, DEMO_CAMPAIGN_LINES);
    const added = await seedCampaignHistory(s, history);
    const q = <T,>(x: ReturnType<typeof sql>) => db.database.db.execute(x).then((r) => rowsOf<T>(r));
    for (const [line, campaignId] of Object.entries(DEMO_CAMPAIGN_LINES)) {
      const dialed = history.filter((e) => e.type === 'call.dialed' && e.campaignId === campaignId);
      const calls = new Set(dialed.map((e) => (e as { callId: string }).callId));
      const of = (type: string) => history.filter((e) => e.type === type && calls.has((e as { callId: string }).callId)) as { callId: string; agentId?: string; disposition?: string; revenue?: number; surveyScore?: number }[];
      expect(dialed.length).toBeGreaterThan(50);
      expect(added[campaignId]).toBe(dialed.length);
      // The results count them as the live dialer does.
      const outcomes = of('call.outcome');
      const res = (await s.results(campaignId)) as { attempts: number; connected: number; answered: number; handled: number; conversions: number; revenue: number; byAgent: Record<string, { handled: number }> };
      expect([line, res.attempts, res.connected, res.answered, res.handled]).toEqual([line, dialed.length, dialed.filter((e) => (e as { result: string }).result === 'connected').length, of('call.answered').length, outcomes.length]);
      const succ = outcomes.filter((o) => ['sold', 'completed'].includes(o.disposition!));
      expect(succ.length).toBeGreaterThan(5);
      expect(res.conversions).toBe(succ.length);
      expect(res.revenue).toBe(outcomes.reduce((a, o) => a + (o.revenue ?? 0), 0));
      expect(Object.values(res.byAgent).reduce((a, x) => a + x.handled, 0)).toBe(outcomes.length);
      // One lead per number, every attempt of a lead of the campaign, every past lead finished.
      const [leads] = await q<{ n: number; phones: number; attempts: number; open: number }>(sql`select count(*)::int as n, count(distinct phone)::int as phones, sum(attempts)::int as attempts,
          (count(*) filter (where status not in ('done', 'exhausted')))::int as open from leads where campaign_id = ${campaignId} and id like 'history-%'`);
      const [att] = await q<{ n: number; orphans: number }>(sql`select count(*)::int as n,
          (count(*) filter (where not exists (select 1 from leads l where l.campaign_id = a.campaign_id and l.id = a.lead_id)))::int as orphans
        from campaign_attempts a where a.campaign_id = ${campaignId}`);
      expect([leads!.n, leads!.attempts, leads!.open, att!.n, att!.orphans]).toEqual([leads!.phones, dialed.length, 0, dialed.length, 0]);
    }
    // Each completed survey call's score answers the survey's NPS question; the respondent answers CSAT too.
    const scored = new Map(history.filter((e) => e.type === 'call.outcome' && e.surveyScore !== undefined && e.disposition === 'completed').map((e) => [(e as { callId: string }).callId, (e as { surveyScore: number }).surveyScore]));
    const nps = await q<{ call_id: string; score: number }>(sql`select call_id, score from survey_answers where campaign_id = 'satisfaction-survey' and kind = 'nps'`);
    expect(new Map(nps.map((r) => [r.call_id, r.score]))).toEqual(scored);
    const [csat] = await q<{ n: number }>(sql`select count(*)::int as n from survey_answers where campaign_id = 'satisfaction-survey' and kind = 'csat'`);
    expect(csat!.n).toBe(scored.size);
    // Customers score like a hotline's: mostly promoters, a tail of detractors (not a flat 5-10).
    const scores = [...scored.values()];
    expect(scores.filter((x) => x >= 9).length / scores.length).toBeGreaterThan(0.4);
    expect(scores.some((x) => x <= 4)).toBe(true);
    expect(await seedCampaignHistory(s, history)).toEqual({ 'vaccine-packages': 0, 'satisfaction-survey': 0 });
    expect((await s.results('vaccine-packages') as { attempts: number }).attempts).toBe(added['vaccine-packages']);
  });

  it('given last year\'s finished campaign, then some of its buyers bought again this year and some have left, so the CX retention of the last 20 days is under 100 %', async () => {
    const { s, db } = await setup();
    const site = demoSite();
    const lastYear = demoCampaigns(site).find((c) => c.id === LAST_YEAR_CAMPAIGN)!;
    expect(lastYear.status).toBe('completed');
    await s.save(lastYear);
    const now = Date.parse('2026-03-09T20:00:00+07:00');
    const history = demoHistory(site, now, 7, 1);
    const added = await seedLastYearCustomers(s, site, history, now);
    expect(added).toBeGreaterThan(100);
    // This year's purchases: the history's inbound calls with a success disposition, as the records writer stores them.
    const success = site.successDispositions;
    const from = new Map(history.filter((e) => e.type === 'call.offered' && e.from).map((e) => [(e as { callId: string }).callId, (e as { from: string }).from]));
    const bought = history.filter((e) => e.type === 'call.outcome' && success.includes(e.disposition ?? '') && from.has(e.callId)) as { callId: string; at: number }[];
    await new RecordsRepository(db.database).ensureSite({ id: site.id, name: site.name, timeZone: site.timeZone });
    await db.database.db.insert(calls).values(bought.map((e) => ({
      siteId: site.id, id: e.callId, queueId: 'vaccine-booking', lastQueueId: 'vaccine-booking', path: ['vaccine-booking'], direction: 'inbound', status: 'done',
      offeredAt: new Date(e.at), enteredAt: new Date(e.at), disposition: 'booked', customerId: customerIdOfNumber(from.get(e.callId)!)!, source: 'history',
    })));
    const cx = new CxRepository(db.database);
    const counts = await cx.counts(site.id, now - 20 * 86_400_000, now, 'site', '', success);
    const retention = (counts.customersAtEnd - counts.newCustomers) / counts.customersAtStart;
    expect(counts.customersAtStart).toBeGreaterThan(50);
    expect([retention > 0.6, retention < 1]).toEqual([true, true]);
    // About a third of this year's buyers bought last year too; as many of last year's never came back.
    const buyers = new Set(bought.map((e) => customerIdOfNumber(from.get(e.callId)!)));
    const lastYears = rowsOf<{ customer_id: string }>(await db.database.db.execute(sql`select customer_id from leads where campaign_id = ${LAST_YEAR_CAMPAIGN} and last_disposition = 'sold'`)).map((r) => r.customer_id);
    const back = lastYears.filter((c) => buyers.has(c)).length;
    expect(back / buyers.size).toBeGreaterThan(0.2);
    expect(back / buyers.size).toBeLessThan(0.5);
    expect(back / lastYears.length).toBeGreaterThan(0.3);
    expect(back / lastYears.length).toBeLessThan(0.7);
    // Every sale is older than 11 months, and a second seeding adds nothing.
    const [span] = rowsOf<{ newest: Date | string }>(await db.database.db.execute(sql`select max(dialed_at) as newest from campaign_attempts where campaign_id = ${LAST_YEAR_CAMPAIGN}`));
    expect(now - new Date(span!.newest).getTime()).toBeGreaterThan(329 * 86_400_000);
    expect(await seedLastYearCustomers(s, site, history, now)).toBe(0);
  });

  it('given dials of one number in two formats and of a number that is already a lead, then the first are one lead\'s two attempts in time order and the other is skipped', async () => {
    const { s, create, leads, attempts } = await setup();
    const c = testCampaign({ id: 'past', maxAttempts: 3 });
    await create(c, leadsCsv(3));
    const existing = (await leads('past'))[0]!.phone;
    const t0 = Date.parse('2026-03-02T09:00:00+07:00');
    const r = await s.importPastDials('past', [
      { leadId: 'p1', phone: '0901 555 111', callId: 'past-2', dialedAt: t0 + 3_600_000, result: 'connected', agentId: 'a01', disposition: 'sold', revenue: 2_000_000, endedAt: t0 + 3_800_000 },
      { leadId: 'p1-again', phone: '+84901555111', callId: 'past-1', dialedAt: t0, result: 'connected', dropped: true, endedAt: t0 + 5_000 },
      { leadId: 'p2', phone: existing, callId: 'past-3', dialedAt: t0, result: 'busy' },
    ]);
    expect(r).toEqual({ added: 2, skipped: 1 });
    const mine = (await leads('past')).filter((l) => l.phone === '+84901555111');
    expect(mine).toMatchObject([{ id: 'p1-again', status: 'done', attempts: 2 }]);
    expect((await attempts('past')).filter((a) => a.lead_id === 'p1-again')).toEqual([
      { lead_id: 'p1-again', attempt: 1, result: 'connected', connection: 'dropped', disposition: null },
      { lead_id: 'p1-again', attempt: 2, result: 'connected', connection: 'answered', disposition: 'sold' },
    ]);
    expect(await s.results('past')).toMatchObject({ attempts: 2, connected: 2, dropped: 1, answered: 1, handled: 1, conversions: 1, revenue: 2_000_000 });
    await expect(s.importPastDials('nope', [])).rejects.toThrow(/no campaign nope/);
  });

  it('given a lead sold on an earlier attempt and not reached on its last one, then it ends done with its sale as its last disposition; a callback not reached after ends exhausted, as the live dialer leaves them', async () => {
    const { s, db } = await setup();
    await s.save(testCampaign({ id: 'past-st', maxAttempts: 3, settings: { retry: { busy: 0, no_answer: 0, voicemail: 0, failed: 0, dropped: 0, callback: 240 } } as never }));
    const t0 = Date.parse('2026-03-02T09:00:00+07:00');
    const day = 86_400_000;
    const r = await s.importPastDials('past-st', [
      { leadId: 'sold', phone: '0901555201', callId: 'st-1', dialedAt: t0, result: 'connected', agentId: 'a01', disposition: 'sold', revenue: 1_000_000, endedAt: t0 + 60_000 },
      { leadId: 'sold', phone: '0901555201', callId: 'st-2', dialedAt: t0 + day, result: 'no_answer' },
      { leadId: 'cb', phone: '0901555202', callId: 'st-3', dialedAt: t0, result: 'connected', agentId: 'a01', disposition: 'callback', endedAt: t0 + 60_000 },
      { leadId: 'cb', phone: '0901555202', callId: 'st-4', dialedAt: t0 + day, result: 'no_answer' },
      { leadId: 'no', phone: '0901555203', callId: 'st-5', dialedAt: t0, result: 'connected', agentId: 'a01', disposition: 'not_interested', endedAt: t0 + 60_000 },
      { leadId: 'no', phone: '0901555203', callId: 'st-6', dialedAt: t0 + day, result: 'busy' },
    ]);
    expect(r).toEqual({ added: 6, skipped: 0 });
    const rows = rowsOf<{ id: string; status: string; attempts: number; last_result: string; last_disposition: string | null }>(
      await db.database.db.execute(sql`select id, status, attempts, last_result, last_disposition from leads where campaign_id = 'past-st' order by id`),
    );
    expect(rows).toEqual([
      { id: 'cb', status: 'exhausted', attempts: 2, last_result: 'no_answer', last_disposition: 'callback' },
      { id: 'no', status: 'done', attempts: 2, last_result: 'busy', last_disposition: 'not_interested' },
      { id: 'sold', status: 'done', attempts: 2, last_result: 'no_answer', last_disposition: 'sold' },
    ]);
    expect(await s.coverage('past-st')).toMatchObject({ leadsDone: 2, leadsExhausted: 1, total: 3 });
  });

  it("given a survey's past dials, then surveys sent are the customers dialed and answered those who answered (as the CX report counts them), not the calls agents answered", async () => {
    const { s } = await setup();
    const t0 = Date.parse('2026-03-02T09:00:00+07:00');
    await s.save(testCampaign({ id: 'sv', type: 'survey', questions: [{ id: 'nps', kind: 'nps', text: 'Bạn có giới thiệu chúng tôi không?' }] }));
    const ok = { result: 'connected' as const, agentId: 'a31', disposition: 'completed', endedAt: t0 + 60_000 };
    expect(await s.importPastDials('sv', [
      { leadId: 'sv-1', phone: '0901555401', callId: 'sv-a', dialedAt: t0, ...ok, surveyScore: 9 },
      // Dialed twice, answered the second time: one survey sent, one answered.
      { leadId: 'sv-2', phone: '0901555402', callId: 'sv-b', dialedAt: t0, result: 'no_answer' },
      { leadId: 'sv-2', phone: '0901555402', callId: 'sv-c', dialedAt: t0 + 3_600_000, ...ok, surveyScore: 3 },
      // Dialed, never reached; reached, but no answer to the survey.
      { leadId: 'sv-3', phone: '0901555403', callId: 'sv-d', dialedAt: t0, result: 'busy' },
      { leadId: 'sv-4', phone: '0901555404', callId: 'sv-e', dialedAt: t0, ...ok, disposition: 'refused' },
    ])).toEqual({ added: 5, skipped: 0 });
    const r = await s.results('sv');
    expect(r).toMatchObject({ answered: 3, surveysSent: 4, surveysAnswered: 2, surveyResponseRatePct: 50, npsScore: 0 });
  });

  it('given Redis failing after the past dials reached the database, then importing them again adds their figures once: results and coverage are those of an import that never failed', async () => {
    const { s, leads } = await setup({}, { simulateRespondents: true });
    const t0 = Date.parse('2026-03-02T09:00:00+07:00');
    // The same past dials for two campaigns (a call id is unique across campaigns).
    const dials = (c: string) => [
      { leadId: `${c}-1`, phone: '0901555301', callId: `${c}-a`, dialedAt: t0, result: 'connected' as const, agentId: 'a31', disposition: 'sold', revenue: 2_000_000, endedAt: t0 + 60_000 },
      { leadId: `${c}-1`, phone: '0901555301', callId: `${c}-b`, dialedAt: t0 + 3_600_000, result: 'busy' as const },
      { leadId: `${c}-2`, phone: '0901555302', callId: `${c}-c`, dialedAt: t0, result: 'connected' as const, dropped: true, endedAt: t0 + 5_000 },
      { leadId: `${c}-3`, phone: '0901555303', callId: `${c}-d`, dialedAt: t0, result: 'no_answer' as const },
      { leadId: `${c}-4`, phone: '0901555304', callId: `${c}-e`, dialedAt: t0, result: 'connected' as const, agentId: 'a32', disposition: 'not_interested', endedAt: t0 + 90_000 },
    ];
    for (const id of ['once', 'retried']) await s.save(testCampaign({ id }));
    expect(await s.importPastDials('once', dials('once'))).toEqual({ added: 5, skipped: 0 });

    // The rows are written, then the state connection drops before the figures reach Redis.
    const write = s.repo.addPastDials.bind(s.repo);
    vi.spyOn(s.repo, 'addPastDials').mockImplementationOnce(async (...args) => {
      await write(...args);
      s.store.redis.disconnect();
    });
    await expect(s.importPastDials('retried', dials('retried'))).rejects.toThrow(/closed/i);
    await s.store.redis.connect();
    expect(await leads('retried')).toHaveLength(4);
    expect(await s.importPastDials('retried', dials('retried'))).toEqual({ added: 0, skipped: 5 });

    const figures = async (c: string) => {
      const { campaignId: _, ...res } = await s.results(c);
      return { res, cov: await s.coverage(c) };
    };
    const once = await figures('once');
    expect(once.res).toMatchObject({ attempts: 5, connected: 3, dropped: 1, answered: 2, handled: 2, conversions: 1, revenue: 2_000_000 });
    expect(await figures('retried')).toEqual(once);
    // A third import adds nothing more.
    expect(await s.importPastDials('retried', dials('retried'))).toEqual({ added: 0, skipped: 5 });
    expect(await figures('retried')).toEqual(once);
  });
});

/**
 * The campaigns API mounted in a real hub (real Redis, PGlite): create, import with progress, start,
 * live progress and results; connected calls reach the hub (its campaign metrics count them); Bull Board
 * for admins only, with the console's cookie.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { demoSiteInput } from '../../../realtime/src/site/demo-site.ts';
import { parseSiteConfig } from '../../../realtime/src/contracts/index.ts';
import { startHub, token } from '../../../realtime/src/hub/testing.ts';
import { testBackends } from '../../../realtime/src/storage/testing.ts';
import { campaignsArea } from './campaigns.router.ts';
import { leadsCsv } from './testing.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function setup() {
  const redisUrl = inject('redisUrl');
  const db = await testBackends()[0]!.create();
  cleanups.push(() => db.drop());
  const site = demoSiteInput(5);
  const config = parseSiteConfig(site);
  const streamKey = `callboard:test:${randomBytes(6).toString('hex')}:events`;
  const area = campaignsArea({
    config,
    redisUrl,
    streamKey,
    database: () => db.database,
    logger: pino({ level: process.env.CB_LOG ?? 'silent' }),
    workers: { prefix: `t:api:${randomBytes(5).toString('hex')}` },
  });
  const { app, url } = await startHub(redisUrl, site, { streamKey, mounts: [area.mount] });
  cleanups.push(() => app.close());
  cleanups.push(() => area.stop());
  const sup = token('supervisor');
  const call = async (method: string, path: string, body?: unknown, tok: string | null = sup, type = 'application/json') => {
    const res = await fetch(url + path, {
      method,
      headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...(body !== undefined ? { 'content-type': type } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  };
  const until = async (what: string, cond: () => Promise<boolean>, ms = 20_000) => {
    const t0 = Date.now();
    while (!(await cond())) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { url, app, call, until, area };
}

const campaign = {
  id: 'pkg',
  name: 'Gói vắc xin',
  type: 'telesales',
  queueId: 'telesales',
  dialingMode: 'progressive',
  maxAttempts: 1,
  settings: { window: { start: '00:00', end: '23:59' }, dropAfterSec: 0.5, pacingMs: 200, carrier: { connect: 1, busy: 0, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0 } },
};

describe('campaigns API in the hub', () => {
  it('guards: no token 401, an agent 403, a supervisor 200; bad bodies 400 with the field', async () => {
    const { call } = await setup();
    expect((await call('GET', '/api/v1/campaigns', undefined, null)).status).toBe(401);
    expect((await call('GET', '/api/v1/campaigns', undefined, token('agent', { agentId: 'a01' }))).status).toBe(403);
    expect((await call('GET', '/api/v1/campaigns')).body).toEqual({ campaigns: [] });
    const bad = await call('POST', '/api/v1/campaigns', { ...campaign, dialingMode: 'turbo' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.join()).toMatch(/dialingMode/);
    expect(bad.body.error.reason).toBeUndefined();
    const nowhere = await call('POST', '/api/v1/campaigns', { ...campaign, queueId: 'nowhere' });
    expect([nowhere.status, nowhere.body]).toEqual([400, { error: { code: 'invalid', message: 'no queue nowhere on this site', reason: 'unknown_site_queue', params: { queue: 'nowhere' } } }]);
    expect((await call('POST', '/api/v1/campaigns', campaign)).status).toBe(201);
    expect((await call('POST', '/api/v1/campaigns', campaign)).body.error).toEqual({ code: 'invalid', message: 'campaign pkg exists', reason: 'campaign_exists', params: { campaignId: 'pkg' } });
    expect((await call('POST', '/api/v1/campaigns/pkg/leads', '', undefined, 'text/csv')).body.error).toMatchObject({ code: 'invalid', reason: 'csv_required', params: {} });
  });

  it('create, import leads (progress and row errors), start; dials reach the hub, which counts them for the campaign; unanswered connected calls are dropped and counted on both sides', { timeout: 90_000 }, async () => {
    const { call, until } = await setup();
    expect((await call('POST', '/api/v1/campaigns', campaign)).status).toBe(201);
    const csv = leadsCsv(15) + 'not-a-number,Sai số,hn\n';
    const up = await call('POST', '/api/v1/campaigns/pkg/leads?name=list.csv', csv, undefined, 'text/csv');
    expect(up.status).toBe(202);
    let imp: any;
    await until('import done', async () => {
      imp = (await call('GET', `/api/v1/campaigns/pkg/imports/${up.body.importId}`)).body;
      return imp.status === 'done';
    });
    expect(imp).toMatchObject({ pct: 100, inserted: 15, rejected: 1, fileName: 'list.csv' });
    expect(imp.errors).toEqual([{ row: 17, reason: 'invalid phone number', code: 'invalidPhone', value: 'not-a-number' }]);
    // Five sales agents log in and are available, but nobody takes an offer: every connected call waits,
    // is dropped after 0.5 s and its lead is finished (1 attempt).
    const at = Date.now();
    const agents = ['a16', 'a17', 'a18', 'a19', 'a20'];
    const login = agents.flatMap((a, i) => [
      { id: `l-${a}`, type: 'agent.login', at: at + i, agentId: a, queues: ['telesales'] },
      { id: `s-${a}`, type: 'agent.state', at: at + i + 1, agentId: a, state: 'available' },
    ]);
    expect((await call('POST', '/api/v1/events', login, token('telephony'))).body.accepted).toBe(10);
    expect((await call('POST', '/api/v1/campaigns/pkg/start')).body).toEqual({ id: 'pkg', status: 'running' });
    await until('all dialed and dropped', async () => (await call('GET', '/api/v1/campaigns/pkg/results')).body.dropped === 15, 50_000);
    const res = (await call('GET', '/api/v1/campaigns/pkg/results')).body;
    expect(res).toMatchObject({ attempts: 15, connected: 15, dropped: 15, connectivityRatePct: 100, dropRatePct: 100 });
    await until('hub counted them', async () => (await call('GET', '/api/v1/metrics?scope=campaign&id=pkg')).body?.total?.dropRatePct === 100);
    const hubm = (await call('GET', '/api/v1/metrics?scope=campaign&id=pkg')).body.total;
    expect(hubm).toMatchObject({ attempts: 15, connectivityRatePct: 100, dropRatePct: 100 });
    const prog = (await call('GET', '/api/v1/campaigns/pkg/progress')).body;
    expect(prog.coverage).toMatchObject({ leadsExhausted: 15, leadsPending: 0 });
    expect(prog.pacing.why).toMatch(/every lead finished|progressive/);
  });

  it('a completed campaign: start, pause and stop answer 409 with the reason, and it stays completed', async () => {
    const { call, until } = await setup();
    expect((await call('POST', '/api/v1/campaigns', campaign)).status).toBe(201);
    // No lead: started, it completes at once.
    expect((await call('POST', '/api/v1/campaigns/pkg/start')).body).toEqual({ id: 'pkg', status: 'running' });
    await until('completed', async () => (await call('GET', '/api/v1/campaigns/pkg')).body.status === 'completed');
    const start = await call('POST', '/api/v1/campaigns/pkg/start');
    // The English sentence as before, and the reason with its params that the console words.
    expect([start.status, start.body]).toEqual([
      409,
      { error: { code: 'conflict', message: 'campaign pkg is completed: it cannot be started again, it has no lead left to dial', reason: 'campaign_completed_start', params: { campaignId: 'pkg' } } },
    ]);
    for (const a of ['pause', 'stop']) {
      const r = await call('POST', `/api/v1/campaigns/pkg/${a}`);
      expect([r.status, r.body]).toEqual([409, { error: { code: 'conflict', message: `campaign pkg is completed: there is nothing to ${a}`, reason: 'campaign_completed', params: { campaignId: 'pkg', action: a } } }]);
    }
    expect((await call('GET', '/api/v1/campaigns/pkg')).body.status).toBe('completed');
    const nope = await call('POST', '/api/v1/campaigns/nope/start');
    expect([nope.status, nope.body]).toEqual([404, { error: { code: 'not_found', message: 'no campaign nope', reason: 'unknown_campaign', params: { campaignId: 'nope' } } }]);
  });

  it('given a draft (never started), when paused or stopped then 409 with the reason, and it stays a draft', async () => {
    const { call } = await setup();
    expect((await call('POST', '/api/v1/campaigns', campaign)).status).toBe(201);
    for (const a of ['pause', 'stop']) {
      const r = await call('POST', `/api/v1/campaigns/pkg/${a}`);
      expect([r.status, r.body]).toEqual([409, { error: { code: 'conflict', message: `campaign pkg has not started: there is nothing to ${a}`, reason: 'campaign_not_started', params: { campaignId: 'pkg', action: a } } }]);
    }
    expect((await call('GET', '/api/v1/campaigns/pkg')).body.status).toBe('draft');
  });

  it('Bull Board: admins only, with the console cookie or the header', async () => {
    const { url } = await setup();
    const admin = token('admin');
    expect((await fetch(`${url}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${url}/admin/queues`, { headers: { authorization: `Bearer ${token('supervisor')}` } })).status).toBe(403);
    const page = await fetch(`${url}/admin/queues`, { headers: { cookie: `theme=dark; callboard_token=${admin}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const api = await fetch(`${url}/admin/queues/api/queues?activeQueue=campaign-dial&page=1&jobsPerPage=10`, { headers: { authorization: `Bearer ${admin}` } });
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain('campaign-dial');
  });
});

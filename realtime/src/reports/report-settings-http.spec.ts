/**
 * What the console's CX and settings pages read (the reports router on a real hub, real Redis, a
 * throwaway database): targets and forecasts written and read back, audited; CX per day.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig } from '../contracts/index.ts';
import { ev, ready, siteInput, t } from '../core/testing.ts';
import { SiteCalendar } from '../core/time.ts';
import type { AccountsPort, AuditEntryInput } from '../hub/auth.ts';
import { startHub, token } from '../hub/testing.ts';
import { createRecordState, recordsFromEvents } from '../storage/records.ts';
import { RecordsRepository } from '../storage/records.repository.ts';
import { testBackends } from '../storage/testing.ts';
import { reportsMount } from './reports.router.ts';

const redisUrl = inject('redisUrl');
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const input = siteInput({ id: 'rset' });
const config = parseSiteConfig(input);
/** The site's date now (Asia/Ho_Chi_Minh unless the site says otherwise). */
const siteToday = () => new SiteCalendar(config.timeZone, config.intervalMin).localDate(Date.now());

/** Monday 2 March 2026: c1 scored 10, c2 scored 3 (NPS 0); Tuesday: c3 scored 9 (NPS +100). */
function days() {
  const day2 = 86_400;
  return [
    ...ready(t(0), 'a1'),
    ev.offered('c1', 'booking', t(10)),
    ev.answered('c1', 'a1', t(20)),
    ev.ended('c1', t(100)),
    ev.outcome('c1', t(110), { disposition: 'info', surveyScore: 10 }),
    ev.offered('c2', 'booking', t(200)),
    ev.answered('c2', 'a1', t(210)),
    ev.ended('c2', t(300)),
    ev.outcome('c2', t(310), { disposition: 'info', surveyScore: 3 }),
    ev.offered('c3', 'booking', t(day2 + 10)),
    ev.answered('c3', 'a1', t(day2 + 20)),
    ev.ended('c3', t(day2 + 100)),
    ev.outcome('c3', t(day2 + 110), { disposition: 'info', surveyScore: 9 }),
    ev.logout('a1', t(day2 + 3600)),
  ];
}

async function call(url: string, method: string, path: string, tok: string, body?: unknown) {
  const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.status, json: (await r.json().catch(() => undefined)) as any };
}

describe.each(testBackends())('report settings and CX series REST ($name)', (backend) => {
  async function setup() {
    const db = await backend.create();
    cleanup.push(() => db.drop());
    const repo = new RecordsRepository(db.database);
    await repo.syncSite(config);
    await repo.writeBatch(config.id, recordsFromEvents(days(), createRecordState(config)));
    const audits: AuditEntryInput[] = [];
    const accounts: AccountsPort = { login: async () => null, assertCurrent: async () => undefined, audit: (e) => void audits.push(e), onRevoked: () => () => undefined };
    const { app, url } = await startHub(redisUrl, input, { accounts, mounts: [reportsMount({ config, database: () => db.database })] });
    cleanup.push(() => app.close());
    return { url, audits };
  }

  it('targets and forecasts written with PUT are read back with GET; each change is audited with before and after', async () => {
    const { url, audits } = await setup();
    const sup = token('supervisor', { userId: 'sup' });
    expect((await call(url, 'GET', '/api/v1/reports/targets', sup)).json).toEqual({ targets: [] });
    await call(url, 'PUT', '/api/v1/reports/targets', sup, { scope: 'queue', id: 'booking', metric: 'serviceLevelPct', kind: 'min', target: 85, validFrom: '2026-03-01' });
    await call(url, 'PUT', '/api/v1/reports/targets', sup, { scope: 'queue', id: 'booking', metric: 'serviceLevelPct', kind: 'min', target: 90, validFrom: '2026-03-01' });
    await call(url, 'PUT', '/api/v1/reports/targets', sup, { scope: 'site', id: 'ignored', metric: 'abandonRatePct', kind: 'max', target: 5 });
    const today = siteToday();
    const lead = token('team_lead', { teamIds: ['t1'] });
    expect((await call(url, 'GET', '/api/v1/reports/targets', lead)).json.targets).toEqual([
      { scope: 'queue', id: 'booking', metric: 'serviceLevelPct', kind: 'min', target: 90, validFrom: '2026-03-01' },
      { scope: 'site', id: '', metric: 'abandonRatePct', kind: 'max', target: 5, validFrom: today },
    ]);
    expect(audits.map((a) => `${a.action}:${a.targetId}:${(a.before as any)?.target ?? '-'}>${(a.after as any).target}`)).toEqual([
      'reports:target:rset/queue/booking/serviceLevelPct/2026-03-01:->85',
      'reports:target:rset/queue/booking/serviceLevelPct/2026-03-01:85>90',
      `reports:target:rset/site//abandonRatePct/${today}:->5`,
    ]);
    expect((await call(url, 'PUT', '/api/v1/reports/targets', lead, { scope: 'site', metric: 'x', kind: 'min', target: 1 })).status).toBe(403);

    await call(url, 'PUT', '/api/v1/reports/forecasts', sup, { scope: 'site', day: '2026-03-02', offered: 400, ahtSec: 180, agents: 20 });
    const f = await call(url, 'GET', '/api/v1/reports/forecasts?from=2026-03-01&to=2026-03-07', sup);
    expect(f.json.forecasts).toEqual([{ scope: 'site', id: '', day: '2026-03-02', offered: 400, ahtSec: 180, agents: 20 }]);
    expect((await call(url, 'GET', '/api/v1/reports/forecasts?from=2026-03-03&to=2026-03-07', sup)).json.forecasts).toEqual([]);
    expect(audits.at(-1)).toMatchObject({ action: 'reports:forecast', before: null, after: { offered: 400 } });
    expect((await call(url, 'GET', '/api/v1/reports/targets', token('agent', { agentId: 'a1' }))).status).toBe(403);
  });

  it('a target the metric cannot reach, or on a metric reports do not compute, is refused with a reason naming the field and its range; nothing is stored', async () => {
    const { url, audits } = await setup();
    const sup = token('supervisor', { userId: 'sup' });
    const put = (body: object) => call(url, 'PUT', '/api/v1/reports/targets', sup, { scope: 'site', kind: 'min', validFrom: '2026-03-01', ...body });

    const sl = await put({ metric: 'serviceLevelPct', target: 150 });
    expect(sl.status).toBe(400);
    expect(sl.json.error).toMatchObject({
      code: 'invalid',
      reason: 'target_out_of_range',
      params: { field: 'target', metric: 'serviceLevelPct', min: '0', max: '100' },
      message: 'the target of serviceLevelPct must be 0 to 100',
    });
    expect(sl.json.error.details).toEqual(['target: the target of serviceLevelPct must be 0 to 100']);

    const ab = await put({ metric: 'abandonRatePct', kind: 'max', target: -5 });
    expect(ab.status).toBe(400);
    expect(ab.json.error).toMatchObject({ reason: 'target_out_of_range', params: { field: 'target', metric: 'abandonRatePct', min: '0', max: '100' } });

    const asa = await put({ metric: 'asaSec', kind: 'max', target: -1 });
    expect(asa.status).toBe(400);
    expect(asa.json.error).toMatchObject({ reason: 'target_below_min', params: { field: 'target', metric: 'asaSec', min: '0' }, message: 'the target of asaSec must be 0 or more' });

    const foo = await put({ metric: 'fooBar', target: 1 });
    expect(foo.status).toBe(400);
    expect(foo.json.error).toMatchObject({ code: 'invalid', reason: 'unknown_target_metric', params: { field: 'metric', metric: 'fooBar' }, message: 'no metric fooBar in reports' });
    expect(foo.json.error.details[0]).toMatch(/^metric: no metric fooBar in reports \(one of offered, .*serviceLevelPct, .*revenue\)$/);

    // A body that fails its schema too is only invalid, without a reason (its details say it all).
    const bad = await put({ metric: 'serviceLevelPct', target: '150' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.reason).toBeUndefined();
    expect(bad.json.error.details[0]).toMatch(/^target: /);
    const long = await put({ metric: 'x'.repeat(70), target: 5 });
    expect(long.status).toBe(400);
    expect(long.json.error).toMatchObject({ code: 'invalid', message: 'invalid query' });
    expect(long.json.error.reason).toBeUndefined();
    expect(long.json.error.details[0]).toMatch(/^metric: Too big/);

    // The bounds themselves, and seconds or counts of any size, are fine.
    for (const body of [
      { metric: 'serviceLevelPct', target: 100 },
      { metric: 'abandonRatePct', kind: 'max', target: 0 },
      { metric: 'asaSec', kind: 'max', target: 0 },
      { metric: 'revenue', target: 5_000_000_000 },
    ]) {
      expect((await put(body)).status, JSON.stringify(body)).toBe(200);
    }
    const stored = (await call(url, 'GET', '/api/v1/reports/targets', sup)).json.targets;
    expect(stored.map((x: any) => `${x.metric}:${x.target}`).sort()).toEqual(['abandonRatePct:0', 'asaSec:0', 'revenue:5000000000', 'serviceLevelPct:100']);
    expect(audits).toHaveLength(4);
  });

  it('a target without a valid-from date (omitted or blank) applies from today, the site\'s date: earlier reports keep theirs; a past date given on purpose is kept and judges those days', async () => {
    const { url } = await setup();
    const sup = token('supervisor', { userId: 'sup' });
    const before = siteToday();
    await call(url, 'PUT', '/api/v1/reports/targets', sup, { scope: 'queue', id: 'booking', metric: 'abandonRatePct', kind: 'max', target: 5 });
    await call(url, 'PUT', '/api/v1/reports/targets', sup, { scope: 'site', metric: 'serviceLevelPct', kind: 'min', target: 95, validFrom: '' });
    await call(url, 'PUT', '/api/v1/reports/targets', sup, { scope: 'site', metric: 'asaSec', kind: 'max', target: 20, validFrom: '  ' });
    await call(url, 'PUT', '/api/v1/reports/targets', sup, { scope: 'site', metric: 'ahtSec', kind: 'max', target: 60, validFrom: '2026-03-02' });
    const after = siteToday();
    const rows = (await call(url, 'GET', '/api/v1/reports/targets', sup)).json.targets as any[];
    const from = Object.fromEntries(rows.map((x) => [x.metric, x.validFrom]));
    expect([before, after]).toContain(from.abandonRatePct);
    expect([before, after]).toContain(from.serviceLevelPct);
    expect([before, after]).toContain(from.asaSec);
    expect(from.ahtSec).toBe('2026-03-02');
    expect(Object.values(from)).not.toContain('1970-01-01');

    // The report of Monday 2 March: judged by the past-dated target only (and the site's own service-level goal).
    const r = await call(url, 'GET', '/api/v1/reports/daily?date=2026-03-02', sup);
    expect(r.status).toBe(200);
    const judged = r.json.targets.map((x: any) => `${x.metric}:${x.kind}:${x.target}:${x.met}`);
    expect(judged).toContain('ahtSec:max:60:false');
    expect(judged.some((x: string) => x.startsWith('asaSec') || x.startsWith('serviceLevelPct:min:95'))).toBe(false);
    const html = await fetch(`${url}/api/v1/reports/daily.html?date=2026-03-02&lang=vi`, { headers: { authorization: `Bearer ${sup}` } });
    expect(await html.text()).not.toContain('≥ 95');

    // A date that is not one is still refused.
    expect((await call(url, 'PUT', '/api/v1/reports/targets', sup, { scope: 'site', metric: 'asaSec', kind: 'max', target: 20, validFrom: '2026-02-30' })).status).toBe(400);
  });

  it('CX per day: each day its own NPS, the same as that day alone; QA may read it, a team lead only their teams', async () => {
    const { url } = await setup();
    const sup = token('supervisor');
    const r = await call(url, 'GET', '/api/v1/reports/cx/series?from=2026-03-02&to=2026-03-04', sup);
    expect(r.status).toBe(200);
    expect(r.json.days.map((d: any) => `${d.date}:${d.values.npsScore}:${d.counts.nps.promoters}/${d.counts.nps.detractors}`)).toEqual(['2026-03-02:0:1/1', '2026-03-03:100:1/0', '2026-03-04:null:0/0']);
    const one = await call(url, 'GET', '/api/v1/reports/cx?from=2026-03-03&to=2026-03-03', sup);
    expect(one.json.values).toEqual(r.json.days[1].values);
    expect((await call(url, 'GET', '/api/v1/reports/cx/series?from=2026-03-02&to=2026-03-03', token('qa'))).status).toBe(200);
    expect((await call(url, 'GET', '/api/v1/reports/cx?from=2026-03-02', token('qa'))).status).toBe(200);
    const lead = token('team_lead', { teamIds: ['t1'] });
    expect((await call(url, 'GET', '/api/v1/reports/cx/series?from=2026-03-02&to=2026-03-03', lead)).status).toBe(403);
    expect((await call(url, 'GET', '/api/v1/reports/cx/series?from=2026-03-02&to=2026-03-03&scope=team&id=t1', lead)).status).toBe(200);
    expect((await call(url, 'GET', '/api/v1/reports/cx/series?from=2026-01-01&to=2026-03-31', sup)).status).toBe(400);
  });
});

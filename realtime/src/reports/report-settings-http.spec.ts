/**
 * What the console's CX and settings pages read (the reports router on a real hub, real Redis, a
 * throwaway database): targets and forecasts written and read back, audited; CX per day.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig } from '../contracts/index.ts';
import { ev, ready, siteInput, t } from '../core/testing.ts';
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
    const lead = token('team_lead', { teamIds: ['t1'] });
    expect((await call(url, 'GET', '/api/v1/reports/targets', lead)).json.targets).toEqual([
      { scope: 'queue', id: 'booking', metric: 'serviceLevelPct', kind: 'min', target: 90, validFrom: '2026-03-01' },
      { scope: 'site', id: '', metric: 'abandonRatePct', kind: 'max', target: 5, validFrom: '1970-01-01' },
    ]);
    expect(audits.map((a) => `${a.action}:${a.targetId}:${(a.before as any)?.target ?? '-'}>${(a.after as any).target}`)).toEqual([
      'reports:target:rset/queue/booking/serviceLevelPct/2026-03-01:->85',
      'reports:target:rset/queue/booking/serviceLevelPct/2026-03-01:85>90',
      'reports:target:rset/site//abandonRatePct/1970-01-01:->5',
    ]);
    expect((await call(url, 'PUT', '/api/v1/reports/targets', lead, { scope: 'site', metric: 'x', kind: 'min', target: 1 })).status).toBe(403);

    await call(url, 'PUT', '/api/v1/reports/forecasts', sup, { scope: 'site', day: '2026-03-02', offered: 400, ahtSec: 180, agents: 20 });
    const f = await call(url, 'GET', '/api/v1/reports/forecasts?from=2026-03-01&to=2026-03-07', sup);
    expect(f.json.forecasts).toEqual([{ scope: 'site', id: '', day: '2026-03-02', offered: 400, ahtSec: 180, agents: 20 }]);
    expect((await call(url, 'GET', '/api/v1/reports/forecasts?from=2026-03-03&to=2026-03-07', sup)).json.forecasts).toEqual([]);
    expect(audits.at(-1)).toMatchObject({ action: 'reports:forecast', before: null, after: { offered: 400 } });
    expect((await call(url, 'GET', '/api/v1/reports/targets', token('agent', { agentId: 'a1' }))).status).toBe(403);
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

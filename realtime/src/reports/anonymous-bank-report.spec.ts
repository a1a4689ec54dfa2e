/**
 * The real data with its quirks (observed queues, agents unknown to the site, VRU hang-ups, phantom
 * calls, overlaps): the first days of the Anonymous Bank's January, imported with `npm run import`'s
 * code, give daily reports equal to the hub's own figures when the same events are replayed into it
 * (queues' staffed agents aside: see below).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { METRIC_FORMULAS, type MetricValues } from '../contracts/index.ts';
import { queryMetrics } from '../core/index.ts';
import { SiteCalendar } from '../core/time.ts';
import { startHub } from '../hub/testing.ts';
import { testBackends } from '../storage/testing.ts';
import { anonymousBankSite, importFile } from '../../../scripts/src/import/run.ts';
import { readAnonymousBank } from '../../../scripts/src/replay/anonymous-bank.ts';
import { ReportsRepository } from './reports.repository.ts';
import { dayStartOf, ReportsService } from './reports.service.ts';

const redisUrl = inject('redisUrl');
const JANUARY = fileURLToPath(new URL('../../../../shared/data/anonymous-bank-1999/january.txt', import.meta.url));

let dir = '';
let slice = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-ab-report-'));
  slice = join(dir, 'january-head.txt');
  // The header and the first 5,000 rows: the first days of January 1999.
  writeFileSync(slice, readFileSync(JANUARY, 'utf8').split('\n').slice(0, 5001).join('\n') + '\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectSame(report: MetricValues, live: MetricValues, what: string): void {
  for (const k of Object.keys(live) as (keyof MetricValues)[]) {
    const a = report[k];
    const b = live[k];
    if (typeof a === 'number' && typeof b === 'number') expect(a, `${what} ${k}`).toBeCloseTo(b, 9);
    else expect(a, `${what} ${k}`).toBe(b);
  }
}

describe.each(testBackends())('Anonymous Bank days: imported report = hub replay ($name)', (backend) => {
  it('every day of the slice, the site and each queue and agent', async () => {
    const db = await backend.create();
    try {
      const r = await importFile(slice, { database: db.database, siteId: `ab-${Math.floor(Math.random() * 1e9)}` });
      expect(r.imported).toBeGreaterThan(4000);
      const config = anonymousBankSite(r.siteId);
      const { events } = await readAnonymousBank(slice);
      const { app } = await startHub(redisUrl, config, { clock: 'event' });
      try {
        const ing = await app.hub.ingest(events, { route: false });
        expect(ing.accepted).toBe(events.length);
        const cal = new SiteCalendar(config.timeZone, config.intervalMin);
        const days = [...new Set((await new ReportsRepository(db.database).aggregates(r.siteId, 15, 0, Date.now(), { scope: 'site', scopeId: '' })).map((x) => cal.localDate(x.start)))].sort();
        expect(days.length).toBeGreaterThanOrEqual(3);
        const reports = new ReportsService(new ReportsRepository(db.database));
        let offered = 0;
        for (const day of days) {
          const from = dayStartOf(cal, day);
          const to = cal.nextDayStart(from);
          const rep = await reports.daily(r.siteId, day, 'site');
          const live = (scope: 'site' | 'queue' | 'agent', id?: string) =>
            queryMetrics(app.hub.state, { scope, ...(id ? { id } : {}), from, to, interval: 'day' }, app.hub.now(), METRIC_FORMULAS).total;
          expectSame(rep.total, live('site'), `${day} site`);
          for (const p of rep.breakdown) {
            if (p.scope === 'agent') expectSame(p.values, live('agent', p.id), `${day} agent ${p.id}`);
            if (p.scope !== 'queue') continue;
            // A queue's staffed agents: the report counts the agents who served it while staffed (an
            // agent's queues change from shift to shift here); the hub's live query counts its members
            // at query time. Everything else is the same number.
            const { staffedAgents, volumePerAgent, ...rest } = p.values;
            const { staffedAgents: liveStaffed, volumePerAgent: _v, ...liveRest } = live('queue', p.id);
            expectSame(rest as MetricValues, liveRest as MetricValues, `${day} queue ${p.id}`);
            expect(staffedAgents).toBeLessThanOrEqual(rep.total.staffedAgents);
            if (p.values.handled > 0) expect(staffedAgents, `${day} queue ${p.id} staffed`).toBeGreaterThan(0);
            expect(volumePerAgent).toBe(staffedAgents > 0 ? p.values.handled / staffedAgents : null);
            void liveStaffed;
          }
          offered += rep.total.offered;
        }
        // Every imported call is offered on some day of the reports.
        expect(offered).toBe(r.imported);
      } finally {
        await app.close();
      }
    } finally {
      await db.drop();
    }
  }, 120_000);
});

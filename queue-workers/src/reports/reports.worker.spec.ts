import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { QueueEvents } from 'bullmq';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseSiteConfig } from '../../../realtime/src/contracts/index.ts';
import { ev, ready, siteInput, t } from '../../../realtime/src/core/testing.ts';
import { ReportsRepository } from '../../../realtime/src/reports/reports.repository.ts';
import { createRecordState, recordsFromEvents } from '../../../realtime/src/storage/records.ts';
import { RecordsRepository } from '../../../realtime/src/storage/records.repository.ts';
import { testBackends, type TestDatabase } from '../../../realtime/src/storage/testing.ts';
import { startReportWorkers } from './reports.worker.ts';

const redisUrl = inject('redisUrl');
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe.each(testBackends())('reports worker and job scheduler ($name)', (backend) => {
  it('given a stored day, the scheduler is registered per site and a requested daily run stores the site, queue and team reports once', async () => {
    const config = parseSiteConfig(siteInput({ id: 'wk' }));
    const db: TestDatabase = await backend.create();
    cleanup.push(() => db.drop());
    const batch = recordsFromEvents(
      [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(10)), ev.answered('c1', 'a1', t(15)), ev.ended('c1', t(100)), ev.logout('a1', t(600))],
      createRecordState(config),
    );
    const records = new RecordsRepository(db.database);
    await records.syncSite(config);
    await records.writeBatch(config.id, batch);

    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const w = await startReportWorkers({ redisUrl, database: db.database, logger: pino({ level: 'silent' }), sites: [{ id: config.id, timeZone: config.timeZone }], prefix });
    cleanup.push(() => w.close());
    const schedulers = await w.queue.getJobSchedulers();
    expect(schedulers.map((s) => `${s.key} ${s.pattern} ${s.tz}`).sort()).toEqual(['reports-daily|wk 30 0 * * * Asia/Ho_Chi_Minh', 'reports-weekly|wk 0 1 * * 1 Asia/Ho_Chi_Minh']);

    const events = new QueueEvents('reports', { connection: { url: redisUrl }, prefix });
    cleanup.push(() => events.close());
    await events.waitUntilReady();
    const job = await w.request('reports:daily', { siteId: config.id, date: '2026-03-02' });
    expect(job.id).toBe('reports-daily|wk|2026-03-02');
    expect(await job.waitUntilFinished(events, 30_000)).toEqual({ kind: 'daily', siteId: 'wk', date: '2026-03-02', reports: 5 });
    // A second run of the same period replaces the stored reports (one row each).
    const again = await w.request('reports:daily', { siteId: config.id, date: '2026-03-02' });
    await again.waitUntilFinished(events, 30_000);
    const runs = await new ReportsRepository(db.database).runs(config.id, 'daily');
    expect(runs.map((r) => `${r.scope}:${r.scopeId}:${r.period}`).sort()).toEqual([
      'queue:advice:2026-03-02',
      'queue:booking:2026-03-02',
      'site::2026-03-02',
      'team:t1:2026-03-02',
      'team:t2:2026-03-02',
    ]);
    const stored = (await new ReportsRepository(db.database).run(config.id, 'daily', 'queue', 'booking', '2026-03-02')) as { total: { offered: number; answered: number } };
    expect(stored.total).toMatchObject({ offered: 1, answered: 1 });
    // A site that does not exist fails at once, without retries.
    const bad = await w.request('reports:daily', { siteId: 'nope', date: '2026-03-02' });
    await expect(bad.waitUntilFinished(events, 30_000)).rejects.toThrow(/no site nope/);
    expect((await w.queue.getJob(bad.id!))?.attemptsMade).toBe(1);
  });
});

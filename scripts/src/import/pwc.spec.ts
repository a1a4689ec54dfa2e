import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCtiEvent, type DomainEvent } from '../../../realtime/src/contracts/index.ts';
import { ReportsRepository } from '../../../realtime/src/reports/reports.repository.ts';
import { ReportsService } from '../../../realtime/src/reports/reports.service.ts';
import { createRecordState, recordsFromEvents, rowsOf, type CallRecord } from '../../../realtime/src/storage/index.ts';
import { agents, importRuns, queues, teams } from '../../../realtime/src/storage/schema.ts';
import { testBackends, type TestDatabase } from '../../../realtime/src/storage/testing.ts';
import { readFileSync } from 'node:fs';
import { convertPwc, slug, splitCsvLine, type PwcResult } from './pwc.ts';
import { importFile } from './run.ts';

const PWC = fileURLToPath(new URL('../../../../shared/data/pwc-call-center/call_center_dataset.csv', import.meta.url));
if (!existsSync(PWC)) throw new Error(`the PwC dataset is missing: ${PWC} (shared/ must sit beside the repository)`);

/** The rows the hub's engine derives from a converted file (as the importer does). */
function rowsOf_(r: PwcResult): CallRecord[] {
  const events = r.events.map((e) => {
    const p = parseCtiEvent(e);
    if (!p.ok) throw new Error(`invalid event ${JSON.stringify(e)}: ${p.errors.join('; ')}`);
    return p.event as DomainEvent;
  });
  const batch = recordsFromEvents(events, createRecordState(r.config, 'pwc'), { timers: true });
  expect(batch.refused).toEqual([]);
  return [...batch.calls].sort((a, b) => a.id.localeCompare(b.id));
}

const HEADER = 'Call Id,Agent,Date,Time,Topic,Answered (Y/N),Resolved,Speed of answer in seconds,AvgTalkDuration,Satisfaction rating';

describe('convertPwc', () => {
  it('given the file as exported (BOM, CRLF, blank answer fields when not answered), when converted then each row is a call through the engine', () => {
    const text = `\uFEFF${HEADER}\r\nID0001,Diane,2021-01-01,9:12:58,Contract related,Y,Y,109,0:02:23,3\r\nID0006,Stewart,2021-01-01,10:00:29,Technical Support,N,N,,,\r\n`;
    const r = convertPwc(text);
    expect(r.stats).toMatchObject({ rows: 2, calls: 2, answered: 1, abandoned: 1, speedOfAnswerSec: 109, skipped: {} });
    expect(r.stats.quirks).toEqual({ 'CRLF line endings': 1, 'UTF-8 byte-order mark': 1 });
    expect(r.events.map((e) => e.type)).toEqual(['call.offered', 'agent.login', 'agent.state', 'call.answered', 'call.ended', 'call.outcome', 'agent.logout', 'call.offered', 'call.abandoned']);
    const [answered, abandoned] = rowsOf_(r);
    // 9:12:58 in Zurich in winter is 08:12:58 UTC.
    expect(answered).toMatchObject({
      siteId: 'pwc-phonenow',
      id: 'pwc-ID0001',
      queueId: 'pwc-contract-related',
      agentId: 'pwc-diane',
      teamId: 'pwc-diane',
      status: 'done',
      result: 'answered',
      offeredAt: new Date('2021-01-01T08:12:58Z'),
      answeredAt: new Date('2021-01-01T08:14:47Z'),
      endedAt: new Date('2021-01-01T08:17:10Z'),
      waitMs: 109_000,
      handleMs: 143_000,
      disposition: 'resolved',
      surveyScore: 3,
      source: 'pwc',
    });
    // Not answered: abandoned S (5 s) after the offer, nobody handled it; the agent the file names is kept aside.
    expect(abandoned).toMatchObject({ result: 'abandoned', agentId: null, waitMs: 5000, abandonedAt: new Date('2021-01-01T09:00:34Z'), answeredAt: null, surveyScore: null, attributes: { agent: 'pwc-stewart' } });
    expect(r.config.queues.map((q) => [q.id, q.name, q.wrapupSec])).toEqual([
      ['pwc-contract-related', 'Contract related', 0],
      ['pwc-technical-support', 'Technical Support', 0],
    ]);
  });

  it('given a person on overlapping calls (the file has some), when converted then the later call is answered on a second seat of the same team', () => {
    const text = `${HEADER}\nID1,Jim,2021-01-04,9:00:00,Streaming,Y,Y,10,0:05:00,4\nID2,Jim,2021-01-04,9:01:00,Streaming,Y,N,20,0:01:00,2\nID3,Jim,2021-01-04,9:30:00,Streaming,Y,Y,5,0:01:00,5\n`;
    const r = convertPwc(text);
    expect(r.stats.quirks).toEqual({ 'agent on overlapping calls (answered on a second seat)': 1 });
    expect(rowsOf_(r).map((c) => [c.id, c.agentId, c.teamId, c.result])).toEqual([
      ['pwc-ID1', 'pwc-jim', 'pwc-jim', 'answered'],
      ['pwc-ID2', 'pwc-jim-2', 'pwc-jim', 'answered'],
      ['pwc-ID3', 'pwc-jim', 'pwc-jim', 'answered'],
    ]);
    expect(r.config.agents.map((a) => [a.id, a.name, a.teamId])).toEqual([
      ['pwc-jim', 'Jim', 'pwc-jim'],
      ['pwc-jim-2', 'Jim (seat 2)', 'pwc-jim'],
    ]);
  });

  it('given broken rows, when converted then they are skipped with a reason', () => {
    const text = `${HEADER}\nID1,Jim,2021-01-01,9:00:00,Streaming,Y,Y,10\nID2,Jim,2021-13-01x,9:00:00,Streaming,Y,Y,10,0:01:00,4\nID3,Jim,2021-01-01,9:00:00,Streaming,Y,N,,0:01:00,4\nID4,Jim,2021-01-01,9:00:00,Streaming,Y,N,5,0:01:00,\n`;
    const r = convertPwc(text);
    expect(r.stats.skipped).toEqual({
      'malformed row (8 fields instead of 10)': 1,
      'bad date or time': 1,
      'answered without speed of answer or talk duration': 1,
    });
    expect(r.stats.quirks).toEqual({ 'answered without a satisfaction rating': 1 });
    expect(rowsOf_(r).map((c) => c.id)).toEqual(['pwc-ID4']);
  });

  it('given any other CSV, when converted then it is refused', () => {
    expect(() => convertPwc('a,b,c\n1,2,3\n')).toThrow(/not the PwC call-centre CSV/);
  });

  it('splits quoted CSV fields and makes slugs', () => {
    expect(splitCsvLine('a,"b, c","d ""e""",')).toEqual(['a', 'b, c', 'd "e"', '']);
    expect(slug('Admin Support')).toBe('admin-support');
    expect(slug('Đặt lịch tiêm')).toBe('dat-lich-tiem');
  });
});

describe.each(testBackends())('import of the PwC dataset on $name', (backend) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.drop();
    tdb = undefined;
  });

  it('given the dataset, when imported then 5,000 calls (4,054 answered, 946 abandoned, 273,729 s of waits) are stored with the engine\'s interval aggregates: a day\'s report counts that day\'s rows of the CSV; imported again nothing changes', async () => {
    tdb = await backend.create();
    const database = tdb.database;
    const first = await importFile(PWC, { database });
    expect(first).toMatchObject({ format: 'pwc', siteId: 'pwc-phonenow', rows: 5000, imported: 5000, skipped: {}, answered: 4054, abandoned: 946, speedOfAnswerSec: 273_729 });
    expect(first.calls).toEqual({ inserted: 5000, updated: 0, unchanged: 0 });
    expect(first.agentStates.inserted).toBeGreaterThan(0);
    const totals = rowsOf<{ calls: number; answered: number; abandoned: number; wait_s: number; handle_s: number; avg_score: number }>(
      await database.db.execute(sql`select count(*)::int as calls,
        (count(*) filter (where result = 'answered'))::int as answered,
        (count(*) filter (where result = 'abandoned'))::int as abandoned,
        (sum(wait_ms) filter (where result = 'answered') / 1000)::int as wait_s,
        (sum(handle_ms) / 1000)::int as handle_s,
        round(avg(survey_score)::numeric, 3)::float8 as avg_score
        from calls where site_id = 'pwc-phonenow'`),
    )[0]!;
    expect(totals).toMatchObject({ calls: 5000, answered: 4054, abandoned: 946, wait_s: 273_729 });
    expect(totals.handle_s).toBeGreaterThan(0);
    expect(totals.avg_score).toBeGreaterThanOrEqual(1);
    expect((await database.db.select().from(queues)).length).toBe(5);
    expect((await database.db.select().from(teams)).map((t) => t.name).sort()).toEqual(['Becky', 'Dan', 'Diane', 'Greg', 'Jim', 'Joe', 'Martha', 'Stewart']);
    expect((await database.db.select().from(agents)).length).toBeGreaterThanOrEqual(8);

    // The CSV's own counts per day (its Date column is the site-local day), computed here from the file.
    const perDay = new Map<string, { offered: number; answered: number }>();
    for (const line of readFileSync(PWC, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).slice(1)) {
      if (!line.trim()) continue;
      const f = line.split(',');
      const d = perDay.get(f[2]!) ?? { offered: 0, answered: 0 };
      d.offered++;
      if (f[5] === 'Y') d.answered++;
      perDay.set(f[2]!, d);
    }
    const days = [...perDay.keys()].sort();
    const busiest = days.reduce((a, b) => (perDay.get(b)!.offered > perDay.get(a)!.offered ? b : a));
    const reports = new ReportsService(new ReportsRepository(database));
    for (const day of new Set([days[0]!, busiest, days[days.length - 1]!])) {
      const r = await reports.daily('pwc-phonenow', day, 'site');
      expect({ day, offered: r.total.offered, answered: r.total.answered, abandoned: r.total.abandoned }).toEqual({
        day,
        offered: perDay.get(day)!.offered,
        answered: perDay.get(day)!.answered,
        abandoned: perDay.get(day)!.offered - perDay.get(day)!.answered,
      });
    }

    const second = await importFile(PWC, { database });
    expect(second.calls).toEqual({ inserted: 0, updated: 0, unchanged: 5000 });
    const runs = await database.db.select().from(importRuns).where(eq(importRuns.format, 'pwc'));
    expect(runs.map((r) => [r.status, r.rowsRead, r.rowsImported, r.callsInserted, r.callsUnchanged])).toEqual([
      ['done', 5000, 5000, 5000, 0],
      ['done', 5000, 5000, 0, 5000],
    ]);
    expect(runs[0]!.fileSha256).toBe('d20bed156a2a5b0ec6681f47b66faed72984953565f29389adb9b1e6a15c4316');
  }, 90_000); // a database import of 5,000 calls: 10 s alone, over 30 s on a busy 2-core machine
});

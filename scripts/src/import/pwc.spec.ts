import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../../../realtime/src/storage/index.ts';
import { agents, importRuns, queues } from '../../../realtime/src/storage/schema.ts';
import { testBackends, type TestDatabase } from '../../../realtime/src/storage/testing.ts';
import { convertPwc, slug, splitCsvLine } from './pwc.ts';
import { importFile } from './run.ts';

const PWC = fileURLToPath(new URL('../../../../shared/data/pwc-call-center/call_center_dataset.csv', import.meta.url));
if (!existsSync(PWC)) throw new Error(`the PwC dataset is missing: ${PWC} (shared/ must sit beside the repository)`);

const HEADER = 'Call Id,Agent,Date,Time,Topic,Answered (Y/N),Resolved,Speed of answer in seconds,AvgTalkDuration,Satisfaction rating';

describe('convertPwc', () => {
  it('given the file as exported (BOM, CRLF, blank answer fields when not answered), when converted then each row is a call', () => {
    const text = `\uFEFF${HEADER}\r\nID0001,Diane,2021-01-01,9:12:58,Contract related,Y,Y,109,0:02:23,3\r\nID0006,Stewart,2021-01-01,10:00:29,Technical Support,N,N,,,\r\n`;
    const r = convertPwc(text);
    expect(r.stats).toMatchObject({ rows: 2, calls: 2, answered: 1, abandoned: 1, speedOfAnswerSec: 109, skipped: {} });
    expect(r.stats.quirks).toEqual({ 'CRLF line endings': 1, 'UTF-8 byte-order mark': 1 });
    // 9:12:58 in Zurich in winter is 08:12:58 UTC.
    expect(r.calls[0]).toMatchObject({
      siteId: 'pwc-phonenow',
      id: 'pwc-ID0001',
      queueId: 'pwc-contract-related',
      agentId: 'pwc-diane',
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
    expect(r.calls[1]).toMatchObject({ result: 'abandoned', agentId: null, waitMs: null, answeredAt: null, surveyScore: null, attributes: { agent: 'pwc-stewart' } });
    expect(r.config.queues.map((q) => [q.id, q.name])).toEqual([
      ['pwc-contract-related', 'Contract related'],
      ['pwc-technical-support', 'Technical Support'],
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
    expect(r.calls.map((c) => c.id)).toEqual(['pwc-ID4']);
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

  it('given the dataset, when imported then 5,000 calls (4,054 answered, 946 abandoned, 273,729 s of waits) are stored; imported again nothing changes', async () => {
    tdb = await backend.create();
    const database = tdb.database;
    const first = await importFile(PWC, { database });
    expect(first).toMatchObject({ format: 'pwc', siteId: 'pwc-phonenow', rows: 5000, imported: 5000, skipped: {}, answered: 4054, abandoned: 946, speedOfAnswerSec: 273_729 });
    expect(first.calls).toEqual({ inserted: 5000, updated: 0, unchanged: 0 });
    const totals = rowsOf<{ calls: number; answered: number; abandoned: number; wait_s: number; handle_s: number; avg_score: number }>(
      await database.db.execute(sql`select count(*)::int as calls,
        (count(*) filter (where result = 'answered'))::int as answered,
        (count(*) filter (where result = 'abandoned'))::int as abandoned,
        (sum(wait_ms) / 1000)::int as wait_s,
        (sum(handle_ms) / 1000)::int as handle_s,
        round(avg(survey_score)::numeric, 3)::float8 as avg_score
        from calls where site_id = 'pwc-phonenow'`),
    )[0]!;
    expect(totals).toMatchObject({ calls: 5000, answered: 4054, abandoned: 946, wait_s: 273_729 });
    expect(totals.handle_s).toBeGreaterThan(0);
    expect(totals.avg_score).toBeGreaterThanOrEqual(1);
    expect((await database.db.select().from(queues)).length).toBe(5);
    expect((await database.db.select().from(agents)).map((a) => a.name).sort()).toEqual(['Becky', 'Dan', 'Diane', 'Greg', 'Jim', 'Joe', 'Martha', 'Stewart']);

    const second = await importFile(PWC, { database });
    expect(second.calls).toEqual({ inserted: 0, updated: 0, unchanged: 5000 });
    const runs = await database.db.select().from(importRuns).where(eq(importRuns.format, 'pwc'));
    expect(runs.map((r) => [r.status, r.rowsRead, r.rowsImported, r.callsInserted, r.callsUnchanged])).toEqual([
      ['done', 5000, 5000, 5000, 0],
      ['done', 5000, 5000, 0, 5000],
    ]);
    expect(runs[0]!.fileSha256).toBe('d20bed156a2a5b0ec6681f47b66faed72984953565f29389adb9b1e6a15c4316');
  });
});

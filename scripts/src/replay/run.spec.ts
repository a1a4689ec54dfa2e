import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CtiEventIn, IngestResult } from '../../../realtime/src/contracts/index.ts';
import { parseNdjsonLines } from './ndjson.ts';
import { loadSource, ndjsonSink, replayFiles, type ReplaySink } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'callboard-replay-'));
const HEADER =
  'vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver';
const AB_ROWS = [
  'AA0101\t33116\t9664491\t2\tPS\t990101\t0:00:31\t0:00:36\t5\t0:00:36\t0:03:09\t153\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER',
  'AA0101\t33118\t27997683\t2\tPS\t990101\t6:55:20\t6:55:26\t6\t6:55:26\t6:55:43\t17\tAGENT\t6:55:43\t6:56:37\t54\tMICHAL',
  'AA0101\t33119\t0\t0\tPS\t990101\t7:41:16\t7:41:26\t10\t0:00:00\t0:00:00\t0\tAGENT\t7:41:25\t7:44:53\t208\tBASCH',
];
const abFile = join(dir, 'tiny-bank.txt');
writeFileSync(abFile, [HEADER, ...AB_ROWS, ''].join('\n'));

const ev = (id: string, at: string | number): CtiEventIn => ({ id, type: 'agent.logout', at, agentId: 'a01' });

/** A sink that remembers what it got and answers like an idempotent hub (duplicates by id). */
function memorySink(reject: (e: CtiEventIn) => string | undefined = () => undefined): ReplaySink & { batches: CtiEventIn[][] } {
  const seen = new Set<string>();
  const batches: CtiEventIn[][] = [];
  return {
    batches,
    async send(batch) {
      batches.push(batch);
      const r: IngestResult = { accepted: 0, duplicates: 0, rejected: [] };
      batch.forEach((e, index) => {
        const why = reject(e);
        if (why) r.rejected.push({ index, id: e.id, errors: [why] });
        else if (seen.has(e.id)) r.duplicates++;
        else {
          seen.add(e.id);
          r.accepted++;
        }
      });
      return r;
    },
  };
}

describe('NDJSON input', () => {
  it('given bad lines and unsorted events, when read, then bad lines are counted by reason and events are sorted stably by at', () => {
    const { events, stats } = parseNdjsonLines([
      JSON.stringify(ev('b', '2026-01-01T08:00:10+07:00')),
      'not json',
      JSON.stringify({ id: 'x', type: 'call.nope', at: 1 }),
      '',
      JSON.stringify(ev('a', '2026-01-01T08:00:00+07:00')),
      JSON.stringify(ev('c', '2026-01-01T01:00:10Z')),
    ]);
    expect(events.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    // The wire form is kept, not the parsed one.
    expect(events[0]!.at).toBe('2026-01-01T08:00:00+07:00');
    expect(stats.rows).toBe(5);
    expect(stats.skipped['not JSON']).toBe(1);
    expect(Object.keys(stats.skipped).some((k) => k.startsWith('invalid event:'))).toBe(true);
    expect(stats.outOfOrder).toBe(1);
  });

  it('refuses a file that is neither NDJSON nor Anonymous Bank', async () => {
    const p = join(dir, 'notes.txt');
    writeFileSync(p, 'hello\nworld\n');
    await expect(loadSource(p)).rejects.toThrow(/neither NDJSON of CTI events nor an Anonymous Bank file/);
  });
});

describe('replayFiles', () => {
  it('given 1,234 events, when replayed as fast as possible, then they go in order in batches of at most 500', async () => {
    const p = join(dir, 'many.ndjson');
    const lines = Array.from({ length: 1234 }, (_, i) => JSON.stringify(ev(`e${i}`, 1_700_000_000_000 + i * 1000)));
    writeFileSync(p, lines.join('\n'));
    const sink = memorySink();
    const s = await replayFiles([p], sink);
    expect(sink.batches.map((b) => b.length)).toEqual([500, 500, 234]);
    expect(sink.batches.flat().map((e) => e.id)).toEqual(lines.map((_, i) => `e${i}`));
    expect(s).toMatchObject({ sent: 1234, accepted: 1234, duplicates: 0, rejectedCount: 0 });
  });

  it('given an Anonymous Bank file replayed twice, then the second replay is all duplicates (deterministic ids)', async () => {
    const sink = memorySink();
    const first = await replayFiles([abFile], sink);
    const second = await replayFiles([abFile], sink);
    expect(first.files[0]).toMatchObject({ format: 'anonymous-bank', rows: 3 });
    expect(first.accepted).toBe(first.sent);
    expect(second.duplicates).toBe(second.sent);
    expect(second.accepted).toBe(0);
  });

  it('groups rejections by reason with ids and numbers masked', async () => {
    const sink = memorySink((e) => (e.type === 'call.answered' ? `call ${e.id} answered at ${e.at as string} by an agent who is not logged in` : undefined));
    const s = await replayFiles([abFile], sink);
    expect(s.rejectedCount).toBe(2);
    expect(Object.values(s.rejected)).toEqual([2]);
    expect(Object.keys(s.rejected)).toEqual(['call # answered at # by an agent who is not logged in']);
  });

  it('given --rebase, then the first event is now and the gaps are kept', async () => {
    const p = join(dir, 'rebase.ndjson');
    writeFileSync(p, [ev('x', '1999-01-01T10:00:00+02:00'), ev('y', '1999-01-01T10:05:00+02:00')].map((e) => JSON.stringify(e)).join('\n'));
    const sink = memorySink();
    const now = Date.parse('2026-11-22T08:00:00Z');
    await replayFiles([p], sink, { rebase: true, now: () => now });
    const [x, y] = sink.batches.flat();
    expect(x!.at).toBe('2026-11-22T08:00:00.000Z');
    expect(y!.at).toBe('2026-11-22T08:05:00.000Z');
  });

  it('given --speed 60, then events recorded a minute apart are sent a second apart', async () => {
    const p = join(dir, 'paced.ndjson');
    const t0 = Date.parse('2026-01-01T08:00:00Z');
    writeFileSync(p, [0, 60, 120, 120].map((s, i) => JSON.stringify(ev(`p${i}`, t0 + s * 1000))).join('\n'));
    let wall = 1_000_000;
    const sentAt: Array<[string, number]> = [];
    const sink: ReplaySink = {
      async send(batch) {
        for (const e of batch) sentAt.push([e.id, wall - 1_000_000]);
        return undefined;
      },
    };
    await replayFiles([p], sink, { speed: 60, now: () => wall, sleep: async (ms) => void (wall += ms) });
    expect(sentAt).toEqual([
      ['p0', 0],
      ['p1', 1000],
      ['p2', 2000],
      ['p3', 2000],
    ]);
  });

  it('converts to an NDJSON file with --out', async () => {
    const out = join(dir, 'out.ndjson');
    const s = await replayFiles([abFile], ndjsonSink(out));
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(s.sent);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'call.offered', callId: 'ab-990101-AA0101-33116' });
    expect(s.accepted).toBe(0);
  });
});

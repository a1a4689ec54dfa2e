import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCtiEvent, type CtiEventIn } from '../../../realtime/src/contracts/index.ts';
import {
  convertAnonymousBank,
  parseAbLine,
  pseudonymousCaller,
  readAnonymousBank,
  splitAbFields,
  type AnonymousBankResult,
} from './anonymous-bank.ts';
import { checkEventSequence } from './check.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA = resolve(REPO, '../shared/data/anonymous-bank-1999');
const file = (name: string): string => {
  const p = resolve(DATA, name);
  // Fail loudly: a missing data file must not let these tests pass vacuously.
  if (!existsSync(p)) throw new Error(`Anonymous Bank data file missing: ${p} (expected at ../shared/data/anonymous-bank-1999 from the repo root)`);
  return p;
};
const dataLines = (name: string): string[] => readFileSync(file(name), 'utf8').split('\n').slice(1).filter((l) => l.length > 0);

const HEADER =
  'vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver';
const row = (...f: Array<string | number>): string => f.join('\t');
const ofType = <T extends CtiEventIn['type']>(events: CtiEventIn[], t: T): Extract<CtiEventIn, { type: T }>[] =>
  events.filter((e): e is Extract<CtiEventIn, { type: T }> => e.type === t);
const byId = (events: CtiEventIn[], id: string): CtiEventIn | undefined => events.find((e) => e.id === id);

describe('Anonymous Bank: january.txt (real data)', () => {
  let jan: AnonymousBankResult;
  beforeAll(async () => {
    jan = await readAnonymousBank(file('january.txt'));
  });

  it('given the January file, when converted, then the row and outcome counts match the data README', () => {
    const s = jan.stats;
    expect(s.rows).toBe(31_599);
    expect(s.outcomes).toEqual({ AGENT: 27_060, HANG: 4_299, PHANTOM: 240 });
    expect(s.skipped['PHANTOM (virtual call)']).toBe(240);
    expect(s.dates).toBe(29);
  });

  it('accounts for every AGENT and HANG row: a call (answered / abandoned) or a counted skip', () => {
    const s = jan.stats;
    const skipped = Object.values(s.skipped).reduce((a, b) => a + b, 0);
    expect(s.calls + skipped).toBe(s.rows);
    expect(s.answered + s.abandoned).toBe(s.calls);
    // HANG rows: those that queued are abandoned calls, those that never left the VRU are skipped.
    expect(s.abandoned + s.skipped['HANG in the VRU (never queued)']!).toBe(4_299);
    // AGENT rows: answered, except the ones dropped because their agent was already on a call.
    expect(s.answered + s.skipped['agent already on another call (overlap)']!).toBe(27_060);
    expect(s.skipped['agent already on another call (overlap)']).toBeLessThan(0.01 * 27_060);
    expect(s.quirks['AGENT with NO_SERVER (pooled stand-in agent)']).toBe(490);
    expect(s.quirks['negative vru_time']).toBe(33);
    expect(s.quirks['undocumented type AA']).toBe(2);
  });

  it('every event passes parseCtiEvent, events are sorted by at, and ids are unique', () => {
    const { events } = jan;
    expect(events.length).toBe(jan.stats.events);
    const invalid = events.filter((e) => !parseCtiEvent(e).ok);
    expect(invalid).toEqual([]);
    let last = -Infinity;
    let unsorted = 0;
    for (const e of events) {
      const t = Date.parse(e.at as string);
      if (t < last) unsorted++;
      last = t;
    }
    expect(unsorted).toBe(0);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('no agent is ever on two overlapping calls, and every answer happens while the agent is signed in', () => {
    const report = checkEventSequence(jan.events);
    expect(report.problems).toEqual([]);
    expect(report.unresolved).toBe(0);
    expect(report.neverEnded).toBe(0);
    expect(report.stillLoggedIn).toBe(0);
    // Independently: per agent, intervals [answered, ended] do not overlap.
    const answered = new Map(ofType(jan.events, 'call.answered').map((e) => [e.callId, e]));
    const perAgent = new Map<string, Array<[number, number]>>();
    for (const e of ofType(jan.events, 'call.ended')) {
      const a = answered.get(e.callId)!;
      const list = perAgent.get(a.agentId) ?? [];
      list.push([Date.parse(a.at as string), Date.parse(e.at as string)]);
      perAgent.set(a.agentId, list);
    }
    let overlaps = 0;
    for (const list of perAgent.values()) {
      list.sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < list.length; i++) if (list[i]![0] < list[i - 1]![1]) overlaps++;
    }
    expect(overlaps).toBe(0);
    expect(perAgent.size).toBe(jan.stats.agents);
  });

  it('ids are deterministic: converting again gives the same events, so a second replay is all duplicates', () => {
    const again = convertAnonymousBank(dataLines('january.txt'));
    expect(again.events.map((e) => e.id)).toEqual(jan.events.map((e) => e.id));
    expect(JSON.stringify(again.events.slice(0, 500))).toBe(JSON.stringify(jan.events.slice(0, 500)));
    expect(jan.events.some((e) => e.id === 'ab-990101-AA0101-33116-offered')).toBe(true);
    expect(jan.events.some((e) => e.id === 'ab-990101-AA0101-33116-abandoned')).toBe(true);
  });

  it('uses the ab-<type> queues and Israel winter time (+02:00)', () => {
    const queues = new Set(ofType(jan.events, 'call.offered').map((e) => e.queue));
    // The two AA rows of January left in the VRU, so there is no ab-AA queue this month.
    expect(queues).toEqual(new Set(['ab-PS', 'ab-PE', 'ab-IN', 'ab-NE', 'ab-NW', 'ab-TT']));
    expect(jan.events.every((e) => (e.at as string).endsWith('+02:00'))).toBe(true);
  });
});

describe('Anonymous Bank: the raw-file quirks of march, july and september', () => {
  it.each(['march.txt', 'july.txt', 'september.txt'])('%s: splitting on tab or 2+ blanks gives 17 fields on every row', (name) => {
    const lines = dataLines(name);
    expect(lines.length).toBeGreaterThan(30_000);
    const bad = lines.filter((l) => splitAbFields(l).length !== 17);
    expect(bad).toEqual([]);
    const parsed = lines.map((l, i) => parseAbLine(l, i + 2));
    expect(parsed.filter((p) => 'error' in p)).toEqual([]);
  });

  it('march: the 6 rows with a leading space in the type are read as TT', () => {
    const lines = dataLines('march.txt').filter((l) => l.includes('\t TT\t'));
    expect(lines).toHaveLength(6);
    for (const l of lines) expect(parseAbLine(l, 0)).toMatchObject({ type: 'TT', rawQuirks: ['leading-space-field'] });
  });

  it('july (5 rows) and september (1 row) have spaces instead of a tab before the type', async () => {
    const july = dataLines('july.txt').map((l, i) => parseAbLine(l, i + 2));
    const sept = dataLines('september.txt').map((l, i) => parseAbLine(l, i + 2));
    const spaced = (rows: typeof july): number => rows.filter((r) => !('error' in r) && r.rawQuirks.includes('spaces-for-tab')).length;
    expect(spaced(july)).toBe(5);
    expect(spaced(sept)).toBe(1);
    const one = july.find((r) => !('error' in r) && r.rawQuirks.includes('spaces-for-tab'));
    expect(one).toMatchObject({ priority: 0, type: 'TT' });
  });
});

describe('Anonymous Bank mapping (synthetic rows)', () => {
  it('given a queued served call, then offered at q_start, answered at ser_start by ab-<server>, ended at ser_exit', () => {
    const { events } = convertAnonymousBank([
      HEADER,
      row('AA0101', 44749, 27644400, 2, 'PS', 990901, '11:45:33', '11:45:39', 6, '11:45:39', '11:46:58', 79, 'AGENT', '11:46:57', '11:51:00', 243, 'DORIT'),
    ]);
    const id = 'ab-990901-AA0101-44749';
    // 1 September 1999 is summer time in Israel (+03:00).
    expect(byId(events, `${id}-offered`)).toEqual({
      id: `${id}-offered`,
      type: 'call.offered',
      at: '1999-09-01T11:45:39+03:00',
      callId: id,
      queue: 'ab-PS',
      direction: 'inbound',
      from: pseudonymousCaller('27644400'),
      priority: 1,
      attributes: { vru: 'AA01', vruLine: 'AA0101', customerType: 'priority' },
      source: 'anonymous-bank',
    });
    expect(byId(events, `${id}-answered`)).toMatchObject({ at: '1999-09-01T11:46:57+03:00', agentId: 'ab-DORIT' });
    expect(byId(events, `${id}-ended`)).toMatchObject({ at: '1999-09-01T11:51:00+03:00' });
    const login = ofType(events, 'agent.login')[0]!;
    expect(login).toMatchObject({ agentId: 'ab-DORIT', queues: ['ab-PS'], at: '1999-09-01T11:45:57+03:00' });
    expect(ofType(events, 'agent.logout')[0]).toMatchObject({ agentId: 'ab-DORIT', at: '1999-09-01T11:52:00+03:00' });
    expect(pseudonymousCaller('27644400')).not.toContain('27644400');
  });

  it('given a call served without queueing, then offered at vru_exit (priority 5, no caller id) and answered no earlier than that', () => {
    const { events, stats } = convertAnonymousBank([
      row('AA0101', 44970, 0, 0, 'NW', 990905, '15:31:33', '15:31:47', 14, '0:00:00', '0:00:00', 0, 'AGENT', '15:31:45', '15:34:16', 151, 'STEREN'),
    ]);
    const offered = byId(events, 'ab-990905-AA0101-44970-offered') as Extract<CtiEventIn, { type: 'call.offered' }>;
    // Summer time ended on 3 September 1999: the 5th is +02:00 again.
    expect(offered).toMatchObject({ at: '1999-09-05T15:31:47+02:00', queue: 'ab-NW', priority: 5 });
    expect(offered.from).toBeUndefined();
    expect(offered.attributes?.customerType).toBe('unidentified');
    expect(byId(events, 'ab-990905-AA0101-44970-answered')!.at).toBe('1999-09-05T15:31:47+02:00');
    expect(stats.quirks['ser_start 1-2 s before the offer (clock rounding; answered at the offer)']).toBe(1);
  });

  it('given HANG rows, then a queued one is abandoned at q_exit and one that never queued is skipped and counted', () => {
    const { events, stats } = convertAnonymousBank([
      row('AA0101', 33116, 9664491, 2, 'PS', 990101, '0:00:31', '0:00:36', 5, '0:00:36', '0:03:09', 153, 'HANG', '0:00:00', '0:00:00', 0, 'NO_SERVER'),
      row('AA0101', 33117, 0, 0, 'PS', 990101, '0:34:12', '0:34:23', 11, '0:00:00', '0:00:00', 0, 'HANG', '0:00:00', '0:00:00', 0, 'NO_SERVER'),
      row('AA0101', 33118, 0, 0, 'PS', 990101, '0:40:12', '0:40:23', 11, '0:40:23', '0:40:23', 0, 'PHANTOM', '0:00:00', '0:00:00', 0, 'NO_SERVER'),
    ]);
    expect(byId(events, 'ab-990101-AA0101-33116-abandoned')!.at).toBe('1999-01-01T00:03:09+02:00');
    expect(events.some((e) => e.id.includes('33117'))).toBe(false);
    expect(events.some((e) => e.id.includes('33118'))).toBe(false);
    expect(stats.skipped).toEqual({ 'HANG in the VRU (never queued)': 1, 'PHANTOM (virtual call)': 1 });
    expect(stats.calls).toBe(1);
  });

  it('given a HANG that leaves the instant it queues, then call.abandoned still comes after call.offered', () => {
    const { events } = convertAnonymousBank([
      row('AA0101', 1, 5, 1, 'PS', 990101, '10:00:00', '10:00:05', 5, '10:00:05', '10:00:05', 0, 'HANG', '0:00:00', '0:00:00', 0, 'NO_SERVER'),
    ]);
    expect(events.map((e) => e.type)).toEqual(['call.offered', 'call.abandoned']);
  });

  it('given a call that crosses midnight, then the later times are on the next day', () => {
    const { events, stats } = convertAnonymousBank([
      row('AA0102', 500, 123, 1, 'PS', 990131, '23:58:40', '23:58:50', 10, '23:58:50', '23:59:40', 50, 'AGENT', '23:59:39', '0:04:10', 271, 'AVI'),
    ]);
    expect(byId(events, 'ab-990131-AA0102-500-answered')!.at).toBe('1999-01-31T23:59:39+02:00');
    expect(byId(events, 'ab-990131-AA0102-500-ended')!.at).toBe('1999-02-01T00:04:10+02:00');
    expect(stats.quirks['crosses midnight']).toBe(1);
  });

  it('given a negative vru_time, then vru_entry is not trusted and the queue times are used as they are', () => {
    const { events, stats } = convertAnonymousBank([
      row('AA0101', 38795, 56078892, 2, 'PS', 990419, '10:33:26', '10:32:32', -54, '10:32:32', '10:34:24', 112, 'AGENT', '10:34:23', '10:46:15', 712, 'ROTH'),
    ]);
    expect(byId(events, 'ab-990419-AA0101-38795-offered')!.at).toBe('1999-04-19T10:32:32+03:00');
    expect(byId(events, 'ab-990419-AA0101-38795-answered')!.at).toBe('1999-04-19T10:34:23+03:00');
    expect(stats.quirks['negative vru_time']).toBe(1);
  });

  it('given overlapping AGENT rows with NO_SERVER, then they are served by distinct pooled stand-ins (or skipped with --no-server skip)', () => {
    const lines = [
      row('AA0101', 1, 0, 0, 'PS', 990103, '11:00:00', '11:00:10', 10, '0:00:00', '0:00:00', 0, 'AGENT', '11:00:10', '11:00:40', 30, 'NO_SERVER'),
      row('AA0101', 2, 0, 0, 'PS', 990103, '11:00:05', '11:00:20', 15, '0:00:00', '0:00:00', 0, 'AGENT', '11:00:20', '11:00:30', 10, 'NO_SERVER'),
      row('AA0101', 3, 0, 0, 'PS', 990103, '11:01:00', '11:01:10', 10, '0:00:00', '0:00:00', 0, 'AGENT', '11:01:10', '11:01:20', 10, 'NO_SERVER'),
    ];
    const pooled = convertAnonymousBank(lines);
    const agentOf = (n: number): string => (byId(pooled.events, `ab-990103-AA0101-${n}-answered`) as { agentId: string }).agentId;
    expect([agentOf(1), agentOf(2), agentOf(3)]).toEqual(['ab-NO_SERVER-1', 'ab-NO_SERVER-2', 'ab-NO_SERVER-1']);
    expect(checkEventSequence(pooled.events).problems).toEqual([]);
    const skipped = convertAnonymousBank(lines, { noServer: 'skip' });
    expect(skipped.stats.calls).toBe(0);
    expect(skipped.stats.skipped['AGENT with NO_SERVER (policy skip)']).toBe(3);
  });

  it('given one agent on overlapping calls, then the fewest calls are dropped (the long one) and a 1-2 s overlap is trimmed', () => {
    const { events, stats } = convertAnonymousBank([
      // A 40-minute "call" during which the same agent served two others: the long one goes.
      row('AA0106', 10, 5, 2, 'PS', 990103, '15:18:26', '15:18:31', 5, '15:18:31', '15:19:35', 64, 'AGENT', '15:19:33', '15:57:23', 2270, 'MICHAL'),
      row('AA0204', 11, 0, 0, 'NW', 990103, '15:19:36', '15:19:46', 10, '15:19:46', '15:20:46', 60, 'AGENT', '15:20:44', '15:22:44', 120, 'MICHAL'),
      row('AA0213', 12, 0, 0, 'PS', 990103, '15:27:02', '15:27:11', 9, '0:00:00', '0:00:00', 0, 'AGENT', '15:27:10', '15:28:14', 64, 'MICHAL'),
      // Starts 2 s before the previous one ends: clock jitter, the earlier call is cut.
      row('AA0213', 13, 0, 0, 'PS', 990103, '15:28:00', '15:28:12', 12, '0:00:00', '0:00:00', 0, 'AGENT', '15:28:12', '15:30:00', 108, 'MICHAL'),
    ]);
    expect(events.some((e) => e.id.startsWith('ab-990103-AA0106-10-'))).toBe(false);
    expect(stats.skipped['agent already on another call (overlap)']).toBe(1);
    expect(stats.quirks['agent overlap <= 3 s (earlier call cut)']).toBe(1);
    expect(byId(events, 'ab-990103-AA0213-12-ended')!.at).toBe('1999-01-03T15:28:12+02:00');
    expect(checkEventSequence(events).problems).toEqual([]);
  });

  it('given an AGENT row without service times, then it is a zero-length call at queue exit, ended after it is answered', () => {
    const { events, stats } = convertAnonymousBank([
      row('AA0101', 39145, 27244995, 2, 'PS', 990428, '10:00:04', '10:00:10', 6, '10:00:10', '10:01:04', 54, 'AGENT', '0:00:00', '0:00:00', 0, 'KAZAV'),
    ]);
    const types = events.filter((e) => e.type.startsWith('call.')).map((e) => [e.type, e.at]);
    expect(types).toEqual([
      ['call.offered', '1999-04-28T10:00:10+03:00'],
      ['call.answered', '1999-04-28T10:01:04+03:00'],
      ['call.ended', '1999-04-28T10:01:04+03:00'],
    ]);
    expect(stats.quirks['AGENT without service times (zero-length call at queue exit)']).toBe(1);
  });

  it('reports malformed rows instead of throwing', () => {
    const { stats } = convertAnonymousBank([HEADER, 'AA0101\t1\t2', row('AA0101', 1, 0, 0, 'PS', 990101, '25:00:00', '0:00:01', 1, '0:00:00', '0:00:00', 0, 'HANG', '0:00:00', '0:00:00', 0, 'NO_SERVER')]);
    expect(stats.rows).toBe(2);
    expect(Object.keys(stats.skipped).every((k) => k.startsWith('malformed row'))).toBe(true);
    expect(Object.values(stats.skipped).reduce((a, b) => a + b, 0)).toBe(2);
  });
});

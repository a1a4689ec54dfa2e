/**
 * Selectors: board DTOs, the snapshot views and the "explain this number" drill-down, which must list
 * exactly the calls behind each number.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_FORMULAS, type MetricValues } from '../contracts/index.ts';
import { due } from './routing.ts';
import { agentDTO, callDTO, maskNumber, queryCalls, queryMetrics, siteDTO, snapshot, type CallsQuery, type Drillable, type MetricsQuery } from './selectors.ts';
import { scopeKey, type HubState } from './state.ts';
import { apply, ev, ids, ready, site, t } from './testing.ts';

/**
 * booking overflows after 60 s to advice. T = 20 s, S = 5 s, no wrap-up.
 *
 * | call | queue            | what happened                                   | queue wait | site wait |
 * |------|------------------|-------------------------------------------------|-----------:|----------:|
 * | c1   | booking          | a1 answers at 8, ends 68                        | 8          | 8         |
 * | c2   | booking          | a2 answers at 35, ends 95                       | 25         | 25        |
 * | c3   | booking          | abandoned at 22 (short)                         | 2          | 2         |
 * | c4   | booking          | abandoned at 40                                 | 10         | 10        |
 * | c5   | booking → advice | overflows at 100, a3 answers at 105, ends 165   | 5          | 65        |
 * | c6   | booking → advice | overflows at 110, abandoned at 112              | 2          | 62        |
 * | c7   | advice (closed)  | rejected at 125                                 |            |           |
 * | c9   | advice           | offered 180, a3 answers at 185, still talking   | 5          | 5         |
 * | c8   | booking          | offered 170, still waiting at 200               |            |           |
 */
function mixedDay(): HubState {
  const s = site({
    queues: [
      { id: 'booking', name: 'Booking', priority: 2, overflow: { afterSec: 60, toQueue: 'advice' } },
      { id: 'advice', name: 'Advice', priority: 4 },
    ],
    agents: [
      { id: 'a1', name: 'A1', teamId: 't1', queues: ['booking'] },
      { id: 'a2', name: 'A2', teamId: 't1', queues: ['booking'] },
      { id: 'a3', name: 'A3', teamId: 't2', queues: ['advice'] },
    ],
  });
  apply(s, [
    ...ready(t(0), 'a1', 'a2', 'a3'),
    ev.offered('c1', 'booking', t(0), { from: '+84901234567' }),
    ev.answered('c1', 'a1', t(8)),
    ev.offered('c2', 'booking', t(10)),
    ev.offered('c3', 'booking', t(20)),
    ev.abandoned('c3', t(22)),
    ev.offered('c4', 'booking', t(30)),
    ev.answered('c2', 'a2', t(35)),
    ev.abandoned('c4', t(40)),
    ev.offered('c5', 'booking', t(40)),
    ev.offered('c6', 'booking', t(50)),
    ev.ended('c1', t(68)),
    ev.ended('c2', t(95)),
  ]);
  expect(due(s, t(100), ids())).toMatchObject([{ type: 'call.overflowed', callId: 'c5' }]);
  apply(s, [ev.answered('c5', 'a3', t(105))]);
  expect(due(s, t(110), ids())).toMatchObject([{ type: 'call.overflowed', callId: 'c6' }]);
  apply(s, [
    ev.abandoned('c6', t(112)),
    ev.queueStatus('advice', false, t(120)),
    ev.offered('c7', 'advice', t(125)),
    ev.queueStatus('advice', true, t(130)),
    ev.ended('c5', t(165)),
    ev.offered('c8', 'booking', t(170)),
    ev.offered('c9', 'advice', t(180)),
    ev.answered('c9', 'a3', t(185)),
  ]);
  return s;
}

const NOW = t(200);
const metrics = (s: HubState, q: MetricsQuery): MetricValues => queryMetrics(s, q, NOW, METRIC_FORMULAS).total;
const drill = (s: HubState, q: Omit<CallsQuery, 'limit' | 'offset'> & Partial<CallsQuery>) => queryCalls(s, { limit: 100, offset: 0, ...q }, NOW);

describe('selectors: the numbers of the mixed day', () => {
  const s = mixedDay();

  it('given the mixed day, when the queues are read then booking and advice have their own figures', () => {
    expect(metrics(s, { scope: 'queue', id: 'booking' })).toMatchObject({
      offered: 7,
      answered: 2,
      abandoned: 2,
      shortAbandoned: 1,
      answeredWithinT: 1,
      overflowed: 2,
      handled: 2,
      maxWaitSec: 60,
    });
    expect(metrics(s, { scope: 'queue', id: 'advice' })).toMatchObject({
      offered: 3,
      answered: 2,
      abandoned: 1,
      shortAbandoned: 1,
      answeredWithinT: 2,
      rejectedClosed: 1,
      handled: 1,
    });
  });

  it('given the mixed day, when the site is read then waits run from the first offer: c5 (65 s) is not within T, c6 (62 s) is not short', () => {
    expect(metrics(s, { scope: 'site' })).toMatchObject({
      offered: 8,
      answered: 4,
      abandoned: 3,
      shortAbandoned: 1,
      answeredWithinT: 2,
      rejectedClosed: 1,
      handled: 3,
      maxWaitSec: 65,
    });
  });
});

describe('selectors: drill-down lists exactly the calls behind a number', () => {
  const s = mixedDay();
  const NUMBERS: [Drillable, keyof MetricValues][] = [
    ['offered', 'offered'],
    ['answered', 'answered'],
    ['abandoned', 'abandoned'],
    ['shortAbandoned', 'shortAbandoned'],
    ['answeredWithinT', 'answeredWithinT'],
    ['handled', 'handled'],
    ['rejectedClosed', 'rejectedClosed'],
  ];
  const SCOPES: MetricsQuery[] = [
    { scope: 'site' },
    { scope: 'queue', id: 'booking' },
    { scope: 'queue', id: 'advice' },
    { scope: 'team', id: 't1' },
    { scope: 'team', id: 't2' },
    { scope: 'agent', id: 'a1' },
    { scope: 'agent', id: 'a3' },
  ];
  // Teams and agents are not offered calls (a call has no agent until it is answered): no `offered` there.
  const cases = SCOPES.flatMap((sc) =>
    NUMBERS.filter(([metric]) => metric !== 'offered' || sc.scope === 'site' || sc.scope === 'queue').map(
      ([metric, value]) => [`${sc.scope}${sc.id ? ' ' + sc.id : ''}`, metric, sc, value] as const,
    ),
  );

  it.each(cases)('given the mixed day, when %s %s is explained then as many calls are listed as the number says', (_label, metric, sc, value) => {
    const number = metrics(s, sc) as unknown as Record<string, number>;
    const listed = drill(s, { ...sc, metric });
    expect(listed.total).toBe(number[value]);
    expect(listed.calls).toHaveLength(listed.total);
  });

  it('given the mixed day, when booking overflowed is explained then c5 and c6 are listed, the last completed first', () => {
    expect(metrics(s, { scope: 'queue', id: 'booking' }).overflowed).toBe(2);
    expect(drill(s, { scope: 'queue', id: 'booking', metric: 'overflowed' }).calls.map((c) => c.id)).toEqual(['c5', 'c6']);
  });

  it('given the mixed day, when the site abandoned number is explained then c6, c4, c3 are listed newest first with their waits and flags', () => {
    const r = drill(s, { scope: 'site', metric: 'abandoned' });
    expect(r.calls.map((c) => [c.id, c.waitSec, c.shortAbandon, c.result])).toEqual([
      ['c6', 62, false, 'abandoned'],
      ['c4', 10, false, 'abandoned'],
      ['c3', 2, true, 'abandoned'],
    ]);
    expect(r.calls[0]).toMatchObject({ path: ['booking', 'advice'], abandonedAt: t(112) });
  });

  it('given the mixed day, when the site answered-within-T number is explained then c9 (still talking) and c1 are listed, not c5', () => {
    const r = drill(s, { scope: 'site', metric: 'answeredWithinT' });
    expect(r.calls.map((c) => [c.id, c.withinT ?? null])).toEqual([
      ['c9', true],
      ['c1', true],
    ]);
    expect(drill(s, { scope: 'site', metric: 'answeredAfterT' }).calls.map((c) => c.id).sort()).toEqual(['c2', 'c5']);
  });

  it('given the mixed day, when calls waiting now are explained then c8 is listed with its wait so far', () => {
    const r = drill(s, { scope: 'site', metric: 'inQueue' });
    expect(r.calls).toMatchObject([{ id: 'c8', waitSec: 30, status: 'waiting' }]);
    expect(siteDTO(s, NOW).live.inQueue).toBe(r.total);
  });

  it('given the mixed day, when a page of offered calls is asked then the total is all of them and the page is the right slice', () => {
    const all = drill(s, { scope: 'site', metric: 'offered' });
    const page = drill(s, { scope: 'site', metric: 'offered', limit: 3, offset: 2 });
    expect(page.total).toBe(8);
    expect(page.calls.map((c) => c.id)).toEqual(all.calls.slice(2, 5).map((c) => c.id));
  });

  it('given the mixed day, when the drill-down is limited to 00:00-00:25 after opening then only calls offered then are listed', () => {
    const r = drill(s, { scope: 'site', metric: 'offered', from: t(0), to: t(25) });
    expect(r.calls.map((c) => c.id).sort()).toEqual(['c1', 'c2', 'c3']);
  });

  it('given the mixed day, when the drill-down is read then callers numbers are masked', () => {
    const c1 = drill(s, { scope: 'agent', id: 'a1', metric: 'handled' }).calls[0]!;
    expect(c1).toMatchObject({ id: 'c1', from: '+8490***4567', handleSec: 60 });
  });
});

describe('selectors: transferred drill-down', () => {
  it('given two answered calls of which one was transferred to a queue, when transferred is explained then that call is listed', () => {
    const s = site();
    apply(s, [
      ...ready(t(0), 'a1'),
      ev.offered('c1', 'booking', t(0)),
      ev.answered('c1', 'a1', t(2)),
      ev.ended('c1', t(30)),
      ev.offered('c2', 'booking', t(40)),
      ev.answered('c2', 'a1', t(41)),
      ev.transferredToQueue('c2', 'advice', t(60)),
    ]);
    expect(s.metrics.day(scopeKey.queue('booking'), NOW).c.transferred).toBe(1);
    expect(queryCalls(s, { scope: 'queue', id: 'booking', metric: 'transferred', limit: 10, offset: 0 }, NOW).calls.map((c) => c.id)).toEqual(['c2']);
    expect(queryCalls(s, { scope: 'site', metric: 'transferred', limit: 10, offset: 0 }, NOW).calls.map((c) => c.id)).toEqual(['c2']);
    expect(queryMetrics(s, { scope: 'site' }, NOW, METRIC_FORMULAS).total.transferRatePct).toBe(50);
  });
});

describe('selectors: live figures and views', () => {
  /** a1 available, a2 ringing, a3 on a call, a4 in wrap-up, a5 on break, a6 at lunch, a7 offline. */
  function floor(): HubState {
    const agents = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((id, i) => ({
      id,
      name: id.toUpperCase(),
      teamId: i < 4 ? 't1' : 't2',
      queues: i === 3 ? ['advice'] : ['booking'],
    }));
    const s = site({
      queues: [
        { id: 'booking', name: 'Booking', priority: 2 },
        { id: 'advice', name: 'Advice', priority: 4, wrapupSec: 60 },
      ],
      agents,
    });
    apply(s, [
      ...ready(t(0), 'a1', 'a2', 'a3', 'a4', 'a5', 'a6'),
      ev.offered('c1', 'booking', t(10), { from: '+84901234567' }),
      ev.offer('c1', 'a2', t(10)),
      ev.offered('c2', 'booking', t(11)),
      ev.answered('c2', 'a3', t(12)),
      ev.offered('c3', 'advice', t(13)),
      ev.answered('c3', 'a4', t(14)),
      ev.ended('c3', t(20)),
      ev.state('a5', 'break', t(21), 'smoke'),
      ev.state('a6', 'lunch', t(22)),
      ev.offered('c4', 'booking', t(25)),
    ]);
    return s;
  }

  it('given the floor, when the site board is read then agents are counted by state and staffed excludes offline', () => {
    const live = siteDTO(floor(), t(40)).live;
    expect(live).toMatchObject({
      available: 1,
      reserved: 1,
      onCall: 1,
      wrapup: 1,
      break: 1,
      breakReasons: { smoke: 1 },
      notReady: { lunch: 1 },
      offline: 1,
      staffed: 6,
      inQueue: 2, // c1 ringing, c4 waiting
      longestWaitSec: 30,
      oldestWaitingSince: t(10),
    });
  });

  it('given the floor, when an agent card is read then it shows the state, since and the call', () => {
    const s = floor();
    expect(agentDTO(s, s.agents.get('a3')!, t(40))).toMatchObject({ state: 'onCall', since: t(12), callId: 'c2', teamId: 't1' });
    expect(agentDTO(s, s.agents.get('a4')!, t(40))).toMatchObject({ state: 'wrapup', since: t(20), callId: 'c3' });
    expect(agentDTO(s, s.agents.get('a2')!, t(40))).toMatchObject({ state: 'reserved', offerCallId: 'c1' });
    expect(agentDTO(s, s.agents.get('a6')!, t(40))).toMatchObject({ state: 'notReady', reason: 'lunch', since: t(22) });
  });

  it('given the floor, when an agent card is read then today shows the ongoing time: a4 is 6 s on call + 20 s wrap-up of 40 s', () => {
    const s = floor();
    // a4: available 0..14 (14 s), on call 14..20, wrap-up 20..40: busy 26 s, available 14 s.
    expect(agentDTO(s, s.agents.get('a4')!, t(40)).today.occupancyPct).toBeCloseTo((100 * 26) / 40, 10);
  });

  it('given the floor, when a wallboard for advice takes a snapshot then it gets only advice and its agents', () => {
    const s = floor();
    const snap = snapshot(s, t(40), { showNumbers: false, queues: ['advice'] });
    expect(snap.queues.map((q) => q.id)).toEqual(['advice']);
    expect(snap.agents.map((a) => a.id)).toEqual(['a4']);
    expect(snap.calls.map((c) => c.id)).toEqual(['c3']);
    expect(snap.seq).toBe(s.seq);
  });

  it('given the floor, when team lead of t2 takes a snapshot then only t2 agents are in it', () => {
    const snap = snapshot(floor(), t(40), { showNumbers: true, teams: ['t2'] });
    expect(snap.agents.map((a) => a.id).sort()).toEqual(['a5', 'a6', 'a7']);
    expect(snap.teams.map((x) => x.id)).toEqual(['t2']);
  });

  it('given the floor, when agent a2 takes a snapshot then it sees itself and the call ringing at it, number masked', () => {
    const snap = snapshot(floor(), t(40), { showNumbers: false, agentId: 'a2' });
    expect(snap.agents.map((a) => a.id)).toEqual(['a2']);
    expect(snap.calls).toMatchObject([{ id: 'c1', status: 'offering', from: '+8490***4567' }]);
  });

  it('given a caller number, when it is masked then only the country/operator prefix and the last 4 digits show', () => {
    expect(maskNumber('+84901234567')).toBe('+8490***4567');
    expect(maskNumber('0901234567')).toBe('090***4567');
    expect(maskNumber('12345')).toBe('***');
    const s = floor();
    expect(callDTO(s.calls.get('c1')!, true).from).toBe('+84901234567');
  });

  it("given an outbound call, its card carries the number dialled (the customer), masked like the caller's; an inbound call's hotline number is left out", () => {
    const s = site({ queues: [{ id: 'booking', name: 'Booking' }], agents: [{ id: 'a1', name: 'A1', teamId: 't1', queues: ['booking'] }] });
    apply(s, [
      ev.offered('out1', 'booking', t(0), { direction: 'outbound', from: '19001234', to: '+84812345529' }),
      ev.offered('in1', 'booking', t(1), { from: '+84901234567', to: '19001234' }),
    ]);
    expect(callDTO(s.calls.get('out1')!, false)).toMatchObject({ direction: 'outbound', to: '+8481***5529' });
    expect(callDTO(s.calls.get('out1')!, true).to).toBe('+84812345529');
    expect(callDTO(s.calls.get('in1')!, false).to).toBeUndefined();
  });
});

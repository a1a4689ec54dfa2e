import { describe, expect, it } from 'vitest';
import { parseSiteConfig, type DomainEvent } from '../contracts/index.ts';
import { ev, ready, siteInput, t } from '../core/testing.ts';
import { createRecordState, recordsFromEvents, type AgentStateRecord, type CallRecord, type RecordState } from './records.ts';

/** booking: 30 s wrap-up, overflow to advice after 60 s; advice: no wrap-up. */
const config = () =>
  parseSiteConfig(
    siteInput({
      queues: [
        { id: 'booking', name: 'Booking', priority: 2, wrapupSec: 30, overflow: { afterSec: 60, toQueue: 'advice' } },
        { id: 'advice', name: 'Advice', priority: 4 },
      ],
    }),
  );

const d = (ms: number) => new Date(ms);

/** given `events` were applied (their rows discarded), when `batch` arrives: its rows. */
function given(events: DomainEvent[]) {
  const state = createRecordState(config());
  recordsFromEvents(events, state);
  return {
    state,
    when(...batch: DomainEvent[]) {
      const r = recordsFromEvents(batch, state);
      return { ...r, call: (id: string) => r.calls.find((c) => c.id === id) };
    },
  };
}

const states = (rows: AgentStateRecord[], agentId: string) =>
  rows
    .filter((r) => r.agentId === agentId)
    .map((r) => ({ state: r.state, reason: r.reason, from: r.fromAt.getTime(), to: r.toAt?.getTime() ?? null }));

describe('recordsFromEvents: call detail records', () => {
  it('given an available agent, when a call is offered then its row is created, waiting in its queue', () => {
    const r = given(ready(t(0), 'a1')).when(
      ev.offered('c1', 'booking', t(10), { from: '+84901234567', priority: 3, skills: ['vaccine'], attributes: { lang: 'vi' } }),
    );
    expect(r.calls).toHaveLength(1);
    expect(r.call('c1')).toMatchObject<Partial<CallRecord>>({
      siteId: 'test',
      id: 'c1',
      queueId: 'booking',
      lastQueueId: 'booking',
      path: ['booking'],
      direction: 'inbound',
      status: 'waiting',
      result: null,
      priority: 3,
      offeredAt: d(t(10)),
      enteredAt: d(t(10)),
      answeredAt: null,
      fromNumber: '+84901234567',
      skills: ['vaccine'],
      attributes: { lang: 'vi' },
      source: 'live',
    });
    expect([...r.queueIds]).toEqual(['booking']);
  });

  it('given a waiting call, when it is answered then the row has the agent, the team and the wait', () => {
    const r = given([...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(10))]).when(ev.answered('c1', 'a1', t(22)));
    expect(r.call('c1')).toMatchObject({ status: 'connected', agentId: 'a1', teamId: 't1', answeredAt: d(t(22)), waitMs: 12_000 });
  });

  it('given a connected call on a queue with wrap-up, when it ends then it is in wrap-up; when the wrap-up ends then it is done with its handle time', () => {
    const g = given([...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(10)), ev.answered('c1', 'a1', t(20)), ev.held('c1', t(30)), ev.resumed('c1', t(40))]);
    const ended = g.when(ev.ended('c1', t(80), 'caller'));
    expect(ended.call('c1')).toMatchObject({ status: 'wrapup', result: 'answered', endedAt: d(t(80)), endedBy: 'caller', holdMs: 10_000, handleMs: null });
    // The wrap-up ends with the agent's next state change, an event that does not name the call.
    const wrapped = g.when(ev.state('a1', 'available', t(95)));
    expect(wrapped.call('c1')).toMatchObject({ status: 'done', wrapEndAt: d(t(95)), handleMs: 75_000 });
  });

  it('given a completed call, when its outcome arrives then disposition, notes, revenue and survey score are set', () => {
    const r = given([
      ...ready(t(0), 'a1'),
      ev.offered('c1', 'advice', t(10)),
      ev.answered('c1', 'a1', t(20)),
      ev.ended('c1', t(80)),
    ]).when(ev.outcome('c1', t(90), { disposition: 'booked', notes: 'Tiêm ngày 5/3', revenue: 450_000, surveyScore: 9 }));
    expect(r.call('c1')).toMatchObject({ status: 'done', disposition: 'booked', notes: 'Tiêm ngày 5/3', revenue: 450_000, surveyScore: 9, handleMs: 60_000 });
  });

  it('given a waiting call, when the caller hangs up then it is done and abandoned with its wait', () => {
    const r = given([ev.offered('c1', 'booking', t(10))]).when(ev.abandoned('c1', t(17)));
    expect(r.call('c1')).toMatchObject({ status: 'done', result: 'abandoned', abandonedAt: d(t(17)), endedAt: d(t(17)), waitMs: 7000, agentId: null });
  });

  it('given a waiting call, when the hub overflows it then the row keeps the first queue and records the path', () => {
    const r = given([ev.offered('c1', 'booking', t(10))]).when(ev.overflowed('c1', 'advice', t(70)));
    expect(r.call('c1')).toMatchObject({ queueId: 'booking', lastQueueId: 'advice', path: ['booking', 'advice'], enteredAt: d(t(70)), status: 'waiting' });
    expect([...r.queueIds].sort()).toEqual(['advice', 'booking']);
  });

  it('given a connected call, when it is transferred to another queue then the transfer is counted and the call waits there', () => {
    const r = given([...ready(t(0), 'a1'), ev.offered('c1', 'advice', t(10)), ev.answered('c1', 'a1', t(20))]).when(
      ev.transferredToQueue('c1', 'booking', t(50)),
    );
    expect(r.call('c1')).toMatchObject({ transfers: 1, path: ['advice', 'booking'], lastQueueId: 'booking', status: 'waiting', agentId: null });
  });

  it('given an event the call cannot take, when it arrives then it is refused with the reason and no row changes', () => {
    const g = given([ev.offered('c1', 'booking', t(10)), ev.abandoned('c1', t(12))]);
    const r = g.when(ev.answered('c1', 'a1', t(13)));
    expect(r.calls).toEqual([]);
    expect(r.refused).toEqual([{ id: expect.any(String), type: 'call.answered', reason: expect.stringMatching(/already ended/) }]);
    expect(g.state.refused).toBe(1);
  });
});

describe('recordsFromEvents: agent state history', () => {
  it('given nothing, when an agent logs in and becomes available at once then only the available state is kept (0 ms states are not)', () => {
    const r = given([]).when(...ready(t(0), 'a1'));
    expect(states(r.agentStates, 'a1')).toEqual([{ state: 'available', reason: null, from: t(0), to: null }]);
    expect(r.agentStates[0]).toMatchObject({ siteId: 'test', teamId: 't1', source: 'live' });
  });

  it('given an available agent, when the hub offers a call and the agent answers, ends and wraps up then each state gets a row', () => {
    const r = given(ready(t(0), 'a1')).when(
      ev.offered('c1', 'booking', t(10)),
      ev.offer('c1', 'a1', t(10)),
      ev.answered('c1', 'a1', t(14)),
      ev.ended('c1', t(74)),
      ev.state('a1', 'available', t(104)),
    );
    expect(states(r.agentStates, 'a1')).toEqual([
      { state: 'available', reason: null, from: t(0), to: t(10) },
      { state: 'reserved', reason: null, from: t(10), to: t(14) },
      { state: 'onCall', reason: null, from: t(14), to: t(74) },
      { state: 'wrapup', reason: null, from: t(74), to: t(104) },
      { state: 'available', reason: null, from: t(104), to: null },
    ]);
  });

  it('given a ringing offer, when it times out twice then the agent goes not-ready with reason missed', () => {
    const r = given([...ready(t(0), 'a1'), ev.offered('c1', 'advice', t(1))]).when(
      ev.offer('c1', 'a1', t(1)),
      ev.offerRejected('c1', 'a1', t(16), 'timeout'),
      ev.offer('c1', 'a1', t(17)),
      ev.offerRejected('c1', 'a1', t(32), 'timeout'),
    );
    expect(states(r.agentStates, 'a1').map((s) => `${s.state}${s.reason ? `/${s.reason}` : ''}@${(s.from - t(0)) / 1000}`)).toEqual([
      'available@0',
      'reserved@1',
      'available@16',
      'reserved@17',
      'notReady/missed@32',
    ]);
    expect(r.call('c1')).toMatchObject({ missedOffers: 2, status: 'waiting' });
  });

  it('given an available agent, when it takes a break and logs out then break (with its reason) and offline rows follow', () => {
    const r = given(ready(t(0), 'a1')).when(ev.state('a1', 'break', t(600), 'coffee'), ev.logout('a1', t(900)));
    expect(states(r.agentStates, 'a1')).toEqual([
      { state: 'available', reason: null, from: t(0), to: t(600) },
      { state: 'break', reason: 'coffee', from: t(600), to: t(900) },
      { state: 'offline', reason: null, from: t(900), to: null },
    ]);
  });

  it('given an open state written by an earlier batch, when the next batch closes it then the same row (same start) gets its end', () => {
    const g = given([]);
    const first = g.when(...ready(t(0), 'a1'));
    const second = g.when(ev.state('a1', 'lunch', t(3600)));
    expect(states(first.agentStates, 'a1')).toEqual([{ state: 'available', reason: null, from: t(0), to: null }]);
    expect(states(second.agentStates, 'a1')).toEqual([
      { state: 'available', reason: null, from: t(0), to: t(3600) },
      { state: 'notReady', reason: 'lunch', from: t(3600), to: null },
    ]);
  });
});

describe('recordsFromEvents: batches', () => {
  const day = (): DomainEvent[] => [
    ...ready(t(0), 'a1', 'a2'),
    ev.offered('c1', 'booking', t(10)),
    ev.offered('c2', 'advice', t(11)),
    ev.answered('c1', 'a2', t(15)),
    ev.answered('c2', 'a1', t(16)),
    ev.offered('c3', 'booking', t(20)),
    ev.abandoned('c3', t(40)),
    ev.ended('c2', t(100)),
    ev.outcome('c2', t(110), { disposition: 'advice-given', surveyScore: 4 }),
    ev.ended('c1', t(120)),
    ev.state('a2', 'available', t(150)),
    ev.state('a1', 'break', t(200), 'coffee'),
    ev.logout('a2', t(300)),
  ];

  /** The final row of every call and state span, whatever the batching. */
  function finalRows(batches: DomainEvent[][]): { calls: Map<string, CallRecord>; states: Map<string, AgentStateRecord> } {
    const state: RecordState = createRecordState(config());
    const calls = new Map<string, CallRecord>();
    const st = new Map<string, AgentStateRecord>();
    for (const b of batches) {
      const r = recordsFromEvents(b, state);
      for (const c of r.calls) calls.set(c.id, c);
      for (const s of r.agentStates) st.set(`${s.agentId}@${s.fromAt.getTime()}`, s);
    }
    return { calls, states: st };
  }

  it('given a day of events, when it is cut into batches of any size then the final rows are the same as in one batch', () => {
    const all = day();
    const one = finalRows([all]);
    expect(one.calls.size).toBe(3);
    for (const size of [1, 2, 5]) {
      const batches: DomainEvent[][] = [];
      for (let i = 0; i < all.length; i += size) batches.push(all.slice(i, i + size));
      const cut = finalRows(batches);
      expect(cut.calls).toEqual(one.calls);
      // A batch may write an open row that a later batch closes or (0 ms) replaces: same key, same end.
      expect(cut.states).toEqual(one.states);
    }
  });

  it('given the same events, when derived twice from fresh states then the rows are identical (deterministic)', () => {
    const a = recordsFromEvents(day(), createRecordState(config()));
    const b = recordsFromEvents(day(), createRecordState(config()));
    expect(b.calls).toEqual(a.calls);
    expect(b.agentStates).toEqual(a.agentStates);
  });
});

describe('versions of the metric parameters', () => {
  it('given a params.version in the log, then the batch carries it for the reports, and a later call counts with it', () => {
    const r = given([]).when(ev.params(t(0), { slThresholdSec: 10 }), ...ready(t(1), 'a2'), ev.offered('v1', 'advice', t(2)), ev.answered('v1', 'a2', t(17)));
    expect(r.paramVersions).toEqual([
      { at: t(0), site: { slThresholdSec: 10, slTargetPct: 80, shortAbandonSec: 5, slBasis: 'spec' }, queues: {} },
    ]);
    // Answered after 15 s: within 20 s, not within the version's 10 s.
    expect(r.aggregates.find((a) => a.scope === 'queue' && a.scopeId === 'advice')!.counters).toMatchObject({ answered: 1, answeredWithinT: 0 });
  });
});

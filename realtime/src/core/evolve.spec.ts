import { describe, expect, it } from 'vitest';
import { METRIC_FORMULAS } from '../contracts/index.ts';
import { evolve } from './evolve.ts';
import { due } from './routing.ts';
import { agentDTO, queryMetrics } from './selectors.ts';
import { scopeKey, type HubState } from './state.ts';
import { ev, given, ids, ready, site, t } from './testing.ts';

const counters = (s: HubState, scope: string, at: number) => s.metrics.day(scope, at).c;
const waitingIds = (s: HubState, queue: string) => s.queues.get(queue)!.waiting.map((c) => c.id);
const availableIds = (s: HubState, queue: string) => [...s.queues.get(queue)!.available.keys()];

/** booking has 30 s of wrap-up; advice has none. */
const wrapSite = () =>
  site({
    queues: [
      { id: 'booking', name: 'Booking', nameVi: 'Đặt lịch', priority: 2, wrapupSec: 30 },
      { id: 'advice', name: 'Advice', priority: 4 },
    ],
  });

describe('evolve: call lifecycle', () => {
  describe('given an agent available on booking', () => {
    const g = () => given(wrapSite(), ready(t(0), 'a1'));

    it('when a call is offered then it waits in its queue and counts as offered to the queue and the site', () => {
      const s = g()
        .when(ev.offered('c1', 'booking', t(10), { from: '+84901234567', skills: ['vaccine'], attributes: { lang: 'vi' } }))
        .accepted();
      const c = s.calls.get('c1')!;
      expect(c).toMatchObject({ status: 'waiting', queue: 'booking', path: ['booking'], priority: 5, skills: ['vaccine'] });
      expect(c.offeredAt).toBe(t(10));
      expect(c.enteredQueueAt).toBe(t(10));
      expect(waitingIds(s, 'booking')).toEqual(['c1']);
      expect(counters(s, scopeKey.queue('booking'), t(10)).offered).toBe(1);
      expect(counters(s, scopeKey.site, t(10)).offered).toBe(1);
      expect(counters(s, scopeKey.queue('advice'), t(10)).offered).toBe(0);
    });

    it('when the call is answered then it is connected to the agent, who is on the call since the answer', () => {
      const s = given(g().state, [ev.offered('c1', 'booking', t(10))]).when(ev.answered('c1', 'a1', t(22))).accepted();
      const c = s.calls.get('c1')!;
      expect(c).toMatchObject({ status: 'connected', agentId: 'a1', answeredAt: t(22), waitMs: 12_000 });
      const a = s.agents.get('a1')!;
      expect(a).toMatchObject({ state: 'onCall', callId: 'c1', since: t(22) });
      expect(waitingIds(s, 'booking')).toEqual([]);
      expect(availableIds(s, 'booking')).toEqual([]);
      expect(counters(s, scopeKey.queue('booking'), t(10))).toMatchObject({ answered: 1, answeredWaitMs: 12_000 });
    });
  });

  describe('given a connected call', () => {
    const g = () => given(wrapSite(), [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(10)), ev.answered('c1', 'a1', t(20))]);

    it('when it is held then the call is held since that moment', () => {
      const s = g().when(ev.held('c1', t(30))).accepted();
      expect(s.calls.get('c1')).toMatchObject({ status: 'held', heldSince: t(30), holdMs: 0 });
    });

    it('when it is held and resumed twice then both holds add up', () => {
      const s = given(g().state, [ev.held('c1', t(30)), ev.resumed('c1', t(40)), ev.held('c1', t(50))])
        .when(ev.resumed('c1', t(55)))
        .accepted();
      expect(s.calls.get('c1')).toMatchObject({ status: 'connected', holdMs: 15_000 });
      expect(s.calls.get('c1')!.heldSince).toBeUndefined();
    });

    it('when it ends while held then the hold up to the end counts and the agent goes to wrap-up for the queue wrap-up time', () => {
      const s = given(g().state, [ev.held('c1', t(30))]).when(ev.ended('c1', t(50), 'caller')).accepted();
      const c = s.calls.get('c1')!;
      expect(c).toMatchObject({ status: 'wrapup', result: 'answered', endedAt: t(50), endedBy: 'caller', holdMs: 20_000 });
      const a = s.agents.get('a1')!;
      expect(a).toMatchObject({ state: 'wrapup', wrapCallId: 'c1', wrapupUntil: t(80), since: t(50) });
      expect(a.callId).toBeUndefined();
      // Not handled yet: handle time includes the wrap-up.
      expect(counters(s, scopeKey.queue('booking'), t(10)).handled).toBe(0);
    });
  });

  describe('given a call in wrap-up', () => {
    const g = () =>
      given(wrapSite(), [
        ...ready(t(0), 'a1'),
        ev.offered('c1', 'booking', t(10)),
        ev.answered('c1', 'a1', t(20)),
        ev.held('c1', t(30)),
        ev.resumed('c1', t(40)),
        ev.ended('c1', t(60), 'agent'),
      ]);

    it('when the agent records an outcome then the call carries it and stays live until wrap-up ends', () => {
      const s = g().when(ev.outcome('c1', t(70), { disposition: 'booked', notes: 'Thứ Hai 9h', revenue: 120 })).accepted();
      expect(s.calls.get('c1')).toMatchObject({ disposition: 'booked', notes: 'Thứ Hai 9h', revenue: 120, status: 'wrapup' });
      expect(counters(s, scopeKey.site, t(10))).toMatchObject({ outcomes: 1, revenue: 120 });
    });

    it('when the wrap-up time is over then the call completes with talk + hold + wrap-up as handle time and the agent is available', () => {
      const s = g().state;
      expect(due(s, t(89), ids())).toEqual([]);
      const fired = due(s, t(95), ids());
      expect(fired).toMatchObject([{ type: 'agent.state', agentId: 'a1', state: 'available', at: t(90) }]);
      expect(s.calls.has('c1')).toBe(false);
      const rec = s.recordIndex.get('c1')!;
      expect(rec).toMatchObject({ status: 'done', result: 'answered', wrapEndAt: t(90), handleMs: 70_000, holdMs: 10_000 });
      expect(s.agents.get('a1')).toMatchObject({ state: 'available', since: t(90) });
      expect(counters(s, scopeKey.queue('booking'), t(10))).toMatchObject({ handled: 1, handleMs: 70_000, holdMs: 10_000 });
    });

    it('when the agent finishes wrap-up early then handle time stops at that moment', () => {
      const s = g().when(ev.state('a1', 'available', t(65))).accepted();
      expect(s.recordIndex.get('c1')).toMatchObject({ wrapEndAt: t(65), handleMs: 45_000 });
      expect(availableIds(s, 'booking')).toEqual(['a1']);
    });

    it('when an outcome arrives after the call completed then it is still recorded on the record', () => {
      const s = given(g().state, [ev.state('a1', 'available', t(65))]).when(ev.outcome('c1', t(100), { disposition: 'info' })).accepted();
      expect(s.recordIndex.get('c1')!.disposition).toBe('info');
    });
  });

  describe('given a queue without wrap-up and a connected call', () => {
    it('when the call ends then it completes at once, counts as handled and the agent is available again', () => {
      const s = given(site(), [...ready(t(0), 'a1'), ev.offered('c1', 'advice', t(10)), ev.answered('c1', 'a1', t(15))])
        .when(ev.ended('c1', t(75)))
        .accepted();
      expect(s.calls.has('c1')).toBe(false);
      expect(s.records.map((c) => c.id)).toEqual(['c1']);
      expect(s.recordIndex.get('c1')).toMatchObject({ result: 'answered', handleMs: 60_000 });
      expect(s.agents.get('a1')).toMatchObject({ state: 'available', since: t(75) });
      expect(counters(s, scopeKey.agent('a1'), t(10))).toMatchObject({ handled: 1, handleMs: 60_000 });
      expect(counters(s, scopeKey.team('t1'), t(10)).handled).toBe(1);
    });
  });
});

describe('evolve: abandon', () => {
  describe('given a call waiting with nobody free', () => {
    const g = () => given(site(), [ev.offered('c1', 'booking', t(0)), ev.offered('c2', 'booking', t(5))]);

    it('when the caller hangs up then the call leaves the queue as abandoned with its wait', () => {
      const s = g().when(ev.abandoned('c1', t(12))).accepted();
      expect(waitingIds(s, 'booking')).toEqual(['c2']);
      expect(s.calls.has('c1')).toBe(false);
      expect(s.recordIndex.get('c1')).toMatchObject({ result: 'abandoned', waitMs: 12_000, abandonedAt: t(12), endedBy: 'caller' });
      expect(counters(s, scopeKey.queue('booking'), t(0))).toMatchObject({ abandoned: 1, abandonedWaitMs: 12_000, shortAbandoned: 0 });
    });
  });

  describe('given an offer ringing at an agent', () => {
    const g = () => given(site(), [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(10)), ev.offer('c1', 'a1', t(10))]);

    it('when the caller hangs up then the offer is cancelled, the agent is available again without a missed offer', () => {
      const s = g().when(ev.abandoned('c1', t(13))).accepted();
      expect(s.recordIndex.get('c1')).toMatchObject({ result: 'abandoned', waitMs: 3000 });
      expect(s.effects).toContainEqual({ kind: 'offerCancelled', agentId: 'a1', callId: 'c1', reason: 'abandoned' });
      const a = s.agents.get('a1')!;
      expect(a).toMatchObject({ state: 'available', missedInRow: 0, since: t(13) });
      expect(a.offerCallId).toBeUndefined();
      expect(counters(s, scopeKey.queue('booking'), t(10))).toMatchObject({ abandoned: 1, shortAbandoned: 1, missedOffers: 0 });
    });
  });
});

describe('evolve: transfer', () => {
  const connected = () => given(site(), [...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(10)), ev.answered('c1', 'a1', t(20))]);

  describe('given a call connected to a1 on booking', () => {
    it('when it is transferred to the advice queue then it waits there, a1 is free and booking counts a transfer', () => {
      const s = connected().when(ev.transferredToQueue('c1', 'advice', t(80))).accepted();
      const c = s.calls.get('c1')!;
      expect(c).toMatchObject({ status: 'waiting', queue: 'advice', path: ['booking', 'advice'], transferred: 1, enteredQueueAt: t(80) });
      expect(c.agentId).toBeUndefined();
      expect(c.answeredAt).toBeUndefined();
      expect(waitingIds(s, 'advice')).toEqual(['c1']);
      expect(s.agents.get('a1')).toMatchObject({ state: 'available', since: t(80) });
      expect(counters(s, scopeKey.queue('booking'), t(10))).toMatchObject({ transferred: 1, handled: 1, handleMs: 60_000 });
      expect(counters(s, scopeKey.queue('advice'), t(80)).offered).toBe(1);
      // The site saw one call, not two.
      expect(counters(s, scopeKey.site, t(10)).offered).toBe(1);
    });

    it('when it is transferred to agent a2 then a2 is on it from the transfer and a1 is free', () => {
      const s = connected().when(ev.transferredToAgent('c1', 'a2', t(80))).accepted();
      expect(s.calls.get('c1')).toMatchObject({ status: 'connected', agentId: 'a2', answeredAt: t(80), transferred: 1 });
      expect(s.agents.get('a2')).toMatchObject({ state: 'onCall', callId: 'c1', since: t(80) });
      expect(s.agents.get('a1')).toMatchObject({ state: 'available' });
      expect(s.agents.get('a1')!.callId).toBeUndefined();
      expect(counters(s, scopeKey.agent('a1'), t(10))).toMatchObject({ handled: 1, handleMs: 60_000 });
    });

    it('when the transferred call then ends then a2 handled it for the time since the transfer', () => {
      const s = given(connected().state, [ev.transferredToAgent('c1', 'a2', t(80))]).when(ev.ended('c1', t(110))).accepted();
      expect(counters(s, scopeKey.agent('a2'), t(10))).toMatchObject({ handled: 1, handleMs: 30_000 });
      expect(s.recordIndex.get('c1')).toMatchObject({ handleMs: 90_000, agentId: 'a2' });
    });

    it('when it is transferred to an agent already on a call then it is rejected', () => {
      const g = given(connected().state, [ev.offered('c2', 'booking', t(30)), ev.answered('c2', 'a2', t(31))]);
      g.when(ev.transferredToAgent('c1', 'a2', t(80))).rejected(/agent a2 is already on call c2/);
    });

    it('when it is transferred to an offline agent then it is rejected', () => {
      const s = site({ agents: [{ id: 'a1', name: 'A1', queues: ['booking'] }, { id: 'a3', name: 'A3', queues: ['booking'] }] });
      given(s, [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(10)), ev.answered('c1', 'a1', t(20))])
        .when(ev.transferredToAgent('c1', 'a3', t(80)))
        .rejected(/agent a3 is offline/);
    });

    it('when it is transferred to an unknown agent then it is rejected', () => {
      connected().when(ev.transferredToAgent('c1', 'nobody', t(80))).rejected(/unknown agent nobody/);
    });
  });

  describe('given a1 in wrap-up after transferring a call to a2, who ended it and wraps up too', () => {
    const g = () =>
      given(wrapSite(), [
        ...ready(t(0), 'a1', 'a2'),
        ev.offered('c1', 'booking', t(10)),
        ev.answered('c1', 'a1', t(20)),
        ev.transferredToAgent('c1', 'a2', t(80)), // a1 wraps up until 110
        ev.ended('c1', t(100)), // a2 wraps up until 130
      ]).state;

    it('when a1 finishes wrap-up first then the call stays live until a2 finishes, and its handle time is both parts', () => {
      const s = g();
      due(s, t(110), ids());
      expect(s.agents.get('a1')!.state).toBe('available');
      expect(s.calls.has('c1')).toBe(true);
      due(s, t(130), ids());
      expect(s.calls.has('c1')).toBe(false);
      expect(s.recordIndex.get('c1')).toMatchObject({ wrapEndAt: t(130), handleMs: 90_000 + 50_000 });
      expect(counters(s, scopeKey.site, t(10))).toMatchObject({ handled: 2, handleMs: 140_000 });
    });
  });

  describe('given a call still waiting', () => {
    it('when a transfer arrives then it is rejected: only a connected call can be transferred', () => {
      given(site(), [ev.offered('c1', 'booking', t(0))]).when(ev.transferredToQueue('c1', 'advice', t(5))).rejected(/waiting, not connected/);
    });
  });
});

describe('evolve: agents', () => {
  describe('given a configured agent who is offline', () => {
    it('when it logs in then it is not ready (login) with the queues and skills of the event', () => {
      const s = given(site())
        .when(ev.login('a2', t(5), { queues: ['advice'], skills: { vaccine: 7 } }))
        .accepted();
      expect(s.agents.get('a2')).toMatchObject({ state: 'notReady', reason: 'login', since: t(5), queues: ['advice'], skills: { vaccine: 7 } });
      expect(s.queues.get('booking')!.members.has('a2')).toBe(false);
      expect(s.queues.get('advice')!.members.has('a2')).toBe(true);
    });

    it('when an unknown agent logs in then it is created and signed in', () => {
      const s = given(site()).when(ev.login('a9', t(5), { queues: ['booking'] })).accepted();
      expect(s.agents.get('a9')).toMatchObject({ state: 'notReady', reason: 'login', queues: ['booking'] });
    });

    it('when a state arrives for an agent never seen then it is rejected', () => {
      given(site()).when(ev.state('ghost', 'available', t(5))).rejected(/unknown agent ghost \(send agent.login first\)/);
    });

    it('when a logout arrives for an agent never seen then it is rejected', () => {
      given(site()).when(ev.logout('ghost', t(5))).rejected(/unknown agent ghost/);
    });
  });

  describe('given a logged-in agent', () => {
    const g = () => given(site(), [ev.login('a1', t(0))]);

    it('when it becomes available then it joins the idle list of each of its queues since that moment', () => {
      const s = g().when(ev.state('a1', 'available', t(3))).accepted();
      expect(s.agents.get('a1')).toMatchObject({ state: 'available', since: t(3) });
      expect(s.agents.get('a1')!.reason).toBeUndefined();
      expect(availableIds(s, 'booking')).toEqual(['a1']);
      expect(availableIds(s, 'advice')).toEqual(['a1']);
    });

    it('when it goes on break with a reason then it leaves the idle lists and keeps the reason', () => {
      const s = given(g().state, [ev.state('a1', 'available', t(3))]).when(ev.state('a1', 'break', t(60), 'smoke')).accepted();
      expect(s.agents.get('a1')).toMatchObject({ state: 'break', reason: 'smoke', since: t(60) });
      expect(availableIds(s, 'booking')).toEqual([]);
      expect(agentDTO(s, s.agents.get('a1')!, t(90))).toMatchObject({ state: 'break', reason: 'smoke', since: t(60) });
    });

    it('when it reports a site-defined not-ready state (lunch) then it is not ready with that reason', () => {
      const s = g().when(ev.state('a1', 'lunch', t(10))).accepted();
      expect(s.agents.get('a1')).toMatchObject({ state: 'notReady', reason: 'lunch', since: t(10) });
    });

    it('when it reports a state the site does not define then it is rejected with the allowed states', () => {
      const r = g().when(ev.state('a1', 'napping', t(10))).rejected(/unknown state napping/);
      expect(r.agents.get('a1')!.state).toBe('notReady');
      const s2 = site();
      evolve(s2, ev.login('a1', t(0)));
      expect(evolve(s2, ev.state('a1', 'napping', t(10)))).toContain('available, break, wrapup, offline, missed, login, disconnected, lunch');
    });

    it.each(['reserved', 'oncall'])('when it requests the call-driven state %s then it is rejected', (state) => {
      g().when(ev.state('a1', state, t(10))).rejected(/is set by calls, not requested/);
    });

    it('when it logs out then it is offline', () => {
      const s = given(g().state, [ev.state('a1', 'available', t(3))]).when(ev.logout('a1', t(100))).accepted();
      expect(s.agents.get('a1')).toMatchObject({ state: 'offline', since: t(100) });
      expect(availableIds(s, 'booking')).toEqual([]);
    });

    it('when a supervisor moves it to other queues then membership and idle lists follow', () => {
      const s = given(g().state, [ev.state('a1', 'available', t(3))]).when(ev.agentQueues('a1', ['advice'], t(20))).accepted();
      expect(s.agents.get('a1')!.queues).toEqual(['advice']);
      expect(s.queues.get('booking')!.members.has('a1')).toBe(false);
      expect(availableIds(s, 'booking')).toEqual([]);
      expect(availableIds(s, 'advice')).toEqual(['a1']);
    });
  });

  describe('given an agent on a call', () => {
    const g = () => given(site(), [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(1)), ev.answered('c1', 'a1', t(2))]);

    it('when it asks for a break then it is rejected: the call must end first', () => {
      g().when(ev.state('a1', 'break', t(10))).rejected(/agent a1 is on call c1; end it first/);
    });

    it('when it logs out then it is rejected', () => {
      g().when(ev.logout('a1', t(10))).rejected(/on call c1/);
    });
  });

  describe('given an offer ringing at an agent', () => {
    it('when the agent goes on break then the offer is withdrawn and the call waits again', () => {
      const s = given(site(), [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(1)), ev.offer('c1', 'a1', t(1))])
        .when(ev.state('a1', 'break', t(4)))
        .accepted();
      expect(s.calls.get('c1')!.status).toBe('waiting');
      expect(s.agents.get('a1')).toMatchObject({ state: 'break' });
      expect(s.agents.get('a1')!.offerCallId).toBeUndefined();
      expect(s.effects).toContainEqual({ kind: 'offerCancelled', agentId: 'a1', callId: 'c1', reason: 'state-change' });
    });
  });
});

describe('evolve: impossible events are rejected and change nothing', () => {
  const ended = () => given(site(), [...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(1)), ev.answered('c1', 'a1', t(2)), ev.ended('c1', t(30))]);

  it('given a call that ended, when it is answered then it is rejected as already ended', () => {
    ended().when(ev.answered('c1', 'a2', t(40))).rejected(/call c1 has already ended/);
  });

  it('given a call in wrap-up, when it is answered again then it is rejected', () => {
    const s = site({ queues: [{ id: 'booking', name: 'B', wrapupSec: 30 }] });
    given(s, [...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(1)), ev.answered('c1', 'a1', t(2)), ev.ended('c1', t(30))])
      .when(ev.answered('c1', 'a2', t(31)))
      .rejected(/call c1 is wrapup, cannot be answered/);
  });

  it.each([
    ['call.answered', () => ev.answered('nope', 'a1', t(5))],
    ['call.abandoned', () => ev.abandoned('nope', t(5))],
    ['call.held', () => ev.held('nope', t(5))],
    ['call.resumed', () => ev.resumed('nope', t(5))],
    ['call.ended', () => ev.ended('nope', t(5))],
    ['call.transferred', () => ev.transferredToQueue('nope', 'advice', t(5))],
    ['call.outcome', () => ev.outcome('nope', t(5), { disposition: 'booked' })],
    ['call.overflowed', () => ev.overflowed('nope', 'advice', t(5))],
  ])('given no such call, when %s arrives then it is rejected as unknown', (_type, make) => {
    given(site(), ready(t(0), 'a1')).when(make()).rejected(/unknown call nope/);
  });

  it('given a live call, when a call.offered repeats its id then it is rejected', () => {
    given(site(), [ev.offered('c1', 'booking', t(0))]).when(ev.offered('c1', 'advice', t(5))).rejected(/call c1 already exists/);
  });

  it('given a completed call, when a call.offered repeats its id then it is rejected', () => {
    ended().when(ev.offered('c1', 'booking', t(50))).rejected(/call c1 already exists/);
  });

  it('given an agent on a call, when another call is answered by it then it is rejected', () => {
    given(site(), [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(1)), ev.answered('c1', 'a1', t(2)), ev.offered('c2', 'booking', t(3))])
      .when(ev.answered('c2', 'a1', t(4)))
      .rejected(/agent a1 is already on call c1/);
  });

  it('given a waiting call, when call.ended arrives then it is rejected (a hang-up in queue is call.abandoned)', () => {
    given(site(), [ev.offered('c1', 'booking', t(0))]).when(ev.ended('c1', t(5))).rejected(/not connected \(a caller hanging up in queue is call.abandoned\)/);
  });

  it('given a waiting call, when it is held then it is rejected', () => {
    given(site(), [ev.offered('c1', 'booking', t(0))]).when(ev.held('c1', t(5))).rejected(/waiting, cannot be held/);
  });

  it('given a connected call, when it is resumed without a hold then it is rejected', () => {
    given(site(), [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(1)), ev.answered('c1', 'a1', t(2))])
      .when(ev.resumed('c1', t(5)))
      .rejected(/connected, not held/);
  });

  it('given a connected call, when it is abandoned then it is rejected (it ends with call.ended)', () => {
    given(site(), [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(1)), ev.answered('c1', 'a1', t(2))])
      .when(ev.abandoned('c1', t(5)))
      .rejected(/connected; a connected call ends with call.ended/);
  });

  it('given an abandoned call, when an outcome arrives then it is rejected', () => {
    given(site(), [ev.offered('c1', 'booking', t(0)), ev.abandoned('c1', t(9))]).when(ev.outcome('c1', t(15), { disposition: 'booked' })).rejected(/has not been answered/);
  });

  it('given a waiting call, when an outcome arrives then it is rejected', () => {
    given(site(), [ev.offered('c1', 'booking', t(0))]).when(ev.outcome('c1', t(5), { disposition: 'booked' })).rejected(/has not been answered/);
  });

  it('given an agent not available, when an offer is created for it then it is rejected', () => {
    given(site(), [ev.login('a1', t(0)), ev.offered('c1', 'booking', t(1))]).when(ev.offer('c1', 'a1', t(2))).rejected(/agent a1 is not available/);
  });

  it('given a call already ringing, when a second offer is created then it is rejected', () => {
    given(site(), [...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(1)), ev.offer('c1', 'a1', t(1))])
      .when(ev.offer('c1', 'a2', t(2)))
      .rejected(/call c1 is not waiting/);
  });

  it('given an offer ringing at a1, when a2 rejects it then it is rejected', () => {
    given(site(), [...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(1)), ev.offer('c1', 'a1', t(1))])
      .when(ev.offerRejected('c1', 'a2', t(2), 'declined'))
      .rejected(/no offer of call c1 is ringing for agent a2/);
  });

  it('given no such queue, when its priority is set then it is rejected', () => {
    given(site()).when(ev.queuePriority('nope', 1, t(0))).rejected(/unknown queue nope/);
  });

  it('given a site without auto-created queues, when a call is offered to an unknown queue then it is rejected', () => {
    given(site({ autoCreateQueues: false })).when(ev.offered('c1', 'nope', t(0))).rejected(/unknown queue nope/);
  });

  it('given any state, when an event is rejected then seq and clock do not move', () => {
    const s = given(site(), [ev.offered('c1', 'booking', t(0))]).state;
    expect(s.seq).toBe(1);
    expect(evolve(s, ev.ended('c1', t(99)))).not.toBeNull();
    expect(s.seq).toBe(1);
    expect(s.clock).toBe(t(0));
    expect(evolve(s, ev.abandoned('c1', t(7)))).toBeNull();
    expect(s.seq).toBe(2);
    expect(s.clock).toBe(t(7));
  });
});

describe('evolve: closed queues', () => {
  it('given booking closed with reject, when a call arrives then the phone system is told to reject it, it counts as rejectedClosed, not offered, and is never routed', () => {
    const s = given(site(), [...ready(t(0), 'a1'), ev.queueStatus('booking', false, t(1), { closedAction: 'reject' })])
      .when(ev.offered('c1', 'booking', t(10)))
      .accepted();
    expect(s.effects).toContainEqual({ kind: 'telephony', command: { callId: 'c1', queue: 'booking', action: 'reject' } });
    expect(s.calls.has('c1')).toBe(false);
    expect(s.recordIndex.get('c1')).toMatchObject({ result: 'rejected', endedBy: 'system' });
    expect(waitingIds(s, 'booking')).toEqual([]);
    expect(counters(s, scopeKey.queue('booking'), t(10))).toMatchObject({ rejectedClosed: 1, offered: 0 });
    expect(counters(s, scopeKey.site, t(10))).toMatchObject({ rejectedClosed: 1, offered: 0 });
    const m = queryMetrics(s, { scope: 'queue', id: 'booking' }, t(20), METRIC_FORMULAS).total;
    expect(m).toMatchObject({ rejectedClosed: 1, offered: 0, abandonRatePct: null });
  });

  it('given booking closed with announce, when a call arrives then the phone system plays the announcement', () => {
    const s = given(site(), [ev.queueStatus('booking', false, t(1), { closedAction: 'announce' })]).when(ev.offered('c1', 'booking', t(10))).accepted();
    expect(s.effects).toContainEqual({ kind: 'telephony', command: { callId: 'c1', queue: 'booking', action: 'announce' } });
    expect(counters(s, scopeKey.queue('booking'), t(10)).rejectedClosed).toBe(1);
  });

  it('given booking closed with overflow to advice, when a call arrives then it waits in advice and booking counts it offered and overflowed', () => {
    const s = given(site(), [ev.queueStatus('booking', false, t(1), { closedAction: 'overflow', overflowTo: 'advice' })])
      .when(ev.offered('c1', 'booking', t(10)))
      .accepted();
    expect(s.calls.get('c1')).toMatchObject({ queue: 'advice', path: ['booking', 'advice'], status: 'waiting' });
    expect(waitingIds(s, 'advice')).toEqual(['c1']);
    expect(counters(s, scopeKey.queue('booking'), t(10))).toMatchObject({ offered: 1, overflowed: 1, rejectedClosed: 0 });
    expect(counters(s, scopeKey.queue('advice'), t(10)).offered).toBe(1);
    expect(counters(s, scopeKey.site, t(10)).offered).toBe(1);
    expect(s.effects.filter((e) => e.kind === 'telephony')).toEqual([]);
  });

  it('given booking closed with overflow to a queue that is closed too, when a call arrives then it is rejected', () => {
    const s = given(site(), [
      ev.queueStatus('advice', false, t(0)),
      ev.queueStatus('booking', false, t(1), { closedAction: 'overflow', overflowTo: 'advice' }),
    ])
      .when(ev.offered('c1', 'booking', t(10)))
      .accepted();
    expect(s.effects).toContainEqual({ kind: 'telephony', command: { callId: 'c1', queue: 'booking', action: 'reject' } });
    expect(counters(s, scopeKey.queue('advice'), t(10)).offered).toBe(0);
  });

  it('given booking closed and reopened, when a call arrives then it waits normally', () => {
    const s = given(site(), [ev.queueStatus('booking', false, t(1)), ev.queueStatus('booking', true, t(2))]).when(ev.offered('c1', 'booking', t(10))).accepted();
    expect(waitingIds(s, 'booking')).toEqual(['c1']);
    expect(s.effects).toEqual([]);
  });
});

describe('evolve: observe mode (an external ACD routes)', () => {
  it('given a queue unknown to the config, when a call is offered to it then the queue is created in observe mode', () => {
    const s = given(site()).when(ev.offered('x1', 'ext-sales', t(0))).accepted();
    expect(s.queues.get('ext-sales')).toMatchObject({ routing: 'observe', name: 'ext-sales' });
    expect(waitingIds(s, 'ext-sales')).toEqual(['x1']);
  });

  it('given a call waiting on an observed queue, when the source reports it answered by an agent never seen then the agent is created on the call', () => {
    const s = given(site(), [ev.offered('x1', 'ext-sales', t(0))]).when(ev.answered('x1', 'pbx-agent-7', t(9))).accepted();
    expect(s.agents.get('pbx-agent-7')).toMatchObject({ state: 'onCall', callId: 'x1', queues: ['ext-sales'], since: t(9) });
    expect(s.queues.get('ext-sales')!.members.has('pbx-agent-7')).toBe(true);
    expect(s.calls.get('x1')).toMatchObject({ status: 'connected', agentId: 'pbx-agent-7', waitMs: 9000 });
    expect(counters(s, scopeKey.queue('ext-sales'), t(0))).toMatchObject({ offered: 1, answered: 1, answeredWithinT: 1 });
  });
});

describe('evolve: hub decisions', () => {
  describe('given a call waiting and an agent available', () => {
    const g = () => given(site(), [...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(5), { from: '+84901234567' })]);

    it('when an offer is created then the call rings at the agent, who is reserved, and the shell is told to push the offer', () => {
      const s = g().when(ev.offer('c1', 'a1', t(6), t(21))).accepted();
      expect(s.calls.get('c1')).toMatchObject({ status: 'offering', offerAgentId: 'a1', offerExpiresAt: t(21) });
      expect(s.agents.get('a1')).toMatchObject({ state: 'reserved', offerCallId: 'c1', since: t(6) });
      expect(availableIds(s, 'booking')).toEqual(['a2']);
      expect(s.effects).toContainEqual({
        kind: 'offer',
        offer: { callId: 'c1', agentId: 'a1', queue: 'booking', queueName: 'Đặt lịch', expiresAt: t(21), offeredAt: t(5), direction: 'inbound', from: '+84901234567' },
      });
    });

    it('when the agent declines then the call waits again, remembers who declined, and the agent has one missed offer', () => {
      const s = given(g().state, [ev.offer('c1', 'a1', t(6))]).when(ev.offerRejected('c1', 'a1', t(8), 'declined')).accepted();
      expect(s.calls.get('c1')).toMatchObject({ status: 'waiting', missedOffers: 1, declinedBy: ['a1'] });
      expect(s.calls.get('c1')!.offerAgentId).toBeUndefined();
      expect(s.agents.get('a1')).toMatchObject({ state: 'available', missedInRow: 1 });
      expect(s.effects).toContainEqual({ kind: 'offerCancelled', agentId: 'a1', callId: 'c1', reason: 'declined' });
      expect(counters(s, scopeKey.agent('a1'), t(8)).missedOffers).toBe(1);
      expect(counters(s, scopeKey.queue('booking'), t(8)).missedOffers).toBe(1);
    });

    it('when the agent is disconnected then it becomes not ready (disconnected) at once', () => {
      const s = given(g().state, [ev.offer('c1', 'a1', t(6))]).when(ev.offerRejected('c1', 'a1', t(8), 'disconnected')).accepted();
      expect(s.agents.get('a1')).toMatchObject({ state: 'notReady', reason: 'disconnected', since: t(8) });
      expect(s.calls.get('c1')!.status).toBe('waiting');
    });

    it('when a supervisor overflows the call to advice then it waits there and booking records the wait so far', () => {
      const s = g().when(ev.overflowed('c1', 'advice', t(25))).accepted();
      expect(s.calls.get('c1')).toMatchObject({ queue: 'advice', path: ['booking', 'advice'], enteredQueueAt: t(25), offeredAt: t(5) });
      expect(waitingIds(s, 'booking')).toEqual([]);
      expect(counters(s, scopeKey.queue('booking'), t(5))).toMatchObject({ overflowed: 1, maxWaitMs: 20_000 });
      expect(counters(s, scopeKey.queue('advice'), t(25)).offered).toBe(1);
    });

    it('when the queue priority is changed then the queue has the new priority', () => {
      const s = g().when(ev.queuePriority('advice', 1, t(7))).accepted();
      expect(s.queues.get('advice')!.priority).toBe(1);
    });
  });
});

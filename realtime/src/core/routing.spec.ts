import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../contracts/index.ts';
import { agentDTO } from './selectors.ts';
import { dumpState, loadState } from './checkpoint.ts';
import { evolve } from './evolve.ts';
import { due, eligible, route } from './routing.ts';
import { scopeKey } from './state.ts';
import { apply, ev, fingerprint, given, ids, offers, ready, routeAt, site, t, tick } from './testing.ts';

const waitingIds = (s: ReturnType<typeof site>, queue: string) => s.queues.get(queue)!.waiting.map((c) => c.id);

describe('routing: which call first', () => {
  describe('given an agent on booking (priority 2) and advice (priority 4), with an older call in advice and a newer one in booking', () => {
    const g = () => given(site(), [ev.login('a1', t(0)), ev.offered('old-advice', 'advice', t(1)), ev.offered('new-booking', 'booking', t(20))]);

    it('when the agent becomes available then it is offered the call of the more important queue', () => {
      const s = g().when(ev.state('a1', 'available', t(30))).accepted();
      expect(routeAt(s, t(30))).toEqual(['new-booking->a1']);
    });

    it('when a supervisor raises advice above booking first then the agent gets the advice call', () => {
      const s = given(g().state, [ev.queuePriority('advice', 1, t(25))]).when(ev.state('a1', 'available', t(30))).accepted();
      expect(routeAt(s, t(30))).toEqual(['old-advice->a1']);
    });
  });

  describe('given an agent available on both queues before any call', () => {
    it('when calls arrive in both queues in the same tick then the more important queue is served first', () => {
      const s = given(site(), ready(t(0), 'a1')).state;
      expect(routeAt(s, t(0))).toEqual([]);
      apply(s, [ev.offered('adv', 'advice', t(5)), ev.offered('book', 'booking', t(6))]);
      expect(routeAt(s, t(6))).toEqual(['book->a1']);
      expect(s.calls.get('adv')!.status).toBe('waiting');
    });
  });

  describe('given two calls waiting in one queue', () => {
    it('when the newer one has a higher call priority then it is offered first', () => {
      const s = given(site(), [ev.login('a1', t(0)), ev.offered('normal', 'booking', t(1)), ev.offered('vip', 'booking', t(9), { priority: 1 })])
        .when(ev.state('a1', 'available', t(10)))
        .accepted();
      expect(waitingIds(s, 'booking')).toEqual(['vip', 'normal']);
      expect(routeAt(s, t(10))).toEqual(['vip->a1']);
    });

    it('when both have the same priority then the oldest is offered first, the next to the next agent', () => {
      const s = given(site(), [ev.login('a1', t(0)), ev.login('a2', t(0)), ev.offered('c1', 'booking', t(1)), ev.offered('c2', 'booking', t(2))]).state;
      apply(s, [ev.state('a2', 'available', t(3)), ev.state('a1', 'available', t(4))]);
      expect(routeAt(s, t(4)).sort()).toEqual(['c1->a2', 'c2->a1']);
    });
  });
});

describe('routing: which agent', () => {
  describe('given a2 idle since 08:00:00 and a1 idle since 08:00:05', () => {
    const g = () => {
      const s = given(site(), [ev.login('a1', t(0)), ev.login('a2', t(0)), ev.state('a2', 'available', t(0)), ev.state('a1', 'available', t(5))]).state;
      expect(routeAt(s, t(5))).toEqual([]);
      return given(s);
    };

    it('when a call arrives then the longest-idle agent (a2) is offered it', () => {
      const s = g().when(ev.offered('c1', 'booking', t(10))).accepted();
      expect(routeAt(s, t(10))).toEqual(['c1->a2']);
    });

    it('when a2 then handles a call and is free again then a1 is the longest idle and gets the next call', () => {
      const s = g().state;
      apply(s, [ev.offered('c1', 'booking', t(10))]);
      routeAt(s, t(10));
      apply(s, [ev.answered('c1', 'a2', t(12)), ev.ended('c1', t(50))]);
      expect(routeAt(s, t(50))).toEqual([]);
      apply(s, [ev.offered('c2', 'booking', t(60))]);
      expect(routeAt(s, t(60))).toEqual(['c2->a1']);
    });
  });

  describe('given a queue that needs medical level 5, a1 (medical 4, longest idle) and a2 (medical 7)', () => {
    const cfg = () =>
      site({
        queues: [{ id: 'care', name: 'Care', skills: { medical: 5 } }],
        agents: [
          { id: 'a1', name: 'A1', queues: ['care'], skills: { medical: 4 } },
          { id: 'a2', name: 'A2', queues: ['care'], skills: { medical: 7 } },
        ],
      });

    it('when a call arrives then it goes to a2, the only agent at the minimum level', () => {
      const s = given(cfg(), [...ready(t(0), 'a1'), ...ready(t(5), 'a2')]).state;
      expect(routeAt(s, t(5))).toEqual([]);
      apply(s, [ev.offered('c1', 'care', t(10))]);
      expect(routeAt(s, t(10))).toEqual(['c1->a2']);
    });

    it('when only a1 is available then the call keeps waiting', () => {
      const s = given(cfg(), ready(t(0), 'a1')).when(ev.offered('c1', 'care', t(10))).accepted();
      expect(routeAt(s, t(10))).toEqual([]);
      expect(s.calls.get('c1')!.status).toBe('waiting');
    });
  });

  describe('given a call that needs the skill english', () => {
    const cfg = (queueMin?: number) =>
      site({
        queues: [{ id: 'booking', name: 'Booking', ...(queueMin ? { skills: { english: queueMin } } : {}) }],
        agents: [
          { id: 'a1', name: 'A1', queues: ['booking'], skills: { vaccine: 9 } },
          { id: 'a2', name: 'A2', queues: ['booking'], skills: { english: 2 } },
        ],
      });

    it('when a1 (no english) and a2 (english 2) are free then a2 gets it', () => {
      const s = given(cfg(), ready(t(0), 'a1', 'a2')).when(ev.offered('c1', 'booking', t(10), { skills: ['english'] })).accepted();
      expect(routeAt(s, t(10))).toEqual(['c1->a2']);
    });

    it('when the queue requires english level 3 then a2 (level 2) is not eligible and it waits', () => {
      const s = given(cfg(3), ready(t(0), 'a1', 'a2')).when(ev.offered('c1', 'booking', t(10), { skills: ['english'] })).accepted();
      expect(routeAt(s, t(10))).toEqual([]);
      const q = s.queues.get('booking')!;
      const c = s.calls.get('c1')!;
      expect(eligible({ ...s.agents.get('a2')!, skills: { english: 3 } }, q, c)).toBe(true);
      expect(eligible(s.agents.get('a2')!, q, c)).toBe(false);
    });
  });

  describe('given the most-skilled strategy', () => {
    it('when a call needing vaccine arrives then the most skilled agent gets it even if not the longest idle', () => {
      const s = site({
        routingStrategy: 'most-skilled',
        queues: [{ id: 'booking', name: 'Booking' }],
        agents: [
          { id: 'a1', name: 'A1', queues: ['booking'], skills: { vaccine: 3 } },
          { id: 'a2', name: 'A2', queues: ['booking'], skills: { vaccine: 8 } },
        ],
      });
      given(s, [...ready(t(0), 'a1'), ...ready(t(5), 'a2')]);
      expect(routeAt(s, t(5))).toEqual([]);
      apply(s, [ev.offered('c1', 'booking', t(10), { skills: ['vaccine'] })]);
      expect(routeAt(s, t(10))).toEqual(['c1->a2']);
    });
  });
});

describe('routing: missed offers', () => {
  describe('given a1 and a2 free and a call offered to a1', () => {
    const g = () => {
      const s = given(site({ offerTimeoutSec: 15 }), [...ready(t(0), 'a1'), ...ready(t(1), 'a2'), ev.offered('c1', 'booking', t(10))]).state;
      expect(routeAt(s, t(10))).toEqual(['c1->a1']);
      return s;
    };

    it('when a1 declines then the call goes to a2, not back to a1', () => {
      const s = g();
      apply(s, [ev.offerRejected('c1', 'a1', t(12), 'declined')]);
      expect(routeAt(s, t(12))).toEqual(['c1->a2']);
      expect(s.agents.get('a1')!.state).toBe('available');
    });

    it('when a1 declines and a new call arrives then a1 gets the new call and a2 the declined one', () => {
      const s = g();
      apply(s, [ev.offerRejected('c1', 'a1', t(12), 'declined'), ev.offered('c2', 'booking', t(12))]);
      expect(routeAt(s, t(12)).sort()).toEqual(['c1->a2', 'c2->a1']);
    });

    it('when a1 declines while a2 is busy then the call waits for a2 rather than ringing at a1 again (a decline is not undone by the next routing pass)', () => {
      const s = g();
      apply(s, [ev.offered('other', 'booking', t(11)), ev.answered('other', 'a2', t(11)), ev.offerRejected('c1', 'a1', t(12), 'declined')]);
      expect(routeAt(s, t(12))).toEqual([]);
      apply(s, [ev.ended('other', t(20)), ev.state('a2', 'available', t(21))]);
      expect(routeAt(s, t(21))).toEqual(['c1->a2']);
    });

    it('when a1 lets the offer ring out while a2 is busy then a1 is rung again (K missed offers set an absent agent not ready)', () => {
      const s = g();
      apply(s, [ev.offered('other', 'booking', t(11)), ev.answered('other', 'a2', t(11)), ev.offerRejected('c1', 'a1', t(12), 'timeout')]);
      expect(routeAt(s, t(12))).toEqual(['c1->a1']);
    });

    it('when a1 is disconnected then a1 is not ready (disconnected) and a2 gets the call', () => {
      const s = g();
      apply(s, [ev.offerRejected('c1', 'a1', t(13), 'disconnected')]);
      expect(s.agents.get('a1')).toMatchObject({ state: 'notReady', reason: 'disconnected' });
      expect(routeAt(s, t(13))).toEqual(['c1->a2']);
    });
  });

  describe('given a call ringing at a1 (15 s timeout), a newer call waiting behind it and a2 not ready', () => {
    const g = () => {
      const s = given(site({ offerTimeoutSec: 15 }), [...ready(t(0), 'a1'), ev.login('a2', t(0)), ev.offered('c1', 'booking', t(10))]).state;
      expect(routeAt(s, t(10))).toEqual(['c1->a1']);
      apply(s, [ev.offered('c2', 'booking', t(11))]);
      expect(routeAt(s, t(11))).toEqual([]);
      return s;
    };

    it('when 14 s have passed then the offer still rings', () => {
      const s = g();
      expect(tick(s, t(24))).toEqual({ fired: [], routed: [] });
      expect(s.agents.get('a1')!.state).toBe('reserved');
    });

    it('when the offer times out as a2 becomes free then the call is back at the head of its queue and a2 gets it before the newer call', () => {
      const s = g();
      apply(s, [ev.state('a2', 'available', t(25))]);
      const { fired, routed } = tick(s, t(27));
      expect(fired).toMatchObject([{ type: 'offer.rejected', callId: 'c1', agentId: 'a1', reason: 'timeout', at: t(25) }]);
      expect(waitingIds(s, 'booking')).toEqual(['c1', 'c2']);
      expect(offers(routed)).toContain('c1->a2');
      expect(offers(routed)).not.toContain('c1->a1');
      expect(s.calls.get('c1')!.missedOffers).toBe(1);
      expect(s.agents.get('a1')!.missedInRow).toBe(1);
      expect(s.metrics.day(scopeKey.agent('a1'), t(25)).c.missedOffers).toBe(1);
    });
  });

  describe('given a single agent and K = 2 (maxMissedOffers)', () => {
    const g = () => given(site({ offerTimeoutSec: 10, maxMissedOffers: 2 }), [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(0))]).state;

    it('when two offers in a row time out then the agent becomes not ready (missed) and the call waits with nobody to ring', () => {
      const s = g();
      expect(routeAt(s, t(0))).toEqual(['c1->a1']);
      const first = tick(s, t(10));
      expect(first.fired).toMatchObject([{ type: 'offer.rejected', reason: 'timeout' }]);
      expect(offers(first.routed)).toEqual(['c1->a1']); // nobody else is free: the same agent again
      expect(s.agents.get('a1')).toMatchObject({ state: 'reserved', missedInRow: 1 });
      const second = tick(s, t(20));
      expect(second.fired).toMatchObject([{ type: 'offer.rejected', reason: 'timeout', at: t(20) }]);
      expect(second.routed).toEqual([]);
      expect(s.agents.get('a1')).toMatchObject({ state: 'notReady', reason: 'missed', missedInRow: 2, since: t(20) });
      expect(agentDTO(s, s.agents.get('a1')!, t(30))).toMatchObject({ state: 'notReady', reason: 'missed', missedInRow: 2, today: { missedOffers: 2 } });
      expect(s.calls.get('c1')).toMatchObject({ status: 'waiting', missedOffers: 2 });
    });

    it('when the agent declines the call then it is not rung at them again (it waits), and the next agent to come in gets it', () => {
      const s = g();
      expect(routeAt(s, t(0))).toEqual(['c1->a1']);
      apply(s, [ev.offerRejected('c1', 'a1', t(3), 'declined')]);
      // Not the same call again at once, as if the button had done nothing.
      expect(routeAt(s, t(3))).toEqual([]);
      expect(s.agents.get('a1')).toMatchObject({ state: 'available', missedInRow: 1 });
      expect(s.calls.get('c1')).toMatchObject({ status: 'waiting', declinedBy: ['a1'], refusedBy: ['a1'] });
      // A new call still goes to a1; the declined one goes to a2 once a2 is in.
      apply(s, [ev.offered('c2', 'booking', t(4))]);
      expect(routeAt(s, t(4))).toEqual(['c2->a1']);
      apply(s, ready(t(6), 'a2'));
      expect(routeAt(s, t(6))).toEqual(['c1->a2']);
    });

    it('when one offer times out and the next call is answered then the count starts over', () => {
      const s = g();
      routeAt(s, t(0));
      tick(s, t(10)); // miss 1, re-offered
      apply(s, [ev.answered('c1', 'a1', t(12))]);
      expect(s.agents.get('a1')!.missedInRow).toBe(0);
      apply(s, [ev.ended('c1', t(30)), ev.offered('c2', 'booking', t(31))]);
      routeAt(s, t(31));
      tick(s, t(41)); // one miss again: still not K
      expect(s.agents.get('a1')).toMatchObject({ missedInRow: 1 });
      expect(s.agents.get('a1')!.state).not.toBe('notReady');
    });
  });
});

describe('routing: overflow', () => {
  /** booking overflows after 30 s to advice; a2 serves booking only (offline), a1 advice only. */
  const cfg = () =>
    site({
      offerTimeoutSec: 20,
      queues: [
        { id: 'booking', name: 'Booking', priority: 2, overflow: { afterSec: 30, toQueue: 'advice' } },
        { id: 'advice', name: 'Advice', priority: 4 },
      ],
      agents: [
        { id: 'a1', name: 'A1', queues: ['advice'] },
        { id: 'a2', name: 'A2', queues: ['booking'] },
      ],
    });

  describe('given a call waiting in booking with nobody free there and a1 free on advice', () => {
    const g = () => given(cfg(), [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(0))]).state;

    it('when 29 s have passed then nothing moves', () => {
      const s = g();
      expect(tick(s, t(29))).toEqual({ fired: [], routed: [] });
      expect(s.calls.get('c1')!.queue).toBe('booking');
    });

    it('when 30 s have passed (seen late, at 45 s) then it overflows at 30 s to advice and is offered to a1', () => {
      const s = g();
      expect(routeAt(s, t(0))).toEqual([]);
      const { fired, routed } = tick(s, t(45));
      expect(fired).toMatchObject([{ type: 'call.overflowed', callId: 'c1', toQueue: 'advice', at: t(30) }]);
      expect(s.calls.get('c1')).toMatchObject({ queue: 'advice', path: ['booking', 'advice'], enteredQueueAt: t(30) });
      expect(offers(routed)).toEqual(['c1->a1']);
      expect(s.metrics.day(scopeKey.queue('booking'), t(0)).c).toMatchObject({ offered: 1, overflowed: 1, maxWaitMs: 30_000 });
      expect(s.metrics.day(scopeKey.queue('advice'), t(30)).c.offered).toBe(1);
    });
  });

  describe('given a call in booking ringing at a2 when its overflow time comes', () => {
    it('when the timers run then the offer is withdrawn and the call moves to advice', () => {
      const s = given(cfg(), [ev.offered('c1', 'booking', t(0)), ...ready(t(25), 'a2')]).state;
      expect(routeAt(s, t(25))).toEqual(['c1->a2']);
      const { fired } = tick(s, t(30));
      expect(fired).toMatchObject([{ type: 'call.overflowed', callId: 'c1' }]);
      expect(s.agents.get('a2')).toMatchObject({ state: 'available', missedInRow: 0 });
      expect(s.effects).toContainEqual({ kind: 'offerCancelled', agentId: 'a2', callId: 'c1', reason: 'state-change' });
      expect(waitingIds(s, 'advice')).toEqual(['c1']);
    });
  });
});

describe('routing: observe mode and closed queues', () => {
  it('given an observe-mode queue with a free member, when a call arrives then the hub never offers it', () => {
    const s = site({
      queues: [{ id: 'ext', name: 'External ACD', routing: 'observe' }],
      agents: [{ id: 'a1', name: 'A1', queues: ['ext'] }],
    });
    given(s, [...ready(t(0), 'a1'), ev.offered('c1', 'ext', t(1))]);
    expect(route(s, t(1), ids())).toEqual([]);
    apply(s, [ev.state('a1', 'break', t(2)), ev.state('a1', 'available', t(3))]);
    expect(route(s, t(3), ids())).toEqual([]);
    expect(due(s, t(600), ids())).toEqual([]);
    expect(s.calls.get('c1')!.status).toBe('waiting');
  });

  it('given a call waiting in booking and booking then closed, when an agent becomes free then the waiting call is still served', () => {
    const s = given(site(), [ev.login('a1', t(0)), ev.offered('c1', 'booking', t(1)), ev.queueStatus('booking', false, t(2))])
      .when(ev.state('a1', 'available', t(5)))
      .accepted();
    expect(routeAt(s, t(5))).toEqual(['c1->a1']);
  });

  it('given an agent accepting through the hub, when the offer is answered then the agent is on the call and nothing else rings', () => {
    const s = given(site(), [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(1))]).state;
    expect(routeAt(s, t(1))).toEqual(['c1->a1']);
    apply(s, [ev.answered('c1', 'a1', t(4))]);
    expect(s.agents.get('a1')).toMatchObject({ state: 'onCall', callId: 'c1' });
    expect(s.agents.get('a1')!.offerCallId).toBeUndefined();
    apply(s, [ev.offered('c2', 'booking', t(5))]);
    expect(routeAt(s, t(5))).toEqual([]);
  });
});

describe('routing: wrap-up', () => {
  it('given an agent in wrap-up and a call waiting, when the wrap-up time is over then the agent is available and offered the call', () => {
    const s = site({ queues: [{ id: 'booking', name: 'Booking', wrapupSec: 10 }], agents: [{ id: 'a1', name: 'A1', queues: ['booking'] }] });
    given(s, [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(1)), ev.answered('c1', 'a1', t(2)), ev.ended('c1', t(30)), ev.offered('c2', 'booking', t(31))]);
    expect(routeAt(s, t(31))).toEqual([]);
    const { fired, routed } = tick(s, t(40));
    expect(fired).toMatchObject([{ type: 'agent.state', agentId: 'a1', state: 'available', at: t(40) }]);
    expect(offers(routed)).toEqual(['c2->a1']);
  });
});

describe('routing: decisions are events', () => {
  it('given a busy morning routed by the hub, when its event log is replayed into a fresh state then the state is the same', () => {
    const cfg = () => site({ offerTimeoutSec: 10, queues: [{ id: 'booking', name: 'B', wrapupSec: 5, overflow: { afterSec: 40, toQueue: 'advice' } }, { id: 'advice', name: 'A' }] });
    const live = cfg();
    const log: DomainEvent[] = [];
    const gen = ids();
    const feed = (es: DomainEvent[]) => {
      apply(live, es);
      log.push(...es);
    };
    const run = (now: number) => {
      log.push(...due(live, now, gen));
      log.push(...route(live, now, gen));
    };
    feed([...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(1)), ev.offered('c2', 'booking', t(2)), ev.offered('c3', 'advice', t(3))]);
    run(t(3));
    feed([ev.answered('c1', 'a1', t(5))]);
    run(t(13)); // c2's offer to a2 times out; nobody else is free
    feed([ev.offerRejected('c2', 'a2', t(15), 'declined')]);
    run(t(45)); // c2 overflows to advice
    feed([ev.ended('c1', t(50))]);
    run(t(60));
    expect(log.some((e) => e.type === 'call.overflowed')).toBe(true);
    expect(log.filter((e) => e.type === 'offer.rejected').length).toBeGreaterThanOrEqual(2);

    const rebuilt = apply(cfg(), log);
    // Pending routing triggers are not state: the live hub consumed them in `route`.
    expect([...rebuilt.routeQueues].length + [...rebuilt.routeAgents].length).toBeGreaterThan(0);
    rebuilt.routeQueues.clear();
    rebuilt.routeAgents.clear();
    expect(fingerprint(rebuilt)).toBe(fingerprint(live));
    // Routing the rebuilt state offers nothing new: every decision is already in the log.
    expect(route(rebuilt, t(60), ids('x'))).toEqual([]);
  });
});

describe('routing: a call kept for its preferred agent (e.g. a campaign lead assigned to an agent)', () => {
  // booking keeps such calls 30 s for their agent (the default); advice does not keep them.
  const cfg = () =>
    site({
      queues: [
        { id: 'booking', name: 'Booking', priority: 2 },
        { id: 'advice', name: 'Advice', priority: 4, preferredAgentWaitSec: 0 },
      ],
    });

  describe('given a2 idle longer than a1, both on booking', () => {
    const g = () => {
      const s = given(cfg(), [...ready(t(0), 'a2'), ...ready(t(5), 'a1')]).state;
      expect(routeAt(s, t(5))).toEqual([]);
      return s;
    };

    it('when a call preferring a1 arrives then a1 gets it although a2 has waited longer', () => {
      const s = g();
      apply(s, [ev.offered('c1', 'booking', t(10), { preferredAgentId: 'a1' })]);
      expect(routeAt(s, t(10))).toEqual(['c1->a1']);
    });

    it('when a1 lets the offer ring out then the preference ends and a2 gets the call at once', () => {
      const s = g();
      apply(s, [ev.offered('c1', 'booking', t(10), { preferredAgentId: 'a1' })]);
      routeAt(s, t(10));
      const { fired, routed } = tick(s, t(25));
      expect(fired).toMatchObject([{ type: 'offer.rejected', agentId: 'a1', reason: 'timeout' }]);
      expect(offers(routed)).toEqual(['c1->a2']);
      expect(s.preferred.size).toBe(0);
    });
  });

  describe('given a1 on a call and a2 free', () => {
    const g = () => {
      const s = given(cfg(), [...ready(t(0), 'a1', 'a2'), ev.offered('x', 'booking', t(1)), ev.answered('x', 'a1', t(2))]).state;
      apply(s, [ev.offered('c1', 'booking', t(10), { preferredAgentId: 'a1' })]);
      return s;
    };

    it('when the call has waited less than 30 s then a2 is not offered it', () => {
      const s = g();
      expect(routeAt(s, t(10))).toEqual([]);
      expect(tick(s, t(39)).routed).toEqual([]);
      expect(s.calls.get('c1')!.status).toBe('waiting');
    });

    it('when 30 s have passed then the call is anyone\'s and a2 gets it', () => {
      const s = g();
      routeAt(s, t(10));
      expect(offers(tick(s, t(40)).routed)).toEqual(['c1->a2']);
    });

    it('when the hub restarts from a checkpoint meanwhile then the call is still kept, and released after 30 s', () => {
      const before = g();
      routeAt(before, t(10));
      const { state: s } = loadState(before.config, JSON.parse(JSON.stringify(dumpState(before))));
      expect([...s.preferred.get('a1')!].map((c) => c.id)).toEqual(['c1']);
      expect(tick(s, t(20)).routed).toEqual([]);
      expect(offers(tick(s, t(40)).routed)).toEqual(['c1->a2']);
    });

    it('when a1 becomes free then a1 takes the call kept for them before an older unkept call, which goes to a2', () => {
      const s = g();
      routeAt(s, t(10));
      apply(s, [ev.offered('older', 'booking', t(3)), ev.state('a2', 'break', t(11))]);
      expect(routeAt(s, t(11))).toEqual([]);
      apply(s, [ev.ended('x', t(20)), ev.state('a2', 'available', t(20))]);
      expect(routeAt(s, t(20)).sort()).toEqual(['c1->a1', 'older->a2']);
    });
  });

  describe('given an outbound line (a connected callee must not wait) and the preferred agent on a call', () => {
    it('when the dialer\'s call arrives then it is not kept: the free agent gets it at once', () => {
      const s = given(
        site({
          queues: [{ id: 'telesales', name: 'Telesales', direction: 'outbound' }],
          agents: [
            { id: 'a1', name: 'Agent One', queues: ['telesales'] },
            { id: 'a2', name: 'Agent Two', queues: ['telesales'] },
          ],
        }),
        [...ready(t(0), 'a1', 'a2'), ev.offered('x', 'telesales', t(1), { direction: 'outbound' }), ev.answered('x', 'a1', t(2))],
      ).state;
      expect(s.queues.get('telesales')!.preferredAgentWaitSec).toBe(0);
      apply(s, [ev.offered('lead-call', 'telesales', t(10), { direction: 'outbound', preferredAgentId: 'a1' })]);
      expect(routeAt(s, t(10))).toEqual(['lead-call->a2']);
    });
  });

  describe('given a line that keeps nothing (preferredAgentWaitSec 0) and the preferred agent away', () => {
    it('when the call arrives then the free agent gets it at once', () => {
      const s = given(cfg(), [ev.login('a1', t(0)), ...ready(t(0), 'a2'), ev.agentQueues('a2', ['advice'], t(0))]).state;
      apply(s, [ev.offered('c1', 'advice', t(10), { preferredAgentId: 'a1' })]);
      expect(routeAt(s, t(10))).toEqual(['c1->a2']);
    });
  });
});

describe('routing: an agent held while the dialer rings a lead assigned to them', () => {
  // a1 and a2 on booking (inbound) and telesales (outbound); a1 idle longest.
  const cfg = () =>
    site({
      queues: [
        { id: 'booking', name: 'Booking', priority: 2 },
        { id: 'telesales', name: 'Telesales', priority: 5, direction: 'outbound' },
      ],
      agents: [
        { id: 'a1', name: 'Agent One', queues: ['booking', 'telesales'] },
        { id: 'a2', name: 'Agent Two', queues: ['booking', 'telesales'] },
      ],
    });
  const g = () => {
    const s = given(cfg(), [...ready(t(0), 'a1'), ...ready(t(1), 'a2'), ev.agentHeld('a1', t(20), t(10))]).state;
    expect(routeAt(s, t(10))).toEqual([]);
    return s;
  };

  it('when an inbound call arrives during the ring then the other agent gets it, not the held one (though idle longer)', () => {
    const s = g();
    apply(s, [ev.offered('in1', 'booking', t(12))]);
    expect(routeAt(s, t(12))).toEqual(['in1->a2']);
  });

  it('when the lead answers then its call goes to the held agent, and the hold ends', () => {
    const s = g();
    apply(s, [ev.offered('in1', 'booking', t(12))]);
    routeAt(s, t(12));
    apply(s, [ev.offered('lead', 'telesales', t(16), { direction: 'outbound', preferredAgentId: 'a1' })]);
    expect(routeAt(s, t(16))).toEqual(['lead->a1']);
    expect(s.agents.get('a1')!.heldUntil).toBeUndefined();
    expect(s.held.size).toBe(0);
  });

  it('when the dial does not connect and the dialer releases the hold then the agent takes the waiting call at once', () => {
    const s = g();
    apply(s, [ev.offered('in1', 'booking', t(12)), ev.state('a2', 'break', t(12))]);
    expect(routeAt(s, t(12))).toEqual([]);
    apply(s, [ev.agentHeld('a1', t(15), t(15))]);
    expect(routeAt(s, t(15))).toEqual(['in1->a1']);
  });

  it('when the release is lost then the hold lapses by itself at its end, and a restart from a checkpoint keeps it meanwhile', () => {
    const before = g();
    apply(before, [ev.offered('in1', 'booking', t(12)), ev.state('a2', 'break', t(12))]);
    routeAt(before, t(12));
    const { state: s } = loadState(before.config, JSON.parse(JSON.stringify(dumpState(before))));
    expect([...s.held].map((a) => a.id)).toEqual(['a1']);
    expect(tick(s, t(19)).routed).toEqual([]);
    expect(offers(tick(s, t(20)).routed)).toEqual(['in1->a1']);
  });

  it('when an offline agent is held then the hold is refused', () => {
    const s = given(cfg(), []).state;
    expect(evolve(s, ev.agentHeld('a1', t(20), t(10)))).toBe('agent a1 is offline');
  });
});


/**
 * Queue figures over a past window count the agents who were members of the line then: moving an agent
 * to another line later does not change yesterday's (or this morning's) volume per agent.
 */
import { describe, expect, it } from 'vitest';
import { staffedIn, scopeKey } from './state.ts';
import { apply, ev, ready, site, t } from './testing.ts';

describe('given a1 on booking and advice, moved to advice only at 10 min', () => {
  const s = apply(site(), [...ready(t(0), 'a1', 'a2'), ev.agentQueues('a1', ['advice'], t(600))]);

  it('then booking\'s staffed agents before the move include a1, and after it only a2', () => {
    expect([...staffedIn(s, scopeKey.queue('booking'), t(0), t(300))].sort()).toEqual(['a1', 'a2']);
    expect([...staffedIn(s, scopeKey.queue('booking'), t(700), t(900))]).toEqual(['a2']);
    expect([...staffedIn(s, scopeKey.queue('booking'), t(500), t(700))].sort()).toEqual(['a1', 'a2']);
    expect(s.queues.get('booking')!.memberSpans.get('a1')).toEqual([[0, t(600)]]);
  });

  it('when a1 comes back to booking at 20 min but logs out at 15, then only the staffed member time counts', () => {
    const s2 = apply(site(), [
      ...ready(t(0), 'a1', 'a2'),
      ev.agentQueues('a1', ['advice'], t(600)),
      ev.logout('a1', t(900)),
      ev.agentQueues('a1', ['advice', 'booking'], t(1200)),
    ]);
    expect(s2.queues.get('booking')!.memberSpans.get('a1')).toEqual([
      [0, t(600)],
      [t(1200), Infinity],
    ]);
    // a1 is a member again from 20 min but offline since 15 min: not staffed for booking then.
    expect([...staffedIn(s2, scopeKey.queue('booking'), t(1200), t(1500))]).toEqual(['a2']);
    // Advice: a member the whole time, staffed until 15 min.
    expect([...staffedIn(s2, scopeKey.queue('advice'), t(800), t(1000))]).toEqual(['a1']);
  });
});

import { describe, expect, it } from 'vitest';
import type { AgentDTO, QueueDTO } from '$contracts/socket.ts';
import { combine } from './figures.ts';

const line = (id: string, slThresholdSec: number, slTargetPct: number, today: Partial<QueueDTO['today']>): QueueDTO =>
  ({
    id,
    name: id,
    open: true,
    direction: 'inbound',
    slTargetPct,
    slThresholdSec,
    live: { inQueue: 0, longestWaitSec: 0, oldestWaitingSince: null },
    today: { offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, answeredWithinT: 0, handled: 0, overflowed: 0, rejectedClosed: 0, maxWaitSec: 0, ...today },
  }) as unknown as QueueDTO;

describe('a wallboard tile over several chosen lines', () => {
  it('takes the strictest answer time of the lines, not a 20 s cap (lines answered within 30 s stay at 30 s)', () => {
    const t = combine([line('clinic', 30, 80, {}), line('care', 45, 90, {})], [], 'Hai line');
    expect(t.slThresholdSec).toBe(30);
    expect(t.slTargetPct).toBe(90);
    expect(combine([line('booking', 15, 80, {}), line('advice', 30, 80, {})], [], 'x').slThresholdSec).toBe(15);
  });

  it('adds the counts and recomputes the rates from them', () => {
    const t = combine(
      [line('a', 20, 80, { offered: 10, answered: 8, abandoned: 2, shortAbandoned: 1, answeredWithinT: 6 }), line('b', 20, 80, { offered: 30, answered: 27, abandoned: 3, answeredWithinT: 24 })],
      [],
      'x',
    );
    expect(t.today).toMatchObject({ offered: 40, answered: 35, abandoned: 5, shortAbandoned: 1 });
    // SL = within T / (answered + abandoned − short) = 30 / 39; abandon = (5 − 1) / (40 − 1).
    expect(t.today.serviceLevelPct).toBeCloseTo((100 * 30) / 39, 10);
    expect(t.today.abandonRatePct).toBeCloseTo((100 * 4) / 39, 10);
  });
});

describe('the agents of a wallboard tile over several chosen lines', () => {
  const agent = (id: string, state: AgentDTO['state'], reason?: string): AgentDTO => ({ id, name: id, state, ...(reason ? { reason } : {}) }) as unknown as AgentDTO;

  it('given agents not ready without a reason, then they are counted, under the state\'s own name (as the hub counts them), beside those with one', () => {
    const agents = [agent('a1', 'available'), agent('a2', 'notReady', 'lunch'), agent('a3', 'notReady'), agent('a4', 'notReady'), agent('a5', 'break'), agent('a6', 'offline')];
    const { live } = combine([line('a', 20, 80, {})], agents, 'x');
    expect(live.notReady).toEqual({ lunch: 1, notReady: 2 });
    expect(live.breakReasons).toEqual({ break: 1 });
    // Every agent signed in is in one of the states the tile shows.
    const shown = live.available + live.reserved + live.onCall + live.wrapup + live.break + Object.values(live.notReady).reduce((a, b) => a + b, 0);
    expect([shown, live.staffed]).toEqual([5, 5]);
  });
});

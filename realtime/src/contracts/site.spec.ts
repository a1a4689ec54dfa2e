import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from './site.ts';

describe('site configuration defaults', () => {
  it("given an empty configuration, then the defaults are the issue's and metrics.md's", () => {
    const c = parseSiteConfig({});
    // Offers ring 15 s; after 2 missed in a row the agent is set not ready (`missed`); longest idle first.
    expect([c.offerTimeoutSec, c.maxMissedOffers, c.routingStrategy]).toEqual([15, 2, 'longest-idle']);
    // metrics.md's parameters: T = 20 s, 80 % goal, S = 5 s, 15-minute intervals, Ho Chi Minh City's days.
    expect(c.params).toEqual({ slThresholdSec: 20, slTargetPct: 80, shortAbandonSec: 5, slBasis: 'spec' });
    expect([c.intervalMin, c.timeZone]).toEqual([15, 'Asia/Ho_Chi_Minh']);
  });

  it('given a queue with no settings of its own, then it is open, routed by the hub, priority 5, rejecting when closed, without wrap-up', () => {
    const q = parseSiteConfig({ queues: [{ id: 'advice', name: 'Tư vấn' }] }).queues[0]!;
    expect(q).toMatchObject({ open: true, routing: 'hub', priority: 5, closedAction: 'reject', wrapupSec: 0, params: {} });
  });

  it('given a bad value, then the error names the field', () => {
    expect(() => parseSiteConfig({ offerTimeoutSec: 0 })).toThrow(/offerTimeoutSec/);
    expect(() => parseSiteConfig({ intervalMin: 7 })).toThrow(/intervalMin: one of 5, 10, 15, 30, 60/);
  });
});

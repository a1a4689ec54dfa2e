/**
 * `Hub.versionParams` (run at start-up): the configuration's metric parameters become a logged version when
 * they differ from the last one, so a changed T or basis applies from then on and the days before keep theirs,
 * across a rebuild from the log too (metrics.md: never applied silently to history).
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { METRIC_FORMULAS, parseSiteConfig, type SiteConfigInput } from '../contracts/index.ts';
import { queryMetrics } from '../core/selectors.ts';
import { local, siteInput } from '../core/testing.ts';
import { MemoryEventLog } from './event-log.repository.ts';
import { Hub } from './hub.service.ts';

const MON = (hm: string) => local(`2026-03-02T${hm}`);
const TUE = (hm: string) => local(`2026-03-03T${hm}`);

/** The hub's wall clock: set by the test as the day goes on (a live hub refuses events dated ahead of it). */
let wall = 0;

async function started(log: MemoryEventLog, over: Partial<SiteConfigInput>, now: number): Promise<Hub> {
  wall = now;
  const hub = new Hub({ config: parseSiteConfig(siteInput(over)), log, logger: pino({ level: 'silent' }), clock: 'wall', now: () => wall });
  await hub.rebuild();
  return hub;
}

/** A call on the booking line answered after `waitSec`, offered at `at`. */
const call = (id: string, at: number, waitSec: number) => [
  { id: `${id}-o`, type: 'call.offered', at, callId: id, queue: 'booking', direction: 'inbound' },
  { id: `${id}-a`, type: 'call.answered', at: at + waitSec * 1000, callId: id, agentId: 'a1' },
  { id: `${id}-e`, type: 'call.ended', at: at + (waitSec + 60) * 1000, callId: id },
];

describe('versioning the metric parameters at start-up', () => {
  it('given a first start, a restart with the same configuration, then one with T = 10 s, then a rebuild: Monday keeps T = 20 s and its basis, Tuesday counts with the new ones', async () => {
    const log = new MemoryEventLog();
    let hub = await started(log, {}, MON('07:00'));
    const first = await hub.versionParams();
    expect(first).toMatchObject({ type: 'params.version', site: { slThresholdSec: 20, slBasis: 'spec' }, queues: { booking: { slThresholdSec: 20 }, advice: { slThresholdSec: 20 } } });
    const login = [{ id: 'l1', type: 'agent.login', at: MON('08:00'), agentId: 'a1' }, { id: 'l2', type: 'agent.state', at: MON('08:00'), agentId: 'a1', state: 'available' }];
    wall = MON('09:30');
    expect((await hub.ingest([...login, ...call('m1', MON('09:00'), 15)], { route: false })).accepted).toBe(5);

    // The same configuration again: nothing new.
    hub = await started(log, {}, MON('20:00'));
    expect(await hub.versionParams()).toBeNull();

    // Tuesday: the booking line now wants 10 s, answered basis.
    const changed = { queues: [{ id: 'booking', name: 'Booking', params: { slThresholdSec: 10, slBasis: 'answered' as const } }, { id: 'advice', name: 'Advice' }] };
    hub = await started(log, changed, TUE('07:00'));
    expect(await hub.versionParams()).toMatchObject({ at: TUE('07:00'), queues: { booking: { slThresholdSec: 10, slBasis: 'answered' }, advice: { slThresholdSec: 20 } } });
    wall = TUE('09:30');
    expect((await hub.ingest(call('t1', TUE('09:00'), 15), { route: false })).accepted).toBe(3);

    // Rebuilt from the log (no checkpoint) with the new configuration: the same figures.
    for (const h of [hub, await started(log, changed, TUE('12:00'))]) {
      const days = queryMetrics(h.state, { scope: 'queue', id: 'booking', from: MON('00:00'), to: TUE('23:59'), interval: 'day' }, TUE('12:00'), METRIC_FORMULAS);
      expect(days.series!.map((d) => [d.values.answeredWithinT, d.values.answered])).toEqual([[1, 1], [0, 1]]);
      expect(days.paramsChanged).toEqual([{ at: TUE('07:00'), params: { slThresholdSec: 10, slTargetPct: 80, shortAbandonSec: 5, slBasis: 'answered' } }]);
      expect(h.state.paramVersions).toHaveLength(2);
    }
  });
});

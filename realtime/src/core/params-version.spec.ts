/**
 * metrics.md: "the alternatives are settings, versioned, never applied silently to history". A version of
 * the metric parameters (`params.version`) counts the events after it; figures of a time are derived with
 * the version then in force; a replay of the log counts as the live hub did; a checkpoint keeps the versions.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_FORMULAS } from '../contracts/index.ts';
import { dumpState, loadState } from './checkpoint.ts';
import { queryMetrics, queueDTO } from './selectors.ts';
import { createState, scopeKey, type HubState } from './state.ts';
import { apply, ev, local, ready, site, siteInput } from './testing.ts';
import { parseSiteConfig, type DomainEvent } from '../contracts/index.ts';
import { deriveMetrics } from './metrics.ts';

const MON = (hm: string) => local(`2026-03-02T${hm}`);
const TUE = (hm: string) => local(`2026-03-03T${hm}`);

/** Monday with T = 20 s and the spec's basis; from Tuesday 00:00 T = 10 s and the `answered` basis. */
function twoVersions(): DomainEvent[] {
  const call = (id: string, at: number, waitSec: number): DomainEvent[] => [
    ev.offered(id, 'booking', at),
    ev.answered(id, 'a1', at + waitSec * 1000),
    ev.ended(id, at + (waitSec + 60) * 1000),
  ];
  return [
    ev.params(MON('07:00'), {}),
    ...ready(MON('08:00'), 'a1'),
    ...call('m1', MON('09:00'), 15),
    ev.offered('m2', 'booking', MON('10:00')),
    ev.abandoned('m2', MON('10:00') + 30_000),
    ev.params(TUE('00:00'), { slThresholdSec: 10, slBasis: 'answered', slTargetPct: 90 }),
    ...call('t1', TUE('09:00'), 15),
    ...call('t2', TUE('10:00'), 5),
  ];
}

describe('versioned metric parameters', () => {
  it('given T = 20 s on Monday and 10 s from Tuesday, then a 15 s answer is within T on Monday only, and each day is derived with its own basis', () => {
    const s = site();
    apply(s, twoVersions());
    const a = queryMetrics(s, { scope: 'queue', id: 'booking', from: MON('00:00'), to: TUE('23:59'), interval: 'day' }, TUE('12:00'), METRIC_FORMULAS);
    const [mon, tue] = a.series!;
    // Monday: m1 within 20 s; m2 abandoned after 30 s (not short): spec basis 1 / (1 + 1) = 50 %.
    expect([mon!.values.answeredWithinT, mon!.values.serviceLevelPct]).toEqual([1, 50]);
    // Tuesday: t1 (15 s) outside 10 s, t2 (5 s) within: answered basis 1 / 2 = 50 %.
    expect([tue!.values.answeredWithinT, tue!.values.serviceLevelPct]).toEqual([1, 50]);
    // The total with the version in force at the end, and the change named with its time and parameters.
    expect(a.params).toMatchObject({ slThresholdSec: 10, slBasis: 'answered', slTargetPct: 90 });
    expect(a.paramsChanged).toEqual([{ at: TUE('00:00'), params: { slThresholdSec: 10, slTargetPct: 90, shortAbandonSec: 5, slBasis: 'answered' } }]);
    // Monday alone: Monday's version, nothing changed inside it.
    const monday = queryMetrics(s, { scope: 'queue', id: 'booking', from: MON('00:00'), to: TUE('00:00') }, TUE('12:00'), METRIC_FORMULAS);
    expect([monday.params.slThresholdSec, monday.params.slBasis, monday.total.serviceLevelPct, monday.paramsChanged]).toEqual([20, 'spec', 50, undefined]);
    // The board shows the version in force.
    expect(queueDTO(s, s.queues.get('booking')!, TUE('12:00'))).toMatchObject({ slThresholdSec: 10, slTargetPct: 90 });
  });

  it('given the log replayed on a hub whose configuration has changed since, then every event counts with the version logged before it', () => {
    const live = site();
    apply(live, twoVersions());
    // The configuration now says T = 30 s for everything: the replay still counts Monday with 20 and Tuesday with 10.
    const replayed = createState(parseSiteConfig(siteInput({ params: { slThresholdSec: 30, slTargetPct: 80, shortAbandonSec: 5, slBasis: 'offered' } })));
    apply(replayed, twoVersions());
    for (const day of [MON('12:00'), TUE('12:00')]) {
      const b = (s: HubState) => s.metrics.day(scopeKey.queue('booking'), day).c;
      expect(b(replayed)).toEqual(b(live));
    }
    expect(replayed.siteParams).toEqual(live.siteParams);
  });

  it('given a checkpoint, when it is loaded with another configuration, then the versions and the parameters in force are the logged ones', () => {
    const s = site();
    apply(s, twoVersions());
    const other = parseSiteConfig(siteInput({ params: { slThresholdSec: 30, slTargetPct: 80, shortAbandonSec: 5, slBasis: 'offered' } }));
    const { state } = loadState(other, JSON.parse(JSON.stringify(dumpState(s))));
    expect(state.paramVersions).toEqual(s.paramVersions);
    expect(state.queues.get('booking')!.params).toEqual({ slThresholdSec: 10, slTargetPct: 90, shortAbandonSec: 5, slBasis: 'answered' });
    expect(state.siteParams).toEqual(s.siteParams);
    // Monday is still derived with Monday's basis.
    const mon = queryMetrics(state, { scope: 'site', from: MON('00:00'), to: TUE('00:00') }, TUE('12:00'), METRIC_FORMULAS);
    expect(mon.params.slBasis).toBe('spec');
    expect(mon.total.serviceLevelPct).toBe(deriveMetrics(state.metrics.day(scopeKey.site, MON('12:00')), { ...state.siteParams, slBasis: 'spec' }).serviceLevelPct);
  });

  it('given a line created on the fly after a version, then it takes the site parameters in force', () => {
    const s = site({ autoCreateQueues: true });
    apply(s, [ev.params(MON('07:00'), { slThresholdSec: 12 }), ev.offered('x1', 'new-line', MON('09:00'))]);
    expect(s.queues.get('new-line')!.params.slThresholdSec).toBe(12);
  });
});

/**
 * Interval aggregates do not depend on how the events are cut into batches: the latest row of every
 * bucket is the same whether a morning is applied in one batch, in batches of 7 events, or in batches
 * spanning many days (the store drops old intervals as event time moves on; none may be lost).
 */
import { describe, expect, it } from 'vitest';
import { parseCtiEvent, parseSiteConfig, type DomainEvent } from '../contracts/index.ts';
import { SiteCalendar } from '../core/time.ts';
import { demoSiteInput } from '../site/demo-site.ts';
import { createRecordState, recordsFromEvents, type IntervalAggregateRecord } from '../storage/records.ts';
import { simulateToEvents } from '../../../scripts/src/sim/index.ts';
import { dayStartOf } from './reports.service.ts';

const site = parseSiteConfig({ ...demoSiteInput(2), id: 'agg' });
const cal = new SiteCalendar(site.timeZone, site.intervalMin);

function events(start: number, hours: number, seed: number): DomainEvent[] {
  return simulateToEvents({ site, start, durationMs: hours * 3_600_000, drainMs: 1_800_000, seed, idPrefix: `s${seed}` }).map((e) => {
    const p = parseCtiEvent(e);
    if (!p.ok) throw new Error(p.errors.join('; '));
    return p.event;
  });
}

function latest(evs: DomainEvent[], size: number): Map<string, IntervalAggregateRecord> {
  const st = createRecordState(site);
  const out = new Map<string, IntervalAggregateRecord>();
  for (let i = 0; i < evs.length; i += size) {
    for (const g of recordsFromEvents(evs.slice(i, i + size), st).aggregates) out.set(`${g.scope}|${g.scopeId}|${g.intervalStart.getTime()}`, g);
  }
  return out;
}

describe('interval aggregates and batching', () => {
  it('one batch, batches of 7 events, and one batch over 12 days give the same buckets, and they add up to the day', () => {
    const d0 = dayStartOf(cal, '2026-03-02');
    // Two mornings twelve days apart: one batch spans more than the store's 8 days of intervals.
    const evs = [...events(d0 + 8 * 3_600_000, 2, 1), ...events(d0 + 12 * 86_400_000 + 8 * 3_600_000, 2, 2)];
    const whole = latest(evs, evs.length);
    const small = latest(evs, 7);
    expect(whole.size).toBeGreaterThan(50);
    expect([...small.keys()].sort()).toEqual([...whole.keys()].sort());
    for (const [k, g] of whole) expect(small.get(k), k).toEqual(g);
    // The buckets of the first morning, summed, equal the engine's day bucket.
    const st = createRecordState(site);
    recordsFromEvents(evs, st);
    const day = st.hub.metrics.day('site', d0).c;
    let offered = 0;
    let handleMs = 0;
    for (const g of whole.values()) {
      if (g.scope !== 'site' || cal.dayStart(g.intervalStart.getTime()) !== d0) continue;
      offered += g.counters.offered!;
      handleMs += g.counters.handleMs!;
    }
    expect(offered).toBe(day.offered);
    expect(handleMs).toBe(day.handleMs);
    expect(offered).toBeGreaterThan(20);
  });
});

/**
 * The metrics of `shared/spec/metrics.md`, each checked against numbers computed by hand from a
 * small day of calls.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_FORMULAS, type MetricValues } from '../contracts/index.ts';
import { dumpState, loadState } from './checkpoint.ts';
import { accrueAll } from './evolve.ts';
import { deriveMetrics } from './metrics.ts';
import { due } from './routing.ts';
import { queryMetrics, queueDTO, siteDTO, teamDTO, type MetricsQuery } from './selectors.ts';
import { scopeKey, type HubState } from './state.ts';
import { apply, ev, ids, local, ready, site, t } from './testing.ts';

const total = (s: HubState, q: MetricsQuery, now: number): MetricValues => queryMetrics(s, q, now, METRIC_FORMULAS).total;

/**
 * booking: T = 20 s, S = 5 s, wrap-up 10 s. Agents a1, a2 (team t1), a3, a4 (team t2), all available at 0.
 *
 * | call | offered | answered / abandoned | wait | talk + hold + wrap-up     |
 * |------|---------|----------------------|------|---------------------------|
 * | c1   | 0       | a1 at 10             | 10   | 10..70 + wrap to 80 = 70  |
 * | c2   | 5       | a2 at 35             | 30   | 35..125 (hold 50..60) + wrap to 135 = 100 |
 * | c3   | 20      | abandoned 23         | 3    | short (< S)               |
 * | c4   | 30      | abandoned 42         | 12   |                           |
 * | c5   | 40      | a3 at 60             | 20   | 60..100 + wrap to 110 = 50 (wait = T: within T) |
 * | c6   | 50      | abandoned 55         | 5    | not short (= S)           |
 * a1 goes on break at 150; figures are read at 200.
 */
function dayOfCalls(over: Parameters<typeof site>[0] = {}): HubState {
  const s = site({
    queues: [{ id: 'booking', name: 'Booking', wrapupSec: 10 }],
    agents: [
      { id: 'a1', name: 'A1', teamId: 't1', queues: ['booking'] },
      { id: 'a2', name: 'A2', teamId: 't1', queues: ['booking'] },
      { id: 'a3', name: 'A3', teamId: 't2', queues: ['booking'] },
      { id: 'a4', name: 'A4', teamId: 't2', queues: ['booking'] },
    ],
    ...over,
  });
  apply(s, [
    ...ready(t(0), 'a1', 'a2', 'a3', 'a4'),
    ev.offered('c1', 'booking', t(0)),
    ev.offered('c2', 'booking', t(5)),
    ev.answered('c1', 'a1', t(10)),
    ev.offered('c3', 'booking', t(20)),
    ev.abandoned('c3', t(23)),
    ev.offered('c4', 'booking', t(30)),
    ev.answered('c2', 'a2', t(35)),
    ev.offered('c5', 'booking', t(40)),
    ev.abandoned('c4', t(42)),
    ev.offered('c6', 'booking', t(50)),
    ev.held('c2', t(50)),
    ev.abandoned('c6', t(55)),
    ev.resumed('c2', t(60)),
    ev.answered('c5', 'a3', t(60)),
    ev.ended('c1', t(70)),
  ]);
  due(s, t(80), ids());
  apply(s, [ev.ended('c5', t(100))]);
  due(s, t(110), ids());
  apply(s, [ev.ended('c2', t(125))]);
  due(s, t(135), ids());
  apply(s, [ev.state('a1', 'break', t(150))]);
  accrueAll(s, t(200));
  return s;
}

const NOW = t(200);

describe('metrics: inbound queue metrics', () => {
  describe('given the day of calls on booking', () => {
    const s = dayOfCalls();
    const m = total(s, { scope: 'queue', id: 'booking' }, NOW);

    it('when the queue figures are read then offered, answered, abandoned, shortAbandoned and answeredWithinT are the counts', () => {
      expect(m).toMatchObject({ offered: 6, answered: 3, abandoned: 3, shortAbandoned: 1, answeredWithinT: 2, handled: 3 });
    });

    it('when the site figures are read then, with one queue, they are the same (c6 at exactly S is not short, c5 at exactly T is within T)', () => {
      const site = total(s, { scope: 'site' }, NOW);
      expect(site).toMatchObject({ offered: 6, answered: 3, abandoned: 3, shortAbandoned: 1, answeredWithinT: 2, handled: 3, maxWaitSec: 30 });
      expect(site.serviceLevelPct).toBeCloseTo(40, 10);
      expect(site.asaSec).toBeCloseTo(20, 10);
    });

    it('when the service level is read then it is 100 · 2 / (3 + 3 − 1) = 40 %', () => {
      expect(m.serviceLevelPct).toBeCloseTo(40, 10);
    });

    it('when the abandon rates are read then abandonRatePct = 100 · (3 − 1) / (6 − 1) = 40 % and the raw rate = 50 %', () => {
      expect(m.abandonRatePct).toBeCloseTo(40, 10);
      expect(m.abandonRateRawPct).toBeCloseTo(50, 10);
    });

    it('when waits are read then ASA = (10 + 30 + 20) / 3 = 20 s, average abandon wait = (3 + 12 + 5) / 3 s, max wait = 30 s', () => {
      expect(m.asaSec).toBeCloseTo(20, 10);
      expect(m.avgAbandonWaitSec).toBeCloseTo(20 / 3, 10);
      expect(m.maxWaitSec).toBe(30);
    });

    it('when AHT is read then it is (70 + 100 + 50) / 3 s: talk + hold + wrap-up', () => {
      expect(m.ahtSec).toBeCloseTo(220 / 3, 10);
    });

    it('when nothing was transferred then the transfer rate is 0 % of answered', () => {
      expect(m.transferRatePct).toBe(0);
    });
  });

  describe('given the same calls with the other service-level bases', () => {
    it('when the queue uses the answered basis (Asterisk) then SL = 100 · 2 / 3', () => {
      const s = dayOfCalls({
        queues: [{ id: 'booking', name: 'Booking', wrapupSec: 10, params: { slBasis: 'answered' } }],
      });
      const r = queryMetrics(s, { scope: 'queue', id: 'booking' }, NOW, METRIC_FORMULAS);
      expect(r.params.slBasis).toBe('answered');
      expect(r.total.serviceLevelPct).toBeCloseTo(200 / 3, 10);
    });

    it('when the offered basis is used then SL = 100 · 2 / 6', () => {
      const s = dayOfCalls();
      const b = s.metrics.day(scopeKey.queue('booking'), NOW);
      expect(deriveMetrics(b, { ...s.config.params, slBasis: 'offered' }).serviceLevelPct).toBeCloseTo(100 / 3, 10);
      expect(deriveMetrics(b, { ...s.config.params, slBasis: 'spec' }).serviceLevelPct).toBeCloseTo(40, 10);
    });

    it('when the queue sets T = 10 s and S = 3 s then c1 (10 s) is the only answer within T and no abandon is short', () => {
      const s = dayOfCalls({
        queues: [{ id: 'booking', name: 'Booking', wrapupSec: 10, params: { slThresholdSec: 10, shortAbandonSec: 3 } }],
      });
      const m = total(s, { scope: 'queue', id: 'booking' }, NOW);
      expect(m).toMatchObject({ answeredWithinT: 1, shortAbandoned: 0 });
      expect(m.serviceLevelPct).toBeCloseTo((100 * 1) / 6, 10);
      expect(m.abandonRatePct).toBeCloseTo(50, 10);
    });
  });

  describe('given no calls at all', () => {
    it('when the figures are read then ratios are null, never NaN', () => {
      const m = total(site(), { scope: 'queue', id: 'booking' }, NOW);
      expect(m).toMatchObject({ offered: 0, serviceLevelPct: null, abandonRatePct: null, asaSec: null, ahtSec: null, occupancyPct: null, maxWaitSec: 0 });
    });
  });

  describe('given a call still waiting', () => {
    it('when it has waited longer than any finished call then the queue board shows its wait as the max wait', () => {
      const s = dayOfCalls();
      apply(s, [ev.offered('c7', 'booking', t(150))]);
      const dto = queueDTO(s, s.queues.get('booking')!, NOW);
      expect(dto.live).toMatchObject({ inQueue: 1, longestWaitSec: 50, oldestWaitingSince: t(150) });
      expect(dto.today.maxWaitSec).toBe(50);
      expect(dto.last30.maxWaitSec).toBe(50);
      expect(siteDTO(s, NOW).today.maxWaitSec).toBe(50);
    });

    it('when the metrics API is asked, then its max wait counts the waiting call too, in the total and in the interval it was offered in', () => {
      const s = dayOfCalls();
      apply(s, [ev.offered('c7', 'booking', t(150))]);
      for (const scope of [{ scope: 'queue', id: 'booking' }, { scope: 'site' }] as const) {
        const a = queryMetrics(s, { ...scope, interval: 'interval' }, NOW, METRIC_FORMULAS);
        expect([scope.scope, a.total.maxWaitSec]).toEqual([scope.scope, 50]);
        const at = a.series!.findLast((x) => x.start <= t(150))!;
        expect(at.values.maxWaitSec).toBe(50);
        expect(total(s, { ...scope, windowMin: 15 }, NOW).maxWaitSec).toBe(50);
      }
      // A team's figures hold answered calls only.
      expect(total(s, { scope: 'team', id: 't1' }, NOW).maxWaitSec).toBe(30);
    });

    it('when it was offered 45 minutes ago, then it is the max wait of the day but not of the last 30 or 15 minutes (offered before them)', () => {
      const s = dayOfCalls();
      apply(s, [ev.offered('c7', 'booking', t(150))]);
      const later = t(150) + 45 * 60_000;
      const dto = queueDTO(s, s.queues.get('booking')!, later);
      expect(dto.live.longestWaitSec).toBe(45 * 60);
      expect([dto.today.maxWaitSec, dto.last30.maxWaitSec]).toEqual([45 * 60, 0]);
      const site = siteDTO(s, later);
      expect([site.today.maxWaitSec, site.last30.maxWaitSec]).toEqual([45 * 60, 0]);
      expect(total(s, { scope: 'queue', id: 'booking', windowMin: 15 }, later).maxWaitSec).toBe(0);
      expect(total(s, { scope: 'queue', id: 'booking' }, later).maxWaitSec).toBe(45 * 60);
    });

    it('when it has waited less than the longest finished call then the max wait stays 30 s', () => {
      const s = dayOfCalls();
      apply(s, [ev.offered('c7', 'booking', t(190))]);
      expect(queueDTO(s, s.queues.get('booking')!, NOW).today.maxWaitSec).toBe(30);
    });
  });

  describe('given calls of which one is transferred', () => {
    it('when the transfer rate is read then it is 100 · transferred / answered', () => {
      const s = site({ agents: [{ id: 'a1', name: 'A1', queues: ['booking', 'advice'] }] });
      apply(s, ready(t(0), 'a1'));
      for (let i = 1; i <= 4; i++) {
        const at = t(i * 100);
        apply(s, [ev.offered(`c${i}`, 'booking', at), ev.answered(`c${i}`, 'a1', at + 1000)]);
        apply(s, [i === 4 ? ev.transferredToQueue(`c${i}`, 'advice', at + 50_000) : ev.ended(`c${i}`, at + 50_000)]);
      }
      const m = total(s, { scope: 'queue', id: 'booking' }, t(1000));
      expect(m.answered).toBe(4);
      expect(m.transferRatePct).toBeCloseTo(25, 10);
      expect(total(s, { scope: 'queue', id: 'advice' }, t(1000)).offered).toBe(1);
    });

    it('when a call transferred to another queue is answered there then the site counts one answer with its first wait', () => {
      const s = site();
      apply(s, [
        ...ready(t(0), 'a1', 'a2'),
        ev.offered('c1', 'booking', t(0)),
        ev.answered('c1', 'a1', t(5)),
        ev.transferredToQueue('c1', 'advice', t(305)),
        ev.answered('c1', 'a1', t(310)),
        ev.ended('c1', t(400)),
      ]);
      const siteM = total(s, { scope: 'site' }, t(500));
      expect(siteM).toMatchObject({ offered: 1, answered: 1, answeredWithinT: 1, maxWaitSec: 5 });
      expect(siteM.asaSec).toBe(5);
      // Each queue counts the call it was offered.
      expect(total(s, { scope: 'queue', id: 'booking' }, t(500))).toMatchObject({ offered: 1, answered: 1, transferRatePct: 100 });
      expect(total(s, { scope: 'queue', id: 'advice' }, t(500))).toMatchObject({ offered: 1, answered: 1, asaSec: 5 });
    });

    it('when a call transferred to another queue is abandoned there then the site keeps it answered, and only the new queue counts the abandon', () => {
      const s = site();
      apply(s, [
        ...ready(t(0), 'a1'),
        ev.offered('c1', 'booking', t(0)),
        ev.answered('c1', 'a1', t(5)),
        ev.transferredToQueue('c1', 'advice', t(305)),
        ev.abandoned('c1', t(330)),
      ]);
      expect(total(s, { scope: 'site' }, t(500))).toMatchObject({ offered: 1, answered: 1, abandoned: 0, maxWaitSec: 5 });
      expect(total(s, { scope: 'queue', id: 'advice' }, t(500))).toMatchObject({ offered: 1, abandoned: 1, avgAbandonWaitSec: 25 });
    });
  });
});

describe('metrics: agent metrics', () => {
  describe('given the day of calls, read at 200 s', () => {
    const s = dayOfCalls();

    it('when a1 is read then occupancy = 70 / (70 + 80) and utilization = 70 / 200 (its break is staffed, not available)', () => {
      const m = total(s, { scope: 'agent', id: 'a1' }, NOW);
      expect(m.handled).toBe(1);
      expect(m.occupancyPct).toBeCloseTo((100 * 70) / 150, 10);
      expect(m.utilizationPct).toBeCloseTo(35, 10);
      expect(m.ahtSec).toBe(70);
    });

    it('when a2 and a4 are read then a2 is 50 % occupied (100 s busy, 100 s available) and idle a4 is 0 %', () => {
      expect(total(s, { scope: 'agent', id: 'a2' }, NOW)).toMatchObject({ handled: 1, occupancyPct: 50, utilizationPct: 50, ahtSec: 100 });
      expect(total(s, { scope: 'agent', id: 'a4' }, NOW)).toMatchObject({ handled: 0, occupancyPct: 0, utilizationPct: 0, ahtSec: null });
    });

    it('when the site is read then occupancy = 220 / 750, utilization = 220 / 800 and volume per agent = 3 handled / 4 staffed', () => {
      const m = total(s, { scope: 'site' }, NOW);
      expect(m.occupancyPct).toBeCloseTo((100 * 220) / 750, 10);
      expect(m.utilizationPct).toBeCloseTo(27.5, 10);
      expect(m.staffedAgents).toBe(4);
      expect(m.volumePerAgent).toBeCloseTo(0.75, 10);
    });

    it('when the teams are read then t1 handled 2 with 2 staffed and t2 handled 1 with 2 staffed', () => {
      expect(total(s, { scope: 'team', id: 't1' }, NOW)).toMatchObject({ handled: 2, staffedAgents: 2, volumePerAgent: 1 });
      expect(total(s, { scope: 'team', id: 't1' }, NOW).occupancyPct).toBeCloseTo((100 * 170) / 350, 10);
      expect(total(s, { scope: 'team', id: 't2' }, NOW)).toMatchObject({ handled: 1, staffedAgents: 2, volumePerAgent: 0.5 });
    });

    it('when the team board is read later without a new accrual then the ongoing time is included', () => {
      // a3 and a4 have been available since 110 s and 0 s; at 300 s both add 100 s of available time.
      const dto = teamDTO(s, 't2', t(300));
      expect(dto.today.occupancyPct).toBeCloseTo((100 * 50) / (50 + 150 + 100 + 200 + 100), 10);
    });
  });

  describe('given an agent whose offer rang 10 s before it answered', () => {
    it('when occupancy is read then the ringing time counts as available time, not handle time', () => {
      const s = site();
      apply(s, [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(10)), ev.offer('c1', 'a1', t(10)), ev.answered('c1', 'a1', t(20))]);
      accrueAll(s, t(80));
      // available 0..10 + reserved 10..20 = 20 s; on call 20..80 = 60 s.
      expect(total(s, { scope: 'agent', id: 'a1' }, t(80)).occupancyPct).toBeCloseTo(75, 10);
    });
  });

  describe('given an agent who let offers ring out and declined one', () => {
    it('when missed offers are read then each timeout and each decline counts, for the agent and the queue', () => {
      const s = site({ maxMissedOffers: 5 });
      apply(s, [
        ...ready(t(0), 'a1'),
        ev.offered('c1', 'booking', t(1)),
        ev.offer('c1', 'a1', t(1)),
        ev.offerRejected('c1', 'a1', t(16), 'timeout'),
        ev.offer('c1', 'a1', t(16)),
        ev.offerRejected('c1', 'a1', t(20), 'declined'),
        ev.offer('c1', 'a1', t(21)),
        ev.answered('c1', 'a1', t(22)),
      ]);
      expect(total(s, { scope: 'agent', id: 'a1' }, t(30)).missedOffers).toBe(2);
      expect(total(s, { scope: 'queue', id: 'booking' }, t(30)).missedOffers).toBe(2);
      expect(total(s, { scope: 'team', id: 't1' }, t(30)).missedOffers).toBe(2);
    });
  });
});

describe('metrics: outbound campaign metrics', () => {
  /** camp1: 5 dials, 3 connected; d1 sold (100), d2 not interested, d3 dropped before an agent answered. */
  function campaign(): HubState {
    const s = site({
      queues: [{ id: 'sales', name: 'Sales', direction: 'outbound' }],
      agents: [
        { id: 's1', name: 'S1', teamId: 't1', queues: ['sales'] },
        { id: 's2', name: 'S2', teamId: 't1', queues: ['sales'] },
      ],
    });
    const out = (id: string, at: number) => ev.offered(id, 'sales', at, { direction: 'outbound', campaignId: 'camp1', leadId: `lead-${id}` });
    apply(s, [
      ...ready(t(0), 's1', 's2'),
      ev.dialed('d1', 'camp1', 'connected', t(0)),
      out('d1', t(0)),
      ev.dialed('d2', 'camp1', 'connected', t(1)),
      out('d2', t(1)),
      ev.dialed('d3', 'camp1', 'connected', t(2)),
      out('d3', t(2)),
      ev.dialed('d4', 'camp1', 'busy', t(3)),
      ev.dialed('d5', 'camp1', 'no_answer', t(4)),
      ev.answered('d1', 's1', t(3)),
      ev.answered('d2', 's2', t(4)),
      ev.abandoned('d3', t(6)),
      ev.ended('d1', t(60)),
      ev.outcome('d1', t(65), { disposition: 'sold', revenue: 100 }),
      ev.ended('d2', t(70)),
      ev.outcome('d2', t(75), { disposition: 'not-interested' }),
    ]);
    return s;
  }

  it('given the campaign, when its figures are read then attempts 5, connectivity 60 %, drop rate 1/3, conversion 1/2, revenue 100', () => {
    const m = total(campaign(), { scope: 'campaign', id: 'camp1' }, t(100));
    expect(m.attempts).toBe(5);
    expect(m.connectivityRatePct).toBeCloseTo(60, 10);
    expect(m.dropRatePct).toBeCloseTo(100 / 3, 10);
    expect(m.conversionRatePct).toBeCloseTo(50, 10);
    expect(m.revenue).toBe(100);
    expect(m.handled).toBe(2);
  });

  it("given s1 and s2 answering the campaign's calls, then its agents are those two and its volume per agent 1 (nobody is a member of a campaign)", () => {
    const s = campaign();
    const m = total(s, { scope: 'campaign', id: 'camp1' }, t(100));
    expect(m.staffedAgents).toBe(2);
    expect(m.volumePerAgent).toBe(1);
    // Only the calls of its range: none offered in the next interval.
    expect(queryMetrics(s, { scope: 'campaign', id: 'camp1', from: t(15 * 60), to: t(30 * 60) }, t(30 * 60), {}).total.staffedAgents).toBe(0);
  });

  it('given s1 transferring a campaign call to s3 and s2 one to a line where it is abandoned, then its agents are all three who worked its calls, and a checkpoint keeps them', () => {
    const s = site({
      queues: [{ id: 'sales', name: 'Sales', direction: 'outbound' }],
      agents: ['s1', 's2', 's3'].map((id) => ({ id, name: id.toUpperCase(), teamId: 't1', queues: ['sales'] })),
    });
    const out = (id: string, at: number) => ev.offered(id, 'sales', at, { direction: 'outbound', campaignId: 'camp1' });
    apply(s, [
      ...ready(t(0), 's1', 's2', 's3'),
      out('d1', t(1)),
      ev.answered('d1', 's1', t(3)),
      ev.transferredToAgent('d1', 's3', t(30)),
      ev.ended('d1', t(60)),
      out('d2', t(2)),
      ev.answered('d2', 's2', t(4)),
      ev.transferredToQueue('d2', 'sales', t(40)),
      ev.abandoned('d2', t(50)),
    ]);
    expect(s.calls.get('d1')?.previousAgents ?? s.recordIndex.get('d1')?.previousAgents).toEqual(['s1']);
    const m = total(s, { scope: 'campaign', id: 'camp1' }, t(900));
    expect(m.staffedAgents).toBe(3);
    const back = loadState(s.config, JSON.parse(JSON.stringify(dumpState(s)))).state;
    expect(total(back, { scope: 'campaign', id: 'camp1' }, t(900)).staffedAgents).toBe(3);
  });

  it('given the campaign, when the outcome of d1 is corrected to revenue 250 then revenue is 250, not 350', () => {
    const s = campaign();
    apply(s, [ev.outcome('d1', t(90), { revenue: 250 })]);
    const m = total(s, { scope: 'campaign', id: 'camp1' }, t(100));
    expect(m.revenue).toBe(250);
    expect(m.conversionRatePct).toBeCloseTo(50, 10);
    expect(s.metrics.day(scopeKey.campaign('camp1'), t(100)).c.outcomes).toBe(2);
    expect(total(s, { scope: 'site' }, t(100)).revenue).toBe(250);
  });

  it('given the campaign, when d2 is corrected to sold (50) and d1 to not-interested then conversions and revenue are replaced', () => {
    const s = campaign();
    apply(s, [ev.outcome('d2', t(90), { disposition: 'sold', revenue: 50 }), ev.outcome('d1', t(91), { disposition: 'not-interested', revenue: 0 })]);
    const m = total(s, { scope: 'campaign', id: 'camp1' }, t(100));
    expect(m.conversionRatePct).toBeCloseTo(50, 10);
    expect(m.revenue).toBe(50);
    expect(s.recordIndex.get('d1')).toMatchObject({ disposition: 'not-interested', revenue: 0 });
  });

  it('given an inbound call with a success disposition, when conversions are read then it does not count (conversion is outbound)', () => {
    const s = site();
    apply(s, [...ready(t(0), 'a1'), ev.offered('c1', 'booking', t(0)), ev.answered('c1', 'a1', t(1)), ev.ended('c1', t(9)), ev.outcome('c1', t(10), { disposition: 'booked', revenue: 30 })]);
    const c = s.metrics.day(scopeKey.site, t(0)).c;
    expect(c).toMatchObject({ conversions: 0, outboundHandled: 0, revenue: 30 });
    expect(total(s, { scope: 'site' }, t(20)).conversionRatePct).toBeNull();
  });
});

describe('metrics: attribution to the interval and day the call was offered', () => {
  describe('given a call offered at 23:55 site time and answered at 00:02 the next day', () => {
    const s = site();
    apply(s, [
      ...ready(local('2026-03-02T23:50'), 'a1'),
      ev.offered('late', 'booking', local('2026-03-02T23:55')),
      ev.answered('late', 'a1', local('2026-03-03T00:02')),
      ev.ended('late', local('2026-03-03T00:05')),
    ]);
    const now = local('2026-03-03T00:10');

    it('when the earlier day is read then it has the call offered, answered (wait 420 s) and handled', () => {
      const m = total(s, { scope: 'queue', id: 'booking', from: local('2026-03-02T00:00'), to: local('2026-03-03T00:00') }, now);
      expect(m).toMatchObject({ offered: 1, answered: 1, handled: 1, asaSec: 420, answeredWithinT: 0 });
      expect(total(s, { scope: 'site', from: local('2026-03-02T00:00'), to: local('2026-03-03T00:00'), interval: 'day' }, now).answered).toBe(1);
    });

    it('when today (the later day) is read then it has none of it', () => {
      const m = total(s, { scope: 'queue', id: 'booking' }, now);
      expect(m).toMatchObject({ offered: 0, answered: 0, handled: 0 });
      expect(queueDTO(s, s.queues.get('booking')!, now).today.answered).toBe(0);
    });
  });

  describe('given a call offered at 08:14:50 and answered at 08:15:20, and another offered at 08:15:00', () => {
    it('when the 15-minute series is read then the first call is in 08:00-08:15 and the second in 08:15-08:30', () => {
      const s = site();
      apply(s, [
        ...ready(local('2026-03-02T08:00'), 'a1', 'a2'),
        ev.offered('c1', 'booking', local('2026-03-02T08:14:50')),
        ev.offered('c2', 'booking', local('2026-03-02T08:15:00')),
        ev.answered('c1', 'a1', local('2026-03-02T08:15:20')),
        ev.abandoned('c2', local('2026-03-02T08:15:30')),
      ]);
      const r = queryMetrics(s, { scope: 'queue', id: 'booking', interval: 'interval' }, local('2026-03-02T08:20'), METRIC_FORMULAS);
      expect(r.series!.map((x) => [x.start, x.values.offered, x.values.answered, x.values.abandoned, x.values.asaSec])).toEqual([
        [local('2026-03-02T08:00'), 1, 1, 0, 30],
        [local('2026-03-02T08:15'), 1, 0, 1, null],
      ]);
      expect(r.total).toMatchObject({ offered: 2, answered: 1, abandoned: 1 });
    });
  });

  describe('given a call at 20:50 and the next at 23:05, none between', () => {
    it('when the 15-minute series is read then the quiet intervals between are in it with zero calls', () => {
      const s = site();
      apply(s, [
        ev.offered('c1', 'booking', local('2026-03-02T20:50')),
        ev.abandoned('c1', local('2026-03-02T20:51')),
        ev.offered('c2', 'booking', local('2026-03-02T23:05')),
      ]);
      const r = queryMetrics(s, { scope: 'queue', id: 'booking', interval: 'interval' }, local('2026-03-02T23:06'), METRIC_FORMULAS);
      const starts = r.series!.map((x) => x.start);
      expect(starts).toHaveLength(10);
      expect(starts[0]).toBe(local('2026-03-02T20:45'));
      expect(starts[9]).toBe(local('2026-03-02T23:00'));
      expect(starts.every((t, i) => i === 0 || t - starts[i - 1]! === 15 * 60_000)).toBe(true);
      expect(r.series!.map((x) => x.values.offered)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
      expect(r.series![1]!.values.serviceLevelPct).toBeNull();
    });
  });

  describe('given calls on a Monday and a Wednesday, none on the Tuesday', () => {
    it('when the day series of the week is read then it runs Monday to Wednesday, the Tuesday with zero calls', () => {
      const s = site();
      apply(s, [ev.offered('m', 'booking', local('2026-03-02T09:00')), ev.abandoned('m', local('2026-03-02T09:01')), ev.offered('w', 'booking', local('2026-03-04T09:00'))]);
      const r = queryMetrics(s, { scope: 'queue', id: 'booking', from: local('2026-03-01T00:00'), to: local('2026-03-08T00:00'), interval: 'day' }, local('2026-03-08T00:00'), METRIC_FORMULAS);
      expect(r.series!.map((x) => [x.start, x.values.offered])).toEqual([
        [local('2026-03-02T00:00'), 1],
        [local('2026-03-03T00:00'), 0],
        [local('2026-03-04T00:00'), 1],
      ]);
    });
  });
});

describe('metrics: sliding windows', () => {
  describe('given calls offered 90, 50, 20 and 5 minutes before now (10:00:30), and one 20 s ago still waiting', () => {
    const now = local('2026-03-02T10:00:30');
    const s = site();
    apply(s, ready(local('2026-03-02T08:00'), 'a1'));
    const minutesAgo = [90, 50, 20, 5];
    minutesAgo.forEach((m, i) => {
      const at = now - m * 60_000;
      // Wait grows with age so each window has its own ASA: 90 -> 40 s, 50 -> 30 s, 20 -> 20 s, 5 -> 10 s.
      apply(s, [ev.offered(`c${i}`, 'booking', at), ev.answered(`c${i}`, 'a1', at + (4 - i) * 10_000), ev.ended(`c${i}`, at + 60_000)]);
    });
    apply(s, [ev.offered('just-now', 'booking', now - 20_000)]);

    it.each([
      [15, 1, 10],
      [30, 2, 15],
      [60, 3, 20],
    ])('when the last %i minutes are read then %i answered calls (and the waiting one) count, ASA %i s', (windowMin, answered, asa) => {
      const r = queryMetrics(s, { scope: 'queue', id: 'booking', windowMin }, now, METRIC_FORMULAS);
      const offered = answered + 1;
      expect(r.total.offered).toBe(offered);
      expect(r.total.answered).toBe(answered);
      expect(r.total.asaSec).toBeCloseTo(asa, 10);
      expect(r.to - r.from).toBe(windowMin * 60_000);
      expect(total(s, { scope: 'site', windowMin }, now).offered).toBe(offered);
    });

    it('when today is read then all five count, and the board shows 3 in its last 30 minutes', () => {
      expect(total(s, { scope: 'queue', id: 'booking' }, now).offered).toBe(5);
      expect(queueDTO(s, s.queues.get('booking')!, now).last30.offered).toBe(3);
      expect(siteDTO(s, now).last30.offered).toBe(3);
    });
  });
});

describe('metrics: sliding windows over hours (minute buckets reused)', () => {
  describe('given a call every 7 minutes from 05:00 to 10:00, each waiting 1 s per minute of the hour it came in', () => {
    const start = local('2026-03-02T05:00');
    const now = local('2026-03-02T10:00:30');
    const s = site();
    apply(s, ready(start, 'a1'));
    const offers: number[] = [];
    for (let at = start, i = 0; at < now - 60_000; at += 7 * 60_000, i++) {
      const wait = (1 + new Date(at).getUTCMinutes()) * 1000;
      offers.push(at);
      apply(s, [ev.offered(`r${i}`, 'booking', at), ev.answered(`r${i}`, 'a1', at + wait), ev.ended(`r${i}`, at + wait + 30_000)]);
    }
    const expected = (windowMin: number) => {
      const end = Math.floor(now / 60_000) * 60_000 + 60_000;
      return offers.filter((at) => at >= end - windowMin * 60_000 && at < end).length;
    };

    it.each([15, 30, 60])('when the last %i minutes are read after five hours, then exactly the calls offered in them count', (windowMin) => {
      expect(total(s, { scope: 'queue', id: 'booking', windowMin }, now).offered).toBe(expected(windowMin));
      expect(total(s, { scope: 'agent', id: 'a1', windowMin }, now).answered).toBe(expected(windowMin));
    });

    it('when the state is dumped and loaded (a checkpoint), then the windows and their agent time are the same', () => {
      const back = loadState(s.config, JSON.parse(JSON.stringify(dumpState(s)))).state;
      for (const windowMin of [15, 30, 60]) {
        expect(total(back, { scope: 'queue', id: 'booking', windowMin }, now)).toEqual(total(s, { scope: 'queue', id: 'booking', windowMin }, now));
        expect(total(back, { scope: 'agent', id: 'a1', windowMin }, now)).toEqual(total(s, { scope: 'agent', id: 'a1', windowMin }, now));
      }
      expect(total(back, { scope: 'queue', id: 'booking', windowMin: 60 }, now).offered).toBe(expected(60));
    });
  });
});

describe('metrics: scopes', () => {
  describe('given a booking call answered by a1 (team t1) and two advice calls, one answered by a3 (team t2), one abandoned', () => {
    const s = site({
      agents: [
        { id: 'a1', name: 'A1', teamId: 't1', queues: ['booking'] },
        { id: 'a3', name: 'A3', teamId: 't2', queues: ['advice'] },
      ],
    });
    apply(s, [
      ...ready(t(0), 'a1', 'a3'),
      ev.offered('b1', 'booking', t(0)),
      ev.answered('b1', 'a1', t(4)),
      ev.offered('v1', 'advice', t(1)),
      ev.answered('v1', 'a3', t(31)),
      ev.offered('v2', 'advice', t(2)),
      ev.abandoned('v2', t(12)),
      ev.ended('b1', t(64)),
      ev.ended('v1', t(91)),
    ]);
    const now = t(100);

    it('when each queue is read then it has only its own calls', () => {
      expect(total(s, { scope: 'queue', id: 'booking' }, now)).toMatchObject({ offered: 1, answered: 1, abandoned: 0, asaSec: 4, serviceLevelPct: 100 });
      expect(total(s, { scope: 'queue', id: 'advice' }, now)).toMatchObject({ offered: 2, answered: 1, abandoned: 1, asaSec: 30, serviceLevelPct: 0 });
    });

    it('when the site is read then it has all three', () => {
      const m = total(s, { scope: 'site' }, now);
      expect(m).toMatchObject({ offered: 3, answered: 2, abandoned: 1, handled: 2, asaSec: 17, answeredWithinT: 1 });
      expect(m.serviceLevelPct).toBeCloseTo((100 * 1) / 3, 10);
    });

    it('when the teams and agents are read then each has the calls its agents answered', () => {
      expect(total(s, { scope: 'team', id: 't1' }, now)).toMatchObject({ answered: 1, handled: 1, asaSec: 4, ahtSec: 60, abandoned: 0 });
      expect(total(s, { scope: 'team', id: 't2' }, now)).toMatchObject({ answered: 1, handled: 1, asaSec: 30, ahtSec: 60 });
      expect(total(s, { scope: 'agent', id: 'a3' }, now)).toMatchObject({ answered: 1, handled: 1, answeredWithinT: 0 });
      expect(total(s, { scope: 'agent', id: 'a1' }, now)).toMatchObject({ answered: 1, handled: 1, answeredWithinT: 1 });
    });
  });
});

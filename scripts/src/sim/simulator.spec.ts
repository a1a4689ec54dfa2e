import { describe, expect, it } from 'vitest';
import { parseCtiEvent, type CtiEventIn } from '../../../realtime/src/contracts/index.ts';
import { checkEventSequence } from '../replay/check.ts';
import { InProcessAcd } from './acd.ts';
import { SimAgent } from './agent.ts';
import { scheduleArrivals, type SimCall } from './callers.ts';
import { queueFactsOf, simulate } from './file-mode.ts';
import { deskAgentsOf, expectedArrivals, profileAt, resolveSimOptions } from './model.ts';
import { Rng } from './random.ts';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import { VirtualScheduler } from './scheduler.ts';
import { localParts, TIME } from './time.ts';

const MONDAY_0630 = Date.parse('2026-11-23T06:30:00+07:00');
const at = (e: CtiEventIn): number => Date.parse(e.at as string);
const ofType = <T extends CtiEventIn['type']>(events: CtiEventIn[], t: T): Extract<CtiEventIn, { type: T }>[] =>
  events.filter((e): e is Extract<CtiEventIn, { type: T }> => e.type === t);

/** Arrivals only (no agents, no ACD): what `scheduleArrivals` produces over a run. */
function arrivalsOf(options: Parameters<typeof resolveSimOptions>[0]): { calls: SimCall[]; opts: ReturnType<typeof resolveSimOptions> } {
  const opts = resolveSimOptions(options);
  const scheduler = new VirtualScheduler(opts.start);
  const calls: SimCall[] = [];
  scheduleArrivals(opts, scheduler, new Rng(opts.seed), (c) => calls.push(c));
  scheduler.run();
  return { calls, opts };
}

describe('arrivals', () => {
  it('given a fixed seed and a week of hotline traffic, when counting calls per queue, then each count is within 4 sigma of the integrated rate', () => {
    const { calls, opts } = arrivalsOf({ start: Date.parse('2026-11-23T00:00:00+07:00'), durationMs: 7 * TIME.DAY, seed: 42 });
    for (const q of opts.queues) {
      const expected = expectedArrivals(opts, q.config.id);
      const got = calls.filter((c) => c.queue === q.config.id).length;
      expect(expected).toBeGreaterThan(500);
      expect(Math.abs(got - expected)).toBeLessThan(4 * Math.sqrt(expected));
    }
  });

  it('given a flat profile, when counting arrivals per 10 minutes, then the variance is close to the mean (Poisson)', () => {
    const start = Date.parse('2026-11-23T00:00:00+07:00');
    const { calls } = arrivalsOf({ start, durationMs: 48 * TIME.HOUR, seed: 7, profile: 'flat' });
    const bins = new Array<number>(288).fill(0);
    for (const c of calls) bins[Math.floor((c.at - start) / (10 * TIME.MINUTE))]!++;
    const mean = bins.reduce((s, x) => s + x, 0) / bins.length;
    const variance = bins.reduce((s, x) => s + (x - mean) ** 2, 0) / (bins.length - 1);
    expect(mean).toBeGreaterThan(30);
    expect(variance / mean).toBeGreaterThan(0.75);
    expect(variance / mean).toBeLessThan(1.25);
  });

  it('given the hotline profile, when looking at the day, then nothing arrives outside 07:00-21:00 and the peaks are mid-morning and early afternoon', () => {
    const { calls, opts } = arrivalsOf({ start: Date.parse('2026-11-23T00:00:00+07:00'), durationMs: 3 * TIME.DAY, seed: 3 });
    const hours = calls.map((c) => localParts(opts.timeZone, c.at).h);
    expect(hours.every((h) => h >= 7 && h < 21)).toBe(true);
    const perHour = (h: number): number => hours.filter((x) => x === h).length;
    expect(perHour(9)).toBeGreaterThan(perHour(12));
    expect(perHour(14)).toBeGreaterThan(perHour(12));
    expect(perHour(9)).toBeGreaterThan(2 * perHour(19));
    expect(profileAt('hotline', 6 * 60 + 59)).toBe(0);
    expect(profileAt('hotline', 9 * 60 + 30)).toBe(1);
  });

  it('given a global rate of 2, when counting, then there are about twice as many calls', () => {
    const base = arrivalsOf({ start: MONDAY_0630, durationMs: 2 * TIME.DAY, seed: 5 }).calls.length;
    const double = arrivalsOf({ start: MONDAY_0630, durationMs: 2 * TIME.DAY, seed: 5, rate: 2 }).calls.length;
    expect(double / base).toBeGreaterThan(1.85);
    expect(double / base).toBeLessThan(2.15);
  });

  it('callers have Vietnamese mobile numbers in E.164, some calls are priority 2, and customers have attributes', () => {
    const { calls } = arrivalsOf({ start: MONDAY_0630, durationMs: 8 * TIME.HOUR, seed: 9 });
    const inbound = calls.filter((c) => c.direction === 'inbound');
    expect(inbound.length).toBeGreaterThan(500);
    for (const c of inbound) expect(c.from).toMatch(/^\+84(9[0-9]|3[2-9]|7[0-9]|8[1-9])\d{7}$/);
    const urgent = inbound.filter((c) => c.priority === 2).length / inbound.length;
    expect(urgent).toBeGreaterThan(0.03);
    expect(urgent).toBeLessThan(0.3);
    expect(inbound.every((c) => c.attributes.customer && c.attributes.segment)).toBe(true);
    const outbound = calls.filter((c) => c.direction === 'outbound');
    expect(outbound.length).toBeGreaterThan(0);
    expect(outbound.every((c) => c.to && c.campaignId && c.leadId && c.dialResult)).toBe(true);
  });
});

/** Mean and standard deviation. */
function moments(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  return { mean, sd: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) };
}

describe('distributions', () => {
  it('given a seed, then Rng.exponential has its mean, a standard deviation equal to it, and e^-1 of the draws above it', () => {
    const rng = new Rng(5);
    const xs = Array.from({ length: 40_000 }, () => rng.exponential(120));
    const { mean, sd } = moments(xs);
    expect(Math.abs(mean - 120)).toBeLessThan(4 * (120 / Math.sqrt(xs.length)));
    expect(sd / mean).toBeGreaterThan(0.96);
    expect(sd / mean).toBeLessThan(1.04);
    expect(Math.abs(xs.filter((x) => x > 120).length / xs.length - Math.exp(-1))).toBeLessThan(0.01);
  });

  it('given a seed, then Rng.lognormal has its median, and its logarithm is normal with the given sigma', () => {
    const rng = new Rng(6);
    const xs = Array.from({ length: 40_000 }, () => rng.lognormal(200, 0.55));
    const logs = moments(xs.map(Math.log));
    expect(Math.abs(logs.mean - Math.log(200))).toBeLessThan(4 * (0.55 / Math.sqrt(xs.length)));
    expect(Math.abs(logs.sd - 0.55)).toBeLessThan(0.01);
    const below = xs.filter((x) => x < 200).length / xs.length;
    expect(Math.abs(below - 0.5)).toBeLessThan(0.01);
    // Skewed right, as handle times are: the mean is above the median by exp(sigma^2 / 2).
    expect(moments(xs).mean / 200).toBeCloseTo(Math.exp(0.55 ** 2 / 2), 1);
  });

  it("given a week of arrivals, then each caller's patience is the queue's minimum plus an exponential of its mean", () => {
    const { calls, opts } = arrivalsOf({ start: Date.parse('2026-11-23T00:00:00+07:00'), durationMs: 7 * TIME.DAY, seed: 42 });
    for (const q of opts.queues) {
      const mine = calls.filter((c) => c.queue === q.config.id && c.patienceMs < opts.drainMs);
      // The short abandons (1-4.5 s) apart: their share is the model's.
      const slips = mine.filter((c) => c.patienceMs < q.model.patienceMinSec * 1000).length;
      expect(Math.abs(slips / mine.length - q.model.shortAbandonProbability)).toBeLessThan(0.015);
      const extra = mine.filter((c) => c.patienceMs >= q.model.patienceMinSec * 1000).map((c) => c.patienceMs / 1000 - q.model.patienceMinSec);
      expect(extra.length).toBeGreaterThan(500);
      expect(Math.min(...extra)).toBeGreaterThanOrEqual(0);
      const { mean, sd } = moments(extra);
      const m = q.model.patienceMeanSec;
      expect([q.config.id, Math.abs(mean - m) < 4 * (m / Math.sqrt(extra.length))]).toEqual([q.config.id, true]);
      expect(sd / mean).toBeGreaterThan(0.85);
      expect(sd / mean).toBeLessThan(1.15);
    }
  });

  it('given 8 hours of simulated calls, then talk times (calls without hold) are lognormal with the queue\'s median and sigma', () => {
    const start = MONDAY_0630;
    const { events } = simulate({ start, durationMs: 8 * TIME.HOUR, seed: 12 });
    const opts = resolveSimOptions({ start, durationMs: 8 * TIME.HOUR, seed: 12 });
    const answeredAt = new Map(ofType(events, 'call.answered').map((e) => [e.callId, at(e)]));
    const held = new Set(ofType(events, 'call.held').map((e) => e.callId));
    const queueOf = new Map(ofType(events, 'call.offered').map((e) => [e.callId, e.queue]));
    let checked = 0;
    for (const q of opts.queues) {
      const logs = ofType(events, 'call.ended')
        .filter((e) => queueOf.get(e.callId) === q.config.id && !held.has(e.callId) && answeredAt.has(e.callId))
        .map((e) => Math.log((at(e) - answeredAt.get(e.callId)!) / 1000));
      if (logs.length < 100) continue;
      checked++;
      const { mean, sd } = moments(logs);
      const sigma = q.model.talkSigma;
      expect([q.config.id, Math.abs(mean - Math.log(q.model.talkMedianSec)) < 4 * (sigma / Math.sqrt(logs.length))]).toEqual([q.config.id, true]);
      expect(Math.abs(sd - sigma) / sigma).toBeLessThan(0.15);
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });
});

describe('abandonment', () => {
  it('given no agents, when calls arrive, then every call is abandoned once its caller has waited out their patience', () => {
    const { events } = simulate({ start: Date.parse('2026-11-23T09:00:00+07:00'), durationMs: TIME.HOUR, agents: 0, seed: 2 });
    const offered = new Map(ofType(events, 'call.offered').map((e) => [e.callId, at(e)]));
    const abandoned = ofType(events, 'call.abandoned');
    expect(offered.size).toBeGreaterThan(50);
    expect(abandoned.length).toBe(offered.size);
    expect(ofType(events, 'call.answered')).toHaveLength(0);
    // Every caller waits at least the greeting (patienceMinSec: 6-8 s), but the few who hang up within
    // 5 s (misdials, IVR slips): the short abandons.
    const waits = abandoned.map((e) => at(e) - offered.get(e.callId)!);
    const short = waits.filter((w) => w < 5 * TIME.SECOND);
    expect(short.length).toBeGreaterThan(0);
    expect(short.length / waits.length).toBeLessThan(0.1);
    for (const w of waits) expect(w < 5 * TIME.SECOND || w >= 6 * TIME.SECOND).toBe(true);
  });

  it('given one agent on a long call, when an impatient and a patient caller wait, then the impatient one abandons at its patience and the patient one is answered', () => {
    const t0 = Date.parse('2026-11-23T09:00:00+07:00');
    const opts = resolveSimOptions({
      start: t0,
      durationMs: TIME.HOUR,
      agents: 1,
      queues: ['advice'],
      behaviour: { missProbability: 0, declineProbability: 0, acceptDelaySec: [1, 1], breaks: false },
      queueModels: { advice: { talkMedianSec: 300, talkSigma: 0.0001, holdProbability: 0 } },
    });
    const scheduler = new VirtualScheduler(t0);
    const events: CtiEventIn[] = [];
    const acd = new InProcessAcd(opts, scheduler, (e) => events.push(e));
    const agent = new SimAgent(opts.agents[0]!, scheduler, acd, new Rng(1), opts.behaviour, queueFactsOf(opts), opts.maxMissedOffers);
    acd.register(agent);
    const call = (id: string, patienceSec: number): SimCall => ({
      callId: id,
      queue: 'advice',
      direction: 'inbound',
      at: scheduler.now(),
      attributes: {},
      patienceMs: patienceSec * TIME.SECOND,
    });
    // Given
    agent.startShift();
    acd.arrive(call('first', 600));
    // When
    scheduler.at(t0 + 10_000, () => acd.arrive(call('impatient', 30)));
    scheduler.at(t0 + 20_000, () => acd.arrive(call('patient', 1200)));
    scheduler.run();
    // Then
    const find = (type: string, id: string): CtiEventIn | undefined =>
      events.find((e) => e.type === type && 'callId' in e && e.callId === id);
    expect(find('call.answered', 'first')!.at).toBe(t0 + 1000);
    expect(find('call.abandoned', 'impatient')!.at).toBe(t0 + 40_000);
    expect(find('call.answered', 'impatient')).toBeUndefined();
    const firstEnded = find('call.ended', 'first')!.at as number;
    expect(Math.abs(firstEnded - (t0 + 1000 + 300_000))).toBeLessThan(1000);
    const patient = find('call.answered', 'patient')!.at as number;
    expect(patient).toBeGreaterThan(firstEnded);
    expect(find('call.abandoned', 'patient')).toBeUndefined();
    expect(acd.openCalls).toBe(0);
  });
});

describe('a file-mode recording (8 hours, 40 agents)', () => {
  const result = simulate({ start: MONDAY_0630, durationMs: 8 * TIME.HOUR, seed: 11 });
  const { events, counters } = result;

  it('every offered call ends in exactly one of answered or abandoned; answered calls end and get an outcome', () => {
    const offered = ofType(events, 'call.offered').map((e) => e.callId);
    const answered = new Set(ofType(events, 'call.answered').map((e) => e.callId));
    const abandoned = new Set(ofType(events, 'call.abandoned').map((e) => e.callId));
    expect(offered.length).toBeGreaterThan(800);
    expect(new Set(offered).size).toBe(offered.length);
    for (const id of offered) expect(Number(answered.has(id)) + Number(abandoned.has(id))).toBe(1);
    expect(answered.size + abandoned.size).toBe(offered.length);
    const ended = ofType(events, 'call.ended').map((e) => e.callId);
    const outcomes = ofType(events, 'call.outcome').map((e) => e.callId);
    expect(new Set(ended)).toEqual(answered);
    expect(ended).toHaveLength(answered.size);
    expect(new Set(outcomes)).toEqual(answered);
    expect(result.openCalls).toBe(0);
    expect(counters.offered).toBe(offered.length);
  });

  it('every event passes parseCtiEvent and the list is sorted by at', () => {
    const bad = events.map((e) => parseCtiEvent(e)).filter((p) => !p.ok);
    expect(bad).toEqual([]);
    for (let i = 1; i < events.length; i++) expect(at(events[i]!)).toBeGreaterThanOrEqual(at(events[i - 1]!));
  });

  it('agents are never on two calls at once, and every agent who logged in logs out', () => {
    const report = checkEventSequence(events);
    expect(report.problems).toEqual([]);
    expect(report.unresolved).toBe(0);
    expect(report.neverEnded).toBe(0);
    expect(report.stillLoggedIn).toBe(0);
    // And independently of the checker: per agent, answered/ended alternate.
    const onCall = new Map<string, string>();
    const callAgent = new Map<string, string>();
    for (const e of events) {
      if (e.type === 'call.answered') {
        expect(onCall.has(e.agentId)).toBe(false);
        onCall.set(e.agentId, e.callId);
        callAgent.set(e.callId, e.agentId);
      } else if (e.type === 'call.ended') onCall.delete(callAgent.get(e.callId)!);
    }
    expect(onCall.size).toBe(0);
  });

  it('given the same seed, when run again, then the events are identical; another seed gives other events', () => {
    const again = simulate({ start: MONDAY_0630, durationMs: 8 * TIME.HOUR, seed: 11 }).events;
    expect(JSON.stringify(again)).toBe(JSON.stringify(events));
    const other = simulate({ start: MONDAY_0630, durationMs: 8 * TIME.HOUR, seed: 12 }).events;
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(events));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('agents log in at shift start, take breaks and lunch with a reason, and record dispositions, notes and sometimes revenue', () => {
    const logins = ofType(events, 'agent.login');
    expect(new Set(logins.map((e) => e.agentId)).size).toBe(40);
    expect(logins.every((e) => (e.queues ?? []).length > 0)).toBe(true);
    const states = ofType(events, 'agent.state');
    expect(states.some((e) => e.state === 'break' && e.reason === 'short-break')).toBe(true);
    expect(states.some((e) => e.state === 'lunch' && e.reason === 'lunch')).toBe(true);
    const outcomes = ofType(events, 'call.outcome');
    expect(outcomes.every((e) => typeof e.disposition === 'string')).toBe(true);
    expect(new Set(outcomes.map((e) => e.disposition)).size).toBeGreaterThan(4);
    expect(outcomes.some((e) => e.notes)).toBe(true);
    expect(outcomes.some((e) => (e.revenue ?? 0) > 0)).toBe(true);
    expect(ofType(events, 'call.held').length).toBe(ofType(events, 'call.resumed').length);
    expect(ofType(events, 'call.held').length).toBeGreaterThan(0);
  });

  it('agents sometimes let offers ring out or decline, and the calls are still served', () => {
    expect(counters.missedOffers).toBeGreaterThan(0);
    expect(counters.declinedOffers).toBeGreaterThan(0);
    // About 5% missed + 2% declined of the offers (answered + missed + declined).
    const offers = counters.answered + counters.missedOffers + counters.declinedOffers;
    expect(counters.missedOffers / offers).toBeLessThan(0.1);
    expect(counters.answered / counters.offered).toBeGreaterThan(0.8);
  });

  it('outbound queues produce dial attempts; only connected ones are offered, as outbound', () => {
    const dialed = ofType(events, 'call.dialed');
    expect(dialed.length).toBeGreaterThan(0);
    const offeredIds = new Set(ofType(events, 'call.offered').map((e) => e.callId));
    for (const d of dialed) expect(offeredIds.has(d.callId)).toBe(d.result === 'connected');
    const out = ofType(events, 'call.offered').filter((e) => e.direction === 'outbound');
    expect(out.every((e) => e.queue === 'telesales' || e.queue === 'survey')).toBe(true);
  });
});

describe('options', () => {
  it('--agents takes agents round-robin over the teams and --queues restricts the traffic', () => {
    const opts = resolveSimOptions({ agents: 4, queues: ['advice'] });
    expect(opts.agents.map((a) => a.id)).toEqual(['a01', 'a11', 'a21', 'a31']);
    const { events } = simulate({ start: MONDAY_0630, durationMs: 3 * TIME.HOUR, agents: 4, queues: ['advice'], seed: 1 });
    expect(new Set(ofType(events, 'call.offered').map((e) => e.queue))).toEqual(new Set(['advice']));
  });

  it('refuses an unknown queue, naming the ones that exist', () => {
    expect(() => resolveSimOptions({ queues: ['nope'] })).toThrow(/unknown queue "nope".*vaccine-booking/);
  });

  it('leaves the desk agents to people: the last agent of each team by default, never played by the simulator', () => {
    const site = demoSite();
    const desk = deskAgentsOf(site);
    expect(desk).toEqual(['a10', 'a20', 'a30', 'a40']);
    const opts = resolveSimOptions({ except: desk });
    expect(opts.agents).toHaveLength(site.agents.length - 4);
    expect(opts.agents.map((a) => a.id).filter((id) => desk.includes(id))).toEqual([]);
    const chosen = resolveSimOptions({ except: ['a01', 'a15'] }).agents.map((a) => a.id);
    expect(chosen).toHaveLength(site.agents.length - 2);
    expect(chosen.filter((id) => id === 'a01' || id === 'a15')).toEqual([]);
    // No event of a simulated day names them.
    const { events } = simulate({ start: MONDAY_0630, durationMs: 4 * TIME.HOUR, except: desk, seed: 3 });
    const named = new Set(events.flatMap((e) => ('agentId' in e && typeof e.agentId === 'string' ? [e.agentId] : [])));
    expect(named.size).toBeGreaterThan(20);
    for (const id of desk) expect(named.has(id)).toBe(false);
  });

  it('names the desk agents asked for, "none" for none, and refuses ids the site does not have', () => {
    const site = demoSite();
    expect(deskAgentsOf(site, 'a05, a05,a12')).toEqual(['a05', 'a12']);
    expect(deskAgentsOf(site, 'none')).toEqual([]);
    expect(() => deskAgentsOf(site, 'a05,x9')).toThrow(/no agent x9/);
    expect(() => resolveSimOptions({ except: ['zz'] })).toThrow(/unknown agent to leave out: zz/);
    expect(() => resolveSimOptions({ site, agents: 40, except: ['a01'] })).toThrow(/39 agents besides the 1 left out/);
  });
});

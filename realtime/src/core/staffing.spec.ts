import { describe, expect, it } from 'vitest';
import { erlangAFor, erlangB, erlangC, erlangCFor, requiredAgents } from './staffing.ts';

/** Erlang C straight from its textbook formula (fine for small N), to check the recursion against. */
function erlangCDirect(a: number, n: number): number {
  let sum = 0;
  let term = 1; // a^k / k!
  for (let k = 0; k < n; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = (term * n) / (n - a);
  return top / (sum + top);
}

/** A seeded M/M/N+M (FCFS) simulation: each caller takes the first free agent unless its patience runs out first. */
function simulateMMNM(o: { lambda: number; ahtSec: number; agents: number; patienceSec: number; calls: number; thresholdSec: number; seed: number }) {
  let x = o.seed >>> 0;
  const rnd = () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const exp = (mean: number) => -Math.log(1 - rnd()) * mean;
  const free = new Array<number>(o.agents).fill(0); // when each agent is next free
  let t = 0;
  let answered = 0;
  let abandoned = 0;
  let within = 0;
  let waitAnswered = 0;
  for (let i = 0; i < o.calls; i++) {
    t += exp(1 / o.lambda);
    let k = 0;
    for (let j = 1; j < free.length; j++) if (free[j]! < free[k]!) k = j;
    const wait = Math.max(0, free[k]! - t);
    if (wait > exp(o.patienceSec)) {
      abandoned++;
      continue;
    }
    answered++;
    waitAnswered += wait;
    if (wait <= o.thresholdSec) within++;
    free[k] = t + wait + exp(o.ahtSec);
  }
  return { abandonPct: (100 * abandoned) / o.calls, slPct: (100 * within) / o.calls, asaSec: waitAnswered / answered };
}

describe('Erlang C', () => {
  it('given the spec\'s worked example (100 calls in 30 min, AHT 180 s, 80% in 20 s), then 14 agents give 88.8% and 30% shrinkage means 20 scheduled', () => {
    const r = requiredAgents({ calls: 100, intervalSec: 1800, ahtSec: 180, slTargetPct: 80, slThresholdSec: 20, shrinkagePct: 30 });
    expect(r.model).toBe('erlang-c');
    expect(r.trafficErlangs).toBeCloseTo(10, 10);
    expect(r.agents).toBe(14);
    expect(r.serviceLevelPct).toBeCloseTo(88.8, 1);
    expect(r.scheduled).toBe(20);
    // 13 agents would not do.
    expect(erlangCFor({ calls: 100, intervalSec: 1800, ahtSec: 180 }, 13, 20).serviceLevelPct).toBeLessThan(80);
  });

  it('the recursion equals the textbook formula, and Erlang B is the known value', () => {
    for (const [a, n] of [
      [2, 3],
      [10, 11],
      [10, 14],
      [25.5, 30],
      [50, 60],
    ] as const) {
      expect(erlangC(a, n)).toBeCloseTo(erlangCDirect(a, n), 12);
    }
    expect(erlangB(10, 10)).toBeCloseTo(0.2146, 4);
    expect(erlangC(10, 10)).toBe(1);
  });

  it('given fewer agents than Erlangs, then the queue is unstable: SL 0, ASA infinite', () => {
    const r = erlangCFor({ calls: 120, intervalSec: 900, ahtSec: 300 }, 30, 20);
    expect(r.trafficErlangs).toBe(40);
    expect(r.stable).toBe(false);
    expect(r.serviceLevelPct).toBe(0);
    expect(r.asaSec).toBe(Infinity);
  });

  it('ASA and occupancy follow the spec: ASA = Pw·AHT/(N−A), occupancy = A/N', () => {
    const r = erlangCFor({ calls: 100, intervalSec: 1800, ahtSec: 180 }, 14, 20);
    const pw = erlangC(10, 14);
    expect(r.waitProbabilityPct).toBeCloseTo(100 * pw, 10);
    expect(r.asaSec).toBeCloseTo((pw * 180) / 4, 10);
    expect(r.occupancyPct).toBeCloseTo((100 * 10) / 14, 10);
  });
});

describe('Erlang A', () => {
  it('given very patient callers, then its figures are Erlang C\'s', () => {
    const t = { calls: 100, intervalSec: 1800, ahtSec: 180 };
    for (const n of [11, 14, 18]) {
      const c = erlangCFor(t, n, 20);
      const a = erlangAFor(t, n, 20, 1e9);
      expect(a.waitProbabilityPct).toBeCloseTo(c.waitProbabilityPct, 3);
      expect(a.serviceLevelPct).toBeCloseTo(c.serviceLevelPct, 3);
      expect(a.asaSec).toBeCloseTo(c.asaSec, 2);
      expect(a.abandonPct).toBeLessThan(1e-4);
    }
  });

  it('given impatient callers on an overloaded line, then abandonment, SL and ASA match a simulation of 300,000 calls', () => {
    // 10 Erlangs on 10 agents: Erlang C has no answer; callers give up after 2 minutes on average.
    const lambda = 10 / 180;
    const a = erlangAFor({ calls: lambda * 900, intervalSec: 900, ahtSec: 180 }, 10, 20, 120);
    const sim = simulateMMNM({ lambda, ahtSec: 180, agents: 10, patienceSec: 120, calls: 300_000, thresholdSec: 20, seed: 42 });
    expect(a.abandonPct).toBeGreaterThan(5);
    expect(Math.abs(a.abandonPct - sim.abandonPct)).toBeLessThan(0.6);
    expect(Math.abs(a.serviceLevelPct - sim.slPct)).toBeLessThan(0.8);
    expect(Math.abs(a.asaSec - sim.asaSec) / sim.asaSec).toBeLessThan(0.05);
  });

  it('needs no more agents than Erlang C for the same target', () => {
    const t = { calls: 300, intervalSec: 1800, ahtSec: 240, slTargetPct: 80, slThresholdSec: 20 };
    const c = requiredAgents(t);
    const a = requiredAgents({ ...t, patienceSec: 90 });
    expect(a.model).toBe('erlang-a');
    expect(a.agents).toBeLessThanOrEqual(c.agents);
    expect(a.serviceLevelPct).toBeGreaterThanOrEqual(80);
  });
});

describe('staffing targets', () => {
  it('given an ASA target and an occupancy cap, then the answer meets all three', () => {
    const r = requiredAgents({ calls: 400, intervalSec: 1800, ahtSec: 200, slTargetPct: 80, slThresholdSec: 20, asaTargetSec: 5, maxOccupancyPct: 85 });
    expect(r.serviceLevelPct).toBeGreaterThanOrEqual(80);
    expect(r.asaSec).toBeLessThanOrEqual(5);
    expect(r.occupancyPct).toBeLessThanOrEqual(85);
    const fewer = erlangCFor({ calls: 400, intervalSec: 1800, ahtSec: 200 }, r.agents - 1, 20);
    expect(fewer.serviceLevelPct >= 80 && fewer.asaSec <= 5 && fewer.occupancyPct <= 85).toBe(false);
  });

  it('rejects impossible input with a clear error', () => {
    expect(() => requiredAgents({ calls: 10, ahtSec: 0, slTargetPct: 80, slThresholdSec: 20 })).toThrow(/ahtSec/);
    expect(() => requiredAgents({ calls: 10, ahtSec: 100, slTargetPct: 80, slThresholdSec: 20, shrinkagePct: 100 })).toThrow(/shrinkage/);
  });
});

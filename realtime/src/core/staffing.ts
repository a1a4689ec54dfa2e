/**
 * Staffing models of `shared/spec/metrics.md` ("Staffing (queueing models)"): Erlang C (M/M/N, callers
 * wait forever) and Erlang A (M/M/N+M, callers abandon after an exponential patience), and the number
 * of agents a target needs. Pure functions of the offered traffic; the hub feeds them its measured
 * arrival rate and handle time (`staffingForQueue`), reports and forecasts feed them expected volumes.
 *
 * Traffic A = λ · AHT (Erlangs). Erlang C: Pw from the Erlang B recursion (stable for hundreds of
 * agents), SL(t) = 1 − Pw · e^(−(N−A)·t/AHT), ASA = Pw · AHT / (N − A), occupancy = A / N.
 * Erlang A: the birth-death chain of the number of calls in the system (birth λ, death min(n,N)·μ +
 * max(n−N,0)·θ), solved for its stationary law; an arriving caller sees it (PASTA); whether it is
 * answered within t comes from the chain of its place in the queue, by uniformization.
 */
import { deriveMetrics } from './metrics.ts';
import { scopeKey, type HubState } from './state.ts';

export interface TrafficInput {
  /** Calls offered in the interval. */
  calls: number;
  /** Interval length, seconds. @defaultValue 900 (15 minutes) */
  intervalSec?: number;
  /** Average handle time, seconds (> 0). */
  ahtSec: number;
}

export interface ErlangResult {
  agents: number;
  /** Offered traffic, Erlangs. */
  trafficErlangs: number;
  /** Probability that a caller waits at all, %. */
  waitProbabilityPct: number;
  /** Share of all callers answered within the threshold, % (Erlang C: everyone is answered). */
  serviceLevelPct: number;
  /** Mean wait of answered callers, seconds. */
  asaSec: number;
  /** Share of callers who abandon, % (0 for Erlang C). */
  abandonPct: number;
  /** Busy agents / agents, %. */
  occupancyPct: number;
  /** False when N <= A under Erlang C: the queue grows without bound. */
  stable: boolean;
}

const traffic = (t: TrafficInput): number => {
  if (!(t.ahtSec > 0)) throw new RangeError('ahtSec must be > 0');
  if (!(t.calls >= 0)) throw new RangeError('calls must be >= 0');
  return (t.calls / (t.intervalSec ?? 900)) * t.ahtSec;
};

/** Erlang B blocking probability for traffic `a` on `n` servers (the stable recursion). */
export function erlangB(a: number, n: number): number {
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C probability of waiting (1 when n <= a). */
export function erlangC(a: number, n: number): number {
  if (n <= a) return 1;
  const b = erlangB(a, n);
  return (n * b) / (n - a * (1 - b));
}

/** Erlang C figures for `agents` agents and a service-level threshold of `slThresholdSec`. */
export function erlangCFor(t: TrafficInput, agents: number, slThresholdSec: number): ErlangResult {
  const a = traffic(t);
  const stable = agents > a;
  const pw = a === 0 ? 0 : erlangC(a, agents);
  const sl = !stable ? 0 : 1 - pw * Math.exp((-(agents - a) * slThresholdSec) / t.ahtSec);
  return {
    agents,
    trafficErlangs: a,
    waitProbabilityPct: 100 * pw,
    serviceLevelPct: 100 * Math.max(0, sl),
    asaSec: !stable ? Infinity : (pw * t.ahtSec) / (agents - a),
    abandonPct: 0,
    occupancyPct: agents > 0 ? 100 * Math.min(1, a / agents) : 100,
    stable,
  };
}

/**
 * Erlang A (M/M/N+M) figures: callers abandon after an exponential patience of mean `patienceSec`.
 * Always stable. As the patience grows the figures tend to Erlang C's (tested).
 */
export function erlangAFor(t: TrafficInput, agents: number, slThresholdSec: number, patienceSec: number): ErlangResult {
  const a = traffic(t);
  if (!(patienceSec > 0)) throw new RangeError('patienceSec must be > 0');
  if (a === 0) return { agents, trafficErlangs: 0, waitProbabilityPct: 0, serviceLevelPct: 100, asaSec: 0, abandonPct: 0, occupancyPct: 0, stable: true };
  const mu = 1 / t.ahtSec;
  const lambda = a * mu;
  const theta = 1 / patienceSec;
  const n = agents;
  // Stationary law of calls in the system, in log space, truncated where the tail is negligible.
  const logp: number[] = [0];
  let max = 0;
  for (let k = 1; ; k++) {
    const death = Math.min(k, n) * mu + Math.max(k - n, 0) * theta;
    const v = logp[k - 1]! + Math.log(lambda / death);
    logp.push(v);
    if (v > max) max = v;
    if (k > n && v < max - 40) break; // e^-40 of the mode: nothing left to count
    if (k > n + 100_000) break;
  }
  let z = 0;
  for (const v of logp) z += Math.exp(v - max);
  const p = logp.map((v) => Math.exp(v - max) / z);
  let pWait = 0;
  let lq = 0;
  let busy = 0;
  for (let k = 0; k < p.length; k++) {
    if (k >= n) {
      pWait += p[k]!;
      lq += (k - n) * p[k]!;
    }
    busy += Math.min(k, n) * p[k]!;
  }
  const pAbandon = (theta * lq) / lambda;
  // A caller who finds j callers ahead in the queue: position chain j -> j-1 at rate n·mu + j·theta,
  // answered from position 0 at rate n·mu, abandons at rate theta. Uniformized over [0, t].
  const maxJ = p.length - 1 - n;
  const rate = n * mu + (maxJ + 1) * theta;
  let v = new Float64Array(maxJ + 1);
  for (let j = 0; j <= maxJ; j++) v[j] = p[n + j]!;
  let served = 0;
  let servedWithin = 0;
  const lt = rate * slThresholdSec;
  let poisson = Math.exp(-lt); // P(m jumps by t), m = 0
  let cum = poisson;
  // servedByJump[m]: served within m jumps; answered within t = sum_m P(m jumps) * servedByJump[m].
  for (let m = 0; ; m++) {
    servedWithin += poisson * served;
    if (1 - cum < 1e-12 || m > 10 * lt + 1000) {
      servedWithin += (1 - cum) * served;
      break;
    }
    const next = new Float64Array(maxJ + 1);
    for (let j = 0; j <= maxJ; j++) {
      const x = v[j]!;
      if (x === 0) continue;
      const up = n * mu + j * theta; // a server frees (or one ahead leaves)
      if (j === 0) served += (x * n * mu) / rate;
      else next[j - 1]! += (x * up) / rate;
      next[j]! += (x * (rate - up - theta)) / rate; // uniformization's self-loop
    }
    v = next;
    poisson *= lt / (m + 1);
    cum += poisson;
  }
  const answeredWithin = 1 - pWait + servedWithin;
  // Mean wait of answered callers, exactly: from place j, s_j = P(answered), w_j = E[wait; answered].
  // The holding time at j is Exp(r_j) whatever ends it, so w_j = (u_j / r_j) (s_{j-1} / r_j + w_{j-1}).
  let sPrev = 1;
  let wPrev = 0;
  let servedMass = 1 - pWait;
  let waitMass = 0;
  for (let j = 0; j <= maxJ; j++) {
    const u = n * mu + j * theta;
    const r = u + theta;
    const sj = (u / r) * sPrev;
    const wj = (u / r) * (sPrev / r + wPrev);
    servedMass += p[n + j]! * sj;
    waitMass += p[n + j]! * wj;
    sPrev = sj;
    wPrev = wj;
  }
  const asa = servedMass > 0 ? waitMass / servedMass : 0;
  return {
    agents,
    trafficErlangs: a,
    waitProbabilityPct: 100 * pWait,
    serviceLevelPct: 100 * answeredWithin,
    asaSec: asa,
    abandonPct: 100 * pAbandon,
    occupancyPct: 100 * (busy / n),
    stable: true,
  };
}

export interface StaffingTarget extends TrafficInput {
  /** Share to answer within the threshold, %. */
  slTargetPct: number;
  slThresholdSec: number;
  /** Optional: mean answer speed not to exceed, seconds. */
  asaTargetSec?: number;
  /** Highest occupancy allowed, %. @defaultValue 100 (no limit) */
  maxOccupancyPct?: number;
  /** Share of paid time agents are not available (breaks, training, absence), %. @defaultValue 0 */
  shrinkagePct?: number;
  /** Mean caller patience, seconds: Erlang A when given, else Erlang C. */
  patienceSec?: number;
}

export interface StaffingAnswer extends ErlangResult {
  model: 'erlang-c' | 'erlang-a';
  /** Agents to schedule: the agents needed / (1 − shrinkage), rounded up. */
  scheduled: number;
  shrinkagePct: number;
}

/** The least number of agents meeting the SL (and ASA, occupancy) target, and the agents to schedule. */
export function requiredAgents(t: StaffingTarget): StaffingAnswer {
  const a = traffic(t);
  const shrink = t.shrinkagePct ?? 0;
  if (!(shrink >= 0 && shrink < 100)) throw new RangeError('shrinkagePct must be in [0, 100)');
  const model = t.patienceSec !== undefined ? 'erlang-a' : 'erlang-c';
  const figures = (n: number) =>
    model === 'erlang-a' ? erlangAFor(t, n, t.slThresholdSec, t.patienceSec!) : erlangCFor(t, n, t.slThresholdSec);
  const meets = (r: ErlangResult) =>
    r.stable &&
    r.serviceLevelPct >= t.slTargetPct &&
    (t.asaTargetSec === undefined || r.asaSec <= t.asaTargetSec) &&
    r.occupancyPct <= (t.maxOccupancyPct ?? 100);
  let n = Math.max(1, Math.floor(a) + (model === 'erlang-c' ? 1 : 0));
  if (model === 'erlang-a') n = 1;
  let r = figures(n);
  while (!meets(r)) {
    n++;
    if (n > 100_000) throw new RangeError('no staffing meets the target');
    r = figures(n);
  }
  return { ...r, model, scheduled: Math.ceil(n / (1 - shrink / 100) - 1e-9), shrinkagePct: shrink };
}

// ------------------------------------------------------------------------------ live, per line

export interface LiveStaffing {
  queue: string;
  /** What the model was fed, measured on the line over the window (and handle time since the day began). */
  basis: {
    windowMin: number;
    offered: number;
    /** Offered calls per report interval at the window's rate. */
    callsPerInterval: number;
    intervalMin: number;
    ahtSec: number | null;
    /** Estimated mean patience: total waiting time / abandons (the censored-exponential estimate). */
    patienceSec: number | null;
    slTargetPct: number;
    slThresholdSec: number;
  };
  /** Agents now: staffed (logged in, any state) and the ones taking calls (available, ringing, on a call, wrap-up). */
  staffed: number;
  working: number;
  /** Agents the measured traffic needs for the line's SL target (Erlang A when patience is known, else C). */
  required: StaffingAnswer | null;
  /** What the agents working now give at that traffic. */
  atCurrent: ErlangResult | null;
  /** Why `required` is null (no traffic measured yet, no handle time yet). */
  note?: string;
}


/**
 * Agents a line needs now: the offered rate of the last `windowMin` minutes and today's AHT through the
 * staffing model, against the agents who are working the line. The supervisor's "need 14, have 11".
 */
export function staffingForQueue(s: HubState, queueId: string, now: number, windowMin = 30): LiveStaffing | undefined {
  const q = s.queues.get(queueId);
  if (!q) return undefined;
  const win = s.metrics.window(scopeKey.queue(queueId), now, windowMin);
  const day = s.metrics.day(scopeKey.queue(queueId), now);
  const today = deriveMetrics(day, q.params);
  const c = win.c;
  const intervalMin = s.config.intervalMin;
  const callsPerInterval = (c.offered * intervalMin) / windowMin;
  const waitedSec = (day.c.answeredWaitMs + day.c.abandonedWaitMs) / 1000;
  const patienceSec = day.c.abandoned > 0 && waitedSec > 0 ? waitedSec / day.c.abandoned : null;
  let staffed = 0;
  let working = 0;
  for (const id of q.members) {
    const a = s.agents.get(id);
    if (!a || a.state === 'offline') continue;
    staffed++;
    if (a.state === 'available' || a.state === 'reserved' || a.state === 'onCall' || a.state === 'wrapup') working++;
  }
  const basis: LiveStaffing['basis'] = {
    windowMin,
    offered: c.offered,
    callsPerInterval,
    intervalMin,
    ahtSec: today.ahtSec,
    patienceSec,
    slTargetPct: q.params.slTargetPct,
    slThresholdSec: q.params.slThresholdSec,
  };
  const out: LiveStaffing = { queue: queueId, basis, staffed, working, required: null, atCurrent: null };
  if (c.offered === 0) out.note = `no calls offered in the last ${windowMin} minutes`;
  else if (today.ahtSec === null || today.ahtSec <= 0) out.note = 'no handled call yet today: handle time unknown';
  else {
    const t: StaffingTarget = {
      calls: callsPerInterval,
      intervalSec: intervalMin * 60,
      ahtSec: today.ahtSec,
      slTargetPct: q.params.slTargetPct,
      slThresholdSec: q.params.slThresholdSec,
      ...(patienceSec !== null ? { patienceSec } : {}),
    };
    out.required = requiredAgents(t);
    if (working > 0) out.atCurrent = patienceSec !== null ? erlangAFor(t, working, t.slThresholdSec, patienceSec) : erlangCFor(t, working, t.slThresholdSec);
  }
  return out;
}

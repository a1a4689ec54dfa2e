/**
 * Routing decision time, in process, with the pure core: 2,000 agents on 50 queues (2-4 queues each,
 * skills with levels, some queues needing a minimum level), 1,000 calls waiting (some with a skill).
 * One decision: an agent becomes available -> `route()` -> an offer. Timed with
 * `process.hrtime.bigint()` around `route()` alone, and around `evolve(available) + route()`.
 * Then the offer is answered and ended (untimed) and a new call arrives, so 1,000 calls keep waiting.
 *
 * Baseline in the same run: a raw loop over the same agent's queues picking the head of each waiting
 * array (plain Map + array, no eligibility, no evolve), timed the same way.
 * A second scenario times the other trigger: a call arrives while agents are available (`pickAgent`).
 *
 *   npm run bench:routing -- [--agents 2000] [--queues 50] [--waiting 1000] [--samples 20000] [--strategy longest-idle|most-skilled]
 *
 * Goal (issue): offer decision p99 <= 50 µs.
 */
import { parseSiteConfig, type DomainEvent, type SiteConfigInput } from '../../realtime/src/contracts/index.ts';
import { createState, evolve, route, type AgentState, type CallState, type HubState } from '../../realtime/src/core/index.ts';
import { args, fmt, log, machine, printSummary, printTable, rng, stats, watchdog, type Stats } from './lib.ts';

const a = args();
const AGENTS = a.num('agents', 2000);
const QUEUES = a.num('queues', 50);
const WAITING = a.num('waiting', 1000);
const SAMPLES = a.num('samples', 20_000);
const WARMUP = a.num('warmup', 3000);
const STRATEGY = (a.get('strategy') ?? 'longest-idle') as 'longest-idle' | 'most-skilled';
watchdog(110_000);

const r = rng(a.num('seed', 7));
const SKILLS = ['cards', 'loans', 'mortgage', 'fx', 'insurance', 'savings', 'business', 'fraud', 'vip', 'digital'];
const LANGS = ['en', 'fr', 'zh'];

// ------------------------------------------------------------------------------------ the site
function buildSite(strategy: typeof STRATEGY): SiteConfigInput {
  const queues: NonNullable<SiteConfigInput['queues']> = [];
  for (let i = 0; i < QUEUES; i++) {
    const skills: Record<string, number> = {};
    if (i % 5 < 2) skills[SKILLS[i % SKILLS.length]!] = 3; // 40% of queues need a minimum level
    queues.push({ id: `q${String(i + 1).padStart(2, '0')}`, name: `Queue ${i + 1}`, priority: 1 + (i % 10), wrapupSec: 10, skills });
  }
  const agents: NonNullable<SiteConfigInput['agents']> = [];
  for (let i = 0; i < AGENTS; i++) {
    const n = 2 + r.int(3);
    const qs = new Set<string>();
    while (qs.size < n) qs.add(queues[r.int(QUEUES)]!.id);
    const skills: Record<string, number> = {};
    for (const q of qs) {
      const need = Object.keys(queues.find((x) => x.id === q)!.skills ?? {});
      for (const sk of need) skills[sk] = 2 + r.int(9); // level 2..10: about one agent in nine is below the queue's minimum
    }
    for (let k = 0; k < 2; k++) skills[SKILLS[r.int(SKILLS.length)]!] ??= 1 + r.int(10);
    for (const l of LANGS) if (r.next() < 0.3) skills[l] = 5 + r.int(6);
    agents.push({ id: `a${String(i + 1).padStart(4, '0')}`, name: `Agent ${i + 1}`, teamId: `t${1 + (i % 40)}`, queues: [...qs], skills });
  }
  return { id: 'routing-bench', timeZone: 'Asia/Ho_Chi_Minh', routingStrategy: strategy, queues, agents, teams: Array.from({ length: 40 }, (_, i) => ({ id: `t${i + 1}`, name: `Team ${i + 1}` })) };
}

const T0 = Date.parse('2026-03-02T09:00:00+07:00');
let now = T0;
let seq = 0;
const nextId = () => `h-${++seq}`;
const ev = (e: Record<string, unknown>): DomainEvent => ({ id: `b-${++seq}`, at: now, source: 'bench', ...e }) as unknown as DomainEvent;
function must(s: HubState, e: DomainEvent): void {
  const why = evolve(s, e);
  if (why !== null) throw new Error(`${e.type}: ${why}`);
}
let callNo = 0;
function offerCall(s: HubState): void {
  const q = `q${String(1 + r.int(QUEUES)).padStart(2, '0')}`;
  const e: Record<string, unknown> = { type: 'call.offered', callId: `c${++callNo}`, queue: q, direction: 'inbound' };
  if (r.next() < 0.1) e.priority = 2;
  if (r.next() < 0.15) e.skills = [LANGS[r.int(LANGS.length)]!];
  must(s, ev(e));
}

function buildState(strategy: typeof STRATEGY): HubState {
  const s = createState(parseSiteConfig(buildSite(strategy)));
  for (const ag of s.agents.values()) must(s, ev({ type: 'agent.login', agentId: ag.id }));
  for (let i = 0; i < WAITING; i++) {
    now += 500;
    offerCall(s);
  }
  route(s, now, nextId); // nobody is available: clears the triggers
  return s;
}

// --------------------------------------------------------------------------- scenario 1: agent

interface Result {
  route: Stats;
  evolveRoute: Stats;
  baseline: Stats;
  offers: number;
  noOffer: number;
  waitingAvg: number;
  hrtimeOverhead: Stats;
}

/** The baseline: best head-of-queue over the agent's queues from plain structures, no checks. */
function plainPick(plain: Map<string, { priority: number; waiting: CallState[] }>, queues: string[]): CallState | undefined {
  let best: CallState | undefined;
  let bestPrio = Infinity;
  for (const id of queues) {
    const q = plain.get(id);
    const head = q?.waiting[0];
    if (!q || !head) continue;
    if (q.priority < bestPrio || (q.priority === bestPrio && best && head.enteredQueueAt < best.enteredQueueAt)) {
      best = head;
      bestPrio = q.priority;
    }
  }
  return best;
}

function agentScenario(s: HubState): Result {
  const agents = [...s.agents.values()];
  const plain = new Map<string, { priority: number; waiting: CallState[] }>();
  for (const q of s.queues.values()) plain.set(q.id, { priority: q.priority, waiting: q.waiting });
  const routeNs: number[] = [];
  const evolveRouteNs: number[] = [];
  const baseNs: number[] = [];
  const overheadNs: number[] = [];
  let offers = 0;
  let noOffer = 0;
  let waitingSum = 0;
  let sink = 0;
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    now += 200;
    // An agent not on a call (in wrap-up, or not ready since login) becomes available.
    let ag: AgentState;
    do ag = agents[r.int(agents.length)]!;
    while (ag.state === 'onCall' || ag.state === 'reserved' || ag.state === 'available');

    const b0 = process.hrtime.bigint();
    const pick = plainPick(plain, ag.queues);
    const b1 = process.hrtime.bigint();
    if (pick) sink++;

    const t0 = process.hrtime.bigint();
    must(s, ev({ type: 'agent.state', agentId: ag.id, state: 'available' }));
    const t1 = process.hrtime.bigint();
    const out = route(s, now, nextId);
    const t2 = process.hrtime.bigint();
    const o0 = process.hrtime.bigint();
    const o1 = process.hrtime.bigint();

    if (i >= WARMUP) {
      routeNs.push(Number(t2 - t1));
      evolveRouteNs.push(Number(t2 - t0));
      baseNs.push(Number(b1 - b0));
      overheadNs.push(Number(o1 - o0));
    }
    // Untimed: the agent answers, talks, ends (wrap-up); a new call arrives; keep the books.
    const offer = out.find((e) => e.type === 'offer.created');
    if (offer && offer.type === 'offer.created') {
      offers++;
      now += 50;
      must(s, ev({ type: 'call.answered', callId: offer.callId, agentId: ag.id }));
      must(s, ev({ type: 'call.ended', callId: offer.callId, by: 'caller' }));
      offerCall(s);
    } else {
      noOffer++;
      must(s, ev({ type: 'agent.state', agentId: ag.id, state: 'break' }));
    }
    route(s, now, nextId); // the new call's queue trigger: nobody available, nothing happens
    if ((ag.state as string) === 'reserved') throw new Error('an agent took an untimed offer; the scenario is inconsistent');
    s.effects.length = 0;
    s.dirty.agents.clear();
    s.dirty.calls.clear();
    s.dirty.queues.clear();
    s.dirty.removedCalls.clear();
    let w = 0;
    if (i >= WARMUP && i % 100 === 0) {
      for (const q of s.queues.values()) w += q.waiting.length;
      waitingSum += w;
    }
  }
  if (sink < 0) console.log(sink);
  return {
    route: stats(routeNs.map((x) => x / 1000)),
    evolveRoute: stats(evolveRouteNs.map((x) => x / 1000)),
    baseline: stats(baseNs.map((x) => x / 1000)),
    hrtimeOverhead: stats(overheadNs.map((x) => x / 1000)),
    offers,
    noOffer,
    waitingAvg: waitingSum / Math.ceil(SAMPLES / 100),
  };
}

// ---------------------------------------------------------------------------- scenario 2: call

/** A call arrives while some agents are available (about 5% of agents): `route()` picks an agent. */
function callScenario(s: HubState): { route: Stats; offers: number; available: number } {
  // Drain the waiting calls: they are abandoned.
  for (const c of [...s.calls.values()]) if (c.status === 'waiting') must(s, ev({ type: 'call.abandoned', callId: c.id }));
  const agents = [...s.agents.values()];
  let availableNow = 0;
  for (const ag of agents) {
    if (ag.state === 'onCall' || ag.state === 'reserved') continue;
    if (r.next() < 0.05) {
      must(s, ev({ type: 'agent.state', agentId: ag.id, state: 'available' }));
      availableNow++;
    } else if (ag.state === 'available') must(s, ev({ type: 'agent.state', agentId: ag.id, state: 'break' }));
  }
  route(s, now, nextId);
  const ns: number[] = [];
  let offers = 0;
  const n = Math.min(SAMPLES, 10_000);
  for (let i = 0; i < 1000 + n; i++) {
    now += 200;
    offerCall(s);
    const t0 = process.hrtime.bigint();
    const out = route(s, now, nextId);
    const t1 = process.hrtime.bigint();
    if (i >= 1000) ns.push(Number(t1 - t0));
    const offer = out.find((e) => e.type === 'offer.created');
    if (offer && offer.type === 'offer.created') {
      offers++;
      // The agent declines at once: the call is abandoned, the agent is available again (at the back).
      must(s, ev({ type: 'call.abandoned', callId: offer.callId }));
    } else {
      for (const c of [...s.calls.values()]) if (c.status === 'waiting') must(s, ev({ type: 'call.abandoned', callId: c.id }));
    }
    s.effects.length = 0;
  }
  return { route: stats(ns.map((x) => x / 1000)), offers, available: availableNow };
}

// ------------------------------------------------------------------------------------------ run

log(`building the state: ${AGENTS} agents, ${QUEUES} queues, ${WAITING} calls waiting (${STRATEGY})`);
const s = buildState(STRATEGY);
log(`agent-available decisions: ${WARMUP} warm-up + ${SAMPLES} timed`);
const res = agentScenario(s);
log('call-arrives decisions');
const callRes = callScenario(s);
let other: Result | undefined;
if (!a.flag('no-other-strategy')) {
  const o = STRATEGY === 'longest-idle' ? 'most-skilled' : 'longest-idle';
  log(`agent-available decisions with ${o}`);
  other = agentScenario(buildState(o));
}

const mach = machine();
console.log(`\nrouting benchmark: ${AGENTS} agents (2-4 queues each, skills with levels), ${QUEUES} queues (40% with a minimum skill level), ~${Math.round(res.waitingAvg)} calls waiting, ${SAMPLES} timed decisions after ${WARMUP} warm-up; strategy ${STRATEGY}`);
console.log(`machine: ${mach.nproc} cpus (${mach.cpu}), node ${mach.node}, load average ${mach.load}`);
const row = (label: string, st: Stats, base?: Stats) => [label, st.p50.toFixed(2), st.p90.toFixed(2), st.p99.toFixed(2), fmt(st.max, 0), base ? (st.p50 / base.p50).toFixed(1) : '', base ? (st.p99 / base.p99).toFixed(1) : ''];
const table: (string | number)[][] = [
  ['decision (µs)', 'p50', 'p90', 'p99', 'max', 'p50 / raw', 'p99 / raw'],
  row('agent available: route() -> offer', res.route, res.baseline),
  row('agent available: evolve(available) + route()', res.evolveRoute, res.baseline),
  row('call arrives: route() -> offer (pickAgent)', callRes.route, res.baseline),
];
if (other) table.push(row(`agent available: route(), ${STRATEGY === 'longest-idle' ? 'most-skilled' : 'longest-idle'}`, other.route, other.baseline));
table.push(row('raw baseline: head of each queue array (Map + array)', res.baseline));
table.push(row('hrtime.bigint() pair alone (timer overhead)', res.hrtimeOverhead));
printTable('offer decision time, in process', table);
console.log(`  agent scenario: ${res.offers} offers, ${res.noOffer} agents found no eligible call; call scenario: ${callRes.offers} offers with ~${callRes.available} agents available`);
const met = res.route.p99 <= 50;
console.log(`\ngoal: offer decision p99 <= 50 µs: route() p99 ${res.route.p99.toFixed(2)} µs ${met ? 'MET' : 'MISSED'} (with the evolve of the state change: ${res.evolveRoute.p99.toFixed(2)} µs)`);
printSummary({
  bench: 'routing',
  agents: AGENTS,
  queues: QUEUES,
  waiting: Math.round(res.waitingAvg),
  samples: SAMPLES,
  strategy: STRATEGY,
  routeP50Us: +res.route.p50.toFixed(2),
  routeP99Us: +res.route.p99.toFixed(2),
  routeMaxUs: +res.route.max.toFixed(1),
  evolveRouteP99Us: +res.evolveRoute.p99.toFixed(2),
  callArrivesP99Us: +callRes.route.p99.toFixed(2),
  ...(other ? { otherStrategyRouteP99Us: +other.route.p99.toFixed(2) } : {}),
  baselineP50Us: +res.baseline.p50.toFixed(3),
  baselineP99Us: +res.baseline.p99.toFixed(3),
  ratioP99: +(res.route.p99 / res.baseline.p99).toFixed(1),
  goalMet: met,
  nproc: mach.nproc,
  node: mach.node,
  load: mach.load,
});
process.exit(0);

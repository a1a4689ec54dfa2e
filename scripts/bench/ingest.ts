/**
 * Ingest throughput: telephony events per second through the real hub (validation + evolve + routing +
 * metrics + event log), sent over Socket.IO `/telephony`, as a ratio to a bare Socket.IO server whose
 * `events` handler only acks, measured in the same run with the same events from the same sender process.
 * Two ways of sending, each with its own raw baseline:
 *   - live: one event per emit with up to 64 unanswered, as a PBX adapter forwards events as they happen
 *     (the first 40,000 events);
 *   - bulk: arrays of 500 events with 4 in flight, as a replay or a catch-up after an outage.
 * Also the in-process figure of `hub.apply()` on one core.
 *
 *   npm run bench:ingest -- [--events 150000] [--batch 500] [--inflight 4] [--rounds 3]
 *                           [--transport both|live|bulk] [--live-events 40000] [--live-inflight 64]
 *                           [--log memory|redis|both] [--agents-per-team 50] [--time iso|ms]
 *                           [--routing observe|hub] [--clock event|wall] [--inproc-only]
 *
 * The traffic is the demo site's lines with 200 agents: logins, available, offered, answered (reported by
 * the PBX), held/resumed, ended, outcome, abandoned, breaks; about 9 hours of a busy day.
 *
 * Why `--clock event` and `--routing observe` by default: the benchmark sends hours of traffic in
 * seconds. With the wall clock the hub would route and time out at the machine's time, hours after the
 * events: every offer would account hours of agent time and move the metrics' minute window past the
 * events, so the figure would not be what a live hub (event time = wall time) does. With the event clock
 * routing and timers run at the events' time, as live. And the generated PBX reports which agent answered
 * (an external ACD routes, the hub tracks): on hub-routed lines those reports contradict the hub's own
 * offers, which the hub then withdraws or times out, work a live hub-routed site does not have. The
 * in-process table also shows the hub-routed variant.
 *
 * Goals (issue): hub over Socket.IO >= 65% of raw; hub.apply() >= 100k events/s on one core.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Server } from 'socket.io';
import { parseCtiEvent, type CtiEvent } from '../../realtime/src/contracts/index.ts';
import { createState, evolve, route } from '../../realtime/src/core/index.ts';
import { createApp, createHubMetrics, Hub, MemoryEventLog, signToken, type App } from '../../realtime/src/hub/index.ts';
import { demoSite } from '../../realtime/src/site/demo-site.ts';
import { SiteCalendar } from '../../realtime/src/core/time.ts';
import { demoSchedules } from '../src/demo-history.ts';
import type { SenderDone, SenderInit, SenderReady, SenderRun } from './ingest-sender.ts';
import { args, batches, forkTs, retry, tolerateAdapterCloseRace, generateTraffic, log, machine, median, printSummary, printTable, waitMessage, watchdog } from './lib.ts';

const a = args();
const closeRace = tolerateAdapterCloseRace();
const EVENTS = a.num('events', 150_000);
const BATCH = a.num('batch', 500);
const INFLIGHT = a.num('inflight', 4);
/** Live transport: each event emitted on its own, as a PBX adapter forwards events as they happen. */
const LIVE_INFLIGHT = a.num('live-inflight', 64);
const LIVE_EVENTS = a.num('live-events', 40_000);
const TRANSPORTS = (a.get('transport') ?? 'both') === 'both' ? (['live', 'bulk'] as const) : ([a.get('transport') as 'live' | 'bulk'] as const);
const ROUNDS = a.num('rounds', 3);
const APT = a.num('agents-per-team', 50);
const SEED = a.num('seed', 1);
const TIME = (a.get('time') ?? 'iso') as 'iso' | 'ms';
/** See the header: `event` keeps routing and timers at the events' time. */
const CLOCK = (a.get('clock') ?? 'event') as 'wall' | 'event';
const ROUTING = (a.get('routing') ?? 'observe') as 'observe' | 'hub';
const END_AT = Date.now();
const LOGS = (a.get('log') ?? 'both') === 'both' ? (['memory', 'redis'] as const) : ([a.get('log') as 'memory' | 'redis'] as const);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'bench-secret';
const KEY_PREFIX = `callboard:bench:${process.pid}`;
const logger = pino({ level: 'silent' });

const demo = demoSite(APT);
const withRouting = (r: 'observe' | 'hub') => ({ ...demo, queues: demo.queues.map((q) => ({ ...q, routing: r })) });
const site = withRouting(ROUTING);
const otherRouting = ROUTING === 'observe' ? 'hub' : 'observe';
const cleanupRedis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
let sender: ReturnType<typeof forkTs> | undefined;
watchdog(170_000, () => sender?.kill());

// --------------------------------------------------------------------------------- in process

log(`generating ${EVENTS} events (${site.agents.length} agents, ${site.queues.length} queues)`);
const traffic = generateTraffic(site, { events: EVENTS, seed: SEED, timeFormat: TIME, endAt: END_AT });
const bs = batches(traffic.events, BATCH);
const N = traffic.events.length;

function applyOnce(routing = ROUTING): { ms: number; accepted: number; rejected: number; decisions: number } {
  const hub = new Hub({ config: withRouting(routing), log: new MemoryEventLog(), logger, metrics: createHubMetrics(false), clock: CLOCK });
  const t0 = performance.now();
  let decisions = 0;
  for (const b of bs) decisions += hub.apply(b).logged.length;
  const ms = performance.now() - t0;
  return { ms, accepted: hub.counts.accepted, rejected: hub.counts.rejected, decisions: decisions - hub.counts.accepted };
}

/**
 * `hub.apply()` with every agent scheduled (the demo's shift patterns, published before the traffic's
 * days): each agent state change then also counts schedule adherence and conformance.
 */
async function applyScheduledOnce(): Promise<number> {
  const hub = new Hub({ config: site, log: new MemoryEventLog(), logger, metrics: createHubMetrics(false), clock: CLOCK });
  const cal = new SiteCalendar(site.timeZone, site.intervalMin);
  const days = [...new Set([cal.dayStart(END_AT - 12 * 3_600_000), cal.dayStart(END_AT)])];
  const r = await hub.setSchedules(demoSchedules(site, days), 'bench', days[0]! - 3_600_000);
  if (!r.ok) throw new Error(`schedules refused: ${r.reason}`);
  const t0 = performance.now();
  for (const b of bs) hub.apply(b);
  return performance.now() - t0;
}

/** The floor of any JSON ingest: serialise and parse the same batches (what the socket transport costs in CPU at least). */
function jsonRoundTripOnce(): number {
  const t0 = performance.now();
  let n = 0;
  for (const b of bs) n += (JSON.parse(JSON.stringify(b)) as unknown[]).length;
  if (n !== N) throw new Error('round trip lost events');
  return performance.now() - t0;
}

function parseOnce(): { ms: number; parsed: CtiEvent[] } {
  const parsed: CtiEvent[] = [];
  const t0 = performance.now();
  for (const e of traffic.events) {
    const p = parseCtiEvent(e);
    if (p.ok) parsed.push(p.event);
  }
  return { ms: performance.now() - t0, parsed };
}

function evolveOnce(parsed: CtiEvent[]): number {
  const s = createState(site);
  let id = 0;
  const nextId = () => `h-${++id}`;
  const t0 = performance.now();
  for (let i = 0; i < parsed.length; i++) {
    evolve(s, parsed[i]!);
    if ((i + 1) % BATCH === 0 || i === parsed.length - 1) route(s, parsed[i]!.at, nextId);
  }
  return performance.now() - t0;
}

log('in process: hub.apply(), JSON round trip, validation only, evolve + route only');
const applyRuns: number[] = [];
const rtRuns: number[] = [];
const parseRuns: number[] = [];
const evolveRuns: number[] = [];
const otherRuns: number[] = [];
const scheduledRuns: number[] = [];
let otherDecisions = 0;
let applyCheck = { accepted: 0, rejected: 0, decisions: 0 };
for (let r = 0; r < ROUNDS; r++) {
  rtRuns.push(jsonRoundTripOnce());
  const ap = applyOnce();
  applyRuns.push(ap.ms);
  applyCheck = ap;
  const p = parseOnce();
  parseRuns.push(p.ms);
  evolveRuns.push(evolveOnce(p.parsed));
  const oc = applyOnce(otherRouting);
  otherRuns.push(oc.ms);
  otherDecisions = oc.decisions;
  scheduledRuns.push(await applyScheduledOnce());
}
const eps = (ms: number) => (N / ms) * 1000;
const applyEps = eps(median(applyRuns));
const rtEps = eps(median(rtRuns));

// ---------------------------------------------------------------------------------- over Socket.IO

interface Measure {
  label: string;
  eps: number;
  steadyEps: number;
  cpuUsPerEvent: number;
  senderCpuUsPerEvent: number;
  accepted: number;
  rejected: number;
  logged?: number;
}
const measures: Measure[] = [];

/**
 * A bare Socket.IO server. `ack`: acks at once (the raw baseline). `validate`: also validates every event
 * against the contract, the least any hub must do at its edge ("every inbound payload is validated"); its
 * ratio to raw is a ceiling for any hub on this machine.
 */
async function startRaw(kind: 'ack' | 'validate' = 'ack'): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const ioServer = new Server(http);
  ioServer.of('/telephony').on('connection', (socket) => {
    socket.on('events', (payload: unknown, ack: (r: unknown) => void) => {
      if (kind === 'ack') return ack({ accepted: Array.isArray(payload) ? payload.length : 1, duplicates: 0, rejected: [] });
      const items = Array.isArray(payload) ? payload : [payload];
      let accepted = 0;
      const rejected: { index: number; errors: string[] }[] = [];
      for (let i = 0; i < items.length; i++) {
        const r = parseCtiEvent(items[i]);
        if (r.ok) accepted++;
        else rejected.push({ index: i, errors: r.errors });
      }
      ack({ accepted, duplicates: 0, rejected });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((r) => ioServer.close(() => r())) };
}

async function startHub(logKind: 'memory' | 'redis', key: string): Promise<{ url: string; app: App }> {
  const app = await createApp({
    config: site,
    redisUrl: REDIS_URL,
    logger,
    jwtSecret: SECRET,
    streamKey: key,
    clock: CLOCK,
    ...(logKind === 'memory' ? { eventLog: new MemoryEventLog() } : {}),
  });
  return { url: await app.listen(0), app };
}

function steady(d: SenderDone): number {
  // Leave out the first 10% of batches (JIT warm-up, connection start).
  const k = Math.floor(d.ackAt.length / 10);
  if (k < 1 || d.ackAt.length < 5) return (d.events / d.ms) * 1000;
  const sorted = [...d.ackAt].sort((x, y) => x - y);
  const events = ((d.ackAt.length - k) / d.ackAt.length) * d.events;
  return (events / (sorted[sorted.length - 1]! - sorted[k - 1]!)) * 1000;
}

type Transport = 'live' | 'bulk';
const TRANSPORT_OF: Record<Transport, { batch: number; inflight: number; events: number; what: string }> = {
  live: { batch: 1, inflight: LIVE_INFLIGHT, events: Math.min(LIVE_EVENTS, EVENTS), what: `one event per emit, ${LIVE_INFLIGHT} unanswered at most (a PBX adapter forwarding events as they happen)` },
  bulk: { batch: BATCH, inflight: INFLIGHT, events: EVENTS, what: `arrays of ${BATCH} events, ${INFLIGHT} in flight (a bulk load or a catch-up)` },
};

async function measure(label: string, url: string, t: Transport): Promise<SenderDone & { cpuUs: number; senderCpuUs: number }> {
  const token = signToken(SECRET, { userId: 'bench-pbx', name: 'Bench PBX', role: 'telephony', teamIds: [] });
  const cpu0 = process.cpuUsage();
  const tr = TRANSPORT_OF[t];
  sender!.send({ kind: 'run', url, token, inflight: tr.inflight, batch: tr.batch, events: tr.events, label } satisfies SenderRun);
  const d = await waitMessage(sender!, (m): m is SenderDone => (m as SenderDone).kind === 'done', 100_000, `${label} run`);
  const cpu = process.cpuUsage(cpu0);
  if (d.error) throw new Error(`${label}: ${d.error}`);
  return { ...d, senderCpuUs: d.cpuUs, cpuUs: cpu.user + cpu.system };
}

/** Runs per transport and path, in round order. */
const runs = new Map<Transport, Map<string, Measure[]>>();
const RAW_LABEL = 'raw socket.io (ack only)';
const CEILING_LABEL = 'socket.io + validation only (ceiling)';
if (!a.flag('inproc-only')) {
  await cleanupRedis.connect();
  sender = forkTs('./ingest-sender.ts');
  sender.send({ kind: 'init', events: EVENTS, agentsPerTeam: APT, seed: SEED, timeFormat: TIME, endAt: END_AT } satisfies SenderInit);
  const ready = await waitMessage(sender, (m): m is SenderReady => (m as SenderReady).kind === 'ready', 60_000, 'sender ready');
  if (ready.events !== N) throw new Error(`sender generated ${ready.events} events, parent ${N}`);
  for (let r = 1; r <= ROUNDS; r++) {
    for (const t of TRANSPORTS) {
      const byLabel = runs.get(t) ?? new Map<string, Measure[]>();
      runs.set(t, byLabel);
      for (const mode of ['raw', 'validate', ...LOGS] as const) {
        const label = mode === 'raw' ? RAW_LABEL : mode === 'validate' ? CEILING_LABEL : `hub, ${mode} event log`;
        log(`round ${r}/${ROUNDS}, ${t}: ${label}`);
        let m: Measure;
        if (mode === 'raw' || mode === 'validate') {
          const srv = await startRaw(mode === 'raw' ? 'ack' : 'validate');
          const d = await measure(label, srv.url, t);
          await srv.close();
          m = { label, eps: (d.events / d.ms) * 1000, steadyEps: steady(d), cpuUsPerEvent: d.cpuUs / d.events, senderCpuUsPerEvent: d.senderCpuUs / d.events, accepted: d.accepted, rejected: d.rejected };
        } else {
          const key = `${KEY_PREFIX}:${r}:${t}:events`;
          const { url, app } = await startHub(mode, key);
          const d = await measure(label, url, t);
          const logged = mode === 'redis' ? await retry('XLEN', () => cleanupRedis.xlen(key)) : undefined;
          await app.close();
          if (mode === 'redis') await retry('DEL', () => cleanupRedis.del(key));
          if (d.rejected > 0) log(`  ${d.rejected} rejected, e.g. ${d.sampleErrors.join(' | ')}`);
          m = { label, eps: (d.events / d.ms) * 1000, steadyEps: steady(d), cpuUsPerEvent: d.cpuUs / d.events, senderCpuUsPerEvent: d.senderCpuUs / d.events, accepted: d.accepted, rejected: d.rejected };
          if (logged !== undefined) m.logged = logged;
        }
        log(`  ${Math.round(m.eps).toLocaleString('en-US')} events/s`);
        measures.push(m);
        byLabel.set(label, [...(byLabel.get(label) ?? []), m]);
      }
    }
  }
  sender.disconnect();
}

// ------------------------------------------------------------------------------------------ report

const mach = machine();
console.log(`\ningest benchmark: ${N.toLocaleString('en-US')} events (${traffic.calls} calls: ${traffic.answered} answered, ${traffic.abandoned} abandoned; ${site.agents.length} agents), ${ROUNDS} rounds, at as ${TIME}, hub clock ${CLOCK}, lines routed by ${ROUTING === 'observe' ? 'the PBX (observe)' : 'the hub'}`);
console.log(`machine: ${mach.nproc} cpus (${mach.cpu}), node ${mach.node}, load average ${mach.load}`);
console.log(`event mix: ${Object.entries(traffic.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);

const summary: Record<string, unknown> = { bench: 'ingest', events: N, batch: BATCH, inflight: INFLIGHT, liveEvents: TRANSPORT_OF.live.events, liveInflight: LIVE_INFLIGHT, rounds: ROUNDS, nproc: mach.nproc, node: mach.node, load: mach.load };
/** The goal's ratio (hub with the Redis log, else the memory log) per transport. */
const goalRatios: Partial<Record<Transport, number>> = {};
for (const [t, byLabel] of runs) {
  const pre = t === 'bulk' ? '' : 'live';
  const k = (name: string) => (pre ? pre + name[0]!.toUpperCase() + name.slice(1) : name);
  const rows: (string | number)[][] = [['path', 'events/s (median)', 'steady events/s', 'ratio to raw', 'server CPU µs/event', 'sender CPU µs/event', 'accepted', 'rejected', 'stream entries']];
  const rawRuns = byLabel.get(RAW_LABEL) ?? [];
  for (const [label, ms] of byLabel) {
    const e = median(ms.map((m) => m.eps));
    // Paired ratio per round (same round = same machine conditions), then the median of those.
    const ratio = label === RAW_LABEL ? 1 : median(ms.map((m, i) => m.eps / (rawRuns[i]?.eps ?? NaN)));
    const last = ms[ms.length - 1]!;
    rows.push([label, e, median(ms.map((m) => m.steadyEps)), ratio.toFixed(2), median(ms.map((m) => m.cpuUsPerEvent)).toFixed(1), median(ms.map((m) => m.senderCpuUsPerEvent)).toFixed(1), last.accepted, last.rejected, last.logged ?? '']);
    if (label === RAW_LABEL) summary[k('rawEps')] = Math.round(e);
    if (label === CEILING_LABEL) Object.assign(summary, { [k('validateOnlyEps')]: Math.round(e), [k('ratioValidateOnly')]: +ratio.toFixed(3) });
    if (label.includes('memory')) Object.assign(summary, { [k('hubMemoryEps')]: Math.round(e), [k('ratioMemory')]: +ratio.toFixed(3) });
    if (label.includes('redis')) Object.assign(summary, { [k('hubRedisEps')]: Math.round(e), [k('ratioRedis')]: +ratio.toFixed(3), [k('redisStreamEntries')]: last.logged });
  }
  const g = (summary[k('ratioRedis')] ?? summary[k('ratioMemory')]) as number | undefined;
  if (g !== undefined) goalRatios[t] = g;
  printTable(`over Socket.IO /telephony, ${t}: ${TRANSPORT_OF[t].what}; ${TRANSPORT_OF[t].events.toLocaleString('en-US')} events`, rows);
}
const rawEps = (summary.rawEps as number | undefined) ?? NaN;

const best = (xs: number[]) => Math.min(...xs);
const inRow = (label: string, runs: number[]) => [label, eps(median(runs)), eps(best(runs)), ((1000 * median(runs)) / N).toFixed(2), (eps(median(runs)) / rtEps).toFixed(2)];
printTable('in process, one core', [
  ['step', 'events/s (median)', 'events/s (best)', 'µs/event', 'ratio to JSON round trip'],
  inRow('hub.apply(): validate + dedupe + evolve + route + counters', applyRuns),
  inRow('  validation only (parseCtiEvent, zod)', parseRuns),
  inRow('  evolve + route only (pre-parsed events)', evolveRuns),
  inRow(`hub.apply() with ${otherRouting === 'hub' ? 'hub-routed lines (offers, then overridden by the PBX)' : 'observed lines'}`, otherRuns),
  inRow('hub.apply() with every agent scheduled (adherence, conformance)', scheduledRuns),
  inRow('baseline: JSON.stringify + JSON.parse of the batches', rtRuns),
]);
console.log(`  hub.apply(): ${applyCheck.accepted} accepted, ${applyCheck.rejected} rejected, ${applyCheck.decisions} hub decisions (offers, timeouts, overflow); with ${otherRouting}-routed lines ${otherDecisions} decisions`);

Object.assign(summary, {
  clock: CLOCK,
  routing: ROUTING,
  applyEps: Math.round(applyEps),
  applyBestEps: Math.round(eps(Math.min(...applyRuns))),
  [`apply${otherRouting === 'hub' ? 'HubRouted' : 'Observed'}Eps`]: Math.round(eps(median(otherRuns))),
  applyScheduledEps: Math.round(eps(median(scheduledRuns))),
  jsonRoundTripEps: Math.round(rtEps),
  goalRatioMet: goalRatios.live === undefined ? null : goalRatios.live >= 0.65,
  goalRatioBulkMet: goalRatios.bulk === undefined ? null : goalRatios.bulk >= 0.65,
  goalApplyMet: applyEps >= 100_000,
});
const ceilingRuns = runs.get('bulk')?.get(CEILING_LABEL);
if (ceilingRuns?.length) {
  // Every event costs at least: the sender's encoding and sending, the server's decoding and validation, and
  // evolve (state + counters). With all three sharing this machine's cores, no hub can go faster than this.
  const senderUs = median(ceilingRuns.map((m) => m.senderCpuUsPerEvent));
  const serverUs = median(ceilingRuns.map((m) => m.cpuUsPerEvent));
  const evolveUs = (1000 * median(evolveRuns)) / N;
  const boundEps = (mach.nproc * 1e6) / (senderUs + serverUs + evolveUs);
  Object.assign(summary, { senderUsPerEvent: +senderUs.toFixed(2), boundEps: Math.round(boundEps), boundRatio: +(boundEps / rawEps).toFixed(3) });
  console.log(`\nbulk ceiling: a Socket.IO server that only validates the events (no state, no metrics, no log) reaches ${(summary.ratioValidateOnly as number).toFixed(2)} of raw in this run.`);
  console.log(`bulk bound: sender ${senderUs.toFixed(1)} µs + decode and validate ${serverUs.toFixed(1)} µs + evolve ${evolveUs.toFixed(1)} µs of CPU per event on ${mach.nproc} cores: at most ${Math.round(boundEps).toLocaleString('en-US')} events/s = ${(boundEps / rawEps).toFixed(2)} of raw for any hub, even with perfect use of every core.`);
}
const verdict = (x: number | undefined) => (x === undefined ? 'not measured' : `${x.toFixed(2)} ${x >= 0.65 ? 'MET' : 'MISSED'}`);
const r = (k: string) => summary[k] as number | undefined;
console.log(`\ngoals: hub/raw >= 0.65:`);
console.log(`  live, validation + evolve + routing + metrics (memory log): ${verdict(r('liveRatioMemory'))}; with the durable Redis log: ${verdict(r('liveRatioRedis'))}`);
console.log(`  bulk, validation + evolve + routing + metrics (memory log): ${verdict(r('ratioMemory'))}; with the durable Redis log: ${verdict(r('ratioRedis'))}`);
console.log(`hub.apply() >= 100k events/s on one core: ${Math.round(applyEps).toLocaleString('en-US')} ${applyEps >= 100_000 ? 'MET' : 'MISSED'}`);
if (closeRace.count) console.log(`note: App.close() left ${closeRace.count} unhandled "Connection is closed." rejection(s) from the Redis adapter (tolerated; see docs/PERFORMANCE.md)`);
printSummary({ ...summary, closeRaceTolerated: closeRace.count });
if (cleanupRedis.status === 'ready') {
  const left = await retry('KEYS', () => cleanupRedis.keys(`${KEY_PREFIX}:*`));
  if (left.length) await retry('DEL', () => cleanupRedis.del(...left));
  await cleanupRedis.quit();
}
process.exit(0);

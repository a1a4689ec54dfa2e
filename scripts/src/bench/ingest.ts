/**
 * Ingest throughput: telephony events per second through the real hub (validation + evolve + routing +
 * metrics + event log), sent over Socket.IO `/telephony` in batches with several in flight, as a ratio
 * to a bare Socket.IO server whose `events` handler only acks, measured in the same run with the same
 * events from the same sender process. Also the in-process figure of `hub.apply()` on one core.
 *
 *   npm run bench:ingest -- [--events 150000] [--batch 500] [--inflight 4] [--rounds 3]
 *                           [--log memory|redis|both] [--agents-per-team 50] [--time iso|ms] [--inproc-only]
 *
 * Goals (issue): hub over Socket.IO >= 65% of raw; hub.apply() >= 100k events/s on one core.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Server } from 'socket.io';
import { parseCtiEvent, type CtiEvent } from '../../../realtime/src/contracts/index.ts';
import { createState, evolve, route } from '../../../realtime/src/core/index.ts';
import { createApp, createHubMetrics, Hub, MemoryEventLog, signToken, type App } from '../../../realtime/src/hub/index.ts';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import type { SenderDone, SenderInit, SenderReady, SenderRun } from './ingest-sender.ts';
import { args, batches, forkTs, generateTraffic, log, machine, median, printSummary, printTable, waitMessage, watchdog } from './lib.ts';

const a = args();
const EVENTS = a.num('events', 150_000);
const BATCH = a.num('batch', 500);
const INFLIGHT = a.num('inflight', 4);
const ROUNDS = a.num('rounds', 3);
const APT = a.num('agents-per-team', 50);
const SEED = a.num('seed', 1);
const TIME = (a.get('time') ?? 'iso') as 'iso' | 'ms';
const LOGS = (a.get('log') ?? 'both') === 'both' ? (['memory', 'redis'] as const) : ([a.get('log') as 'memory' | 'redis'] as const);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'bench-secret';
const KEY_PREFIX = `callboard:bench:${process.pid}`;
const logger = pino({ level: 'silent' });

const site = demoSite(APT);
const cleanupRedis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
let sender: ReturnType<typeof forkTs> | undefined;
watchdog(170_000, () => sender?.kill());

// --------------------------------------------------------------------------------- in process

log(`generating ${EVENTS} events (${site.agents.length} agents, ${site.queues.length} queues)`);
const traffic = generateTraffic(site, { events: EVENTS, seed: SEED, timeFormat: TIME });
const bs = batches(traffic.events, BATCH);
const N = traffic.events.length;

function applyOnce(): { ms: number; accepted: number; rejected: number; decisions: number } {
  const hub = new Hub({ config: site, log: new MemoryEventLog(), logger, metrics: createHubMetrics(false) });
  const t0 = performance.now();
  let decisions = 0;
  for (const b of bs) decisions += hub.apply(b).logged.length;
  const ms = performance.now() - t0;
  return { ms, accepted: hub.counts.accepted, rejected: hub.counts.rejected, decisions: decisions - hub.counts.accepted };
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
let applyCheck = { accepted: 0, rejected: 0, decisions: 0 };
for (let r = 0; r < ROUNDS; r++) {
  rtRuns.push(jsonRoundTripOnce());
  const ap = applyOnce();
  applyRuns.push(ap.ms);
  applyCheck = ap;
  const p = parseOnce();
  parseRuns.push(p.ms);
  evolveRuns.push(evolveOnce(p.parsed));
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
  accepted: number;
  rejected: number;
  logged?: number;
}
const measures: Measure[] = [];

async function startRaw(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const ioServer = new Server(http);
  ioServer.of('/telephony').on('connection', (socket) => {
    socket.on('events', (payload: unknown, ack: (r: unknown) => void) => {
      ack({ accepted: Array.isArray(payload) ? payload.length : 1, duplicates: 0, rejected: [] });
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

async function measure(label: string, url: string): Promise<SenderDone & { cpuUs: number }> {
  const token = signToken(SECRET, { userId: 'bench-pbx', name: 'Bench PBX', role: 'telephony', teamIds: [] });
  const cpu0 = process.cpuUsage();
  sender!.send({ kind: 'run', url, token, inflight: INFLIGHT, label } satisfies SenderRun);
  const d = await waitMessage(sender!, (m): m is SenderDone => (m as SenderDone).kind === 'done', 100_000, `${label} run`);
  const cpu = process.cpuUsage(cpu0);
  if (d.error) throw new Error(`${label}: ${d.error}`);
  return { ...d, cpuUs: cpu.user + cpu.system };
}

const runs = new Map<string, Measure[]>();
if (!a.flag('inproc-only')) {
  await cleanupRedis.connect();
  sender = forkTs('./ingest-sender.ts');
  sender.send({ kind: 'init', events: EVENTS, batch: BATCH, agentsPerTeam: APT, seed: SEED, timeFormat: TIME } satisfies SenderInit);
  const ready = await waitMessage(sender, (m): m is SenderReady => (m as SenderReady).kind === 'ready', 60_000, 'sender ready');
  if (ready.events !== N) throw new Error(`sender generated ${ready.events} events, parent ${N}`);
  for (let r = 1; r <= ROUNDS; r++) {
    for (const mode of ['raw', ...LOGS] as const) {
      const label = mode === 'raw' ? 'raw socket.io (ack only)' : `hub, ${mode} event log`;
      log(`round ${r}/${ROUNDS}: ${label}`);
      let m: Measure;
      if (mode === 'raw') {
        const srv = await startRaw();
        const d = await measure(label, srv.url);
        await srv.close();
        m = { label, eps: (d.events / d.ms) * 1000, steadyEps: steady(d), cpuUsPerEvent: d.cpuUs / d.events, accepted: d.accepted, rejected: d.rejected };
      } else {
        const key = `${KEY_PREFIX}:${r}:events`;
        const { url, app } = await startHub(mode, key);
        const d = await measure(label, url);
        const logged = mode === 'redis' ? await cleanupRedis.xlen(key) : undefined;
        await app.close();
        if (mode === 'redis') await cleanupRedis.del(key);
        if (d.rejected > 0) log(`  ${d.rejected} rejected, e.g. ${d.sampleErrors.join(' | ')}`);
        m = { label, eps: (d.events / d.ms) * 1000, steadyEps: steady(d), cpuUsPerEvent: d.cpuUs / d.events, accepted: d.accepted, rejected: d.rejected };
        if (logged !== undefined) m.logged = logged;
      }
      log(`  ${Math.round(m.eps).toLocaleString('en-US')} events/s`);
      measures.push(m);
      runs.set(label, [...(runs.get(label) ?? []), m]);
    }
  }
  sender.disconnect();
}

// ------------------------------------------------------------------------------------------ report

const mach = machine();
console.log(`\ningest benchmark: ${N.toLocaleString('en-US')} events (${traffic.calls} calls: ${traffic.answered} answered, ${traffic.abandoned} abandoned; ${site.agents.length} agents), batches of ${BATCH}, ${INFLIGHT} in flight, ${ROUNDS} rounds, at as ${TIME}`);
console.log(`machine: ${mach.nproc} cpus (${mach.cpu}), node ${mach.node}`);
console.log(`event mix: ${Object.entries(traffic.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);

const rows: (string | number)[][] = [['path', 'events/s (median)', 'steady events/s', 'ratio to raw', 'server CPU µs/event', 'accepted', 'rejected']];
const rawRuns = runs.get('raw socket.io (ack only)') ?? [];
const rawEps = rawRuns.length ? median(rawRuns.map((m) => m.eps)) : NaN;
const summary: Record<string, unknown> = { bench: 'ingest', events: N, batch: BATCH, inflight: INFLIGHT, rounds: ROUNDS, nproc: mach.nproc, node: mach.node };
for (const [label, ms] of runs) {
  const e = median(ms.map((m) => m.eps));
  // Paired ratio per round (same round = same machine conditions), then the median of those.
  const ratio = label.startsWith('raw') ? 1 : median(ms.map((m, i) => m.eps / (rawRuns[i]?.eps ?? NaN)));
  rows.push([label, e, median(ms.map((m) => m.steadyEps)), ratio.toFixed(2), median(ms.map((m) => m.cpuUsPerEvent)).toFixed(1), ms[ms.length - 1]!.accepted, ms[ms.length - 1]!.rejected]);
  if (label.includes('memory')) Object.assign(summary, { hubMemoryEps: Math.round(e), ratioMemory: +ratio.toFixed(3) });
  if (label.includes('redis')) Object.assign(summary, { hubRedisEps: Math.round(e), ratioRedis: +ratio.toFixed(3), redisStreamEntries: ms[ms.length - 1]!.logged });
}
if (rawRuns.length) summary.rawEps = Math.round(rawEps);
printTable('over Socket.IO /telephony (sender in a child process)', rows);

printTable('in process, one core', [
  ['step', 'events/s (median)', 'µs/event', 'ratio to JSON round trip'],
  ['hub.apply(): validate + dedupe + evolve + route + counters', applyEps, (1000 * median(applyRuns) / N).toFixed(2), (applyEps / rtEps).toFixed(2)],
  ['  validation only (parseCtiEvent, zod)', eps(median(parseRuns)), (1000 * median(parseRuns) / N).toFixed(2), (eps(median(parseRuns)) / rtEps).toFixed(2)],
  ['  evolve + route only (pre-parsed events)', eps(median(evolveRuns)), (1000 * median(evolveRuns) / N).toFixed(2), (eps(median(evolveRuns)) / rtEps).toFixed(2)],
  ['baseline: JSON.stringify + JSON.parse of the batches', rtEps, (1000 * median(rtRuns) / N).toFixed(2), '1.00'],
]);
console.log(`  hub.apply(): ${applyCheck.accepted} accepted, ${applyCheck.rejected} rejected, ${applyCheck.decisions} routing decisions`);

const goalRatio = (summary.ratioRedis ?? summary.ratioMemory) as number | undefined;
Object.assign(summary, {
  applyEps: Math.round(applyEps),
  jsonRoundTripEps: Math.round(rtEps),
  goalRatioMet: goalRatio === undefined ? null : goalRatio >= 0.65,
  goalApplyMet: applyEps >= 100_000,
});
console.log(`\ngoals: hub/raw >= 0.65: ${goalRatio === undefined ? 'not measured' : `${goalRatio.toFixed(2)} ${goalRatio >= 0.65 ? 'MET' : 'MISSED'}`}; hub.apply() >= 100k events/s: ${Math.round(applyEps).toLocaleString('en-US')} ${applyEps >= 100_000 ? 'MET' : 'MISSED'}`);
printSummary(summary);
if (cleanupRedis.status === 'ready') {
  const left = await cleanupRedis.keys(`${KEY_PREFIX}:*`);
  if (left.length) await cleanupRedis.del(...left);
  await cleanupRedis.quit();
}
process.exit(0);

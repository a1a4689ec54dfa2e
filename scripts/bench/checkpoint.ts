/**
 * Restart cost with and without a checkpoint. A hub in process takes a busy day (the ingest benchmark's
 * traffic: 200 agents, ~150k events), then:
 *   - checkpoint: the time the event loop is blocked making it (dump + JSON) and its size;
 *   - restart from the checkpoint alone (parse + load), the figure a restart pays after a clean stop;
 *   - baseline: restart by replaying the whole log (what a hub without checkpoints pays), same run.
 *
 *   npm run -s bench:checkpoint -- [--events 150000] [--rounds 3]
 */
import pino from 'pino';
import { demoSite } from '../../realtime/src/site/demo-site.ts';
import { Hub, MemoryEventLog } from '../../realtime/src/hub/index.ts';
import { args, batches, fmt, generateTraffic, log, machine, median, printSummary, printTable, watchdog } from './lib.ts';

const a = args();
const EVENTS = a.num('events', 150_000);
const ROUNDS = a.num('rounds', 3);
watchdog(170_000);

const logger = pino({ level: 'silent' });
const site = demoSite(50);
const observe = { ...site, queues: site.queues.map((q) => ({ ...q, routing: 'observe' as const })) };
log(`generating ${EVENTS} events…`);
const traffic = generateTraffic(observe, { events: EVENTS, seed: 3 });
const log1 = new MemoryEventLog();
const writer = new Hub({ config: observe, log: log1, logger, clock: 'event' });
for (const b of batches(traffic.events, 500)) await writer.ingest(b);

const blocked: number[] = [];
let bytes = 0;
const fromCp: number[] = [];
const full: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const cp = await writer.checkpoint();
  if (!cp) throw new Error('no checkpoint');
  blocked.push(cp.blockedMs);
  bytes = cp.bytes;

  let t = performance.now();
  const a1 = new Hub({ config: observe, log: log1, logger, clock: 'event' });
  const r1 = await a1.rebuild();
  fromCp.push(performance.now() - t);
  if (r1.checkpoint === null || r1.events !== 0) throw new Error('the restart did not use the checkpoint');

  const noCp = Object.assign(new MemoryEventLog(), { batches: log1.batches });
  t = performance.now();
  const a2 = new Hub({ config: observe, log: noCp, logger, clock: 'event' });
  const r2 = await a2.rebuild();
  full.push(performance.now() - t);
  if (r2.events !== traffic.events.length || a2.state.seq !== a1.state.seq) throw new Error('replay mismatch');
}

const m = machine();
printTable(`restart of a hub holding ${traffic.events.length} events (${traffic.calls} calls, ${observe.agents.length} agents); median of ${ROUNDS}`, [
  ['step', 'ms', 'ratio to full replay'],
  ['checkpoint: event loop blocked (dump + JSON)', fmt(median(blocked)), fmt(median(blocked) / median(full), 3)],
  ['restart from the checkpoint (parse + load)', fmt(median(fromCp)), fmt(median(fromCp) / median(full), 3)],
  ['baseline: restart by replaying the whole log', fmt(median(full)), '1.000'],
]);
console.log(`checkpoint size: ${fmt(bytes / 1048576, 2)} MiB; machine: ${m.nproc} cpus, load ${m.load}`);
printSummary({
  bench: 'checkpoint',
  events: traffic.events.length,
  blockedMs: Math.round(median(blocked)),
  restartFromCheckpointMs: Math.round(median(fromCp)),
  fullReplayMs: Math.round(median(full)),
  ratio: +(median(fromCp) / median(full)).toFixed(3),
  bytes,
  load: m.load,
});
process.exit(0);

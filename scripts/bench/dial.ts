/**
 * `npm run bench:dial [-- --leads 20000 --concurrency 50 --rounds 2]`: dial jobs per second through the
 * campaign pipeline, as a ratio to a no-op BullMQ job measured in the same run on the same Redis.
 *
 * - baseline: N no-op jobs (`addBulk` in chunks of 1,000), one worker with the same concurrency.
 * - pipeline: a running progressive campaign of N leads on the simulated carrier (every dial busy,
 *   1 attempt, so one dial job per lead), a fake hub with 1,000 free agents: pacing (claims, `addBulk`),
 *   each dial's checks (attempt record, DNC, call window), the carrier, the result's Lua transition and
 *   the attempt log; measured from the start until every lead is finished. The followers (hub notifier,
 *   database persister on an in-memory PGlite) run in the same process, as in `npm start`.
 *   `--connect 0.5` makes half the dials connect (hub events, outcomes) instead; `--database-url URL`
 *   persists to PostgreSQL (a server, off this event loop); `--no-followers` measures the dial jobs alone.
 * Rounds alternate baseline and pipeline; the ratio is the median of the rounds' ratios. Redis's own CPU
 * time per 1,000 jobs is shown too (steadier than wall time on a loaded machine); `--monitor` counts the
 * commands clients send per job (MONITOR: slow, use `--leads 2000`).
 */
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { demoSite } from '../../realtime/src/site/demo-site.ts';
import { openDatabase } from '../../realtime/src/storage/database.ts';
import { FakeHub, leadsCsv, testCampaign } from '../../queue-workers/src/campaigns/testing.ts';
import { startCampaignWorkers } from '../../queue-workers/src/campaigns/workers.ts';
import { ensureRedis } from '../src/lib/redis.ts';
import { args, fmt, log, machine, median, printSummary, printTable, watchdog } from './lib.ts';

const a = args();
const N = a.num('leads', 20_000);
const concurrency = a.num('concurrency', 50);
const rounds = a.num('rounds', 3);
const connect = a.num('connect', 0);
/** PostgreSQL for the persister (a server: its work leaves this process's event loop); default in-memory PGlite. */
const dbUrl = a.get('database-url');
/** Dial jobs alone: no hub notifier, persister or outcome follower. */
const noFollowers = a.flag('no-followers');
/** Count the commands clients send to Redis (MONITOR; slows Redis down: use a small --leads). */
const monitor = a.flag('monitor');
watchdog(15 * 60_000);

const redisHandle = await ensureRedis((s) => log(s));
const redisUrl = redisHandle.url;

/** Redis's own CPU time (user + sys, ms): what a job costs the server, less sensitive to a noisy machine than wall time. */
async function redisCpuMs(): Promise<number> {
  const r = new Redis(redisUrl);
  const info = await r.info('cpu');
  await r.quit();
  const v = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (v('used_cpu_user') + v('used_cpu_sys')) * 1000;
}

/** Commands sent by clients (not those run inside scripts), by name, while `fn` runs. */
async function countCommands<T>(fn: () => Promise<T>): Promise<{ out: T; commands: Map<string, number> }> {
  const commands = new Map<string, number>();
  if (!monitor) return { out: await fn(), commands };
  const r = new Redis(redisUrl);
  const m = await r.monitor();
  m.on('monitor', (_time: string, args: string[], source: string) => {
    if (source.includes('lua')) return;
    const name = String(args[0]).toLowerCase();
    commands.set(name, (commands.get(name) ?? 0) + 1);
  });
  const out = await fn();
  m.disconnect();
  r.disconnect();
  return { out, commands };
}
const perJob = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((x, y) => y[1] - x[1])
    .filter(([, n]) => n / N >= 0.01)
    .map(([k, n]) => `${k} ${(n / N).toFixed(2)}`)
    .join(', ');
const total = (m: Map<string, number>) => [...m.values()].reduce((x, y) => x + y, 0) / N;

async function noop(): Promise<number> {
  const prefix = `bench:noop:${randomBytes(4).toString('hex')}`;
  const conn = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const q = new Queue('noop', { connection: new Redis(redisUrl, { maxRetriesPerRequest: 3 }), prefix });
  let done = 0;
  let resolve!: () => void;
  const finished = new Promise<void>((r) => (resolve = r));
  const t0 = performance.now();
  const w = new Worker(
    'noop',
    async () => {
      if (++done === N) resolve();
    },
    { connection: conn, prefix, concurrency },
  );
  for (let i = 0; i < N; i += 1000) await q.addBulk(Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { jobId: `n|${i + k}`, removeOnComplete: { age: 3600, count: 20000 } } })));
  await finished;
  const ms = performance.now() - t0;
  await w.close();
  await q.obliterate({ force: true });
  await q.close();
  return (N / ms) * 1000;
}

async function pipeline(): Promise<{ perSec: number; importMs: number; startMs: number; redisCpu: number; nodeCpu: number }> {
  const prefix = `bench:dial:${randomBytes(4).toString('hex')}`;
  const redis = new Redis(redisUrl);
  const db = await openDatabase(dbUrl ? { url: dbUrl } : { dataDir: 'memory://' });
  const hub = new FakeHub({ redis, streamKey: `${prefix}:hubevents`, queue: 'telesales', freeAgents: 1000 });
  const w = await startCampaignWorkers({ redisUrl, db, config: demoSite(), hub, hubStreamKey: `${prefix}:hubevents`, logger: pino({ level: 'silent' }), prefix, dialConcurrency: concurrency, ...(noFollowers ? { run: { followers: false } } : {}) });
  const s = w.service;
  const id = `bench-${randomBytes(4).toString('hex')}`;
  const c = testCampaign({ id, maxAttempts: 1, settings: { pacingMs: 100, carrier: { connect, busy: 1 - connect, noAnswer: 0, voicemail: 0, failed: 0, ringSec: 0 } } as never });
  await s.save(c);
  const csv = leadsCsv(N);
  const ti = performance.now();
  await s.importFile(id, csv, await s.repo.createImport(id, null, csv.length), csv.length);
  const importMs = performance.now() - ti;
  // CPU from the start of the campaign (the import and the workers' start-up are not dials).
  const r0 = await redisCpuMs();
  const n0 = nodeCpuMs();
  const t0 = performance.now();
  await s.setStatus(id, 'running');
  const startMs = performance.now() - t0;
  for (;;) {
    const cov = await s.coverage(id);
    if (cov.leadsExhausted + cov.leadsDone === N) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - t0;
  const nodeCpu = nodeCpuMs() - n0;
  const redisCpu = (await redisCpuMs()) - r0;
  if (!noFollowers) await w.drain();
  await w.stop();
  await db.close();
  await redis.quit();
  return { perSec: (N / ms) * 1000, importMs, startMs, redisCpu: redisCpu / (N / 1000), nodeCpu: nodeCpu / (N / 1000) };
}

const m = machine();
log(`bench:dial: ${fmt(N)} leads, concurrency ${concurrency}, ${rounds} rounds, connect rate ${connect}; ${m.nproc} cores, load ${m.load}`);
const base: number[] = [];
const pipe: number[] = [];
const baseCpu: number[] = [];
const pipeCpu: number[] = [];
const baseNode: number[] = [];
const pipeNode: number[] = [];
/** This process's CPU time (user + sys, ms): the workers' JavaScript, ioredis and BullMQ's client side. */
const nodeCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let r = 0; r < rounds; r++) {
  const c0 = await redisCpuMs();
  const n0 = nodeCpuMs();
  const b = await countCommands(noop);
  baseNode.push((nodeCpuMs() - n0) / (N / 1000));
  baseCpu.push(((await redisCpuMs()) - c0) / (N / 1000));
  base.push(b.out);
  log(`round ${r + 1}: no-op ${fmt(base.at(-1)!)} jobs/s; Redis CPU ${fmt(baseCpu.at(-1)!)}, this process ${fmt(baseNode.at(-1)!)} ms per 1,000 jobs${monitor ? `; commands per job ${total(b.commands).toFixed(2)}: ${perJob(b.commands)}` : ''}`);
  const p = await countCommands(pipeline);
  pipeNode.push(p.out.nodeCpu);
  pipeCpu.push(p.out.redisCpu);
  pipe.push(p.out.perSec);
  log(`round ${r + 1}: pipeline ${fmt(p.out.perSec)} dials/s (lead import ${fmt(p.out.importMs)} ms, not timed; start, leads into Redis, ${fmt(p.out.startMs)} ms, timed; Redis CPU ${fmt(pipeCpu.at(-1)!)}, this process ${fmt(pipeNode.at(-1)!)} ms per 1,000 dials)${monitor ? `; commands per dial ${total(p.commands).toFixed(2)}: ${perJob(p.commands)}` : ''}`);
}
// Each round's ratio is of a no-op run and a pipeline run back to back (the machine's load moves between
// rounds): the figure is the median of the rounds' ratios.
const ratios = pipe.map((p, i) => p / base[i]!);
const ratio = median(ratios);
printTable('dial jobs through the campaign pipeline vs no-op BullMQ jobs', [
  ['', 'jobs/s (median)', 'runs'],
  ['no-op BullMQ job', median(base), base.map((x) => fmt(x)).join(' ')],
  ['campaign dial', median(pipe), pipe.map((x) => fmt(x)).join(' ')],
  ['ratio (median of the rounds)', `${(100 * ratio).toFixed(0)}%`, `${ratios.map((x) => `${(100 * x).toFixed(0)}%`).join(' ')}; goal >= 50%`],
  ['Redis CPU ms / 1,000 no-op jobs', median(baseCpu), baseCpu.map((x) => fmt(x)).join(' ')],
  ['Redis CPU ms / 1,000 dials', median(pipeCpu), pipeCpu.map((x) => fmt(x)).join(' ')],
  ['process CPU ms / 1,000 no-op jobs', median(baseNode), baseNode.map((x) => fmt(x)).join(' ')],
  ['process CPU ms / 1,000 dials', median(pipeNode), pipeNode.map((x) => fmt(x)).join(' ')],
]);
printSummary({ bench: 'dial', leads: N, concurrency, connect, persister: noFollowers ? 'none' : dbUrl ? 'postgres' : 'pglite', noopPerSec: Math.round(median(base)), dialPerSec: Math.round(median(pipe)), ratioPct: Math.round(100 * ratio), roundRatiosPct: ratios.map((x) => Math.round(100 * x)), redisCpuMsPer1000: { noop: Math.round(median(baseCpu)), dial: Math.round(median(pipeCpu)) }, processCpuMsPer1000: { noop: Math.round(median(baseNode)), dial: Math.round(median(pipeNode)) }, machine: m });
await redisHandle.stop();
process.exit(0);

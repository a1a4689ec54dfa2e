/**
 * Child process of `ingest.ts`: generates the same traffic as the parent (same seed), and on each
 * `run` message connects to `/telephony`, sends every batch with a fixed number in flight, and
 * reports the time from the first send to the last ack plus per-batch ack times. Running the sender
 * in its own process keeps JSON encoding off the server's core.
 */
import { io, type Socket } from 'socket.io-client';
import type { IngestResult } from '../../realtime/src/contracts/index.ts';
import { demoSite } from '../../realtime/src/site/demo-site.ts';
import { batches, generateTraffic } from './lib.ts';

export interface SenderInit {
  kind: 'init';
  events: number;
  agentsPerTeam: number;
  seed: number;
  timeFormat: 'iso' | 'ms';
  endAt?: number;
}
export interface SenderRun {
  kind: 'run';
  url: string;
  token: string;
  /** Events per emit: 1 sends each event on its own (a live adapter), more sends arrays (a bulk load). */
  batch: number;
  /** Only the first `events` events of the traffic. */
  events: number;
  inflight: number;
  label: string;
}
export interface SenderReady {
  kind: 'ready';
  events: number;
}
export interface SenderDone {
  kind: 'done';
  label: string;
  events: number;
  ms: number;
  /** ms since the first send at which each batch's ack arrived. */
  ackAt: number[];
  accepted: number;
  duplicates: number;
  rejected: number;
  /** First few rejection messages, to spot a broken generator. */
  sampleErrors: string[];
  /** The sender's own CPU time over the run, µs (user + system). */
  cpuUs: number;
  error?: string;
}

let traffic: unknown[] = [];
const payloadsBy = new Map<string, unknown[]>();

async function run(cmd: SenderRun): Promise<SenderDone> {
  const sock: Socket = io(`${cmd.url}/telephony`, {
    transports: ['websocket'],
    auth: { token: cmd.token },
    reconnection: false,
    timeout: 10_000,
  });
  const key = `${cmd.batch}/${cmd.events}`;
  let payloads = payloadsBy.get(key);
  if (!payloads) {
    const evs = traffic.slice(0, cmd.events);
    // batch 1: each event alone, as a live adapter emits it; otherwise arrays of `batch` events.
    payloads = cmd.batch === 1 ? evs : batches(evs, cmd.batch);
    payloadsBy.set(key, payloads);
  }
  const total = Math.min(cmd.events, traffic.length);
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => resolve());
    sock.once('connect_error', (err) => reject(err));
  });
  const done: SenderDone = {
    kind: 'done',
    label: cmd.label,
    events: total,
    ms: 0,
    ackAt: new Array<number>(payloads.length),
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    sampleErrors: [],
    cpuUs: 0,
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let acked = 0;
    const timer = setTimeout(() => reject(new Error(`no completion after 90 s (${acked}/${payloads!.length} emits acked)`)), 90_000);
    const send = () => {
      const i = next++;
      sock.emit('events', payloads![i], (res: IngestResult) => {
        done.ackAt[i] = performance.now() - t0;
        done.accepted += res.accepted;
        done.duplicates += res.duplicates;
        done.rejected += res.rejected.length;
        if (done.sampleErrors.length < 5) for (const r of res.rejected.slice(0, 5 - done.sampleErrors.length)) done.sampleErrors.push(r.errors.join('; '));
        acked++;
        if (next < payloads!.length) send();
        else if (acked === payloads!.length) {
          clearTimeout(timer);
          resolve();
        }
      });
    };
    for (let k = 0; k < cmd.inflight && next < payloads!.length; k++) send();
  });
  done.ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  done.cpuUs = cpu.user + cpu.system;
  sock.disconnect();
  return done;
}

process.on('message', (m: SenderInit | SenderRun) => {
  if (m.kind === 'init') {
    const tr = generateTraffic(demoSite(m.agentsPerTeam), { events: m.events, seed: m.seed, timeFormat: m.timeFormat, ...(m.endAt !== undefined ? { endAt: m.endAt } : {}) });
    traffic = tr.events;
    payloadsBy.clear();
    process.send!({ kind: 'ready', events: traffic.length } satisfies SenderReady);
  } else if (m.kind === 'run') {
    run(m).then(
      (d) => process.send!(d),
      (err: unknown) =>
        process.send!({
          kind: 'done',
          label: m.label,
          events: Math.min(m.events, traffic.length),
          ms: NaN,
          ackAt: [],
          accepted: 0,
          duplicates: 0,
          rejected: 0,
          sampleErrors: [],
          cpuUs: 0,
          error: (err as Error).message,
        } satisfies SenderDone),
    );
  }
});
process.on('disconnect', () => process.exit(0));

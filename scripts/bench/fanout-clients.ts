/**
 * Child process of `fanout.ts`: holds many wallboard sockets (socket.io-client, websocket transport)
 * to the hub and to the bare baseline server, and records when each `delta` arrives (its `seq` and a
 * wall-clock time comparable across processes). The parent matches them to the probes it sent.
 */
import { io, type Socket } from 'socket.io-client';
import { wallMs } from './lib.ts';

export interface ClientsInit {
  kind: 'init';
  /**
   * `socket.io`: socket.io-client sockets (websocket transport), as the console uses. `lite`: bare
   * WebSockets speaking the Engine.IO/Socket.IO wire protocol that read only a delta's `seq` and never
   * JSON-parse it, so the clients' own CPU (on the same 2 cores as the server) weighs less.
   */
  clients: 'socket.io' | 'lite';
  targets: { name: string; url: string }[];
  /** One entry per socket: its handshake auth (token, queues). */
  auths: { token?: string; queues?: string[] }[];
  /** Sockets connecting at once. */
  concurrency: number;
}
export interface ClientsReady {
  kind: 'ready';
  connected: number;
  failed: number;
  errors: string[];
  ms: number;
}
export interface ClientsReport {
  kind: 'report';
  /** Per target: per socket, the (seq, time) pairs of the deltas it received, flattened. */
  deltas: Record<string, number[][]>;
  snapshots: number;
  disconnects: number;
  /** Why sockets closed before the end (reason -> count). */
  closeReasons: Record<string, number>;
}
export interface ClientsSync {
  kind: 'sync';
  t: number;
}

const sockets: { target: string; sock: { close(): void }; rec: number[] }[] = [];
let snapshots = 0;
let disconnects = 0;
let closing = false;
const closeReasons: Record<string, number> = {};
function closed(target: string, reason: string): void {
  if (closing) return;
  disconnects++;
  const k = `${target}: ${reason}`;
  closeReasons[k] = (closeReasons[k] ?? 0) + 1;
}

function connectOne(target: string, url: string, auth: ClientsInit['auths'][number]): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = io(url, { transports: ['websocket'], auth, reconnection: false, timeout: 20_000, forceNew: true });
    const rec: number[] = [];
    sock.on('delta', (d: { seq: number }) => {
      rec.push(d.seq, wallMs());
    });
    sock.on('snapshot', () => snapshots++);
    sock.on('disconnect', (reason) => closed(target, reason));
    sock.once('connect', () => {
      sockets.push({ target, sock, rec });
      resolve();
    });
    sock.once('connect_error', (err) => {
      sock.close();
      reject(err);
    });
  });
}

const DELTA_PREFIX = '42["delta",{"seq":';

/** A wallboard on a bare WebSocket: Engine.IO v4 open, Socket.IO connect to `/` with auth, pong to pings. */
async function connectLite(target: string, url: string, auth: ClientsInit['auths'][number]): Promise<void> {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const rec: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('lite connect timeout')), 20_000);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const m = data.toString();
      if (m.startsWith(DELTA_PREFIX)) {
        rec.push(parseInt(m.slice(DELTA_PREFIX.length, DELTA_PREFIX.length + 16), 10), wallMs());
      } else if (m === '2') ws.send('3');
      else if (m.startsWith('0{')) ws.send('40' + JSON.stringify(auth));
      else if (m.startsWith('40{')) {
        clearTimeout(timer);
        sockets.push({ target, sock: ws, rec });
        resolve();
      } else if (m.startsWith('44')) {
        clearTimeout(timer);
        reject(new Error(`refused: ${m.slice(2, 200)}`));
      } else if (m.startsWith('42["snapshot"')) snapshots++;
    });
    ws.on('close', (code: number, reason: Buffer) => closed(target, `websocket close ${code} ${reason.toString()}`));
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function init(m: ClientsInit): Promise<void> {
  const t0 = performance.now();
  let failed = 0;
  const errors: string[] = [];
  const jobs: (() => Promise<void>)[] = [];
  const connect = m.clients === 'lite' ? connectLite : connectOne;
  for (const t of m.targets) for (const auth of m.auths) jobs.push(() => connect(t.name, t.url, auth));
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      try {
        await job();
      } catch (err) {
        failed++;
        if (errors.length < 3) errors.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: m.concurrency }, worker));
  process.send!({ kind: 'ready', connected: sockets.length, failed, errors, ms: performance.now() - t0 } satisfies ClientsReady);
}

process.on('message', (m: ClientsInit | ClientsSync | { kind: 'report' } | { kind: 'close' }) => {
  if (m.kind === 'init') void init(m);
  else if (m.kind === 'sync') process.send!({ kind: 'sync', t: m.t, child: wallMs() });
  else if (m.kind === 'report') {
    const deltas: Record<string, number[][]> = {};
    for (const s of sockets) (deltas[s.target] ??= []).push(s.rec);
    process.send!({ kind: 'report', deltas, snapshots, disconnects, closeReasons } satisfies ClientsReport);
  } else if (m.kind === 'close') {
    closing = true;
    for (const s of sockets) s.sock.close();
    setTimeout(() => process.exit(0), 200);
  }
});
process.on('disconnect', () => process.exit(0));
// A child must never outlive a broken parent.
setTimeout(() => process.exit(4), 170_000).unref();

/** Helpers for integration tests: a hub on a random port with real Redis, and socket clients. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, DeltaDTO, Role, ServerToClientEvents, SessionDTO, SiteConfigInput, SnapshotDTO } from '../contracts/index.ts';
import { applyDelta, parseSiteConfig } from '../contracts/index.ts';
import { createApp, type App, type AppDeps } from './app.ts';
import { signToken } from './auth.ts';
import { freePort, ping } from '../../../scripts/src/lib/redis.ts';

export const TEST_SECRET = 'test-secret';
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function testSite(over: Partial<SiteConfigInput> = {}): SiteConfigInput {
  return {
    id: 'test',
    offerTimeoutSec: 1,
    queues: [
      { id: 'booking', name: 'Booking', nameVi: 'Đặt lịch', priority: 2 },
      { id: 'advice', name: 'Advice', priority: 4 },
    ],
    teams: [{ id: 't1', name: 'Team 1' }],
    agents: [
      { id: 'a1', name: 'Agent One', teamId: 't1', queues: ['booking', 'advice'] },
      { id: 'a2', name: 'Agent Two', teamId: 't1', queues: ['booking'] },
    ],
    ...over,
  };
}

export async function startHub(
  redisUrl: string,
  site: SiteConfigInput = testSite(),
  extra: Partial<AppDeps> = {},
): Promise<{ app: App; url: string; streamKey: string }> {
  const streamKey = extra.streamKey ?? `callboard:test:${randomBytes(6).toString('hex')}:events`;
  const app = await createApp({
    config: parseSiteConfig(site),
    redisUrl,
    logger: pino({ level: 'silent' }),
    jwtSecret: TEST_SECRET,
    streamKey,
    tickMs: 50,
    deltaIntervalMs: 50,
    // The production configuration: rooms through the Redis adapter.
    redisAdapter: true,
    ...extra,
  });
  const url = await app.listen(0);
  return { app, url, streamKey };
}

export function token(role: Role, over: Partial<SessionDTO> = {}): string {
  return signToken(TEST_SECRET, { userId: over.userId ?? `${role}-user`, name: role, role, teamIds: [], ...over });
}

export async function client(url: string, tok: string, extraAuth: Record<string, unknown> = {}): Promise<ClientSocket> {
  const s: ClientSocket = connect(url, { auth: { token: tok, ...extraAuth }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', (e) => reject(e));
  });
  return s;
}

/** Resolves with the first `event` payload that satisfies `pred`, or rejects after `ms`. */
export function waitFor<T>(s: ClientSocket, event: keyof ServerToClientEvents, pred: (x: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      s.off(event, h as never);
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, ms);
    const h = (x: T) => {
      if (pred(x)) {
        clearTimeout(t);
        s.off(event, h as never);
        resolve(x);
      }
    };
    s.on(event, h as never);
  });
}

/**
 * What a board shows: the socket's snapshot with every delta merged into it as it arrives (as the
 * console does). `until(pred)` resolves with the first view that satisfies `pred`.
 */
export interface BoardView {
  readonly view: SnapshotDTO | undefined;
  readonly deltas: DeltaDTO[];
  until(pred: (v: SnapshotDTO) => boolean, ms?: number): Promise<SnapshotDTO>;
  /** Takes a snapshot the test asked for (`snapshot:get`), as the console does. */
  replace(s: SnapshotDTO): void;
}

/** A connected board: the socket, and its view merged from the first snapshot on. */
export async function board(url: string, tok: string, extraAuth: Record<string, unknown> = {}): Promise<BoardView & { socket: ClientSocket }> {
  const s: ClientSocket = connect(url, { auth: { token: tok, ...extraAuth }, transports: ['websocket'], forceNew: true, reconnection: false, autoConnect: false });
  const b = boardView(s);
  s.connect();
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', (e) => reject(e));
  });
  await b.until(() => true);
  return Object.assign(b, { socket: s });
}

function boardView(s: ClientSocket): BoardView {
  let view: SnapshotDTO | undefined;
  const deltas: DeltaDTO[] = [];
  const waiters: { pred: (v: SnapshotDTO) => boolean; resolve: (v: SnapshotDTO) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (view && w.pred(view)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(view);
      }
    }
  };
  s.on('snapshot', (snap) => {
    view = snap;
    check();
  });
  s.on('delta', (d) => {
    deltas.push(d);
    if (view) view = applyDelta(view, d);
    check();
  });
  return {
    get view() {
      return view;
    },
    deltas,
    replace(snap) {
      view = snap;
      check();
    },
    until(pred, ms = 5000) {
      if (view && pred(view)) return Promise.resolve(view);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`timed out waiting for the board view (seq ${view?.seq ?? 'none'})`));
          }
        }, ms).unref();
      });
    },
  };
}

export async function post(url: string, path: string, tok: string, body: unknown, contentType = 'application/json', method = 'POST'): Promise<{ status: number; json: any }> {
  const r = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${tok}`, 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

export function put(url: string, path: string, tok: string, body: unknown): Promise<{ status: number; json: any }> {
  return post(url, path, tok, body, 'application/json', 'PUT');
}

export async function get(url: string, path: string, tok?: string): Promise<{ status: number; json: any }> {
  const r = await fetch(url + path, { headers: tok ? { authorization: `Bearer ${tok}` } : {} });
  return { status: r.status, json: await r.json() };
}

/** Emits a command and resolves with its ack. */
export function cmd(s: ClientSocket, name: string, payload: unknown): Promise<any> {
  return new Promise((resolve) => (s.emit as any)(name, payload, resolve));
}

/**
 * A private redis-server on `port` (a free one by default), without persistence: killed and started again
 * on the same port it comes back empty, as after a failover to an empty replica. For outage tests (pausing
 * or killing the shared Redis would hold up every other test).
 */
export async function privateRedis(port?: number): Promise<{ url: string; port: number; kill(): void }> {
  const p = port ?? (await freePort());
  const srv = spawn('redis-server', ['--port', String(p), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${p}`;
  for (let i = 0; i < 100 && !(await ping(url, 200)); i++) await new Promise((r) => setTimeout(r, 50));
  return { url, port: p, kill: () => void srv.kill('SIGKILL') };
}

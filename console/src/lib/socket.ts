/**
 * The one Socket.IO client of the console: typed events from the hub's contracts, connect with the
 * JWT (and a wallboard's queues) in the handshake, commands with acks and a timeout, and resync:
 * the hub sends a fresh snapshot on every (re)connect, and when nothing has arrived for a while the
 * client asks for one (`snapshot:get`), so a silent hub shows up as stale figures, never as live ones.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  ApiErrorBody,
  ClientToServerEvents,
  CommandName,
  CommandPayload,
  CommandResult,
  Response,
  ServerToClientEvents,
  SnapshotDTO,
} from '$contracts/socket.ts';
import { connectRefusal } from './api-fail.ts';
import { hubSocketUrl } from './hub-url.ts';

export type HubClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'unauthorized';
/** A status listener: `detail` is the hub's or the transport's English message; `refusal` why the hub refused a sign-in (`unauthorized`), for `apiFailText`. */
export type StatusListener = (s: ConnStatus, detail?: string, refusal?: ApiErrorBody) => void;
type S2C = ServerToClientEvents;

export interface ConnectOptions {
  token: string;
  /** Queues a wallboard watches; empty for the whole site (or the agent's own view). */
  queues?: string[];
}

/** Quiet time (no delta, no snapshot, no hub heartbeat) after which the client asks the hub for a fresh snapshot. */
export const HEARTBEAT_MS = 3000;
/** Commands not answered within this time fail with `hubTimeout`. */
export const COMMAND_TIMEOUT_MS = 8000;

class HubConnection {
  #socket: HubClientSocket | undefined;
  #key = '';
  #status: ConnStatus = 'idle';
  #statusListeners = new Set<StatusListener>();
  #listeners = new Map<keyof S2C, Set<(...args: never[]) => void>>();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #lastData = 0;

  get status(): ConnStatus {
    return this.#status;
  }

  /** Connects (or keeps the connection when token and queues are the same). */
  connect(opts: ConnectOptions): void {
    const key = `${opts.token}|${(opts.queues ?? []).join(',')}`;
    if (this.#socket && this.#key === key) return;
    this.disconnect();
    this.#key = key;
    const socket: HubClientSocket = io(hubSocketUrl(), {
      auth: { token: opts.token, queues: opts.queues ?? [] },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.#socket = socket;
    this.#setStatus('connecting');
    socket.on('connect', () => {
      this.#lastData = Date.now();
      // `live` once the snapshot is in, not on the bare connect.
    });
    socket.on('connect_error', (err) => {
      // The hub's reason (`err.data`) says whether signing in again helps; a transport error has none and is retried.
      const refusal = connectRefusal(err as Error & { data?: unknown });
      if (refusal.signInAgain) {
        this.#setStatus('unauthorized', err.message, refusal.body);
        socket.disconnect();
        return;
      }
      this.#setStatus(this.#status === 'connecting' ? 'connecting' : 'reconnecting', err.message);
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.#setStatus('reconnecting', reason);
      // Socket.IO does not retry by itself after the server closed the connection (a hub restart
      // or shutdown): retry here; the manager's backoff takes over while the hub is down.
      if (reason === 'io server disconnect') setTimeout(() => this.#socket === socket && socket.connect(), 500);
    });
    socket.on('snapshot', (s) => {
      this.#lastData = Date.now();
      this.#setStatus('live');
      this.#dispatch('snapshot', s);
    });
    socket.on('delta', (d) => {
      this.#lastData = Date.now();
      this.#dispatch('delta', d);
    });
    // The hub's heartbeat: silence since the last delta means nothing changed, the figures are current.
    socket.on('hub:heartbeat', (h) => {
      this.#lastData = Date.now();
      this.#dispatch('hub:heartbeat', h);
    });
    socket.on('session:info', (s) => this.#dispatch('session:info', s));
    socket.on('offer:new', (o) => this.#dispatch('offer:new', o));
    socket.on('offer:cancelled', (o) => this.#dispatch('offer:cancelled', o));
    this.#heartbeat = setInterval(() => this.#beat(), 1000);
  }

  disconnect(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#socket?.removeAllListeners();
    this.#socket?.disconnect();
    this.#socket = undefined;
    this.#key = '';
    this.#setStatus('idle');
  }

  /** Subscribes to a hub event; returns the unsubscribe function. */
  on<K extends keyof S2C>(event: K, handler: S2C[K]): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(handler as (...args: never[]) => void);
    return () => set.delete(handler as (...args: never[]) => void);
  }

  onStatus(handler: StatusListener): () => void {
    this.#statusListeners.add(handler);
    return () => this.#statusListeners.delete(handler);
  }

  /** Sends a command and resolves with the hub's ack (never rejects). */
  command<K extends CommandName>(name: K, payload: CommandPayload<K>): Promise<Response<CommandResult>> {
    const socket = this.#socket;
    if (!socket?.connected) return Promise.resolve({ ok: false, error: { code: 'internal', message: 'not connected' } });
    return new Promise((resolve) => {
      const emit = socket.timeout(COMMAND_TIMEOUT_MS).emit as unknown as (
        n: string,
        p: unknown,
        ack: (err: Error | null, res: Response<CommandResult>) => void,
      ) => void;
      emit.call(socket.timeout(COMMAND_TIMEOUT_MS), name, payload, (err, res) => {
        if (err) resolve({ ok: false, error: { code: 'internal', message: 'timeout' } });
        else resolve(res);
      });
    });
  }

  /** Asks the hub for a fresh snapshot (also what the heartbeat does). */
  resync(): void {
    const socket = this.#socket;
    if (!socket?.connected) return;
    socket.timeout(COMMAND_TIMEOUT_MS).emit('snapshot:get', (err: Error | null, res: Response<SnapshotDTO>) => {
      if (err || !res.ok) return;
      this.#lastData = Date.now();
      this.#setStatus('live');
      this.#dispatch('snapshot', res.data);
    });
  }

  #beat(): void {
    if (this.#socket?.connected && Date.now() - this.#lastData >= HEARTBEAT_MS) {
      // Mark the request so a slow hub does not get a second one every second.
      this.#lastData = Date.now() - HEARTBEAT_MS + 2000;
      this.resync();
    }
  }

  #dispatch<K extends keyof S2C>(event: K, ...args: Parameters<S2C[K]>): void {
    for (const h of this.#listeners.get(event) ?? []) (h as unknown as (...a: Parameters<S2C[K]>) => void)(...args);
  }

  #setStatus(s: ConnStatus, detail?: string, refusal?: ApiErrorBody): void {
    if (s === this.#status && !detail) return;
    this.#status = s;
    for (const h of this.#statusListeners) h(s, detail, refusal);
  }
}

export const hub = new HubConnection();

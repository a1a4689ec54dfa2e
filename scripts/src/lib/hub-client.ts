/**
 * Talking to a running hub from scripts: telephony events over `POST /api/v1/events`, agent
 * sessions over Socket.IO, and the JWTs both need. Failures become typed errors with the URL in
 * the message, so a CLI can print one clear line and exit 1.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  CommandName,
  CommandPayload,
  CommandResult,
  CtiEventIn,
  IngestResult,
  Response,
  ServerToClientEvents,
  SessionDTO,
  SnapshotDTO,
} from '../../../realtime/src/contracts/index.ts';
import { jwtSecret, signToken } from '../../../realtime/src/hub/auth.ts';

/** Where scripts look for the hub unless told otherwise. */
export const DEFAULT_HUB_URL = 'http://127.0.0.1:8080';

/** The hub did not answer at all (connection refused, DNS, timeout). */
export class HubUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the hub at ${url}: ${reason}`);
    this.name = 'HubUnreachableError';
  }
}

/** The hub refused the credential (HTTP 401/403, or a socket `connect_error` about auth). */
export class HubAuthError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`the hub at ${url} refused the credential: ${reason}`);
    this.name = 'HubAuthError';
  }
}

/** The hub answered with an unexpected status or body. */
export class HubResponseError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`the hub at ${url} answered ${status}: ${body.slice(0, 300)}`);
    this.name = 'HubResponseError';
  }
}

/** Groups rejection messages so ids and numbers do not make every reason unique. */
export function reasonKey(message: string): string {
  return message
    .replace(/"[^"]*"|'[^']*'/g, '…')
    .replace(/[\w.:+-]*\d[\w.:+-]*/g, '#')
    .slice(0, 160);
}

/** The session of the telephony credential scripts use. */
export const SIMULATOR_SESSION: SessionDTO = { userId: 'simulator', name: 'Simulator', role: 'telephony', teamIds: [] };

/** A telephony credential: `CALLBOARD_TOKEN` if set, else one signed with the hub's secret. */
export function telephonyToken(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.CALLBOARD_TOKEN;
  if (given && given.length > 0) return given;
  return signToken(jwtSecret(env), SIMULATOR_SESSION);
}

export interface AgentIdentity {
  agentId: string;
  name: string;
  teamId?: string | undefined;
}

/** An agent credential signed with the hub's secret (`CALLBOARD_JWT_SECRET` or the dev secret). */
export function agentToken(agent: AgentIdentity, env: NodeJS.ProcessEnv = process.env): string {
  return signToken(jwtSecret(env), {
    userId: agent.agentId,
    name: agent.name,
    role: 'agent',
    agentId: agent.agentId,
    teamIds: agent.teamId ? [agent.teamId] : [],
  });
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function describeFetchError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  const code = e?.cause?.code;
  const msg = e?.cause?.message ?? e?.message ?? String(err);
  return code ? `${code} (${msg})` : msg;
}

export interface HubClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Telephony-role JWT. */
  token: string;
  /** Per-request timeout. @defaultValue 60000 */
  timeoutMs?: number;
  /** For tests. @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
}

/** HTTP client for the telephony ingest endpoint. */
export class HubClient {
  readonly url: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(opts: HubClientOptions) {
    this.url = trimSlash(opts.url);
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.fetchFn = opts.fetch ?? globalThis.fetch;
  }

  get eventsUrl(): string {
    return `${this.url}/api/v1/events`;
  }

  /**
   * Sends a batch of telephony events and returns the hub's answer. Resolves only when the hub has
   * answered, so awaiting each call is the back-pressure.
   * @throws HubUnreachableError, HubAuthError, HubResponseError
   */
  async postEvents(events: readonly CtiEventIn[] | readonly unknown[]): Promise<IngestResult> {
    let res: globalThis.Response;
    try {
      res = await this.fetchFn(this.eventsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new HubUnreachableError(this.url, describeFetchError(err));
    }
    const text = await res.text();
    if (res.status === 401 || res.status === 403) throw new HubAuthError(this.url, `${res.status} ${text.slice(0, 200)}`);
    if (res.status !== 200) throw new HubResponseError(this.url, res.status, text);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HubResponseError(this.url, res.status, `not JSON: ${text}`);
    }
    const r = body as Partial<IngestResult>;
    if (typeof r.accepted !== 'number' || typeof r.duplicates !== 'number' || !Array.isArray(r.rejected)) {
      throw new HubResponseError(this.url, res.status, `not an ingest answer: ${text}`);
    }
    return r as IngestResult;
  }

  /**
   * Checks that the hub is up and takes the credential, by posting an empty batch.
   * @throws HubUnreachableError, HubAuthError
   */
  async probe(): Promise<void> {
    try {
      await this.postEvents([]);
    } catch (err) {
      // A 400 for an empty body still proves the hub is up and the token was accepted.
      if (err instanceof HubResponseError && err.status === 400) return;
      throw err;
    }
  }
}

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface AgentSocketOptions {
  /** Connection timeout. @defaultValue 10000 */
  timeoutMs?: number;
  /** Ack timeout of commands. @defaultValue 15000 */
  commandTimeoutMs?: number;
}

/** One agent's Socket.IO session. */
export class AgentConnection {
  constructor(
    readonly socket: HubSocket,
    private readonly commandTimeoutMs: number,
    /** The snapshot the hub sends on connect (undefined if none came within a moment). */
    readonly firstSnapshot: Promise<SnapshotDTO | undefined> = Promise.resolve(undefined),
  ) {}

  /** Sends a command and resolves with the hub's ack (a timeout becomes an `internal` error). */
  command<K extends CommandName>(name: K, payload: CommandPayload<K>): Promise<Response<CommandResult>> {
    return new Promise((resolve) => {
      // socket.io's typed emit cannot follow a generic event name; the maps guarantee the shape.
      const withTimeout = this.socket.timeout(this.commandTimeoutMs);
      const emit = withTimeout.emit as unknown as (
        ev: string,
        p: unknown,
        cb: (err: Error | null, res: Response<CommandResult>) => void,
      ) => void;
      emit.call(withTimeout, name, payload, (err, res) => {
        if (err) resolve({ ok: false, error: { code: 'internal', message: `no answer to ${name}: ${err.message}` } });
        else resolve(res);
      });
    });
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}

/**
 * Opens a Socket.IO session with an agent credential. Resolves when connected.
 * @throws HubUnreachableError, HubAuthError
 */
export function connectAgent(url: string, token: string, opts: AgentSocketOptions = {}): Promise<AgentConnection> {
  const base = trimSlash(url);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket: HubSocket = io(base, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: true,
      timeout: timeoutMs,
    });
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new HubUnreachableError(base, `no Socket.IO connection within ${timeoutMs} ms`));
    }, timeoutMs);
    // The hub sends a snapshot on connect; listen before connecting so it cannot be missed.
    const firstSnapshot = new Promise<SnapshotDTO | undefined>((res) => {
      const t = setTimeout(() => res(undefined), 2000);
      socket.once('snapshot', (snap) => {
        clearTimeout(t);
        res(snap);
      });
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('connect_error');
      resolve(new AgentConnection(socket, opts.commandTimeoutMs ?? 15_000, firstSnapshot));
    });
    socket.on('connect_error', (err: Error & { description?: unknown; data?: unknown }) => {
      const msg = err.message ?? String(err);
      // The hub's refusals carry a reason (`data.reason`, docs/API.md); every one but a revocation check
      // that could not run means another credential. An older hub's only say so in words; transport errors
      // mention websocket.
      const reason = (err.data as { reason?: unknown } | undefined)?.reason;
      if (typeof reason === 'string' ? reason !== 'credential_check_unavailable' : /unauthori|forbidden|credential|token|auth/i.test(msg)) {
        clearTimeout(timer);
        socket.disconnect();
        reject(new HubAuthError(base, msg));
      } else if (/websocket error|xhr poll error|ECONNREFUSED|timeout/i.test(msg)) {
        clearTimeout(timer);
        socket.disconnect();
        reject(new HubUnreachableError(base, msg));
      }
      // Anything else: let socket.io retry until the timer fires.
    });
  });
}

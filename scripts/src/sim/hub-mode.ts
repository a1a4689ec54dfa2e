/**
 * Hub mode: the simulator plays the callers and the agents of a hub that does the routing.
 * Telephony events (offered, abandoned, agent login/state/logout, dial attempts) go to the hub's
 * ingest; each simulated agent has its own session and answers `offer:new` with `offer:accept` /
 * `offer:decline`, then `call:end` and `wrapup:finish`, through the same `SimAgent` behaviour as
 * the file mode. Time is the wall clock x `speed`; events carry the simulated time.
 */
import type {
  CommandName,
  CommandPayload,
  CommandResult,
  CtiEventIn,
  IngestResult,
  OfferDTO,
  Response,
} from '../../../realtime/src/contracts/index.ts';
import {
  agentToken,
  connectAgent,
  HubClient,
  reasonKey,
  telephonyToken,
  type AgentIdentity,
} from '../lib/hub-client.ts';
import type { EventBody } from './acd.ts';
import { planShifts, SimAgent, type AfterWrapup, type AgentPort, type Outcome } from './agent.ts';
import { offeredEvent, scheduleArrivals, type SimCall } from './callers.ts';
import { queueFactsOf } from './file-mode.ts';
import { resolveSimOptions, type ResolvedSimOptions, type SimOptions } from './model.ts';
import { Rng } from './random.ts';
import { RealtimeScheduler } from './scheduler.ts';
import { isoInZone, TIME } from './time.ts';

// ------------------------------------------------------------------------------------- transport

/** What the agent side receives from the hub. */
export interface AgentListeners {
  offer(o: OfferDTO): void;
  offerCancelled(callId: string, reason: string): void;
}

/** One agent's session with the hub. */
export interface AgentSession {
  command<K extends CommandName>(name: K, payload: CommandPayload<K>): Promise<Response<CommandResult>>;
  close(): void;
  /**
   * What the hub says this agent is doing when the session opens. A simulator that was killed
   * leaves its agents on calls or in wrap-up; the new run ends those first.
   */
  leftover?: { state: string; callId?: string };
}

/**
 * How the simulator reaches a hub. `socketTransport` uses HTTP + Socket.IO; an in-process hub
 * (`npm start`) can implement this directly.
 */
export interface HubTransport {
  /** Telephony events, in order; resolves with the hub's answer. */
  postEvents(events: CtiEventIn[]): Promise<IngestResult>;
  /** Opens an agent session; resolves once offers can arrive. */
  connectAgent(agent: AgentIdentity, on: AgentListeners): Promise<AgentSession>;
  /** Optional start-up check (reachable, credential accepted); throws with a clear message. */
  probe?(): Promise<void>;
}

export interface SocketTransportOptions {
  url: string;
  /** Telephony credential. @defaultValue `CALLBOARD_TOKEN`, else signed with the hub secret */
  token?: string;
  env?: NodeJS.ProcessEnv;
}

/** HTTP ingest + one Socket.IO connection per agent. */
export function socketTransport(o: SocketTransportOptions): HubTransport {
  const env = o.env ?? process.env;
  const client = new HubClient({ url: o.url, token: o.token ?? telephonyToken(env) });
  return {
    postEvents: (events) => client.postEvents(events),
    probe: () => client.probe(),
    async connectAgent(agent, on) {
      const conn = await connectAgent(o.url, agentToken(agent, env));
      conn.socket.on('offer:new', (offer) => {
        if (offer.agentId === agent.agentId) on.offer(offer);
      });
      conn.socket.on('offer:cancelled', (c) => on.offerCancelled(c.callId, c.reason));
      const me = (await conn.firstSnapshot)?.agents.find((a) => a.id === agent.agentId);
      const session: AgentSession = {
        command: (name, payload) => conn.command(name, payload),
        close: () => conn.close(),
      };
      if (me && (me.callId || me.state === 'wrapup' || me.state === 'onCall')) {
        session.leftover = { state: me.state, ...(me.callId ? { callId: me.callId } : {}) };
      }
      return session;
    },
  };
}

// ---------------------------------------------------------------------------------- the runner

export interface HubSimOptions extends SimOptions {
  /** Simulated seconds per real second. @defaultValue 1 */
  speed?: number;
  /** Called every `progressEveryMs` of real time with the counters. */
  onProgress?: (c: HubSimCounters) => void;
  /** @defaultValue 5000 */
  progressEveryMs?: number;
  /** Called once per problem worth telling the user (rejected events, failed commands), rate-limited by key. */
  onWarning?: (message: string) => void;
}

export interface HubSimCounters {
  /** Simulated time now (epoch ms). */
  simNow: number;
  offered: number;
  answered: number;
  abandoned: number;
  dialed: number;
  handled: number;
  missedOffers: number;
  declinedOffers: number;
  /** Calls offered and neither answered nor abandoned yet. */
  waiting: number;
  loggedIn: number;
  /** Events the hub accepted / refused as duplicates / rejected. */
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Rejections and failed commands by reason. */
  problems: Record<string, number>;
}

export interface SimulationHandle {
  readonly options: ResolvedSimOptions;
  /** Current counters. */
  counters(): HubSimCounters;
  /** Resolves when the run is over (after the drain period), or rejects on a fatal transport error. */
  readonly done: Promise<HubSimCounters>;
  /** Ends the run now: waiting calls are abandoned, agents end their calls and log out. */
  stop(): Promise<HubSimCounters>;
}

interface TrackedCall {
  call: SimCall;
  patience?: ReturnType<RealtimeScheduler['at']>;
  answered: boolean;
}

/** Serialises telephony posts (one request in flight, order kept) and batches what piles up. */
class Outbox {
  private queue: Array<{ e: CtiEventIn; done: (r: { ok: boolean; errors?: string[] }) => void }> = [];
  private flushing: Promise<void> | undefined;
  failure: Error | undefined;

  constructor(
    private readonly transport: HubTransport,
    private readonly onResult: (r: IngestResult, n: number) => void,
    private readonly onFatal: (err: Error) => void,
  ) {}

  send(e: CtiEventIn): Promise<{ ok: boolean; errors?: string[] }> {
    return new Promise((resolve) => {
      if (this.failure) return resolve({ ok: false, errors: [this.failure.message] });
      this.queue.push({ e, done: resolve });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.failure) {
        const batch = this.queue.splice(0, 500);
        let res: IngestResult;
        try {
          res = await this.transport.postEvents(batch.map((b) => b.e));
        } catch (err) {
          this.failure = err as Error;
          for (const b of [...batch, ...this.queue.splice(0)]) b.done({ ok: false, errors: [(err as Error).message] });
          this.onFatal(err as Error);
          return;
        }
        this.onResult(res, batch.length);
        const bad = new Map(res.rejected.map((r) => [r.index, r.errors]));
        batch.forEach((b, i) => {
          const errors = bad.get(i);
          b.done(errors ? { ok: false, errors } : { ok: true });
        });
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Resolves when everything queued so far has been answered. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}

/**
 * Starts a simulation against a hub. The returned handle's `done` settles when the run ends; a
 * transport failure (hub down, credential refused) rejects it.
 */
export function runSimulation(options: HubSimOptions, transport: HubTransport): SimulationHandle {
  const opts = resolveSimOptions({ durationMs: Number.POSITIVE_INFINITY, ...options });
  const speed = options.speed ?? 1;
  const scheduler = new RealtimeScheduler(opts.start, speed);
  const rng = new Rng(opts.seed);
  let seq = 0;
  let finished = false;
  const calls = new Map<string, TrackedCall>();
  const c: HubSimCounters = {
    simNow: opts.start,
    offered: 0,
    answered: 0,
    abandoned: 0,
    dialed: 0,
    handled: 0,
    missedOffers: 0,
    declinedOffers: 0,
    waiting: 0,
    loggedIn: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    problems: {},
  };
  const warned = new Set<string>();
  const problem = (key: string, detail: string): void => {
    c.problems[key] = (c.problems[key] ?? 0) + 1;
    if (!warned.has(key)) {
      warned.add(key);
      options.onWarning?.(`${key}: ${detail} (further ones only counted)`);
    }
  };

  let resolveDone!: (v: HubSimCounters) => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<HubSimCounters>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  // Callers may only await stop(); keep an unobserved rejection from crashing the process.
  done.catch(() => undefined);

  const outbox = new Outbox(
    transport,
    (r) => {
      c.accepted += r.accepted;
      c.duplicates += r.duplicates;
      c.rejected += r.rejected.length;
      for (const x of r.rejected) problem(`rejected: ${reasonKey(x.errors[0] ?? 'unknown')}`, x.errors.join('; '));
    },
    (err) => fail(err),
  );

  const send = (body: EventBody): Promise<{ ok: boolean; errors?: string[] }> => {
    const head = { id: `${opts.idPrefix}-e${++seq}`, type: body.type, at: isoInZone(scheduler.now(), opts.timeZone) };
    return outbox.send({ ...head, ...body, source: opts.source } as CtiEventIn);
  };

  // ------------------------------------------------------------------------------------ agents
  const sessions = new Map<string, { session?: AgentSession; chain: Promise<unknown>; loggedIn: boolean }>();
  const agents = new Map<string, SimAgent>();

  const commandOf = async <K extends CommandName>(agentId: string, name: K, payload: CommandPayload<K>): Promise<Response<CommandResult> | undefined> => {
    const s = sessions.get(agentId)?.session;
    if (!s) return undefined;
    const res = await s.command(name, payload);
    if (!res.ok) problem(`${name} ${res.error.code}`, `${agentId}: ${res.error.message}`);
    return res;
  };
  /** Runs `step` after the agent's previous steps, so its commands reach the hub in order. */
  const then = (agentId: string, step: () => Promise<unknown>): void => {
    const s = sessions.get(agentId);
    if (!s) return;
    s.chain = s.chain.then(step).catch((err: unknown) => problem('agent session', `${agentId}: ${(err as Error).message}`));
  };

  const port: AgentPort = {
    login(agentId, queues) {
      const s = sessions.get(agentId);
      const agent = agents.get(agentId);
      if (!s || !agent) return;
      then(agentId, async () => {
        if (!s.session) {
          try {
            s.session = await transport.connectAgent(
              { agentId, name: agent.name, teamId: agent.teamId },
              {
                offer: (o) => agent.offer(o.callId, o.queue),
                offerCancelled: (callId, reason) => agent.offerGone(callId, reason),
              },
            );
          } catch (err) {
            // An agent who cannot connect (hub gone, credential refused) ends the run: the numbers would be wrong.
            fail(err as Error);
            throw err;
          }
        }
        const left = s.session.leftover;
        if (left) {
          // Clear what an earlier, killed run left behind; failures here are not this run's problems.
          if (left.callId) await s.session.command('call:end', { callId: left.callId });
          await s.session.command('wrapup:finish', left.callId ? { callId: left.callId } : {});
          c.problems['left over from an earlier run (ended)'] = (c.problems['left over from an earlier run (ended)'] ?? 0) + 1;
        }
        s.loggedIn = true;
        c.loggedIn++;
        await Promise.all([send({ type: 'agent.login', agentId, queues: [...queues] }), send({ type: 'agent.state', agentId, state: 'available' })]);
      });
    },
    setState(agentId, state, reason) {
      then(agentId, () => commandOf(agentId, 'agent:setState', reason ? { state, reason } : { state }));
    },
    accept(agentId, callId) {
      then(agentId, async () => {
        const res = await commandOf(agentId, 'offer:accept', { callId });
        const agent = agents.get(agentId);
        if (res?.ok) {
          const t = calls.get(callId);
          if (t && !t.answered) {
            t.answered = true;
            scheduler.cancel(t.patience);
            c.answered++;
          }
          agent?.connected(callId);
        } else {
          agent?.offerGone(callId, res ? `refused-${res.ok ? '' : res.error.code}` : 'no-session');
        }
      });
    },
    decline(agentId, callId) {
      then(agentId, () => commandOf(agentId, 'offer:decline', { callId }));
    },
    hold(agentId, callId, on) {
      then(agentId, () => commandOf(agentId, 'call:hold', { callId, on }));
    },
    end(agentId, callId) {
      calls.delete(callId);
      then(agentId, () => commandOf(agentId, 'call:end', { callId }));
    },
    finishWrapup(agentId, callId, outcome: Outcome, next: AfterWrapup) {
      c.handled++;
      const payload: CommandPayload<'wrapup:finish'> = { callId, disposition: outcome.disposition };
      if (outcome.notes) payload.notes = outcome.notes;
      if (outcome.revenue !== undefined) payload.revenue = outcome.revenue;
      then(agentId, () => commandOf(agentId, 'wrapup:finish', payload));
      if (next === 'logout') port.logout(agentId);
      else if (next) port.setState(agentId, next.state, next.reason);
    },
    afterCall(agentId, state, reason) {
      // On a call the hub keeps it for the end of the call (`agent.next`).
      then(agentId, () => commandOf(agentId, 'agent:setState', reason ? { state, reason } : { state }));
    },
    logout(agentId) {
      const s = sessions.get(agentId);
      if (!s) return;
      const ev = send({ type: 'agent.logout', agentId });
      then(agentId, async () => {
        await ev;
        if (s.loggedIn) c.loggedIn--;
        s.loggedIn = false;
        s.session?.close();
        delete s.session;
      });
    },
  };

  const facts = queueFactsOf(opts);
  const teamIndex = new Map<string, number>();
  for (const cfg of opts.agents) {
    const team = cfg.teamId ?? '';
    const k = teamIndex.get(team) ?? 0;
    teamIndex.set(team, k + 1);
    const agentRng = rng.fork(`agent:${cfg.id}`);
    const agent = new SimAgent(cfg, scheduler, port, agentRng, opts.behaviour, facts, opts.maxMissedOffers);
    agents.set(cfg.id, agent);
    sessions.set(cfg.id, { chain: Promise.resolve(), loggedIn: false });
  }

  // ----------------------------------------------------------------------------------- callers
  const arrive = (call: SimCall): void => {
    if (call.direction === 'outbound') {
      c.dialed++;
      void send({
        type: 'call.dialed',
        callId: call.callId,
        campaignId: call.campaignId ?? `sim-${call.queue}`,
        leadId: call.leadId ?? call.callId,
        to: call.to ?? '',
        result: call.dialResult ?? 'connected',
      });
      if (call.dialResult !== 'connected') return;
    }
    c.offered++;
    const t: TrackedCall = { call, answered: false };
    calls.set(call.callId, t);
    void send(offeredEvent(call)).then((r) => {
      if (!r.ok) {
        // The hub refused the call (closed line, unknown queue...): the caller is gone.
        scheduler.cancel(t.patience);
        calls.delete(call.callId);
      }
    });
    t.patience = scheduler.after(call.patienceMs, () => {
      if (t.answered || !calls.has(call.callId)) return;
      calls.delete(call.callId);
      c.abandoned++;
      void send({ type: 'call.abandoned', callId: call.callId });
    });
  };

  // ----------------------------------------------------------------------------------- the run
  let progressTimer: NodeJS.Timeout | undefined;
  let endTimer: NodeJS.Timeout | undefined;

  const snapshot = (): HubSimCounters => {
    c.simNow = scheduler.now();
    c.waiting = [...calls.values()].filter((t) => !t.answered).length;
    c.missedOffers = 0;
    c.declinedOffers = 0;
    for (const a of agents.values()) {
      c.missedOffers += a.stats.missed;
      c.declinedOffers += a.stats.declined;
    }
    return { ...c, problems: { ...c.problems } };
  };

  const finish = async (): Promise<HubSimCounters> => {
    if (finished) return snapshot();
    finished = true;
    scheduler.stop();
    clearInterval(progressTimer);
    clearInterval(endTimer);
    for (const t of calls.values()) {
      if (!t.answered) {
        c.abandoned++;
        void send({ type: 'call.abandoned', callId: t.call.callId });
      }
    }
    for (const [id, agent] of agents) {
      const s = sessions.get(id);
      if (!s?.session) continue;
      const callId = agent.currentCall;
      // Leave nothing open in the hub: end the call, close the wrap-up (no disposition: none was chosen).
      if (callId && agent.localState === 'talking') then(id, () => commandOf(id, 'call:end', { callId }));
      if (callId && (agent.localState === 'talking' || agent.localState === 'wrapup')) {
        then(id, () => commandOf(id, 'wrapup:finish', { callId }));
      }
      if (s.loggedIn) port.logout(id);
    }
    await Promise.all([...sessions.values()].map((s) => s.chain));
    await outbox.drain();
    for (const s of sessions.values()) s.session?.close();
    const out = snapshot();
    resolveDone(out);
    return out;
  };

  const fail = (err: Error): void => {
    if (finished) return;
    finished = true;
    scheduler.stop();
    clearInterval(progressTimer);
    clearInterval(endTimer);
    for (const s of sessions.values()) s.session?.close();
    rejectDone(err);
  };

  const begin = async (): Promise<void> => {
    try {
      await transport.probe?.();
    } catch (err) {
      return fail(err as Error);
    }
    if (finished) return;
    for (const [id, agent] of agents) {
      const k = opts.agents.findIndex((a) => a.id === id);
      const sameTeamBefore = opts.agents.slice(0, k).filter((a) => a.teamId === agent.teamId).length;
      agent.plan(planShifts(opts, sameTeamBefore, rng.fork(`agent:${id}`).fork('shifts')));
    }
    scheduleArrivals(opts, scheduler, rng, arrive);
    if (options.onProgress) {
      progressTimer = setInterval(() => options.onProgress?.(snapshot()), options.progressEveryMs ?? 5000);
    }
    if (Number.isFinite(opts.end)) {
      // After the end no call arrives. The run is over as soon as every call has been answered and
      // ended or abandoned and no agent is still on a call or in wrap-up (finish() then logs them
      // out), or when the drain period is over (callers' patience is capped at it).
      endTimer = setInterval(() => {
        const now = scheduler.now();
        if (now < opts.end) return;
        const settled =
          calls.size === 0 && [...agents.values()].every((a) => a.localState === 'idle' || a.localState === 'away' || a.localState === 'offline');
        if (settled || now >= opts.end + opts.drainMs + 10 * TIME.MINUTE) void finish();
      }, 250);
    }
  };
  void begin();

  return {
    options: opts,
    counters: snapshot,
    done,
    stop: () => (finished ? done : finish()),
  };
}

/**
 * File mode: the whole phone system in process (callers, ACD, agents) on a virtual clock. The
 * result is a complete, self-routed recording: every offered call ends in exactly one of
 * `call.answered` or `call.abandoned`, every answered call is ended and gets an outcome, and every
 * agent who logged in logs out. Same options and seed = byte-identical events.
 */
import type { CtiEventIn } from '../../../realtime/src/contracts/index.ts';
import { InProcessAcd, type SimCounters } from './acd.ts';
import { planShifts, SimAgent, type QueueFacts } from './agent.ts';
import { scheduleArrivals } from './callers.ts';
import { DEFAULT_QUEUE_MODELS, resolveSimOptions, type ResolvedSimOptions, type SimOptions } from './model.ts';
import { Rng } from './random.ts';
import { VirtualScheduler } from './scheduler.ts';
import { isoInZone } from './time.ts';

export interface SimResult {
  events: CtiEventIn[];
  counters: SimCounters;
  options: ResolvedSimOptions;
  /** Calls still open when the clock stopped (0 for a complete recording). */
  openCalls: number;
}

/** Builds the agents' queue facts lookup (wrap-up limit and traffic model by queue id). */
export function queueFactsOf(opts: ResolvedSimOptions): (queueId: string) => QueueFacts {
  const byId = new Map(opts.queues.map((q) => [q.config.id, { wrapupSec: q.config.wrapupSec, model: q.model }]));
  const fallback = opts.queues[0];
  return (id) =>
    byId.get(id) ??
    (() => {
      const site = opts.site.queues.find((q) => q.id === id);
      if (!fallback) throw new Error('no queues to simulate');
      // A line this run makes no calls for (e.g. a campaign's, dialled by the real dialer) still gets
      // its own handling model when there is one: telesales calls end in sales, not in bookings.
      return { wrapupSec: site?.wrapupSec ?? 0, model: DEFAULT_QUEUE_MODELS[id] ?? fallback.model };
    })();
}

/**
 * Runs the simulation as fast as possible and returns the CTI events, sorted by `at` (stable:
 * events at the same instant keep their causal order).
 * @param onEvent optional streaming hook, called in time order as events happen
 */
export function simulate(options: SimOptions = {}, onEvent?: (e: CtiEventIn) => void): SimResult {
  const opts = resolveSimOptions(options);
  if (!Number.isFinite(opts.end)) throw new Error('file mode needs a finite duration');
  const scheduler = new VirtualScheduler(opts.start);
  const rng = new Rng(opts.seed);
  const raw: Array<{ e: CtiEventIn; t: number }> = [];
  const acd = new InProcessAcd(opts, scheduler, (e) => {
    const t = e.at as number;
    const withIso = { ...e, at: isoInZone(t, opts.timeZone) } as CtiEventIn;
    raw.push({ e: withIso, t });
    onEvent?.(withIso);
  });
  const facts = queueFactsOf(opts);
  const teamIndex = new Map<string, number>();
  opts.agents.forEach((cfg) => {
    const team = cfg.teamId ?? '';
    const k = teamIndex.get(team) ?? 0;
    teamIndex.set(team, k + 1);
    const agentRng = rng.fork(`agent:${cfg.id}`);
    const agent = new SimAgent(cfg, scheduler, acd, agentRng, opts.behaviour, facts, opts.maxMissedOffers);
    acd.register(agent);
    agent.plan(planShifts(opts, k, agentRng.fork('shifts')));
  });
  scheduleArrivals(opts, scheduler, rng, (call) => acd.arrive(call));
  scheduler.run();
  // The loop emits in time order already; the stable sort is a guarantee, not a fix.
  raw.sort((a, b) => a.t - b.t);
  return { events: raw.map((r) => r.e), counters: acd.counters, options: opts, openCalls: acd.openCalls };
}

/** The CTI events of a simulation (see `simulate`). */
export function simulateToEvents(options: SimOptions = {}): CtiEventIn[] {
  return simulate(options).events;
}

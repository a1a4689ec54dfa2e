/**
 * A small in-process ACD, standing in for a phone system that routes its own calls (file mode).
 * Rules: a free agent takes the waiting call of the most important queue (queue priority, then
 * call priority), oldest first; a new call goes to the longest-idle available agent of its queue.
 * An offer rings for the site's offer timeout; an agent who lets `maxMissedOffers` offers in a row
 * ring out is paused (`agent.state missed`). Everything it does is written as CTI events.
 */
import type { CtiEventIn } from '../../../realtime/src/contracts/index.ts';
import type { AfterWrapup, AgentPort, Outcome, SimAgent } from './agent.ts';
import { offeredEvent, type SimCall } from './callers.ts';
import type { ResolvedSimOptions } from './model.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A CTI event without `id`, `at` and `source`, which the emitter adds. */
export type EventBody = DistributiveOmit<CtiEventIn, 'id' | 'at' | 'source'>;

export interface SimCounters {
  offered: number;
  answered: number;
  abandoned: number;
  /** Outbound dial attempts (`call.dialed`). */
  dialed: number;
  ended: number;
  outcomes: number;
  missedOffers: number;
  declinedOffers: number;
  /** Calls waiting now. */
  waiting: number;
  /** Agents signed in now. */
  loggedIn: number;
}

interface AcdCall {
  call: SimCall;
  enteredAt: number;
  queuePriority: number;
  priority: number;
  state: 'waiting' | 'ringing' | 'connected';
  agentId?: string;
  /** Agents who let this call ring out or declined it; it is not offered to them again. */
  excluded: Set<string>;
  patience?: TimerHandle;
  offerTimer?: TimerHandle;
}

interface AcdAgent {
  agent: SimAgent;
  queues: Set<string>;
  state: 'offline' | 'available' | 'reserved' | 'busy' | 'wrapup' | 'paused';
  idleSince: number;
  missedInRow: number;
  order: number;
}

export class InProcessAcd implements AgentPort {
  private readonly calls = new Map<string, AcdCall>();
  private readonly agents = new Map<string, AcdAgent>();
  private readonly queuePriority = new Map<string, number>();
  private eventSeq = 0;
  readonly counters: SimCounters = {
    offered: 0,
    answered: 0,
    abandoned: 0,
    dialed: 0,
    ended: 0,
    outcomes: 0,
    missedOffers: 0,
    declinedOffers: 0,
    waiting: 0,
    loggedIn: 0,
  };

  constructor(
    private readonly opts: ResolvedSimOptions,
    private readonly scheduler: Scheduler,
    private readonly sink: (e: CtiEventIn) => void,
  ) {
    for (const q of opts.site.queues) this.queuePriority.set(q.id, q.priority);
  }

  register(agent: SimAgent): void {
    this.agents.set(agent.id, {
      agent,
      queues: new Set(agent.queues),
      state: 'offline',
      idleSince: 0,
      missedInRow: 0,
      order: this.agents.size,
    });
  }

  /** Calls not yet answered or abandoned plus calls in conversation: zero once the run has drained. */
  get openCalls(): number {
    return this.calls.size;
  }

  private emit(body: EventBody): void {
    // Key order id, type, at, ...fields keeps the NDJSON readable.
    const head = { id: `${this.opts.idPrefix}-e${++this.eventSeq}`, type: body.type, at: Math.round(this.scheduler.now()) };
    this.sink({ ...head, ...body, source: this.opts.source } as CtiEventIn);
  }

  private agent(agentId: string): AcdAgent {
    const a = this.agents.get(agentId);
    if (!a) throw new Error(`unknown agent ${agentId}`);
    return a;
  }

  // ------------------------------------------------------------------------------- the callers

  /** A call (or dial attempt) arrives. */
  arrive(call: SimCall): void {
    if (call.direction === 'outbound') {
      // A progressive dialer: no free agent on the campaign's line (or one already has a connected
      // call waiting for it), no dial. Dialling blind would drop connected callees far over the 3% cap.
      if (!this.freeAgentFor(call.queue)) return;
      this.counters.dialed++;
      this.emit({
        type: 'call.dialed',
        callId: call.callId,
        campaignId: call.campaignId ?? `sim-${call.queue}`,
        leadId: call.leadId ?? call.callId,
        to: call.to ?? '',
        result: call.dialResult ?? 'connected',
      });
      if (call.dialResult !== 'connected') return;
    }
    this.counters.offered++;
    this.emit(offeredEvent(call));
    const c: AcdCall = {
      call,
      enteredAt: this.scheduler.now(),
      queuePriority: this.queuePriority.get(call.queue) ?? 5,
      priority: call.priority ?? 5,
      state: 'waiting',
      excluded: new Set(),
    };
    this.calls.set(call.callId, c);
    this.counters.waiting++;
    c.patience = this.scheduler.after(call.patienceMs, () => this.giveUp(c));
    this.dispatchCall(c);
  }

  /** True when an agent of `queue` is available and more of them than calls already waiting there. */
  private freeAgentFor(queue: string): boolean {
    let free = 0;
    for (const a of this.agents.values()) if (a.state === 'available' && a.queues.has(queue)) free++;
    if (free === 0) return false;
    let waiting = 0;
    for (const c of this.calls.values()) if (c.call.queue === queue && c.state !== 'connected') waiting++;
    return free > waiting;
  }

  private giveUp(c: AcdCall): void {
    if (c.state === 'connected') return;
    if (c.state === 'ringing' && c.agentId) {
      this.scheduler.cancel(c.offerTimer);
      const a = this.agent(c.agentId);
      a.state = 'available';
      a.agent.offerGone(c.call.callId, 'abandoned');
    }
    this.counters.abandoned++;
    this.counters.waiting--;
    this.calls.delete(c.call.callId);
    this.emit({ type: 'call.abandoned', callId: c.call.callId });
    if (c.state === 'ringing' && c.agentId) {
      const a = this.agent(c.agentId);
      if (a.state === 'available') this.dispatchAgent(a);
    }
  }

  // ------------------------------------------------------------------------------------ routing

  private dispatchCall(c: AcdCall): void {
    let best: AcdAgent | undefined;
    for (const a of this.agents.values()) {
      if (a.state !== 'available' || !a.queues.has(c.call.queue) || c.excluded.has(a.agent.id)) continue;
      if (!best || a.idleSince < best.idleSince || (a.idleSince === best.idleSince && a.order < best.order)) best = a;
    }
    if (best) this.offer(c, best);
  }

  private dispatchAgent(a: AcdAgent): void {
    if (a.state !== 'available') return;
    let best: AcdCall | undefined;
    for (const c of this.calls.values()) {
      if (c.state !== 'waiting' || !a.queues.has(c.call.queue) || c.excluded.has(a.agent.id)) continue;
      if (
        !best ||
        c.queuePriority < best.queuePriority ||
        (c.queuePriority === best.queuePriority &&
          (c.priority < best.priority || (c.priority === best.priority && c.enteredAt < best.enteredAt)))
      ) {
        best = c;
      }
    }
    if (best) this.offer(best, a);
  }

  private offer(c: AcdCall, a: AcdAgent): void {
    c.state = 'ringing';
    c.agentId = a.agent.id;
    a.state = 'reserved';
    c.offerTimer = this.scheduler.after(this.opts.offerTimeoutMs, () => this.ringOut(c, a));
    a.agent.offer(c.call.callId, c.call.queue);
  }

  private ringOut(c: AcdCall, a: AcdAgent): void {
    if (c.state !== 'ringing' || c.agentId !== a.agent.id) return;
    this.counters.missedOffers++;
    c.state = 'waiting';
    delete c.agentId;
    c.excluded.add(a.agent.id);
    a.missedInRow++;
    if (a.missedInRow >= this.opts.maxMissedOffers) {
      a.missedInRow = 0;
      a.state = 'paused';
      this.emit({ type: 'agent.state', agentId: a.agent.id, state: 'missed', reason: 'missed-offers' });
    } else {
      a.state = 'available';
    }
    a.agent.offerGone(c.call.callId, 'timeout');
    this.dispatchCall(c);
    this.dispatchAgent(a);
  }

  // ------------------------------------------------------------------------------ the AgentPort

  login(agentId: string, queues: readonly string[]): void {
    const a = this.agent(agentId);
    this.emit({ type: 'agent.login', agentId, queues: [...queues] });
    this.emit({ type: 'agent.state', agentId, state: 'available' });
    this.counters.loggedIn++;
    a.state = 'available';
    a.idleSince = this.scheduler.now();
    a.missedInRow = 0;
    this.dispatchAgent(a);
  }

  setState(agentId: string, state: string, reason?: string): void {
    const a = this.agent(agentId);
    if (a.state === 'offline' || a.state === 'busy' || a.state === 'wrapup' || a.state === 'reserved') return;
    this.emit({ type: 'agent.state', agentId, state, ...(reason ? { reason } : {}) });
    if (state === 'available') {
      a.state = 'available';
      a.idleSince = this.scheduler.now();
      this.dispatchAgent(a);
    } else {
      a.state = 'paused';
    }
  }

  accept(agentId: string, callId: string): void {
    const c = this.calls.get(callId);
    const a = this.agent(agentId);
    if (!c || c.state !== 'ringing' || c.agentId !== agentId) {
      a.agent.offerGone(callId, 'gone');
      return;
    }
    this.scheduler.cancel(c.offerTimer);
    this.scheduler.cancel(c.patience);
    c.state = 'connected';
    a.state = 'busy';
    a.missedInRow = 0;
    this.counters.answered++;
    this.counters.waiting--;
    this.emit({ type: 'call.answered', callId, agentId });
    a.agent.connected(callId, c.call.queue);
  }

  decline(agentId: string, callId: string): void {
    const c = this.calls.get(callId);
    const a = this.agent(agentId);
    if (!c || c.state !== 'ringing' || c.agentId !== agentId) return;
    this.scheduler.cancel(c.offerTimer);
    this.counters.declinedOffers++;
    c.state = 'waiting';
    delete c.agentId;
    c.excluded.add(agentId);
    a.state = 'available';
    this.dispatchCall(c);
    this.dispatchAgent(a);
  }

  hold(_agentId: string, callId: string, on: boolean): void {
    if (this.calls.get(callId)?.state !== 'connected') return;
    this.emit({ type: on ? 'call.held' : 'call.resumed', callId });
  }

  end(agentId: string, callId: string, by: 'caller' | 'agent'): void {
    const c = this.calls.get(callId);
    if (!c || c.state !== 'connected') return;
    this.calls.delete(callId);
    this.counters.ended++;
    this.agent(agentId).state = 'wrapup';
    this.emit({ type: 'call.ended', callId, by });
  }

  finishWrapup(agentId: string, callId: string, outcome: Outcome, next: AfterWrapup): void {
    const a = this.agent(agentId);
    this.counters.outcomes++;
    this.emit({ type: 'call.outcome', callId, ...outcome });
    if (next === 'logout') {
      a.state = 'available';
      this.logout(agentId);
    } else if (next) {
      a.state = 'paused';
      this.emit({ type: 'agent.state', agentId, state: next.state, ...(next.reason ? { reason: next.reason } : {}) });
    } else {
      a.state = 'available';
      a.idleSince = this.scheduler.now();
      this.emit({ type: 'agent.state', agentId, state: 'available' });
      this.dispatchAgent(a);
    }
  }

  logout(agentId: string): void {
    const a = this.agent(agentId);
    if (a.state === 'offline') return;
    this.emit({ type: 'agent.logout', agentId });
    this.counters.loggedIn--;
    a.state = 'offline';
  }
}

import { describe, expect, it } from 'vitest';
import type {
  CommandName,
  CommandPayload,
  CommandResult,
  CtiEventIn,
  IngestResult,
  Response,
} from '../../../realtime/src/contracts/index.ts';
import { HubUnreachableError } from '../lib/hub-client.ts';
import { runSimulation, type AgentListeners, type AgentSession, type HubTransport } from './hub-mode.ts';
import { TIME } from './time.ts';

/**
 * A tiny in-memory hub that routes like the real one should (oldest call to the longest-idle
 * available agent of the queue), enough to drive the simulator's hub mode end to end.
 */
class FakeHub implements HubTransport {
  readonly events: CtiEventIn[] = [];
  readonly commands: Array<{ agentId: string; name: CommandName; payload: unknown }> = [];
  private agents = new Map<string, { on?: AgentListeners; state: 'off' | 'available' | 'reserved' | 'busy' | 'wrapup' | 'away'; since: number; queues: string[] }>();
  private waiting: Array<{ callId: string; queue: string }> = [];
  private offers = new Map<string, { agentId: string; timer: NodeJS.Timeout }>();
  private seq = 0;
  /** Agents a killed earlier run left on a call: reported on connect like the real hub's snapshot. */
  readonly leftovers = new Map<string, { state: string; callId?: string }>();

  constructor(private readonly offerTimeoutMs: number) {}

  async postEvents(events: CtiEventIn[]): Promise<IngestResult> {
    await Promise.resolve();
    for (const e of events) {
      this.events.push(e);
      switch (e.type) {
        case 'agent.login':
          this.agent(e.agentId).queues = e.queues ?? [];
          break;
        case 'agent.state':
          this.agent(e.agentId).state = e.state === 'available' ? 'available' : 'away';
          this.agent(e.agentId).since = this.seq++;
          break;
        case 'agent.logout':
          this.agent(e.agentId).state = 'off';
          break;
        case 'call.offered':
          this.waiting.push({ callId: e.callId, queue: e.queue });
          break;
        case 'call.abandoned': {
          this.waiting = this.waiting.filter((w) => w.callId !== e.callId);
          const o = this.offers.get(e.callId);
          if (o) {
            clearTimeout(o.timer);
            this.offers.delete(e.callId);
            this.agent(o.agentId).state = 'available';
            this.agent(o.agentId).on?.offerCancelled(e.callId, 'abandoned');
          }
          break;
        }
        default:
          break;
      }
    }
    this.route();
    return { accepted: events.length, duplicates: 0, rejected: [] };
  }

  private agent(id: string) {
    let a = this.agents.get(id);
    if (!a) {
      a = { state: 'off', since: 0, queues: [] };
      this.agents.set(id, a);
    }
    return a;
  }

  private route(): void {
    for (const w of [...this.waiting]) {
      const free = [...this.agents.entries()]
        .filter(([, a]) => a.state === 'available' && a.on && a.queues.includes(w.queue))
        .sort((x, y) => x[1].since - y[1].since)[0];
      if (!free) continue;
      const [agentId, a] = free;
      this.waiting = this.waiting.filter((x) => x !== w);
      a.state = 'reserved';
      const timer = setTimeout(() => {
        this.offers.delete(w.callId);
        a.state = 'available';
        this.waiting.unshift(w);
        a.on?.offerCancelled(w.callId, 'timeout');
        this.route();
      }, this.offerTimeoutMs);
      this.offers.set(w.callId, { agentId, timer });
      const on = a.on!;
      setImmediate(() => on.offer({ callId: w.callId, agentId, queue: w.queue, queueName: w.queue, expiresAt: 0, offeredAt: 0, direction: 'inbound' }));
    }
  }

  async connectAgent(agent: { agentId: string }, on: AgentListeners): Promise<AgentSession> {
    await Promise.resolve();
    this.agent(agent.agentId).on = on;
    const leftover = this.leftovers.get(agent.agentId);
    return {
      ...(leftover ? { leftover } : {}),
      command: async <K extends CommandName>(name: K, payload: CommandPayload<K>): Promise<Response<CommandResult>> => {
        await Promise.resolve();
        this.commands.push({ agentId: agent.agentId, name, payload });
        const a = this.agent(agent.agentId);
        const ok: Response<CommandResult> = { ok: true, data: { seq: this.seq++, events: [] } };
        const p = payload as { callId?: string; state?: string };
        switch (name) {
          case 'offer:accept': {
            const o = this.offers.get(p.callId!);
            if (!o || o.agentId !== agent.agentId) return { ok: false, error: { code: 'conflict', message: 'no such offer' } };
            clearTimeout(o.timer);
            this.offers.delete(p.callId!);
            a.state = 'busy';
            return ok;
          }
          case 'offer:decline': {
            const o = this.offers.get(p.callId!);
            if (o) {
              clearTimeout(o.timer);
              this.offers.delete(p.callId!);
              this.waiting.unshift({ callId: p.callId!, queue: 'advice' });
            }
            a.state = 'available';
            this.route();
            return ok;
          }
          case 'call:end':
            a.state = 'wrapup';
            return ok;
          case 'wrapup:finish':
            a.state = 'available';
            a.since = this.seq++;
            this.route();
            return ok;
          case 'agent:setState':
            a.state = p.state === 'available' ? 'available' : 'away';
            a.since = this.seq++;
            this.route();
            return ok;
          default:
            return ok;
        }
      },
      close: () => {
        delete this.agent(agent.agentId).on;
      },
    };
  }
}

describe('hub mode (against an in-memory hub)', () => {
  it('given a hub that routes, when the simulator runs 40 simulated minutes fast, then agents log in, accept offers, end calls and finish wrap-up with a disposition', async () => {
    // 1200 simulated seconds per real second: 40 minutes in about 2 s.
    const speed = 1200;
    // The offer timeout is wall time here; keep a margin over the agents' 1-6 s (5 ms) so a busy CI
    // machine does not turn accepts into timeouts.
    const hub = new FakeHub(Math.max(100, (15 * TIME.SECOND) / speed));
    const handle = runSimulation(
      {
        start: Date.parse('2026-11-23T09:00:00+07:00'),
        durationMs: 40 * TIME.MINUTE,
        // Long enough that the run ends because everything is done, not at the drain limit.
        drainMs: 60 * TIME.MINUTE,
        speed,
        seed: 4,
        agents: 8,
        queues: ['advice', 'vaccine-booking'],
      },
      hub,
    );
    const k = await handle.done;
    expect(k.offered).toBeGreaterThan(40);
    expect(k.answered).toBeGreaterThan(0.7 * k.offered);
    expect(k.answered + k.abandoned).toBe(k.offered);
    expect(k.rejected).toBe(0);

    const types = new Set(hub.events.map((e) => e.type));
    for (const t of ['agent.login', 'agent.state', 'call.offered', 'agent.logout']) expect(types.has(t as CtiEventIn['type'])).toBe(true);
    // The hub routes: the simulator never reports answers, ends or outcomes as telephony events.
    for (const t of ['call.answered', 'call.ended', 'call.outcome']) expect(types.has(t as CtiEventIn['type'])).toBe(false);
    expect(hub.events.filter((e) => e.type === 'agent.login')).toHaveLength(8);
    expect(hub.events.filter((e) => e.type === 'agent.logout')).toHaveLength(8);
    // Telephony events carry the simulated clock, in the site's time zone.
    const t0 = Date.parse('2026-11-23T09:00:00+07:00');
    expect(hub.events.every((e) => typeof e.at === 'string' && e.at.endsWith('+07:00'))).toBe(true);
    const times = hub.events.map((e) => Date.parse(e.at as string));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(t0);
    expect(Math.max(...times)).toBeLessThan(t0 + 2 * TIME.HOUR);

    const names = hub.commands.map((c) => c.name);
    expect(names).toContain('offer:accept');
    expect(names).toContain('call:end');
    const finishes = hub.commands.filter((c) => c.name === 'wrapup:finish');
    expect(finishes.length).toBe(names.filter((n) => n === 'call:end').length);
    expect(finishes.every((c) => typeof (c.payload as { disposition?: string }).disposition === 'string')).toBe(true);
    // Per agent, commands come in a sensible order: accept before end before finish for each call.
    for (const f of finishes) {
      const callId = (f.payload as { callId: string }).callId;
      const idx = (n: string): number => hub.commands.findIndex((c) => c.name === n && (c.payload as { callId?: string }).callId === callId);
      expect(idx('offer:accept')).toBeLessThan(idx('call:end'));
      expect(idx('call:end')).toBeLessThan(idx('wrapup:finish'));
    }
  }, 20_000);

  it('given no agent ever answers, when patience runs out, then the simulator posts call.abandoned for each call', async () => {
    const speed = 3000;
    const hub = new FakeHub(15_000);
    const handle = runSimulation(
      { start: Date.parse('2026-11-23T09:00:00+07:00'), durationMs: 20 * TIME.MINUTE, drainMs: 3 * TIME.MINUTE, speed, seed: 1, agents: 0 },
      hub,
    );
    const k = await handle.done;
    const offered = hub.events.filter((e) => e.type === 'call.offered').map((e) => (e as { callId: string }).callId);
    const abandoned = hub.events.filter((e) => e.type === 'call.abandoned').map((e) => (e as { callId: string }).callId);
    expect(offered.length).toBeGreaterThan(10);
    expect(new Set(abandoned)).toEqual(new Set(offered));
    expect(k.abandoned).toBe(offered.length);
  }, 20_000);

  it('given an earlier run left an agent on a call, when the agent signs in, then it ends that call and finishes its wrap-up first', async () => {
    const hub = new FakeHub(15_000);
    hub.leftovers.set('a01', { state: 'onCall', callId: 'old-call' });
    const handle = runSimulation(
      { start: Date.parse('2026-11-23T09:00:00+07:00'), durationMs: TIME.MINUTE, drainMs: TIME.MINUTE, speed: 600, seed: 3, agents: 1, queues: ['advice'], rate: 0 },
      hub,
    );
    const k = await handle.done;
    const mine = hub.commands.filter((c) => c.agentId === 'a01').map((c) => `${c.name}:${(c.payload as { callId?: string }).callId ?? ''}`);
    expect(mine.slice(0, 2)).toEqual(['call:end:old-call', 'wrapup:finish:old-call']);
    expect(k.problems['left over from an earlier run (ended)']).toBe(1);
    // The cleanup happens before the agent's login reaches the hub.
    expect(hub.events.filter((e) => e.type === 'agent.login').map((e) => (e as { agentId: string }).agentId)).toEqual(['a01']);
  }, 20_000);

  it('given the hub is unreachable, when starting, then the run fails with an error naming the URL', async () => {
    const down: HubTransport = {
      probe: async () => {
        throw new HubUnreachableError('http://127.0.0.1:9', 'ECONNREFUSED');
      },
      postEvents: async () => {
        throw new HubUnreachableError('http://127.0.0.1:9', 'ECONNREFUSED');
      },
      connectAgent: async () => {
        throw new HubUnreachableError('http://127.0.0.1:9', 'ECONNREFUSED');
      },
    };
    const handle = runSimulation({ durationMs: TIME.MINUTE, agents: 2 }, down);
    await expect(handle.done).rejects.toThrow(/cannot reach the hub at http:\/\/127\.0\.0\.1:9/);
  });

  it('given a running simulation, when stopped, then waiting calls are abandoned and agents log out', async () => {
    const hub = new FakeHub(15_000);
    const handle = runSimulation(
      { start: Date.parse('2026-11-23T09:00:00+07:00'), speed: 600, seed: 2, agents: 2, queues: ['vaccine-booking'], rate: 20 },
      hub,
    );
    await new Promise((r) => setTimeout(r, 800));
    const k = await handle.stop();
    expect(k.offered).toBeGreaterThan(0);
    const logins = hub.events.filter((e) => e.type === 'agent.login').length;
    const logouts = hub.events.filter((e) => e.type === 'agent.logout').length;
    expect(logouts).toBe(logins);
    const offered = new Set(hub.events.filter((e) => e.type === 'call.offered').map((e) => (e as { callId: string }).callId));
    const abandoned = new Set(hub.events.filter((e) => e.type === 'call.abandoned').map((e) => (e as { callId: string }).callId));
    const accepted = new Set(
      hub.commands.filter((c) => c.name === 'offer:accept').map((c) => (c.payload as { callId: string }).callId),
    );
    for (const id of offered) expect(abandoned.has(id) || accepted.has(id)).toBe(true);
  }, 20_000);
});

/**
 * A discrete-event simulation of a campaign's pacing: agents, the simulated carrier's results, ring
 * times, handle times, and the drop rule (a connected callee nobody answers within `dropAfterSec` is
 * dropped). Each pacing cycle calls the production `planDials`. Used by the predictive drop-cap test.
 */
import { hash01, simulatedResult } from './carrier.ts';
import type { CampaignSettings } from './model.ts';
import { planDials, type PacingInput } from './policy.ts';

export interface PacingSimOptions {
  mode: PacingInput['mode'];
  agents: number;
  /** Simulated seconds. */
  durationSec: number;
  rates: CampaignSettings['carrier'];
  /** Mean talk + wrap-up, seconds. */
  handleSec: number;
  /** Seconds from dial to the network result (uniform between min and max). */
  ringSec: [number, number];
  dropAfterSec: number;
  dropRateCapPct: number;
  maxDialRatio?: number;
  pacingSec?: number;
  seed?: string;
}

export interface PacingSimResult {
  attempts: number;
  connected: number;
  dropped: number;
  handled: number;
  dropRatePct: number;
  /** Share of agent time spent on calls. */
  occupancyPct: number;
}

export function simulatePacing(o: PacingSimOptions): PacingSimResult {
  const seed = o.seed ?? 's';
  let k = 0;
  const u = () => hash01(`${seed}:${k++}`);
  const pacing = o.pacingSec ?? 1;
  /** When each agent becomes free (sec); <= now: free. */
  const agentFreeAt = new Array<number>(o.agents).fill(0);
  /** Dials in flight: time of their result. */
  let inflight: { at: number; key: string }[] = [];
  /** Connected callees waiting for an agent: drop deadline. */
  let waiting: number[] = [];
  let attempts = 0;
  let dials = 0;
  let connected = 0;
  let dropped = 0;
  let handled = 0;
  let busySec = 0;
  for (let t = 0; t < o.durationSec; t += pacing) {
    // Results of dials that arrive by now.
    const due = inflight.filter((d) => d.at <= t);
    inflight = inflight.filter((d) => d.at > t);
    for (const d of due) {
      attempts++;
      if (simulatedResult(d.key, o.rates) === 'connected') {
        connected++;
        waiting.push(d.at + o.dropAfterSec);
      }
    }
    // Free agents take waiting callees (oldest first); the rest past their deadline are dropped.
    waiting.sort((a, b) => a - b);
    const still: number[] = [];
    for (const deadline of waiting) {
      const i = agentFreeAt.findIndex((f) => f <= t);
      if (i >= 0 && deadline >= t) {
        const h = -Math.log(1 - u() * 0.999) * o.handleSec;
        agentFreeAt[i] = t + h;
        busySec += Math.min(h, o.durationSec - t);
        handled++;
      } else if (deadline < t) dropped++;
      else still.push(deadline);
    }
    waiting = still;
    const free = agentFreeAt.filter((f) => f <= t).length;
    const soon = agentFreeAt.filter((f) => f > t && f <= t + o.ringSec[1]).length;
    const plan = planDials({
      mode: o.mode,
      freeAgents: free,
      agentsFreeingSoon: soon,
      inflight: inflight.length,
      waitingConnected: waiting.length,
      attempts,
      connected,
      dropped,
      dropRateCapPct: o.dropRateCapPct,
      maxDialRatio: o.maxDialRatio ?? 3,
      governor: 1,
    });
    for (let i = 0; i < plan.dials; i++) {
      dials++;
      inflight.push({ at: t + o.ringSec[0] + u() * (o.ringSec[1] - o.ringSec[0]), key: `${seed}:dial:${dials}` });
    }
  }
  return { attempts, connected, dropped, handled, dropRatePct: connected ? (100 * dropped) / connected : 0, occupancyPct: (100 * busySec) / (o.agents * o.durationSec) };
}

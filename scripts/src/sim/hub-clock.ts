/**
 * Keeping the simulator's clock in step with the hub's. Telephony events carry the simulator's time;
 * agent commands (accept, end, wrap-up) are timed by the hub. Both clocks must run at one speed from
 * one origin, or waits and handle times mix two clocks. A hub started with `CALLBOARD_SPEED=N` runs its
 * wall clock N times faster and says so in `/healthz`.
 */

export interface HubClock {
  mode: 'wall' | 'event';
  speed: number;
  /** The hub's time when it answered, advanced by half the round trip. */
  now: number;
}

/** The hub's clock from `/healthz`, or undefined if the hub does not answer or does not say. */
export async function fetchHubClock(url: string, fetchFn: typeof fetch = fetch): Promise<HubClock | undefined> {
  try {
    const t0 = Date.now();
    const r = await fetchFn(`${url.replace(/\/$/, '')}/healthz`);
    const j = (await r.json()) as { clock?: HubClock };
    if (!j.clock) return undefined;
    return { ...j.clock, now: j.clock.now + ((Date.now() - t0) / 2) * j.clock.speed };
  } catch {
    return undefined; // unreachable: the transport's own check says so with a clear message
  }
}

export type ClockPlan =
  | { ok: true; speed: number | undefined; start: number | undefined; note?: string }
  | { ok: false; error: string };

/**
 * How the simulator should run against a hub: follow a wall-clock hub's speed and time (or refuse a
 * different `--speed`); an event-clock hub follows any speed; an unknown hub gets a note at speed != 1.
 */
export function planClock(hub: HubClock | undefined, speed: number | undefined, start: number | undefined): ClockPlan {
  if (hub?.mode === 'wall') {
    if (speed !== undefined && speed !== hub.speed) {
      return {
        ok: false,
        error:
          `the hub's clock runs at x${hub.speed} and this simulation would run at x${speed}: waits and handle times would mix two clocks. ` +
          `Start the hub with CALLBOARD_SPEED=${speed} (npm start / npm run hub), or leave out --speed to follow the hub.`,
      };
    }
    return { ok: true, speed: hub.speed === 1 && speed === undefined ? undefined : hub.speed, start: start ?? (hub.speed !== 1 ? hub.now : undefined) };
  }
  if (hub?.mode !== 'event' && (speed ?? 1) !== 1) {
    return { ok: true, speed, start, note: 'events carry simulated time, agent commands are timed by the hub clock; at speed != 1 they differ' };
  }
  return { ok: true, speed, start };
}

/**
 * The campaign workers' clock. With `CALLBOARD_SPEED=N` the hub's wall clock runs N times faster (a
 * demo); the dialer follows it, so call windows, retry delays, handle times and the hub's own timers
 * agree. Campaign settings stay in clock time (a 1,000 ms pacing cycle is 1 s of hub time); `real()`
 * turns a span of clock time into the real milliseconds to wait, never below a floor, because the
 * pipeline's own latency (Redis, the hub's ingest) does not speed up.
 */
import { scaledClock } from '../../../realtime/src/hub/hub.service.ts';

export interface CampaignClock {
  /** How many clock milliseconds pass per real millisecond. */
  readonly speed: number;
  /** Clock time, epoch ms. */
  now(): number;
  /** Real milliseconds for `clockMs` of clock time, at least `minRealMs` when the clock is scaled. */
  real(clockMs: number, minRealMs?: number): number;
  /** Clock milliseconds for `clockMs`, at least `minRealMs` of real time when the clock is scaled. */
  span(clockMs: number, minRealMs: number): number;
}

/**
 * @param speed  the hub's clock speed. @defaultValue 1
 * @param now    the hub's clock when it is at hand (in process: `hub.now()`); else the wall clock
 *               scaled by `speed` from `start`.
 * @param start  clock time at `wall()`'s current reading (the hub's time from `/healthz`). @defaultValue wall()
 */
export function campaignClock(o: { speed?: number; now?: () => number; start?: number; wall?: () => number } = {}): CampaignClock {
  const speed = o.speed && o.speed > 0 ? o.speed : 1;
  const wall = o.wall ?? Date.now;
  const now = o.now ?? (speed === 1 && o.start === undefined ? wall : scaledClock(speed, o.start ?? wall(), wall));
  return {
    speed,
    now,
    real: (ms, min = 0) => (speed === 1 ? ms : Math.max(min, Math.round(ms / speed))),
    span: (ms, min) => (speed === 1 ? ms : Math.max(ms, min * speed)),
  };
}

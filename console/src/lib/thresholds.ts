/**
 * Wallboard thresholds: green / amber / red per metric. Pure functions so tiles, the alert banner and
 * the tests agree. Every level has a text and an icon as well as a colour (colour-blind safe).
 */
import type { QueueDTO } from '$contracts/socket.ts';

export type Level = 'ok' | 'warn' | 'bad' | 'none';

export const LEVEL_ICON: Record<Level, string> = { ok: '✓', warn: '▲', bad: '✖', none: '·' };

export const THRESHOLDS = {
  /** Service level this many points under its target is amber ("near"), further under is red. */
  slNearPoints: 10,
  /** Abandon rate (%): amber from, red from. */
  abandonWarnPct: 5,
  abandonBadPct: 10,
  /** Longest wait: amber over the queue's SL threshold T, red over this many times T. */
  waitBadFactor: 3,
  /** ASA: amber over T, red over this many times T. */
  asaBadFactor: 2,
  /** Calls waiting: amber from, red from (when no agent is available). */
  inQueueWarn: 1,
  inQueueBad: 5,
} as const;

export function slLevel(slPct: number | null, targetPct: number): Level {
  if (slPct === null) return 'none';
  if (slPct >= targetPct) return 'ok';
  if (slPct >= targetPct - THRESHOLDS.slNearPoints) return 'warn';
  return 'bad';
}

export function abandonLevel(pct: number | null): Level {
  if (pct === null) return 'none';
  if (pct >= THRESHOLDS.abandonBadPct) return 'bad';
  if (pct >= THRESHOLDS.abandonWarnPct) return 'warn';
  return 'ok';
}

/** Longest current wait against the queue's answer-time target T. */
export function waitLevel(sec: number, thresholdSec: number): Level {
  if (sec <= thresholdSec) return 'ok';
  if (sec <= thresholdSec * THRESHOLDS.waitBadFactor) return 'warn';
  return 'bad';
}

export function asaLevel(sec: number | null, thresholdSec: number): Level {
  if (sec === null) return 'none';
  if (sec <= thresholdSec) return 'ok';
  if (sec <= thresholdSec * THRESHOLDS.asaBadFactor) return 'warn';
  return 'bad';
}

/** Calls waiting: fine while agents are free to take them; worse as they pile up with nobody free. */
export function inQueueLevel(inQueue: number, available: number): Level {
  if (inQueue === 0) return 'ok';
  if (inQueue >= THRESHOLDS.inQueueBad) return 'bad';
  if (available > 0) return 'ok';
  return 'warn';
}

/** Worst of several levels (`none` counts as nothing). */
export function worst(...levels: Level[]): Level {
  if (levels.includes('bad')) return 'bad';
  if (levels.includes('warn')) return 'warn';
  if (levels.includes('ok')) return 'ok';
  return 'none';
}

export type AlertKind = 'closed' | 'sl' | 'wait';
export interface Alert {
  kind: AlertKind;
  level: 'warn' | 'bad';
  queue: string;
  /** The figure behind the alert (SL %, wait seconds). */
  value?: number;
  target?: number;
}

/**
 * Alerts for the banner: a closed line, SL under target (today), the longest wait over T.
 * `waitSec` gives the live age of the oldest call (it keeps growing between deltas).
 */
export function alertsFor(queues: readonly QueueDTO[], waitSec: (q: QueueDTO) => number = (q) => q.live.longestWaitSec): Alert[] {
  const out: Alert[] = [];
  for (const q of queues) {
    if (!q.open) out.push({ kind: 'closed', level: 'bad', queue: q.id });
    if (q.direction !== 'inbound') continue;
    const sl = slLevel(q.today.serviceLevelPct, q.slTargetPct);
    if (sl === 'warn' || sl === 'bad') out.push({ kind: 'sl', level: sl, queue: q.id, value: q.today.serviceLevelPct ?? 0, target: q.slTargetPct });
    const w = waitSec(q);
    const wl = waitLevel(w, q.slThresholdSec);
    if (q.live.inQueue > 0 && (wl === 'warn' || wl === 'bad')) out.push({ kind: 'wait', level: wl, queue: q.id, value: w, target: q.slThresholdSec });
  }
  const rank = { bad: 0, warn: 1 } as const;
  return out.sort((a, b) => rank[a.level] - rank[b.level]);
}

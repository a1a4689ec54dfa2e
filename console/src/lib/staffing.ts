/**
 * The agents each line needs now (`GET /api/v1/staffing?queue=ID`: the last 30 minutes of traffic through
 * Erlang A or C, see docs/METRICS.md) against the agents working it, for the supervisor's table.
 */
import type { Level } from './thresholds.ts';

export interface Staffing {
  queue: string;
  basis: { callsPerInterval: number; ahtSec: number | null; patienceSec: number | null; slTargetPct: number; slThresholdSec: number };
  staffed: number;
  working: number;
  required: { model: 'erlang-a' | 'erlang-c'; agents: number; serviceLevelPct: number } | null;
  atCurrent: { serviceLevelPct: number } | null;
  note?: string;
}

/** Fetches every line's staffing; a line that fails is left out (the column then shows nothing). */
export async function fetchStaffing(ids: string[], get: (path: string) => Promise<unknown>): Promise<Record<string, Staffing>> {
  const out: Record<string, Staffing> = {};
  await Promise.all(
    ids.map(async (id) => {
      try {
        out[id] = (await get(`/api/v1/staffing?queue=${encodeURIComponent(id)}&window=30`)) as Staffing;
      } catch {
        /* left out */
      }
    }),
  );
  return out;
}

/** ok: enough agents working; warn: one short; bad: more than one short. No answer yet: ok. */
export function staffingLevel(s: Staffing | undefined): Level {
  if (!s?.required) return 'ok';
  const short = s.required.agents - s.working;
  return short <= 0 ? 'ok' : short === 1 ? 'warn' : 'bad';
}

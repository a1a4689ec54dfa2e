/**
 * The demo's history: today's traffic from 07:00 until now, made by the simulator in file mode (its
 * own ACD answers the calls), so `npm start` opens on boards with a morning behind them instead of
 * zeros. Loaded into the hub without routing (the hub only tracks it), before live traffic starts.
 */
import type { CtiEventIn, SiteConfig } from '../../realtime/src/contracts/index.ts';
import { SiteCalendar } from '../../realtime/src/core/time.ts';
import { simulateToEvents } from './sim/index.ts';

const MIN = 60_000;

/** Events of today's history up to `now`, every call finished and every agent logged out by then. */
export function demoHistory(site: SiteConfig, now: number, seed = 7): CtiEventIn[] {
  const cal = new SiteCalendar(site.timeZone, site.intervalMin);
  const start = cal.dayStart(now) + 7 * 60 * MIN;
  const drainMs = 20 * MIN;
  const end = now - drainMs - 2 * MIN;
  if (end - start < 30 * MIN) return [];
  const events = simulateToEvents({
    site,
    start,
    durationMs: end - start,
    drainMs,
    seed,
    idPrefix: `history-${cal.localDate(now)}`,
    source: 'history',
  });
  const at = (e: CtiEventIn) => (typeof e.at === 'number' ? e.at : Date.parse(e.at));
  const kept = events.filter((e) => at(e) < now - MIN);
  // Whoever is still signed in at the end of the history signs out, so live traffic starts clean.
  const signedIn = new Set<string>();
  for (const e of kept) {
    if (e.type === 'agent.login') signedIn.add(e.agentId);
    else if (e.type === 'agent.logout') signedIn.delete(e.agentId);
  }
  let n = 0;
  for (const agentId of signedIn) {
    kept.push({ id: `history-${cal.localDate(now)}-logout-${++n}`, type: 'agent.logout', at: now - MIN, agentId, source: 'history' });
  }
  return kept;
}

/**
 * The demo's history, made by the simulator in file mode (its own ACD answers the calls): the last
 * `days` whole days (07:00-21:00, the hotline's hours) and today from 07:00 until now. `npm start`
 * loads it into the hub without routing (the hub only tracks it) before live traffic starts, so the
 * boards open on a morning of traffic and the daily/weekly reports have past days to show and compare.
 */
import type { CtiEventIn, SiteConfig } from '../../realtime/src/contracts/index.ts';
import { SiteCalendar } from '../../realtime/src/core/time.ts';
import { simulateToEvents } from './sim/index.ts';

const MIN = 60_000;
const DAY_OPEN = 7 * 60 * MIN;
const DAY_CLOSE = 21 * 60 * MIN;

/** One simulated stretch [start, end), every call finished and every agent signed out by `signOutAt`. */
function stretch(site: SiteConfig, cal: SiteCalendar, start: number, end: number, signOutAt: number, seed: number): CtiEventIn[] {
  const drainMs = 20 * MIN;
  const date = cal.localDate(start);
  const events = simulateToEvents({ site, start, durationMs: end - start, drainMs, seed, idPrefix: `history-${date}`, source: 'history' });
  const at = (e: CtiEventIn) => (typeof e.at === 'number' ? e.at : Date.parse(e.at));
  const kept = events.filter((e) => at(e) < signOutAt);
  // A call still going at the sign-out (today's stretch runs until a minute before now) is finished
  // then: hung up if it waits, ended by the system if it is connected.
  const going = new Map<string, { answered: boolean; held: boolean }>();
  for (const e of kept) {
    if (e.type === 'call.offered') going.set(e.callId, { answered: false, held: false });
    else if (e.type === 'call.ended' || e.type === 'call.abandoned') going.delete(e.callId);
    else if (e.type === 'call.answered' || e.type === 'call.held' || e.type === 'call.resumed' || e.type === 'call.transferred') {
      const c = going.get(e.callId);
      if (!c) continue;
      if (e.type === 'call.answered') c.answered = true;
      else if (e.type === 'call.held') c.held = true;
      else if (e.type === 'call.resumed') c.held = false;
      else if (e.queue !== undefined) c.answered = false; // back in a queue
    }
  }
  let n = 0;
  const cutAt = signOutAt - 1;
  for (const [callId, c] of going) {
    const id = () => `history-${date}-cut-${++n}`;
    if (!c.answered) kept.push({ id: id(), type: 'call.abandoned', at: cutAt, callId, source: 'history' });
    else {
      if (c.held) kept.push({ id: id(), type: 'call.resumed', at: cutAt, callId, source: 'history' });
      kept.push({ id: id(), type: 'call.ended', at: cutAt, callId, by: 'system', source: 'history' });
    }
  }
  // Whoever is still signed in at the end signs out, so the next stretch (or live traffic) starts clean.
  const signedIn = new Set<string>();
  for (const e of kept) {
    if (e.type === 'agent.login') signedIn.add(e.agentId);
    else if (e.type === 'agent.logout') signedIn.delete(e.agentId);
  }
  for (const agentId of signedIn) {
    kept.push({ id: `history-${date}-logout-${++n}`, type: 'agent.logout', at: signOutAt, agentId, source: 'history' });
  }
  return kept;
}

/**
 * Events of the last `days` whole days and of today up to `now`, in time order.
 * @param days whole days before today. @defaultValue 0
 */
export function demoHistory(site: SiteConfig, now: number, seed = 7, days = 0): CtiEventIn[] {
  const cal = new SiteCalendar(site.timeZone, site.intervalMin);
  const out: CtiEventIn[] = [];
  let day = cal.dayStart(now);
  const starts: number[] = [];
  for (let d = 0; d < days; d++) {
    day = cal.dayStart(day - 12 * 60 * MIN); // the day before (12 h back lands in it, DST or not)
    starts.unshift(day);
  }
  for (const [i, d] of starts.entries()) {
    const close = d + DAY_CLOSE;
    out.push(...stretch(site, cal, d + DAY_OPEN, close - 30 * MIN, close, seed * 1000 + i));
  }
  const start = cal.dayStart(now) + DAY_OPEN;
  // Calls arrive until 3 minutes before now, so the boards' last interval has its traffic too; the
  // few still going a minute before now are finished then (see stretch).
  const end = now - 3 * MIN;
  if (end - start >= 30 * MIN) out.push(...stretch(site, cal, start, end, now - MIN, seed));
  return out;
}

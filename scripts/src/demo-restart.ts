/**
 * A restart of the demo (`npm start` again, after Ctrl+C or a `kill -9`) continues from the event log
 * kept in `.data/redis`. The simulator that made the last run's calls is gone, and a new one knows
 * nothing of them: a caller left waiting, a call left connected, an agent left signed in would stay so on
 * every board. `leftoversOf` is what the phone system would have said when the demo stopped: the waiting
 * and ringing callers hung up, the connected calls were ended by the system, the agents signed out, all
 * at the time of the log's last event. The new simulator then signs its agents in again.
 */
import type { CtiEventIn, SiteConfig } from '../../realtime/src/contracts/index.ts';
import type { HubState } from '../../realtime/src/core/index.ts';
import { DAY, SiteCalendar } from '../../realtime/src/core/time.ts';
import type { Hub } from '../../realtime/src/hub/index.ts';
import { demoHistory, demoSchedules, hasTodayStretch } from './demo-history.ts';
import { hash32 } from './sim/random.ts';

export function leftoversOf(state: HubState, source = 'callboard-restart'): CtiEventIn[] {
  const at = state.clock;
  const out: CtiEventIn[] = [];
  const tag = `${source}:${state.seq}`;
  for (const c of state.calls.values()) {
    if (c.status === 'waiting' || c.status === 'offering') out.push({ id: `${tag}:abandon:${c.id}`, type: 'call.abandoned', at, source, callId: c.id });
    else if (c.status === 'connected' || c.status === 'held') out.push({ id: `${tag}:end:${c.id}`, type: 'call.ended', at, source, callId: c.id, by: 'system' });
  }
  for (const a of state.agents.values()) {
    if (a.state !== 'offline') out.push({ id: `${tag}:logout:${a.id}`, type: 'agent.logout', at, source, agentId: a.id });
  }
  return out;
}

/** What a restart on a later day than its log's last event has missed (`missedDays`). */
export interface MissedDays {
  /** Site-local date (`YYYY-MM-DD`) of the log's last event. */
  last: string;
  /** Site-local date of the restart. */
  today: string;
  /** The whole days in between that are simulated, oldest first: the most recent `maxDays` of them. */
  days: string[];
  /** Whole days in between beyond `maxDays` (the oldest), left without traffic. */
  skipped: number;
}

/**
 * The site-local days between a log's last event and `now` (both excluded), at most the `maxDays`
 * before today; `null` when the last event is on today's date or later (a restart on the same day, or a
 * log a faster clock, `CALLBOARD_SPEED`, took past today). Dates are the site's, not UTC's: at 00:30 in
 * Ho Chi Minh City it is already the next day.
 */
export function missedDays(lastAt: number, now: number, timeZone: string, maxDays: number): MissedDays | null {
  const cal = new SiteCalendar(timeZone, 15);
  const last = cal.localDate(lastAt);
  const today = cal.localDate(now);
  if (last >= today) return null;
  // Dates parse as UTC midnights, so their difference is whole days whatever the zone's DST did.
  const between = Math.round((Date.parse(today) - Date.parse(last)) / DAY) - 1;
  const n = Math.min(between, Math.max(0, Math.floor(maxDays)));
  const days: string[] = [];
  // Stepped back from today as `demoHistory` steps (12 h back lands in the day before, DST or not).
  let d = cal.dayStart(now);
  for (let i = 0; i < n; i++) {
    d = cal.dayStart(d - DAY / 2);
    days.unshift(cal.localDate(d));
  }
  return { last, today, days, skipped: between - n };
}

export interface ResumeOptions {
  /** The restart's time (the machine clock). */
  now: number;
  /**
   * End what the last run left open even when it stopped today (its simulator is gone: `npm start` with
   * the simulator). A log whose last event is on an earlier day has it ended anyway, before its missed days.
   */
  closeLeftovers: boolean;
  /**
   * Most whole days a restart on a later day simulates, besides today since 07:00 (`CALLBOARD_HISTORY_DAYS`,
   * capped as a fresh start caps it); `undefined` simulates nothing (`CALLBOARD_HISTORY=0`).
   */
  historyDays: number | undefined;
  /** The campaign an outbound line's simulated calls belong to (`DEMO_CAMPAIGN_LINES`). @defaultValue `sim-<line>` */
  campaignIds?: Record<string, string>;
  /** Where the log is kept, for the first line ("the private Redis"). */
  logName: string;
  /** Said after the last event's time on the first line ("delete .data for a fresh demo"). */
  hint?: string;
  say: (line: string) => void;
}

export interface Resumed {
  /** Time of the log's last event, before the restart added any. */
  lastAt: number;
  /** Calls ended and agents signed out for the last run. */
  leftovers: number;
  /** What a restart on a later day missed; `null` on the same day. */
  missed: MissedDays | null;
  /** The events simulated for the missed days and today (empty when nothing was missed). */
  history: CtiEventIn[];
  /** Of `history`, those the hub applied / refused. */
  accepted: number;
  rejected: number;
}

/** "Fri 4 Dec" for `2026-12-04`. */
export function dayName(date: string): string {
  const parts = DAY_NAME.formatToParts(Date.parse(date));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('weekday')} ${p('day')} ${p('month')}`;
}
const DAY_NAME = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/**
 * `npm start` on a kept event log (`hub.state.seq > 0`): ends what the last run left open, then, when the
 * log's last event is on an earlier day (stopped Friday evening, started Monday morning), simulates the
 * days in between (at most `historyDays`) and today since 07:00 as a fresh start simulates its history,
 * and loads them the same way (one batch, not routed), so the boards and the reports show a hotline
 * that kept running. Their ids start with `backfill-<today>`, so they are not an earlier history's or
 * an earlier restart's, and they all come after the log's last event.
 */
export async function resumeDemo(hub: Pick<Hub, 'state' | 'ingest' | 'setSchedules'>, site: SiteConfig, o: ResumeOptions): Promise<Resumed> {
  const lastAt = hub.state.clock;
  const cal = new SiteCalendar(site.timeZone, site.intervalMin);
  const missed = o.historyDays === undefined ? null : missedDays(lastAt, o.now, site.timeZone, o.historyDays);
  // The phone system has long ended a call of an earlier day, whoever was making them.
  const earlierDay = cal.localDate(lastAt) < cal.localDate(o.now);
  const leftovers = o.closeLeftovers || earlierDay ? leftoversOf(hub.state) : [];
  if (leftovers.length) {
    const r = await hub.ingest(leftovers, { route: false });
    if (r.rejected.length) o.say(`restart: ${r.rejected.length} of the last run's leftovers refused (${r.rejected[0]!.errors.join('; ')})`);
  }
  o.say(`continuing from the event log kept in ${o.logName} (last event ${new Date(lastAt).toISOString()}${leftovers.length ? `; ${leftovers.length} ${leftovers.length === 1 ? 'call or sign-in' : 'calls and sign-ins'} the last run left open ended then` : ''}${o.hint ? `; ${o.hint}` : ''})`);
  const out: Resumed = { lastAt, leftovers: leftovers.length, missed, history: [], accepted: 0, rejected: 0 };
  const today = hasTodayStretch(cal, o.now);
  if (!missed || (!missed.days.length && !today)) return out;

  const { days, skipped } = missed;
  const since = `since the last run (${dayName(missed.last)}${skipped ? `; the ${plural(skipped)} before them stay empty` : ''})`;
  const whole = days.length ? `${skipped ? `the last ${days.length} of the ${days.length + skipped} days` : `the ${plural(days.length)}`} ${since}` : '';
  const morning = "today's traffic since 07:00";
  o.say(`simulating ${whole ? `${whole}${today ? ` and ${morning}` : ''}` : `${morning} (the last run ended ${dayName(missed.last)})`}…`);
  // A seed and an id prefix of the restart's own date: another restart, on another day, makes other calls.
  const idPrefix = `backfill-${missed.today}`;
  out.history = demoHistory(site, o.now, hash32(idPrefix) % 100_000, days.length, o.campaignIds ?? {}, idPrefix);
  if (!out.history.length) return out;
  // The agents' schedules of those days and today, published before the first of them (after the log's
  // last event), so the simulated days have their adherence as a fresh start's history has. Applied at
  // once and logged meanwhile: no await before the history is applied, or the hub's ticker would count
  // the days as missed shifts.
  const starts = [cal.dayStart(o.now)];
  for (let i = 0; i < days.length; i++) starts.unshift(cal.dayStart(starts[0]! - DAY / 2));
  // Today's only with its morning simulated; else the start publishes them from now on (the agents the
  // live simulator signs in would otherwise read as late for the shifts that began at 07:00).
  const published = hub.setSchedules(demoSchedules(site, today ? starts : starts.slice(0, -1)), 'demo:schedules', Math.max(lastAt, starts[0]! - 3_600_000));
  // One batch, as a fresh start loads its history: the hub's ticker cannot run in the middle of it.
  const r = await hub.ingest(out.history, { route: false });
  const p = await published;
  if (!p.ok) o.say(`restart: the simulated days' schedules not published (${p.reason})`);
  out.accepted = r.accepted;
  out.rejected = r.rejected.length;
  const calls = out.history.filter((e) => e.type === 'call.offered').length;
  const span = days.length ? `${plural(days.length)} since the last run (${days.length === 1 ? dayName(days[0]!) : `${dayName(days[0]!)} – ${dayName(days.at(-1)!)}`})${today ? " and today's since 07:00" : ''}` : "today's since 07:00";
  o.say(`loaded ${span}: ${calls} calls (${r.accepted} events${r.rejected.length ? `, ${r.rejected.length} rejected: ${r.rejected[0]!.errors.join('; ')}` : ''})`);
  return out;
}

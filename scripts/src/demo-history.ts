/**
 * The demo's history, made by the simulator in file mode (its own ACD answers the calls): the last
 * `days` whole days (07:00-21:00, the hotline's hours) and today from 07:00 until now. `npm start`
 * loads it into the hub without routing (the hub only tracks it) before live traffic starts, so the
 * boards open on a morning of traffic and the daily/weekly reports have past days to show and compare.
 */
import type { CampaignService } from '../../queue-workers/src/campaigns/campaigns.service.ts';
import type { CtiEventIn, SiteConfig } from '../../realtime/src/contracts/index.ts';
import { SiteCalendar } from '../../realtime/src/core/time.ts';
import { simulateToEvents } from './sim/index.ts';
import { Rng } from './sim/random.ts';

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

// Mostly satisfied, with bad days now and then (a vaccine shortage, long waits).
const NPS = [[10, 30], [9, 25], [8, 15], [7, 10], [6, 6], [5, 5], [4, 3], [3, 2], [2, 2], [1, 1], [0, 1]] as const;
const CSAT = [[5, 45], [4, 33], [3, 12], [2, 6], [1, 4]] as const;

/**
 * The past `days` days' answers to the demo's satisfaction survey (NPS and CSAT, 09:00-17:00, from the
 * campaign's own leads), so the CX trends have history as the calls do. Only answers: the past days'
 * dialing is not simulated, so their response rate stays empty. The same answers for the same `now`
 * (a second call adds nothing). Answers how many rows were added.
 */
export async function seedSurveyHistory(s: CampaignService, site: SiteConfig, days: number, now = Date.now(), seed = 7): Promise<number> {
  if (days <= 0) return 0;
  const leads = await s.repo.workableLeads('satisfaction-survey', undefined, { afterId: null, limit: 2000 });
  if (leads.length === 0) return 0;
  const cal = new SiteCalendar(site.timeZone, site.intervalMin);
  const rng = new Rng(seed).fork('survey-history');
  const score = (table: readonly (readonly [number, number])[]) => rng.weighted(table, ([, w]) => w)[0];
  const rows: Parameters<CampaignService['repo']['addAnswers']>[0] = [];
  let day = cal.dayStart(now);
  for (let d = 0; d < days; d++) {
    day = cal.dayStart(day - 12 * 60 * MIN); // the day before
    const bad = rng.chance(0.15);
    const n = rng.int(18, 31);
    for (let i = 0; i < n; i++) {
      const lead = rng.pick(leads);
      const shift = bad && rng.chance(0.4) ? 3 : 0;
      const base = {
        campaignId: 'satisfaction-survey',
        leadId: lead.id,
        customerId: lead.customerId,
        callId: `history-survey-${cal.localDate(day)}-${i}`,
        segment: lead.segment,
        answeredAt: new Date(day + 9 * 60 * MIN + rng.int(0, 8 * 60 * MIN - 1)),
      };
      rows.push(
        { ...base, questionId: 'nps', kind: 'nps', score: Math.max(0, score(NPS) - shift) },
        { ...base, questionId: 'csat', kind: 'csat', score: Math.max(1, score(CSAT) - (shift ? 1 : 0)) },
      );
    }
  }
  return s.repo.addAnswers(rows);
}

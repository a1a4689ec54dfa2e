/**
 * The demo's history, made by the simulator in file mode (its own ACD answers the calls): the last
 * `days` whole days (07:00-21:00, the hotline's hours) and today from 07:00 until now. `npm start`
 * loads it into the hub without routing (the hub only tracks it) before live traffic starts, so the
 * boards open on a morning of traffic and the daily/weekly reports have past days to show and compare.
 */
import type { CampaignService, PastDial } from '../../queue-workers/src/campaigns/campaigns.service.ts';
import type { CtiEventIn, SiteConfig } from '../../realtime/src/contracts/index.ts';
import { SiteCalendar } from '../../realtime/src/core/time.ts';
import { simulateToEvents } from './sim/index.ts';
import { SHIFTS, shiftIndex } from './sim/agent.ts';
import { vietnameseMobile } from './sim/callers.ts';
import { vietnameseName } from '../../realtime/src/site/demo-site.ts';
import { LAST_YEAR_CAMPAIGN } from '../../queue-workers/src/campaigns/demo.ts';
import { Rng } from './sim/random.ts';
import { BusinessClock, type BusinessHours } from '../../realtime/src/complaints/business-hours.ts';

const MIN = 60_000;
const DAY_OPEN = 7 * 60 * MIN;
const DAY_CLOSE = 21 * 60 * MIN;

/** One simulated stretch [start, end), every call finished and every agent signed out by `signOutAt`. */
function stretch(site: SiteConfig, cal: SiteCalendar, start: number, end: number, signOutAt: number, seed: number, campaignIds: Record<string, string>, idPrefix: string): CtiEventIn[] {
  const drainMs = 20 * MIN;
  const prefix = `${idPrefix}-${cal.localDate(start)}`;
  const events = simulateToEvents({ site, start, durationMs: end - start, drainMs, seed, idPrefix: prefix, source: 'history', campaignIds });
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
    const id = () => `${prefix}-cut-${++n}`;
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
    kept.push({ id: `${prefix}-logout-${++n}`, type: 'agent.logout', at: signOutAt, agentId, source: 'history' });
  }
  return kept;
}

/**
 * Whole past days `npm start` simulates: a fresh log's history, and at most as many missed days on a
 * restart on a later day. `CALLBOARD_HISTORY_DAYS` (default 14, 0-60); `undefined` with `CALLBOARD_HISTORY=0`.
 */
export function historyDaysOf(env: Readonly<Record<string, string | undefined>>): number | undefined {
  if (env.CALLBOARD_HISTORY === '0') return undefined;
  return Math.max(0, Math.min(60, Math.floor(Number(env.CALLBOARD_HISTORY_DAYS ?? 14) || 0)));
}

/**
 * Whether `demoHistory` has a stretch of today at `now`: calls from 07:00 until 3 minutes before now, when
 * that is at least half an hour (before 07:33 the morning is left to live traffic).
 */
export function hasTodayStretch(cal: SiteCalendar, now: number): boolean {
  return now - 3 * MIN - (cal.dayStart(now) + DAY_OPEN) >= 30 * MIN;
}

/**
 * Events of the last `days` whole days and of today up to `now`, in time order.
 * @param days whole days before today. @defaultValue 0
 * @param campaignIds the campaign an outbound line's calls belong to (`DEMO_CAMPAIGN_LINES`: the demo's
 * campaigns, whose past dials `seedCampaignHistory` then records). @defaultValue `sim-<line>`
 * @param idPrefix start of every event, call and lead id, followed by the day's date: a restart's
 * simulation of the days it missed uses its own, so its ids are not those of an earlier history's. @defaultValue 'history'
 */
export function demoHistory(site: SiteConfig, now: number, seed = 7, days = 0, campaignIds: Record<string, string> = {}, idPrefix = 'history'): CtiEventIn[] {
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
    out.push(...stretch(site, cal, d + DAY_OPEN, close - 30 * MIN, close, seed * 1000 + i, campaignIds, idPrefix));
  }
  // Calls arrive until 3 minutes before now, so the boards' last interval has its traffic too; the
  // few still going a minute before now are finished then (see stretch).
  if (hasTodayStretch(cal, now)) out.push(...stretch(site, cal, cal.dayStart(now) + DAY_OPEN, now - 3 * MIN, now - MIN, seed, campaignIds, idPrefix));
  return out;
}

/** One agent's schedule for one day, as `Hub.setSchedules` takes it. */
export interface DaySchedule {
  agentId: string;
  from: number;
  to: number;
  activities: { start: number; end: number; activity: string }[];
}

/**
 * The demo's published schedules: each agent works their team position's shift pattern (the simulator's
 * `SHIFTS`: 07:00, 08:00, 10:00 or 12:30, 8.5 h) with a 15-minute break after 2 h, 45 minutes of lunch
 * after 4 h (staggered by 20 minutes in the team) and a break after 6.5 h. The simulated agents follow
 * their own plan (late or early by a few minutes, breaks moved by calls), so adherence is high, not 100 %.
 * `days`: local day starts.
 */
export function demoSchedules(site: SiteConfig, days: readonly number[]): DaySchedule[] {
  const cal = new SiteCalendar(site.timeZone, site.intervalMin);
  const out: DaySchedule[] = [];
  const inTeam = new Map<string, number>();
  for (const agent of site.agents) {
    const team = agent.teamId ?? '';
    const k = inTeam.get(team) ?? 0;
    inTeam.set(team, k + 1);
    const shift = SHIFTS[shiftIndex(k)]!;
    for (const day of days) {
      const at = (min: number) => day + min * MIN;
      const start = at(shift.from);
      const end = at(shift.to);
      const lunch = start + (4 * 60 + (k % 3) * 20) * MIN;
      const marks: [number, number, string][] = [
        [start + 120 * MIN, start + 135 * MIN, 'break'],
        [lunch, lunch + 45 * MIN, 'lunch'],
        [start + 390 * MIN, start + 405 * MIN, 'break'],
      ];
      const activities: DaySchedule['activities'] = [];
      let t = start;
      for (const [from, to, activity] of marks) {
        activities.push({ start: t, end: from, activity: 'work' }, { start: from, end: to, activity });
        t = to;
      }
      activities.push({ start: t, end, activity: 'work' });
      out.push({ agentId: agent.id, from: day, to: cal.nextDayStart(day), activities });
    }
  }
  return out;
}

/**
 * The demo campaigns' past dials, from the history's outbound calls (`demoHistory` with the campaigns'
 * ids): per campaign, each `call.dialed` with how it went (an agent's answer, the callee's hang-up before
 * one, the end, the agent's outcome and a survey's score), so the campaign pages, the CX figures and
 * the call reports tell one story.
 */
export function pastDialsOf(events: readonly CtiEventIn[]): Map<string, PastDial[]> {
  const at = (e: CtiEventIn) => (typeof e.at === 'number' ? e.at : Date.parse(e.at));
  const byCall = new Map<string, PastDial>();
  const out = new Map<string, PastDial[]>();
  for (const e of events) {
    if (e.type === 'call.dialed') {
      const d: PastDial = { leadId: e.leadId, phone: e.to, callId: e.callId, dialedAt: at(e), result: e.result };
      byCall.set(e.callId, d);
      const list = out.get(e.campaignId) ?? [];
      if (!list.length) out.set(e.campaignId, list);
      list.push(d);
      continue;
    }
    const d = 'callId' in e ? byCall.get(e.callId) : undefined;
    if (!d) continue;
    if (e.type === 'call.offered') {
      if (e.attributes?.customer) d.name = e.attributes.customer;
      if (e.attributes?.segment) d.segment = e.attributes.segment;
    } else if (e.type === 'call.answered') d.agentId = e.agentId;
    else if (e.type === 'call.abandoned') {
      if (!d.agentId) d.dropped = true;
      d.endedAt = at(e);
    } else if (e.type === 'call.ended') d.endedAt = at(e);
    else if (e.type === 'call.outcome') {
      if (e.disposition) d.disposition = e.disposition;
      if (e.revenue !== undefined) d.revenue = e.revenue;
      if (e.surveyScore !== undefined) d.surveyScore = e.surveyScore;
    }
  }
  return out;
}

/**
 * Records the history's outbound calls as the past dials of the campaigns they carry (those that exist):
 * leads, attempts, survey answers and the campaigns' results (`CampaignService.importPastDials`).
 * Answers the dials added per campaign (none for calls already recorded: run it again and nothing changes).
 */
export async function seedCampaignHistory(s: Pick<CampaignService, 'importPastDials' | 'campaign'>, history: readonly CtiEventIn[]): Promise<Record<string, number>> {
  const added: Record<string, number> = {};
  for (const [campaignId, dials] of pastDialsOf(history)) {
    if (!(await s.campaign(campaignId))) continue;
    added[campaignId] = (await s.importPastDials(campaignId, dials)).added;
  }
  return added;
}

/**
 * Last year's package campaign as it ended (`LAST_YEAR_CAMPAIGN`): its sales 330-395 days before `now`,
 * to a third of the customers who buy in `history` (they came back) and to as many who never called again,
 * with the dials that did not sell around them. So the demo's CX retention has customers to lose: a buyer
 * of 13 months ago who has not bought since has left the 365-day window, one who bought again is retained.
 * Answers the dials recorded.
 */
export async function seedLastYearCustomers(s: Pick<CampaignService, 'importPastDials' | 'campaign'>, site: SiteConfig, history: readonly CtiEventIn[], now = Date.now(), seed = 13): Promise<number> {
  if (!(await s.campaign(LAST_YEAR_CAMPAIGN))) return 0;
  const rng = new Rng(seed).fork('last-year');
  const numberOf = new Map<string, string>();
  const buyers = new Set<string>();
  const success = new Set(site.successDispositions);
  for (const e of history) {
    if (e.type === 'call.offered' && e.from) numberOf.set(e.callId, e.from);
    else if (e.type === 'call.dialed') numberOf.set(e.callId, e.to);
    else if (e.type === 'call.outcome' && e.disposition && success.has(e.disposition)) {
      const n = numberOf.get(e.callId);
      if (n) buyers.add(n);
    }
  }
  const returning = [...buyers].filter(() => rng.chance(1 / 3));
  const gone = returning.map(() => vietnameseMobile(rng)).filter((n) => !buyers.has(n));
  const sellers = site.agents.filter((a) => a.queues.includes('telesales'));
  const DAY = 24 * 60 * MIN;
  const dials: PastDial[] = [];
  const dial = (phone: string, sold: boolean, i: number) => {
    const at = now - rng.uniform(330, 395) * DAY;
    const agent = sellers.length ? rng.pick(sellers).id : undefined;
    const result = sold ? 'connected' : rng.weighted(LAST_YEAR_MISSES, ([, w]) => w)[0];
    const connected = result === 'connected';
    dials.push({
      leadId: `last-year-${i}`, phone, name: vietnameseName(rng.int(0, 99_999)), callId: `last-year-${i}`, dialedAt: at, result,
      ...(connected && agent ? { agentId: agent, disposition: sold ? 'sold' : rng.pick(['no-need', 'callback', 'no-need']), endedAt: at + rng.int(120_000, 600_000) } : {}),
      ...(sold ? { revenue: Math.round(rng.uniform(1_500_000, 15_000_000) / 10_000) * 10_000 } : {}),
    });
  };
  let i = 0;
  for (const phone of [...returning, ...gone]) dial(phone, true, i++);
  // Those who did not buy: about three dials for every sale, as a telesales list goes.
  for (let k = 0; k < 3 * (returning.length + gone.length); k++) dial(vietnameseMobile(rng), false, i++);
  return (await s.importPastDials(LAST_YEAR_CAMPAIGN, dials)).added;
}

const LAST_YEAR_MISSES = [['connected', 45], ['no_answer', 30], ['busy', 15], ['voicemail', 10]] as const;

/** What a complaint of each category was found to be (root-cause codes of the hub's defaults), and how it was settled. */
const SETTLED: Record<string, { cause: string; note: string }[]> = {
  service: [
    { cause: 'wait-time', note: 'Đã xin lỗi khách, tặng voucher 100.000 đ cho lần tiêm sau' },
    { cause: 'process', note: 'Đã điều chỉnh quy trình tiếp đón giờ cao điểm, báo lại khách' },
  ],
  staff: [{ cause: 'staff-behaviour', note: 'Đã nhắc nhở nhân viên, trưởng cơ sở gọi xin lỗi khách' }],
  billing: [
    { cause: 'billing-error', note: 'Đã hoàn tiền phần thu thừa, gửi lại hóa đơn điện tử' },
    { cause: 'system', note: 'Lỗi cổng thanh toán, đã hoàn giao dịch trùng' },
  ],
  stock: [{ cause: 'out-of-stock', note: 'Đã giữ liều vắc xin cho khách, hẹn lịch mới' }],
  'vaccine-reaction': [
    { cause: 'clinical', note: 'Bác sĩ đã gọi lại tư vấn, bé đã hạ sốt, theo dõi tiếp tại nhà' },
    { cause: 'customer-expectation', note: 'Phản ứng thông thường sau tiêm, đã giải thích và hướng dẫn theo dõi' },
  ],
  medical: [{ cause: 'clinical', note: 'Bác sĩ trưởng đã gọi lại giải thích, khách đồng ý' }],
};
const SETTLED_OTHER = [
  { cause: 'wrong-information', note: 'Đã cung cấp lại thông tin chính xác cho khách' },
  { cause: 'customer-expectation', note: 'Đã gọi lại giải thích, khách hài lòng' },
];

/** How far a complaint got by its age ([step, weight]; 0 open, 1 in progress, 2 resolved, 3 closed). */
const PROGRESS: Record<'old' | 'recent' | 'today', readonly (readonly [step: number, weight: number])[]> = {
  old: [[3, 85], [2, 12], [1, 2], [0, 1]],
  recent: [[3, 15], [2, 35], [1, 35], [0, 15]],
  today: [[2, 15], [1, 45], [0, 40]],
};

/** The part of `ComplaintsService` that works complaints (a service whose clock the caller sets). */
export interface ComplaintWorkPort {
  list(siteId: string, q: { status: ['open']; limit: number }): Promise<{ complaints: { id: number; category: string | null; teamId: string | null; openedAt: number; slaBusinessMin: number | null }[] }>;
  businessHours(siteId: string): Promise<BusinessHours>;
  assign(siteId: string, id: number, o: { assignee: string; actor: string }): Promise<unknown>;
  setStatus(siteId: string, id: number, to: 'in_progress' | 'resolved' | 'closed', o: { rootCause?: string; note?: string; actor: string }): Promise<unknown>;
}

/**
 * The demo's past complaints as a team would have worked them, so the complaints list and the reports on
 * them look like a running hotline's, not a pile of new ones: most of the older ones taken up within hours,
 * resolved with a root cause and a note, and closed a day later; the recent ones partly in progress. Each
 * step is made at its own time in the past through `setClock` (the service's clock), never after `now`.
 * Only complaints still `open` are touched, so it is run once, on a fresh history (`npm start`), or on the
 * days a restart simulated (`since`).
 * @param since only complaints opened after it: a restart's simulated days (those of the last run, still
 * open, are the user's to work). @defaultValue every open complaint
 * @returns complaints moved at least one step
 */
export async function workDemoComplaints(svc: ComplaintWorkPort, site: SiteConfig, setClock: (t: number) => void, now = Date.now(), seed = 11, since = -Infinity): Promise<number> {
  const rng = new Rng(seed);
  const H = 60 * MIN;
  const leadOf = new Map(site.teams.map((t) => [t.id, t.leadUserId ?? 'supervisor']));
  const complaints = (await svc.list(site.id, { status: ['open'], limit: 100_000 })).complaints.filter((c) => c.openedAt > since);
  // The teams work complaints in the site's business hours (no one resolves one at 2 a.m.).
  const clock = new BusinessClock(await svc.businessHours(site.id));
  let worked = 0;
  for (const c of complaints.toSorted((a, b) => a.openedAt - b.openedAt)) {
    const ageH = (now - c.openedAt) / H;
    const goal = rng.weighted(ageH > 48 ? PROGRESS.old : ageH > 20 ? PROGRESS.recent : PROGRESS.today, (x) => x[1])[0];
    const actor = (c.teamId && leadOf.get(c.teamId)) || 'supervisor';
    // Taken up within the first hour or two of business time; resolved in about half the SLA of its
    // category (so most, not all, are in time); closed half a business day later.
    const sla = c.slaBusinessMin ?? 16 * 60;
    const start = clock.addBusinessMinutes(c.openedAt, rng.uniform(10, Math.min(120, sla / 3)));
    const resolve = clock.addBusinessMinutes(start, Math.max(15, rng.lognormal(sla * 0.45, 0.55)));
    const close = clock.addBusinessMinutes(resolve, rng.uniform(120, 300));
    const steps: [number, () => Promise<unknown>][] = [];
    if (goal >= 1) {
      steps.push([start, () => svc.assign(site.id, c.id, { assignee: actor, actor })]);
      steps.push([start, () => svc.setStatus(site.id, c.id, 'in_progress', { note: 'Đã gọi lại khách, ghi nhận chi tiết', actor })]);
    }
    if (goal >= 2) {
      const s = rng.pick(SETTLED[c.category ?? ''] ?? SETTLED_OTHER);
      steps.push([resolve, () => svc.setStatus(site.id, c.id, 'resolved', { rootCause: s.cause, note: s.note, actor })]);
    }
    if (goal >= 3) steps.push([close, () => svc.setStatus(site.id, c.id, 'closed', { actor })]);
    let moved = false;
    for (const [at, step] of steps) {
      if (at >= now) break;
      setClock(at);
      await step();
      moved = true;
    }
    if (moved) worked++;
  }
  setClock(now);
  return worked;
}

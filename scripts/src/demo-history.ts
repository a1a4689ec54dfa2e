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
import { vietnameseMobile } from './sim/callers.ts';
import { vietnameseName } from '../../realtime/src/site/demo-site.ts';
import { customerIdOfNumber } from '../../realtime/src/storage/customer-id.ts';
import { BusinessClock, type BusinessHours } from '../../realtime/src/complaints/business-hours.ts';

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

/** How a past survey dial went ([result, weight]; a connected callee answers the survey 70% of the time). */
const SURVEY_DIALS = [['connected', 62], ['no_answer', 25], ['busy', 8], ['voicemail', 5]] as const;

/**
 * The past `days` days of the demo's satisfaction survey, as its dialer would have left them, so the CX
 * trends have history as the calls do: each day 45-70 customers dialed (09:00-17:00) as leads of their
 * own, their attempts (connected, no answer, busy, voicemail; a connected one taken by an agent of the
 * survey's line), and the NPS and CSAT answers of those who answered, from the customers dialed. So the
 * past days have a response rate and an engagement, not only scores. The same rows for the same `now`
 * (a second call adds nothing). Answers how many answers were added.
 */
export async function seedSurveyHistory(s: CampaignService, site: SiteConfig, days: number, now = Date.now(), seed = 7): Promise<number> {
  if (days <= 0) return 0;
  const campaign = await s.repo.getCampaign('satisfaction-survey');
  if (!campaign) return 0;
  const cal = new SiteCalendar(site.timeZone, site.intervalMin);
  const rng = new Rng(seed).fork('survey-history');
  const score = (table: readonly (readonly [number, number])[]) => rng.weighted(table, ([, w]) => w)[0];
  const agents = site.agents.filter((a) => a.queues.includes(campaign.queueId));
  const leads: Parameters<CampaignService['repo']['addPastDials']>[0][number][] = [];
  const attempts: Parameters<CampaignService['repo']['addPastDials']>[1][number][] = [];
  const rows: Parameters<CampaignService['repo']['addAnswers']>[0] = [];
  let day = cal.dayStart(now);
  for (let d = 0; d < days; d++) {
    day = cal.dayStart(day - 12 * 60 * MIN); // the day before
    const date = cal.localDate(day);
    const bad = rng.chance(0.15);
    const dialed = rng.int(45, 70);
    for (let i = 0; i < dialed; i++) {
      const phone = vietnameseMobile(rng);
      const id = `history-${date}-${i}`;
      const customerId = customerIdOfNumber(phone)!; // a generated mobile number always parses
      const at = day + 9 * 60 * MIN + rng.int(0, 8 * 60 * MIN - 1);
      const result = rng.weighted(SURVEY_DIALS, ([, w]) => w)[0];
      const connected = result === 'connected';
      const answered = connected && rng.chance(0.7);
      const agent = connected && agents.length ? rng.pick(agents) : undefined;
      const disposition = answered ? 'completed' : connected ? 'refused' : null;
      const callId = `history-survey-${date}-${i}`;
      leads.push({
        campaignId: campaign.id, id, phone, name: vietnameseName(rng.int(0, 10_000)), customerId, timeZone: site.timeZone, segment: null,
        status: connected ? 'done' : 'exhausted', attempts: 1, lastResult: result, lastDisposition: disposition,
      });
      attempts.push({
        campaignId: campaign.id, leadId: id, attempt: 1, callId, phone, result, dialedAt: new Date(at),
        connection: connected ? 'answered' : null, agentId: agent?.id ?? null, teamId: agent?.teamId ?? null, disposition,
        endedAt: new Date(at + (connected ? rng.int(60_000, 180_000) : 30_000)),
      });
      if (!answered) continue;
      const shift = bad && rng.chance(0.4) ? 3 : 0;
      const base = { campaignId: campaign.id, leadId: id, customerId, callId, segment: null, answeredAt: new Date(at + 60_000) };
      rows.push(
        { ...base, questionId: 'nps', kind: 'nps', score: Math.max(0, score(NPS) - shift) },
        { ...base, questionId: 'csat', kind: 'csat', score: Math.max(1, score(CSAT) - (shift ? 1 : 0)) },
      );
    }
  }
  await s.repo.addPastDials(leads, attempts);
  return s.repo.addAnswers(rows);
}

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
 * Only complaints still `open` are touched, so it is run once, on a fresh history (`npm start`).
 * @returns complaints moved at least one step
 */
export async function workDemoComplaints(svc: ComplaintWorkPort, site: SiteConfig, setClock: (t: number) => void, now = Date.now(), seed = 11): Promise<number> {
  const rng = new Rng(seed);
  const H = 60 * MIN;
  const leadOf = new Map(site.teams.map((t) => [t.id, t.leadUserId ?? 'supervisor']));
  const { complaints } = await svc.list(site.id, { status: ['open'], limit: 100_000 });
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

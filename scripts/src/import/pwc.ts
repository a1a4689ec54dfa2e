/**
 * The PwC Switzerland "Call Centre Trends" dataset (PhoneNow, Q1 2021; `shared/data/pwc-call-center`)
 * as CTI events, so the import goes through the hub's engine like the Anonymous Bank's (`recordsFromEvents`
 * in `run.ts`: the same call rows, agent states and interval aggregates the live writer would store, so
 * the daily and weekly reports of its days have figures). One row per inbound call; the mapping and its
 * assumptions are in docs/DATABASE.md (Import, "PwC").
 *
 * | column | becomes |
 * |---|---|
 * | Call Id | `callId` = `pwc-<Call Id>` |
 * | Agent | the agent `pwc-<name>` (a seat `pwc-<name>-2`, `-3` when the file has them on overlapping calls), team `pwc-<name>` |
 * | Date + Time | `call.offered` at that local time in {@link PWC_TIME_ZONE} |
 * | Topic | `queue` = `pwc-<topic slug>` (named as the topic; observed, no wrap-up) |
 * | Answered (Y/N) | Y: `call.answered` at offered + speed of answer, `call.ended` at answered + talk; N: `call.abandoned` at offered + {@link PWC_ABANDON_WAIT_SEC} |
 * | Speed of answer in seconds | the wait |
 * | AvgTalkDuration (`H:MM:SS`, this call's talk time) | the talk (handle time: no wrap-up in the data) |
 * | Resolved, Satisfaction rating (1-5) | `call.outcome` `disposition` `resolved` / `unresolved`, `surveyScore` |
 */
import { parseSiteConfig, type SiteConfig } from '../../../realtime/src/contracts/index.ts';
import { localToUtc } from '../sim/time.ts';

/**
 * The data does not say; PwC Switzerland made the case for a (fictional) Swiss telecom, so the times
 * are read as Swiss local time.
 */
export const PWC_TIME_ZONE = 'Europe/Zurich';
export const PWC_SITE_ID = 'pwc-phonenow';
/**
 * The data gives no wait for calls not answered. They are abandoned this long after the offer: the
 * site's short-abandon threshold (S = 5 s), so they count as abandons in the abandon rate and the
 * service level (a wait under S would make them "short" and leave them out). Their abandon waits are
 * therefore not data.
 */
export const PWC_ABANDON_WAIT_SEC = 5;
/** Agents log in this long before their first call of a day and out this long after the last (as for the Anonymous Bank). */
export const PWC_SESSION_PAD_SEC = 60;
export const PWC_HEADER = [
  'Call Id',
  'Agent',
  'Date',
  'Time',
  'Topic',
  'Answered (Y/N)',
  'Resolved',
  'Speed of answer in seconds',
  'AvgTalkDuration',
  'Satisfaction rating',
] as const;

export interface PwcStats {
  rows: number;
  calls: number;
  answered: number;
  abandoned: number;
  /** Sum of "Speed of answer in seconds" over the imported rows. */
  speedOfAnswerSec: number;
  skipped: Record<string, number>;
  quirks: Record<string, number>;
}

const inc = (rec: Record<string, number>, key: string): void => {
  rec[key] = (rec[key] ?? 0) + 1;
};

/** `Admin Support` → `admin-support`: lower case, accents dropped (đ → d), only `[a-z0-9-]`. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/đ/g, 'd')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Splits one CSV line (RFC 4180 quotes supported, though this file has none). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** `H:MM:SS` to seconds; NaN when malformed. */
function clockSec(s: string): number {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return Number.NaN;
  const [h, mi, se] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mi > 59 || se > 59 ? Number.NaN : h * 3600 + mi * 60 + se;
}

/** True when `text` starts (after an optional BOM) with the dataset's header line. */
export function isPwcCsv(head: string): boolean {
  const first = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return first.trim() === PWC_HEADER.join(',');
}

/** A CTI event as the contract reads it (validated by `parseCtiEvent` in the importer). */
export type PwcEvent = Record<string, unknown> & { id: string; type: string; at: string };

export interface PwcResult {
  /** Time-ordered CTI events: agent sessions and calls. */
  events: PwcEvent[];
  /** The site: its queues (topics), agents (seats) and teams (the people) as found in the file. */
  config: SiteConfig;
  stats: PwcStats;
}

interface PwcCall {
  callId: string;
  queue: string;
  person: string;
  offeredAt: number;
  answeredAt?: number;
  endedAt?: number;
  disposition?: string;
  score?: number;
  order: number;
  seat?: string;
}

/** Order of events at one instant: sessions open, calls end (freeing the seat), then offers and answers. */
const RANK = { login: 0, available: 1, ended: 2, outcome: 3, offered: 4, answered: 5, abandoned: 6, endedZero: 6, outcomeZero: 7, logout: 8 } as const;

/**
 * Converts the whole file (text as read; BOM and CRLF handled). Pure.
 * @param siteId the site of the rows. @defaultValue {@link PWC_SITE_ID}
 */
export function convertPwc(text: string, siteId = PWC_SITE_ID): PwcResult {
  const stats: PwcStats = { rows: 0, calls: 0, answered: 0, abandoned: 0, speedOfAnswerSec: 0, skipped: {}, quirks: {} };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!isPwcCsv(lines[0] ?? '')) throw new Error(`not the PwC call-centre CSV (header: ${JSON.stringify((lines[0] ?? '').slice(0, 80))})`);
  if (text.includes('\r\n')) inc(stats.quirks, 'CRLF line endings');
  if (text.startsWith('\uFEFF')) inc(stats.quirks, 'UTF-8 byte-order mark');
  const calls: PwcCall[] = [];
  const topics = new Map<string, string>();
  const people = new Map<string, string>();
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    stats.rows++;
    const f = splitCsvLine(line).map((x) => x.trim());
    if (f.length !== PWC_HEADER.length) {
      inc(stats.skipped, `malformed row (${f.length} fields instead of ${PWC_HEADER.length})`);
      continue;
    }
    const [callId, agent, date, time, topic, answered, resolved, speed, talk, rating] = f as [string, string, string, string, string, string, string, string, string, string];
    const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    const tod = clockSec(time);
    if (!dm || Number.isNaN(tod)) {
      inc(stats.skipped, 'bad date or time');
      continue;
    }
    if (!callId || !agent || !topic) {
      inc(stats.skipped, 'missing call id, agent or topic');
      continue;
    }
    if (seen.has(callId)) {
      inc(stats.skipped, 'duplicate call id');
      continue;
    }
    if (answered !== 'Y' && answered !== 'N') {
      inc(stats.skipped, `bad Answered value "${answered}"`);
      continue;
    }
    const offeredAt = localToUtc(PWC_TIME_ZONE, Number(dm[1]), Number(dm[2]), Number(dm[3]), Math.floor(tod / 3600), Math.floor((tod % 3600) / 60), tod % 60).utc;
    const queue = `pwc-${slug(topic)}`;
    const person = `pwc-${slug(agent)}`;
    const c: PwcCall = { callId: `pwc-${callId}`, queue, person, offeredAt, order: calls.length };
    if (answered === 'N') {
      if (speed !== '' || talk !== '' || rating !== '') inc(stats.quirks, 'not answered but with answer fields (ignored)');
      if (resolved === 'Y') inc(stats.quirks, 'not answered but resolved');
    } else {
      const wait = /^\d+$/.test(speed) ? Number(speed) : Number.NaN;
      const talkSec = clockSec(talk);
      const score = /^\d+(\.\d+)?$/.test(rating) ? Number(rating) : Number.NaN;
      if (Number.isNaN(wait) || Number.isNaN(talkSec)) {
        inc(stats.skipped, 'answered without speed of answer or talk duration');
        continue;
      }
      c.answeredAt = offeredAt + wait * 1000;
      c.endedAt = c.answeredAt + talkSec * 1000;
      c.disposition = resolved === 'Y' ? 'resolved' : 'unresolved';
      if (Number.isNaN(score)) inc(stats.quirks, 'answered without a satisfaction rating');
      else c.score = score;
      stats.speedOfAnswerSec += wait;
    }
    people.set(person, agent);
    topics.set(queue, topic);
    seen.add(callId);
    calls.push(c);
  }

  // Seats: an agent is on one call at a time in the hub; the file has some people on two or three
  // overlapping calls (synthetic data). Each such call goes to the person's lowest free seat.
  const seats = new Map<string, Set<string>>();
  const byPerson = new Map<string, PwcCall[]>();
  for (const c of calls) if (c.answeredAt !== undefined) byPerson.set(c.person, [...(byPerson.get(c.person) ?? []), c]);
  // A zero-length call still holds its instant.
  const effEnd = (c: PwcCall) => (c.endedAt === c.answeredAt ? c.endedAt! + 1 : c.endedAt!);
  for (const [person, list] of byPerson) {
    list.sort((a, b) => a.answeredAt! - b.answeredAt! || a.order - b.order);
    const busy: number[] = [];
    for (const c of list) {
      let k = busy.findIndex((until) => until <= c.answeredAt!);
      if (k < 0) {
        busy.push(0);
        k = busy.length - 1;
      }
      busy[k] = effEnd(c);
      c.seat = k === 0 ? person : `${person}-${k + 1}`;
      if (k > 0) inc(stats.quirks, 'agent on overlapping calls (answered on a second seat)');
      seats.set(person, (seats.get(person) ?? new Set([person])).add(c.seat));
    }
  }

  type Keyed = { at: number; rank: number; seq: number; e: PwcEvent };
  const out: Keyed[] = [];
  const push = (at: number, rank: number, e: Record<string, unknown> & { id: string; type: string }) => out.push({ at, rank, seq: out.length, e: { ...e, at: new Date(at).toISOString(), source: 'pwc' } });
  for (const c of calls) {
    stats.calls++;
    push(c.offeredAt, RANK.offered, { id: `${c.callId}-offered`, type: 'call.offered', callId: c.callId, queue: c.queue, direction: 'inbound', attributes: { agent: c.person } });
    if (c.answeredAt === undefined) {
      stats.abandoned++;
      push(c.offeredAt + PWC_ABANDON_WAIT_SEC * 1000, RANK.abandoned, { id: `${c.callId}-abandoned`, type: 'call.abandoned', callId: c.callId });
      continue;
    }
    stats.answered++;
    const zero = c.endedAt === c.answeredAt;
    push(c.answeredAt, RANK.answered, { id: `${c.callId}-answered`, type: 'call.answered', callId: c.callId, agentId: c.seat! });
    push(c.endedAt!, zero ? RANK.endedZero : RANK.ended, { id: `${c.callId}-ended`, type: 'call.ended', callId: c.callId });
    push(c.endedAt!, zero ? RANK.outcomeZero : RANK.outcome, {
      id: `${c.callId}-outcome`,
      type: 'call.outcome',
      callId: c.callId,
      disposition: c.disposition!,
      ...(c.score !== undefined ? { surveyScore: c.score } : {}),
    });
  }
  // Sessions: per seat and day (the centre works days: no call crosses midnight), from a pad before the
  // first answer to a pad after the last end, with the topics served that day as the agent's queues.
  const pad = PWC_SESSION_PAD_SEC * 1000;
  const bySeat = new Map<string, PwcCall[]>();
  for (const c of calls) if (c.seat) bySeat.set(c.seat, [...(bySeat.get(c.seat) ?? []), c]);
  for (const [seat, list] of bySeat) {
    list.sort((a, b) => a.answeredAt! - b.answeredAt! || a.order - b.order);
    let lastLogout = Number.NEGATIVE_INFINITY;
    let i = 0;
    while (i < list.length) {
      const day = localDay(list[i]!.answeredAt!);
      let j = i;
      let lastEnd = list[i]!.endedAt!;
      const queues = new Set<string>();
      while (j < list.length && (j === i || localDay(list[j]!.answeredAt!) === day || list[j]!.answeredAt! - lastEnd <= 2 * pad + 2)) {
        lastEnd = Math.max(lastEnd, list[j]!.endedAt!);
        queues.add(list[j]!.queue);
        j++;
      }
      const loginAt = Math.max(list[i]!.answeredAt! - pad, lastLogout + 1);
      const logoutAt = lastEnd + pad;
      const key = `${list[i]!.callId}-${seat}`;
      push(loginAt, RANK.login, { id: `${key}-login`, type: 'agent.login', agentId: seat, queues: [...queues].sort() });
      push(loginAt, RANK.available, { id: `${key}-available`, type: 'agent.state', agentId: seat, state: 'available' });
      push(logoutAt, RANK.logout, { id: `${key}-logout`, type: 'agent.logout', agentId: seat });
      lastLogout = logoutAt;
      i = j;
    }
  }
  out.sort((a, b) => a.at - b.at || a.rank - b.rank || a.seq - b.seq);

  const config = parseSiteConfig({
    id: siteId,
    name: 'PhoneNow (PwC Call Centre Trends, 2021)',
    timeZone: PWC_TIME_ZONE,
    locale: 'en',
    queues: [...topics].sort().map(([id, name]) => ({ id, name, routing: 'observe', wrapupSec: 0 })),
    teams: [...people].sort().map(([id, name]) => ({ id, name })),
    agents: [...people]
      .sort()
      .flatMap(([person, name]) =>
        [...(seats.get(person) ?? [person])].sort().map((seat) => ({ id: seat, name: seat === person ? name : `${name} (seat ${seat.slice(person.length + 1)})`, teamId: person, queues: [] })),
      ),
  });
  return { events: out.map((k) => k.e), config, stats };
}

/** The local calendar day of an instant in the PwC site's zone. */
const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: PWC_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
function localDay(t: number): string {
  return dayFmt.format(t);
}

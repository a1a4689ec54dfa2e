/**
 * The PwC Switzerland "Call Centre Trends" dataset (PhoneNow, Q1 2021; `shared/data/pwc-call-center`)
 * as call detail records. One row per inbound call, mapped straight to a `calls` row (there is no event
 * history to replay: only the arrival time, the wait and the talk time are known).
 *
 * | column | becomes |
 * |---|---|
 * | Call Id | `id` = `pwc-<Call Id>` |
 * | Agent | `agent_id` = `pwc-<name, lower case>` (agents row named as in the file) |
 * | Date + Time | `offered_at`, local time in {@link PWC_TIME_ZONE} |
 * | Topic | `queue_id` = `pwc-<topic slug>` (queues row named as the topic) |
 * | Answered (Y/N) | `result` `answered` / `abandoned` |
 * | Resolved | `disposition` `resolved` / `unresolved` (answered calls) |
 * | Speed of answer in seconds | `wait_ms`; `answered_at` = offered + wait |
 * | AvgTalkDuration (`H:MM:SS`, this call's talk time) | `handle_ms`; `ended_at` = `wrap_end_at` = answered + talk |
 * | Satisfaction rating (1-5) | `survey_score` |
 *
 * Abandoned rows have no wait in the data, so their `wait_ms`, `abandoned_at` and `ended_at` stay null;
 * the agent the file names on them goes to `attributes.agent`, not `agent_id` (nobody handled them).
 */
import { parseSiteConfig, type SiteConfig } from '../../../realtime/src/contracts/index.ts';
import type { CallRecord } from '../../../realtime/src/storage/index.ts';
import { localToUtc } from '../sim/time.ts';

/**
 * The data does not say; PwC Switzerland made the case for a (fictional) Swiss telecom, so the times
 * are read as Swiss local time.
 */
export const PWC_TIME_ZONE = 'Europe/Zurich';
export const PWC_SITE_ID = 'pwc-phonenow';
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

export interface PwcResult {
  calls: CallRecord[];
  /** The site: its queues (topics) and agents (names) as found in the file. */
  config: SiteConfig;
  stats: PwcStats;
}

/**
 * Converts the whole file (text as read; BOM and CRLF handled). Pure.
 * @param siteId the `site_id` of the rows. @defaultValue {@link PWC_SITE_ID}
 */
export function convertPwc(text: string, siteId = PWC_SITE_ID): PwcResult {
  const stats: PwcStats = { rows: 0, calls: 0, answered: 0, abandoned: 0, speedOfAnswerSec: 0, skipped: {}, quirks: {} };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!isPwcCsv(lines[0] ?? '')) throw new Error(`not the PwC call-centre CSV (header: ${JSON.stringify((lines[0] ?? '').slice(0, 80))})`);
  if (text.includes('\r\n')) inc(stats.quirks, 'CRLF line endings');
  if (text.startsWith('\uFEFF')) inc(stats.quirks, 'UTF-8 byte-order mark');
  const calls: CallRecord[] = [];
  const topics = new Map<string, string>();
  const agentNames = new Map<string, string>();
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
    const queueId = `pwc-${slug(topic)}`;
    const agentId = `pwc-${slug(agent)}`;
    const base: CallRecord = {
      siteId,
      id: `pwc-${callId}`,
      queueId,
      lastQueueId: queueId,
      path: [queueId],
      direction: 'inbound',
      status: 'done',
      result: 'abandoned',
      priority: 5,
      offeredAt: new Date(offeredAt),
      enteredAt: new Date(offeredAt),
      answeredAt: null,
      abandonedAt: null,
      endedAt: null,
      wrapEndAt: null,
      waitMs: null,
      handleMs: null,
      holdMs: 0,
      agentId: null,
      teamId: null,
      transfers: 0,
      missedOffers: 0,
      endedBy: null,
      disposition: null,
      notes: null,
      revenue: null,
      surveyScore: null,
      campaignId: null,
      leadId: null,
      fromNumber: null,
      toNumber: null,
      skills: [],
      attributes: null,
      source: 'pwc',
    };
    if (answered === 'N') {
      if (speed !== '' || talk !== '' || rating !== '') inc(stats.quirks, 'not answered but with answer fields (ignored)');
      if (resolved === 'Y') inc(stats.quirks, 'not answered but resolved');
      // The file names an agent on abandoned rows too. As `agent_id` it would say an agent handled the
      // call (the hub never sets an agent on an abandoned call), so it is kept in `attributes.agent`.
      base.attributes = { agent: agentId };
      agentNames.set(agentId, agent);
      topics.set(queueId, topic);
      stats.abandoned++;
      stats.calls++;
      seen.add(callId);
      calls.push(base);
      continue;
    }
    const wait = /^\d+$/.test(speed) ? Number(speed) : Number.NaN;
    const talkSec = clockSec(talk);
    const score = /^\d+(\.\d+)?$/.test(rating) ? Number(rating) : Number.NaN;
    if (Number.isNaN(wait) || Number.isNaN(talkSec)) {
      inc(stats.skipped, 'answered without speed of answer or talk duration');
      continue;
    }
    const answeredAt = offeredAt + wait * 1000;
    const endedAt = answeredAt + talkSec * 1000;
    Object.assign(base, {
      status: 'done',
      result: 'answered',
      answeredAt: new Date(answeredAt),
      endedAt: new Date(endedAt),
      // No wrap-up in the data: the call is complete when the talk ends (as the hub does with 0 s wrap-up).
      wrapEndAt: new Date(endedAt),
      waitMs: wait * 1000,
      handleMs: talkSec * 1000,
      agentId,
      disposition: resolved === 'Y' ? 'resolved' : 'unresolved',
      surveyScore: Number.isNaN(score) ? null : score,
    } satisfies Partial<CallRecord>);
    if (Number.isNaN(score)) inc(stats.quirks, 'answered without a satisfaction rating');
    agentNames.set(agentId, agent);
    topics.set(queueId, topic);
    stats.answered++;
    stats.calls++;
    stats.speedOfAnswerSec += wait;
    seen.add(callId);
    calls.push(base);
  }
  const config = parseSiteConfig({
    id: siteId,
    name: 'PhoneNow (PwC Call Centre Trends, 2021)',
    timeZone: PWC_TIME_ZONE,
    locale: 'en',
    queues: [...topics].sort().map(([id, name]) => ({ id, name, routing: 'observe' })),
    agents: [...agentNames].sort().map(([id, name]) => ({ id, name, queues: [] })),
  });
  return { calls, config, stats };
}

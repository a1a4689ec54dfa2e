/**
 * The "Anonymous Bank" call-center data (Israel, 1999; Technion SEE Lab) as CTI events.
 * One monthly `.txt` file in, its events out, sorted by time, with deterministic ids so a second
 * replay is all duplicates. docs/REPLAY.md has the full mapping and every quirk with its count.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { CtiEventIn } from '../../../realtime/src/contracts/index.ts';
import { localToUtc, isoWithOffset, zoneOffsetMs, TIME, type LocalTimeKind } from '../sim/time.ts';

/** The first characters of the header line of every monthly file. */
export const AB_HEADER_PREFIX = 'vru+line\tcall_id';
/** The bank's time zone: Israel, with its 1999 daylight-saving rules. */
export const AB_TIME_ZONE = 'Asia/Jerusalem';
const FIELDS = 17;
const DAY_S = 86_400;

/** One row, fields trimmed, times as seconds since the row's local midnight (before any rollover). */
export interface AbRow {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  vruLine: string;
  callId: string;
  customerId: string;
  priority: number;
  type: string;
  /** `YYMMDD` as in the file. */
  date: string;
  vruEntry: number;
  vruExit: number;
  vruTime: number;
  qStart: number;
  qExit: number;
  qTime: number;
  outcome: string;
  serStart: number;
  serExit: number;
  serTime: number;
  server: string;
  /** Quirks of the raw line: `leading-space-field`, `spaces-for-tab`. */
  rawQuirks: string[];
}

/** Splits a raw line: on a tab or a run of 2+ blanks (some rows have spaces where a tab belongs), trimmed. */
export function splitAbFields(line: string): string[] {
  return line.split(/\t|\s{2,}/).map((f) => f.trim());
}

/** `H:MM:SS` (hour without a leading zero) to seconds; NaN when malformed. */
export function parseClock(s: string): number {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return Number.NaN;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const se = Number(m[3]);
  if (h > 23 || mi > 59 || se > 59) return Number.NaN;
  return h * 3600 + mi * 60 + se;
}

/** Parses one data line. */
export function parseAbLine(raw: string, line: number): AbRow | { error: string } {
  const text = raw.replace(/\r$/, '');
  const rawQuirks: string[] = [];
  const tabs = text.split('\t');
  if (tabs.length !== FIELDS) rawQuirks.push('spaces-for-tab');
  if (tabs.some((f) => /^\s+\S/.test(f))) rawQuirks.push('leading-space-field');
  const f = splitAbFields(text);
  if (f.length !== FIELDS) return { error: `${f.length} fields instead of ${FIELDS}` };
  const num = (s: string): number => (/^-?\d+$/.test(s) ? Number(s) : Number.NaN);
  const row: AbRow = {
    line,
    vruLine: f[0]!,
    callId: f[1]!,
    customerId: f[2]!,
    priority: num(f[3]!),
    type: f[4]!,
    date: f[5]!,
    vruEntry: parseClock(f[6]!),
    vruExit: parseClock(f[7]!),
    vruTime: num(f[8]!),
    qStart: parseClock(f[9]!),
    qExit: parseClock(f[10]!),
    qTime: num(f[11]!),
    outcome: f[12]!,
    serStart: parseClock(f[13]!),
    serExit: parseClock(f[14]!),
    serTime: num(f[15]!),
    server: f[16]!,
    rawQuirks,
  };
  if (!/^\d{6}$/.test(row.date)) return { error: `bad date "${row.date}"` };
  for (const k of ['vruEntry', 'vruExit', 'qStart', 'qExit', 'serStart', 'serExit'] as const) {
    if (Number.isNaN(row[k])) return { error: `bad ${k} time` };
  }
  if (!/^[A-Z]{2}$/.test(row.type)) return { error: `bad type "${row.type}"` };
  if (!['AGENT', 'HANG', 'PHANTOM'].includes(row.outcome)) return { error: `bad outcome "${row.outcome}"` };
  if (!row.callId || !row.vruLine) return { error: 'missing call id' };
  return row;
}

/** What to do with AGENT rows whose server is NO_SERVER. */
export type NoServerPolicy = 'pool' | 'skip';

export interface AnonymousBankOptions {
  /**
   * `pool`: served by a pooled stand-in agent `ab-NO_SERVER-<n>`, the lowest `n` free at the time,
   * so no two overlapping calls share one; `skip`: the call is left out (counted). @defaultValue 'pool'
   */
  noServer?: NoServerPolicy;
  /** Overlaps of an agent's consecutive calls up to this many seconds are recording jitter: the earlier call is cut. @defaultValue 3 */
  overlapToleranceSec?: number;
  /** Seconds an agent logs in before the first call of the day and out after the last. @defaultValue 60 */
  sessionPadSec?: number;
  /** `source` of the events. @defaultValue 'anonymous-bank' */
  source?: string;
  /** Name for the stats (usually the path). */
  file?: string;
}

export interface AnonymousBankStats {
  file?: string;
  /** Data rows (the header excluded). */
  rows: number;
  /** Calls written (offered), answered and abandoned. */
  calls: number;
  answered: number;
  abandoned: number;
  events: number;
  /** Rows not turned into a call, by reason. */
  skipped: Record<string, number>;
  /** Rows that needed a decision but were kept, by quirk. */
  quirks: Record<string, number>;
  /** Rows per outcome in the file (AGENT / HANG / PHANTOM). */
  outcomes: Record<string, number>;
  /** Calls per queue. */
  queues: Record<string, number>;
  /** Distinct agents (including pooled NO_SERVER stand-ins) and agent-days (login sessions). */
  agents: number;
  sessions: number;
  /** Distinct dates in the file. */
  dates: number;
  /** First and last event time (epoch ms). */
  firstAt?: number;
  lastAt?: number;
}

export interface AnonymousBankResult {
  events: CtiEventIn[];
  stats: AnonymousBankStats;
}

// -------------------------------------------------------------------------------------- helpers

function inc(rec: Record<string, number>, key: string, n = 1): void {
  rec[key] = (rec[key] ?? 0) + n;
}

/** Resolves `t` (seconds of day) to the day nearest `ref` (seconds from the row's date midnight). */
function after(ref: number, t: number): number {
  let x = t;
  while (x - ref < -DAY_S / 2) x += DAY_S;
  while (x - ref > DAY_S / 2) x -= DAY_S;
  return x;
}

/** Pseudonymous caller id: a stable hash of the customer id (never the id itself). */
export function pseudonymousCaller(customerId: string): string {
  return `ab-cust-${createHash('sha256').update(`anonymous-bank:${customerId}`).digest('hex').slice(0, 12)}`;
}

interface Pending {
  row: AbRow;
  callId: string;
  queue: string;
  offeredAt: number;
  answeredAt?: number;
  endedAt?: number;
  abandonedAt?: number;
  agentId?: string;
  /** Order in the file, for stable tie-breaks. */
  order: number;
}

/** Order of event kinds at the same instant, so agents and calls stay consistent. */
const RANK = {
  'agent.login': 0,
  'agent.state': 1,
  /** Frees the agent before another call is answered at the same instant. */
  'call.ended': 2,
  'call.offered': 3,
  'call.answered': 4,
  /** After its own `call.offered` (a HANG with q_time 0 leaves the instant it arrives). */
  'call.abandoned': 5,
  /** `call.ended` of a zero-length call: after its own `call.answered`. */
  'call.ended.zero': 5,
  'agent.logout': 6,
} as const;

// ------------------------------------------------------------------------------------ converter

/**
 * Converts the lines of one monthly file (header included or not) into CTI events.
 * Pure: no I/O, no clock. Memory: one month (~40k rows) is held at once.
 */
export function convertAnonymousBank(lines: Iterable<string>, options: AnonymousBankOptions = {}): AnonymousBankResult {
  const noServer = options.noServer ?? 'pool';
  const tolMs = (options.overlapToleranceSec ?? 3) * TIME.SECOND;
  const padMs = (options.sessionPadSec ?? 60) * TIME.SECOND;
  const source = options.source ?? 'anonymous-bank';
  const stats: AnonymousBankStats = {
    ...(options.file ? { file: options.file } : {}),
    rows: 0,
    calls: 0,
    answered: 0,
    abandoned: 0,
    events: 0,
    skipped: {},
    quirks: {},
    outcomes: {},
    queues: {},
    agents: 0,
    sessions: 0,
    dates: 0,
  };
  const dates = new Set<string>();
  const midnight = new Map<string, { y: number; m: number; d: number }>();
  const calls: Pending[] = [];
  let lineNo = 0;

  /** Epoch ms of `secOfDay` seconds after the local midnight of `date` (may exceed a day). */
  const instant = (date: string, secOfDay: number): number => {
    let ymd = midnight.get(date);
    if (!ymd) {
      const yy = Number(date.slice(0, 2));
      ymd = { y: yy >= 70 ? 1900 + yy : 2000 + yy, m: Number(date.slice(2, 4)), d: Number(date.slice(4, 6)) };
      midnight.set(date, ymd);
    }
    const dayShift = Math.floor(secOfDay / DAY_S);
    const s = secOfDay - dayShift * DAY_S;
    const r = localToUtc(AB_TIME_ZONE, ymd.y, ymd.m, ymd.d + dayShift, Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60);
    noteKind(r.kind);
    return r.utc;
  };
  // The worst DST case met while converting the current row's times.
  const dst: { kind: LocalTimeKind } = { kind: 'ok' };
  const noteKind = (k: LocalTimeKind): void => {
    if (k !== 'ok') dst.kind = k;
  };
  const dstKindOfRow = (): LocalTimeKind => dst.kind;

  for (const raw of lines) {
    lineNo++;
    if (raw.startsWith(AB_HEADER_PREFIX) || raw.startsWith('vru+line')) continue;
    if (raw.trim() === '') continue;
    stats.rows++;
    const parsed = parseAbLine(raw, lineNo);
    if ('error' in parsed) {
      inc(stats.skipped, `malformed row (${parsed.error})`);
      continue;
    }
    const r = parsed;
    for (const q of r.rawQuirks) inc(stats.quirks, q);
    dates.add(r.date);
    inc(stats.outcomes, r.outcome);
    // Counted over all rows (PHANTOM included) so the figure matches the data's README.
    if (r.vruTime < 0) inc(stats.quirks, 'negative vru_time');
    if (r.outcome === 'PHANTOM') {
      inc(stats.skipped, 'PHANTOM (virtual call)');
      continue;
    }
    if (r.type === 'AA') inc(stats.quirks, 'undocumented type AA');
    if (/e\+/i.test(r.customerId)) inc(stats.quirks, 'customer_id in scientific notation');
    dst.kind = 'ok';
    const queued = r.qStart !== 0;
    const served = r.outcome === 'AGENT';
    if (!queued && !served) {
      inc(stats.skipped, 'HANG in the VRU (never queued)');
      continue;
    }
    // Seconds from the row date's midnight, each resolved to the day nearest the previous stage.
    // vru_exit is read against vru_entry only to place it on the right day; when it is earlier
    // (negative vru_time, a recording artefact) we do not use vru_entry for anything.
    const entry = r.vruEntry;
    const vruExit = after(entry, r.vruExit);
    const qStart = queued ? after(vruExit, r.qStart) : vruExit;
    const qExit = queued ? after(qStart, r.qExit) : vruExit;
    const noServiceTimes = served && r.serStart === 0 && r.serExit === 0;
    const serStart = noServiceTimes ? qExit : after(queued ? qStart : vruExit, r.serStart);
    const serExit = noServiceTimes ? serStart : after(serStart, r.serExit);
    const latest = Math.max(vruExit, qStart, qExit, served ? serExit : 0);
    if (latest >= DAY_S) inc(stats.quirks, 'crosses midnight');

    const callId = `ab-${r.date}-${r.vruLine}-${r.callId}`;
    const queue = `ab-${r.type}`;
    const offeredAt = instant(r.date, queued ? qStart : vruExit);
    const p: Pending = { row: r, callId, queue, offeredAt, order: calls.length };
    if (served) {
      if (r.server === 'NO_SERVER') {
        if (noServer === 'skip') {
          inc(stats.skipped, 'AGENT with NO_SERVER (policy skip)');
          continue;
        }
        inc(stats.quirks, 'AGENT with NO_SERVER (pooled stand-in agent)');
      } else {
        p.agentId = `ab-${r.server}`;
      }
      if (noServiceTimes) inc(stats.quirks, 'AGENT without service times (zero-length call at queue exit)');
      let answeredAt = instant(r.date, serStart);
      if (answeredAt < offeredAt) {
        inc(
          stats.quirks,
          offeredAt - answeredAt <= 2 * TIME.SECOND
            ? 'ser_start 1-2 s before the offer (clock rounding; answered at the offer)'
            : 'ser_start > 2 s before the offer (answered at the offer)',
        );
        answeredAt = offeredAt;
      }
      let endedAt = instant(r.date, serExit);
      if (endedAt < answeredAt) {
        inc(stats.quirks, 'service ended before the offer (zero-length call)');
        endedAt = answeredAt;
      }
      p.answeredAt = answeredAt;
      p.endedAt = endedAt;
    } else {
      if (r.server !== 'NO_SERVER') inc(stats.quirks, 'HANG with a server name (server ignored)');
      let abandonedAt = instant(r.date, qExit);
      if (abandonedAt < offeredAt) abandonedAt = offeredAt;
      p.abandonedAt = abandonedAt;
    }
    const kind = dstKindOfRow();
    if (kind === 'gap') inc(stats.quirks, 'time in the DST gap (moved forward 1 h)');
    if (kind === 'fold') inc(stats.quirks, 'time in the DST fold (earlier instant taken)');
    calls.push(p);
  }

  // ---------------------------------------------------------------- agents: one call at a time
  const served = calls.filter((c) => c.answeredAt !== undefined);
  const byAgent = new Map<string, Pending[]>();
  const pooled: Pending[] = [];
  for (const c of served) {
    if (!c.agentId) {
      pooled.push(c);
      continue;
    }
    const list = byAgent.get(c.agentId) ?? [];
    list.push(c);
    byAgent.set(c.agentId, list);
  }
  const dropped = new Set<Pending>();
  const byStart = (a: Pending, b: Pending): number => a.answeredAt! - b.answeredAt! || a.order - b.order;
  // The effective end of a call for conflicts: a zero-length call still occupies its instant.
  const effEnd = (c: Pending): number => (c.endedAt === c.answeredAt ? c.endedAt! + 1 : c.endedAt!);
  for (const list of byAgent.values()) {
    // 1. Jitter: consecutive calls overlapping by a few seconds are one-second clock rounding; cut the earlier.
    list.sort(byStart);
    for (let k = 1; k < list.length; k++) {
      const prev = list[k - 1]!;
      const c = list[k]!;
      const overlap = prev.endedAt! - c.answeredAt!;
      if (overlap > 0 && overlap <= tolMs && prev.answeredAt! < c.answeredAt!) {
        prev.endedAt = c.answeredAt!;
        inc(stats.quirks, `agent overlap <= ${tolMs / 1000} s (earlier call cut)`);
      }
    }
    // 2. Real overlaps (mostly one very long "call" during which the agent served others): keep the
    //    largest set of non-overlapping calls (earliest-finish-first), drop the rest.
    const byEnd = [...list].sort((a, b) => effEnd(a) - effEnd(b) || byStart(a, b));
    let busyUntil = Number.NEGATIVE_INFINITY;
    for (const c of byEnd) {
      if (c.answeredAt! >= busyUntil) {
        busyUntil = effEnd(c);
      } else {
        dropped.add(c);
        inc(stats.skipped, 'agent already on another call (overlap)');
      }
    }
  }
  // NO_SERVER calls: the lowest-numbered stand-in free strictly before the answer.
  pooled.sort(byStart);
  const poolBusy: number[] = [];
  for (const c of pooled) {
    let i = poolBusy.findIndex((until) => until < c.answeredAt!);
    if (i < 0) {
      poolBusy.push(0);
      i = poolBusy.length - 1;
    }
    poolBusy[i] = c.endedAt!;
    c.agentId = `ab-NO_SERVER-${i + 1}`;
    const list = byAgent.get(c.agentId) ?? [];
    list.push(c);
    byAgent.set(c.agentId, list);
  }

  // ------------------------------------------------------------------------------- the events
  type Keyed = { at: number; rank: number; seq: number; e: CtiEventIn };
  const out: Keyed[] = [];
  let seq = 0;
  const iso = (t: number): string => isoWithOffset(t, zoneOffsetMs(AB_TIME_ZONE, t));
  const push = (at: number, rank: number, e: CtiEventIn): void => {
    out.push({ at, rank, seq: seq++, e });
  };

  for (const c of calls) {
    if (dropped.has(c)) continue;
    const r = c.row;
    stats.calls++;
    inc(stats.queues, c.queue);
    const attributes: Record<string, string> = {
      vru: r.vruLine.slice(0, 4),
      vruLine: r.vruLine,
      customerType: r.customerId === '0' || r.customerId === '' ? 'unidentified' : r.priority === 2 ? 'priority' : 'regular',
    };
    const offered: CtiEventIn = {
      id: `${c.callId}-offered`,
      type: 'call.offered',
      at: iso(c.offeredAt),
      callId: c.callId,
      queue: c.queue,
      direction: 'inbound',
      ...(r.customerId !== '0' && r.customerId !== '' ? { from: pseudonymousCaller(r.customerId) } : {}),
      priority: r.priority === 2 ? 1 : 5,
      attributes,
      source,
    };
    push(c.offeredAt, RANK['call.offered'], offered);
    if (c.abandonedAt !== undefined) {
      stats.abandoned++;
      push(c.abandonedAt, RANK['call.abandoned'], {
        id: `${c.callId}-abandoned`,
        type: 'call.abandoned',
        at: iso(c.abandonedAt),
        callId: c.callId,
        source,
      });
      continue;
    }
    stats.answered++;
    push(c.answeredAt!, RANK['call.answered'], {
      id: `${c.callId}-answered`,
      type: 'call.answered',
      at: iso(c.answeredAt!),
      callId: c.callId,
      agentId: c.agentId!,
      source,
    });
    push(c.endedAt!, c.endedAt === c.answeredAt ? RANK['call.ended.zero'] : RANK['call.ended'], {
      id: `${c.callId}-ended`,
      type: 'call.ended',
      at: iso(c.endedAt!),
      callId: c.callId,
      source,
    });
  }

  // Sessions: per agent and operational day (a day runs 05:00-05:00 local, so a call served
  // after midnight belongs to the evening before): log in `pad` before the first call, out `pad`
  // after the last, never overlapping the agent's previous session.
  const opDay = (t: number): string => {
    const local = t + zoneOffsetMs(AB_TIME_ZONE, t) - 5 * TIME.HOUR;
    return new Date(local).toISOString().slice(0, 10);
  };
  for (const [agentId, list] of byAgent) {
    const mine = list.filter((c) => !dropped.has(c)).sort(byStart);
    if (mine.length === 0) continue;
    stats.agents++;
    let lastLogout = Number.NEGATIVE_INFINITY;
    let i = 0;
    while (i < mine.length) {
      const day = opDay(mine[i]!.answeredAt!);
      let j = i;
      let lastEnd = mine[i]!.endedAt!;
      const queues = new Set<string>();
      // A new day starts a new session only if there is room for a logout and a login between.
      while (
        j < mine.length &&
        (j === i || opDay(mine[j]!.answeredAt!) === day || mine[j]!.answeredAt! - lastEnd <= 2 * padMs + 2)
      ) {
        lastEnd = Math.max(lastEnd, mine[j]!.endedAt!);
        queues.add(mine[j]!.queue);
        j++;
      }
      const first = mine[i]!;
      const loginAt = Math.max(first.answeredAt! - padMs, lastLogout + 1);
      const logoutAt = lastEnd + padMs;
      const key = `${first.callId}-${agentId}`;
      stats.sessions++;
      push(loginAt, RANK['agent.login'], { id: `${key}-login`, type: 'agent.login', at: iso(loginAt), agentId, queues: [...queues].sort(), source });
      push(loginAt, RANK['agent.state'], { id: `${key}-available`, type: 'agent.state', at: iso(loginAt), agentId, state: 'available', source });
      push(logoutAt, RANK['agent.logout'], { id: `${key}-logout`, type: 'agent.logout', at: iso(logoutAt), agentId, source });
      lastLogout = logoutAt;
      i = j;
    }
  }

  out.sort((a, b) => a.at - b.at || a.rank - b.rank || a.seq - b.seq);
  stats.events = out.length;
  stats.dates = dates.size;
  if (out.length > 0) {
    stats.firstAt = out[0]!.at;
    stats.lastAt = out[out.length - 1]!.at;
  }
  return { events: out.map((k) => k.e), stats };
}

/** True when the file starts with the Anonymous Bank header line. */
export async function isAnonymousBankFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return buf.subarray(0, bytesRead).toString('utf8').startsWith(AB_HEADER_PREFIX);
  } finally {
    await fh.close();
  }
}

/** Reads lines of a file as a stream (no whole-file string). */
export async function* readLines(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) yield line;
}

/**
 * Reads one monthly file and converts it (see `convertAnonymousBank`).
 * @throws when the file is missing or is not an Anonymous Bank file
 */
export async function readAnonymousBank(path: string, options: AnonymousBankOptions = {}): Promise<AnonymousBankResult> {
  if (!(await isAnonymousBankFile(path))) throw new Error(`${path} is not an Anonymous Bank file (no "vru+line\\tcall_id" header)`);
  const lines: string[] = [];
  for await (const l of readLines(path)) lines.push(l);
  return convertAnonymousBank(lines, { file: path, ...options });
}

/**
 * All events of several monthly files, one file at a time (so memory holds one month), in file
 * order. For benchmarks that push the whole data set through the hub.
 */
export async function* anonymousBankEvents(
  paths: readonly string[],
  options: AnonymousBankOptions = {},
): AsyncGenerator<AnonymousBankResult> {
  for (const p of paths) yield await readAnonymousBank(p, options);
}

/**
 * Selectors: read-only views of the state for boards (DTOs), the metrics API and the
 * "explain this number" drill-down. They take `now` as data.
 */
import type {
  AgentDTO,
  CallDTO,
  LiveFigures,
  MetricParams,
  MetricParamsUsed,
  MetricValues,
  QueueDTO,
  SiteDTO,
  SnapshotDTO,
  TeamDTO,
} from '../contracts/index.ts';
import { deriveMetrics, type Bucket } from './metrics.ts';
import { paramsAt, sameParams, scopeKey, type AgentState, type CallState, type HubState, type ParamsVersion, type QueueState } from './state.ts';
import { DAY } from './time.ts';

export interface ViewOptions {
  /** Show callers' numbers (roles that need them); otherwise masked. */
  showNumbers: boolean;
  /** Restrict to these queues (wallboard TVs); empty = all. */
  queues?: string[];
  /** Restrict agents to these teams (team leads); undefined = all. */
  teams?: string[];
  /** Only this agent (agent desk). */
  agentId?: string;
}

/** `+84901234567` -> `+8490***4567`. */
export function maskNumber(n: string): string {
  if (n.length <= 6) return '***';
  return n.slice(0, n.length - 7 > 3 ? 5 : 3) + '***' + n.slice(-4);
}

function liveFor(s: HubState, queues: Iterable<QueueState>, agents: Iterable<AgentState>, now: number): LiveFigures {
  const f: LiveFigures = {
    inQueue: 0,
    longestWaitSec: 0,
    oldestWaitingSince: null,
    available: 0,
    reserved: 0,
    onCall: 0,
    wrapup: 0,
    break: 0,
    breakReasons: {},
    notReady: {},
    offline: 0,
    staffed: 0,
  };
  for (const q of queues) {
    f.inQueue += q.waiting.length;
    for (const c of q.waiting) {
      if (f.oldestWaitingSince === null || c.enteredQueueAt < f.oldestWaitingSince) f.oldestWaitingSince = c.enteredQueueAt;
    }
  }
  if (f.oldestWaitingSince !== null) f.longestWaitSec = Math.max(0, (now - f.oldestWaitingSince) / 1000);
  for (const a of agents) {
    switch (a.state) {
      case 'offline':
        f.offline++;
        continue;
      case 'available':
        f.available++;
        break;
      case 'reserved':
        f.reserved++;
        break;
      case 'onCall':
        f.onCall++;
        break;
      case 'wrapup':
        f.wrapup++;
        break;
      case 'break': {
        f.break++;
        const r = a.reason ?? 'break';
        f.breakReasons[r] = (f.breakReasons[r] ?? 0) + 1;
        break;
      }
      case 'notReady': {
        const r = a.reason ?? 'notReady';
        f.notReady[r] = (f.notReady[r] ?? 0) + 1;
        break;
      }
    }
    f.staffed++;
  }
  return f;
}

function membersOf(s: HubState, q: QueueState): AgentState[] {
  const out: AgentState[] = [];
  for (const id of q.members) {
    const a = s.agents.get(id);
    if (a) out.push(a);
  }
  return out;
}

export function queueLive(s: HubState, q: QueueState, now: number): LiveFigures {
  return liveFor(s, [q], membersOf(s, q), now);
}

/**
 * When the calls still waiting started their wait, as the metrics attribute it (metrics.md: a call belongs to
 * the window it was offered in): in a queue, since it entered that queue; for the site (and a campaign),
 * since its first offer, and only for a call never answered (a transferred call was answered for the site).
 */
function waitingSince(queues: Iterable<QueueState>, forSite: boolean): number[] {
  const out: number[] = [];
  for (const q of queues) {
    for (const c of q.waiting) {
      if (!forSite) out.push(c.enteredQueueAt);
      else if (c.transferred === 0) out.push(c.offeredAt);
    }
  }
  return out;
}

/**
 * `maxWaitSec` is the longest wait of any call offered in the window, so a call still waiting that was
 * offered in [from, to) counts with its wait so far; one offered before the window does not.
 */
function withLiveWait(m: MetricValues, since: readonly number[], from: number, to: number, now: number): MetricValues {
  for (const at of since) {
    if (at < from || at >= to) continue;
    const w = Math.max(0, (now - at) / 1000);
    if (w > m.maxWaitSec) m.maxWaitSec = w;
  }
  return m;
}

export function queueDTO(s: HubState, q: QueueState, now: number): QueueDTO {
  const live = queueLive(s, q, now);
  const key = scopeKey.queue(q.id);
  const since = waitingSince([q], false);
  const dto: QueueDTO = {
    id: q.id,
    name: q.name,
    open: q.open,
    closedAction: q.closedAction,
    priority: q.priority,
    routing: q.routing,
    direction: q.direction,
    slThresholdSec: q.params.slThresholdSec,
    slTargetPct: q.params.slTargetPct,
    shortAbandonSec: q.params.shortAbandonSec,
    wrapupSec: q.wrapupSec,
    live,
    today: withLiveWait(deriveMetrics(s.metrics.day(key, now), q.params), since, s.calendar.dayStart(now), Infinity, now),
    last30: withLiveWait(deriveMetrics(s.metrics.window(key, now, 30), q.params), since, now - 30 * 60_000, Infinity, now),
  };
  if (q.nameVi !== undefined) dto.nameVi = q.nameVi;
  if (!s.config.queues.some((c) => c.id === q.id)) dto.autoCreated = true;
  return dto;
}

/** Adds the agent's time in its current state since the last accrual to a bucket (live figures). */
function withOngoing(b: Bucket, a: AgentState, now: number): Bucket {
  if (a.state === 'offline' || now <= a.accruedUntil) return b;
  const ms = now - a.accruedUntil;
  b.c.staffedMs += ms;
  if (a.state === 'available' || a.state === 'reserved') b.c.availableMs += ms;
  else if (a.state === 'onCall' || a.state === 'wrapup') b.c.busyMs += ms;
  b.staffed.add(a.id);
  return b;
}

export function agentDTO(s: HubState, a: AgentState, now: number): AgentDTO {
  const day = withOngoing(s.metrics.day(scopeKey.agent(a.id), now), a, now);
  const m = deriveMetrics(day, s.siteParams);
  // Today's shift as worked: the first staffed span that reaches into today (spans are oldest first).
  const dayStart = s.calendar.dayStart(now);
  let shiftStart: number | null = null;
  for (let i = a.spans.length - 1; i >= 0; i--) {
    const [start, end] = a.spans[i]!;
    if (end <= dayStart) break;
    shiftStart = start;
  }
  // Today's shift as scheduled: from the first scheduled activity of today to the end of the last.
  let scheduled: [number, number] | null = null;
  const dayEnd = s.calendar.nextDayStart(dayStart);
  for (const [start, end] of a.schedule?.spans ?? []) {
    if (end <= dayStart || start >= dayEnd) continue;
    scheduled = scheduled ? [scheduled[0], end] : [start, end];
  }
  const dto: AgentDTO = {
    id: a.id,
    name: a.name,
    queues: a.queues,
    skills: a.skills,
    state: a.state,
    since: a.since,
    missedInRow: a.missedInRow,
    today: {
      handled: m.handled,
      occupancyPct: m.occupancyPct,
      ahtSec: m.ahtSec,
      missedOffers: m.missedOffers,
      staffedSec: Math.round(day.c.staffedMs / 1000),
      shiftStart,
      scheduled,
      adherencePct: m.adherencePct,
    },
  };
  if (a.teamId !== undefined) dto.teamId = a.teamId;
  if (a.reason !== undefined) dto.reason = a.reason;
  if (a.callId !== undefined) dto.callId = a.callId;
  else if (a.wrapCallId !== undefined) dto.callId = a.wrapCallId;
  if (a.offerCallId !== undefined) dto.offerCallId = a.offerCallId;
  if (a.next !== undefined) dto.next = a.next;
  if (a.heldUntil !== undefined && a.heldUntil > now) dto.heldUntil = a.heldUntil;
  return dto;
}

export function callDTO(c: CallState, showNumbers: boolean): CallDTO {
  const dto: CallDTO = {
    id: c.id,
    queue: c.queue,
    direction: c.direction,
    status: c.status === 'done' ? 'wrapup' : c.status,
    priority: c.priority,
    offeredAt: c.offeredAt,
    enteredQueueAt: c.enteredQueueAt,
  };
  if (c.answeredAt !== undefined) dto.answeredAt = c.answeredAt;
  if (c.agentId !== undefined) dto.agentId = c.agentId;
  if (c.from !== undefined) dto.from = showNumbers ? c.from : maskNumber(c.from);
  // The customer of an outbound call is the number dialled (an inbound call's `to` is the hotline's: left out).
  if (c.direction === 'outbound' && c.to !== undefined) dto.to = showNumbers ? c.to : maskNumber(c.to);
  if (c.campaignId !== undefined) dto.campaignId = c.campaignId;
  if (c.attributes !== undefined) dto.attributes = c.attributes;
  if (c.preferredAgentId !== undefined) dto.preferredAgentId = c.preferredAgentId;
  if (c.preferredUntil !== undefined) dto.keptUntil = c.preferredUntil;
  return dto;
}

export function teamDTO(s: HubState, teamId: string, now: number): TeamDTO {
  const t = s.config.teams.find((x) => x.id === teamId);
  const b = s.metrics.day(scopeKey.team(teamId), now);
  for (const a of s.agents.values()) if (a.teamId === teamId) withOngoing(b, a, now);
  const dto: TeamDTO = { id: teamId, name: t?.name ?? teamId, today: deriveMetrics(b, s.siteParams) };
  if (t?.nameVi !== undefined) dto.nameVi = t.nameVi;
  if (t?.leadUserId !== undefined) dto.leadUserId = t.leadUserId;
  return dto;
}

export function siteDTO(s: HubState, now: number): SiteDTO {
  const live = liveFor(s, s.queues.values(), s.agents.values(), now);
  const b = s.metrics.day(scopeKey.site, now);
  for (const a of s.agents.values()) withOngoing(b, a, now);
  const since = waitingSince(s.queues.values(), true);
  return {
    id: s.config.id,
    name: s.config.name,
    timeZone: s.config.timeZone,
    locale: s.config.locale,
    intervalMin: s.config.intervalMin,
    notReadyReasons: s.config.notReadyReasons,
    live,
    today: withLiveWait(deriveMetrics(b, s.siteParams), since, s.calendar.dayStart(now), Infinity, now),
    last30: withLiveWait(deriveMetrics(s.metrics.window(scopeKey.site, now, 30), s.siteParams), since, now - 30 * 60_000, Infinity, now),
  };
}

function inView(v: ViewOptions, a: AgentState): boolean {
  if (v.agentId !== undefined) return a.id === v.agentId;
  if (v.teams && !(a.teamId && v.teams.includes(a.teamId))) return false;
  if (v.queues && v.queues.length > 0 && !a.queues.some((q) => v.queues!.includes(q))) return false;
  return true;
}

export function snapshot(s: HubState, now: number, v: ViewOptions): SnapshotDTO {
  const queues = [...s.queues.values()].filter((q) => !v.queues || v.queues.length === 0 || v.queues.includes(q.id));
  const qset = new Set(queues.map((q) => q.id));
  const agents = [...s.agents.values()].filter((a) => inView(v, a));
  const teams = new Set<string>();
  for (const a of agents) if (a.teamId) teams.add(a.teamId);
  const calls: CallDTO[] = [];
  for (const c of s.calls.values()) {
    if (v.agentId !== undefined ? c.agentId === v.agentId || c.offerAgentId === v.agentId : qset.has(c.queue)) {
      calls.push(callDTO(c, v.showNumbers));
    }
  }
  return {
    seq: s.seq,
    at: now,
    site: siteDTO(s, now),
    queues: queues.map((q) => queueDTO(s, q, now)),
    agents: agents.map((a) => agentDTO(s, a, now)),
    teams: [...teams].map((t) => teamDTO(s, t, now)),
    calls,
  };
}

// ------------------------------------------------------------------------------------ metrics API

export interface MetricsQuery {
  scope: 'site' | 'queue' | 'team' | 'agent' | 'campaign';
  id?: string;
  /** Epoch ms; default: start of today (site time). */
  from?: number;
  /** Epoch ms; default: now. */
  to?: number;
  /** Report intervals instead of one total: `15` (the site's interval length) or `day`. */
  interval?: 'interval' | 'day';
  /** Sliding window of the last N minutes (15, 30 or 60), instead of from/to. */
  windowMin?: number;
}

export interface MetricsAnswer {
  scope: string;
  id?: string;
  from: number;
  to: number;
  params: MetricParamsUsed;
  live?: LiveFigures;
  total: MetricValues;
  series?: { start: number; values: MetricValues }[];
  formulas: Record<string, string>;
  /**
   * Versions of the metric parameters that began inside the range (`params.version`): the series' points
   * are each derived with the version of their time, the total with `params` (the last one's).
   */
  paramsChanged?: { at: number; params: MetricParams }[];
}

export function scopeKeyOf(scope: MetricsQuery['scope'], id?: string): string {
  switch (scope) {
    case 'site':
      return scopeKey.site;
    case 'queue':
      return scopeKey.queue(id!);
    case 'team':
      return scopeKey.team(id!);
    case 'agent':
      return scopeKey.agent(id!);
    case 'campaign':
      return scopeKey.campaign(id!);
  }
}

export function queryMetrics(s: HubState, q: MetricsQuery, now: number, formulas: Record<string, string>): MetricsAnswer {
  const key = scopeKeyOf(q.scope, q.id);
  // The parameters' version in force at a time (metrics.md: never applied silently to history).
  const line = q.scope === 'queue' && q.id !== undefined && s.queues.has(q.id) ? q.id : undefined;
  const paramsOf = (at: number) => paramsAt(s, at, line);
  const cal = s.calendar;
  let from: number;
  let to: number;
  let total: Bucket;
  let series: { start: number; values: MetricValues }[] | undefined;
  if (q.windowMin !== undefined) {
    to = now;
    from = now - q.windowMin * 60_000;
    total = s.metrics.window(key, now, q.windowMin);
  } else {
    from = q.from ?? cal.dayStart(now);
    to = q.to ?? now;
    // Whole days use day buckets (kept for the whole history); other ranges use report intervals.
    const wholeDays = cal.dayStart(from) === from && (cal.dayStart(to) === to || to >= now);
    const useDays = wholeDays && (q.interval === 'day' || from < s.metrics.intervalHorizon(now));
    if (useDays) {
      total = s.metrics.days(key, from, to);
      if (q.interval === 'day') {
        // Every day from the first with activity to the last, quiet days (a closed Sunday) with zero counts.
        const days: { start: number; values: MetricValues; active: boolean }[] = [];
        for (let d = from; d < to; d = cal.dayStart(d + DAY + 3 * 3_600_000)) {
          const b = s.metrics.days(key, d, d + 1);
          days.push({ start: d, values: deriveMetrics(b, paramsOf(d)), active: !!(b.c.offered || b.c.staffedMs || b.c.attempts || b.c.handled) });
        }
        const first = days.findIndex((x) => x.active);
        const last = days.findLastIndex((x) => x.active);
        series = first < 0 ? [] : days.slice(first, last + 1).map(({ start, values }) => ({ start, values }));
      }
    } else {
      const f = cal.intervalStart(from);
      total = s.metrics.intervals(key, f, to);
      if (q.interval === 'interval') {
        series = s.metrics.series(key, f, to).map((x) => ({ start: x.start, values: deriveMetrics(x.bucket, paramsOf(x.start)) }));
      }
    }
  }
  // The total with the version in force at the end of the range; a version that began inside it is named.
  const params = paramsOf(Math.min(to, now) - 1);
  const used: MetricParamsUsed = { ...params, intervalMin: s.config.intervalMin, timeZone: s.config.timeZone };
  const ans: MetricsAnswer = { scope: q.scope, from, to, params: used, total: deriveMetrics(total, params), formulas };
  const ofScope = (v: ParamsVersion) => (line !== undefined ? v.queues[line] ?? v.site : v.site);
  const changed = s.paramVersions.filter((v, i) => i > 0 && v.at > from && v.at < to && !sameParams(ofScope(v), ofScope(s.paramVersions[i - 1]!)));
  if (changed.length > 0) ans.paramsChanged = changed.map((v) => ({ at: v.at, params: ofScope(v) }));
  // Calls still waiting count in the windows they were offered in (queues and the site; a team's or an
  // agent's figures hold answered calls only).
  const waitQueues = q.scope === 'site' ? [...s.queues.values()] : line !== undefined ? [s.queues.get(line)!] : [];
  const since = waitingSince(waitQueues, q.scope === 'site');
  if (since.length > 0) {
    withLiveWait(ans.total, since, from, to, now);
    series?.forEach((x, i) => withLiveWait(x.values, since, x.start, series![i + 1]?.start ?? to, now));
  }
  if (q.id !== undefined) ans.id = q.id;
  if (series) ans.series = series;
  if (q.scope === 'queue' && q.id) {
    const qs = s.queues.get(q.id);
    if (qs) ans.live = queueLive(s, qs, now);
  } else if (q.scope === 'site') ans.live = liveFor(s, s.queues.values(), s.agents.values(), now);
  return ans;
}

// --------------------------------------------------------------------------------- drill-down

/** Metrics whose calls can be listed ("explain this number"). */
export const DRILLABLE = [
  'offered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'answeredWithinT',
  'answeredAfterT',
  'handled',
  'transferred',
  'overflowed',
  'rejectedClosed',
  'inQueue',
  'missedOffers',
] as const;
export type Drillable = (typeof DRILLABLE)[number];

export interface CallsQuery {
  scope: MetricsQuery['scope'];
  id?: string;
  metric: Drillable;
  from?: number;
  to?: number;
  limit: number;
  /** Skip this many matches (paging). */
  offset: number;
}

export interface CallRecordDTO extends CallDTO {
  path: string[];
  result?: string;
  waitSec?: number;
  handleSec?: number;
  abandonedAt?: number;
  endedAt?: number;
  wrapEndAt?: number;
  transferred: number;
  missedOffers: number;
  disposition?: string;
  notes?: string;
  revenue?: number;
  shortAbandon?: boolean;
  withinT?: boolean;
}

function inScope(s: HubState, c: CallState, scope: CallsQuery['scope'], id?: string): boolean {
  switch (scope) {
    case 'site':
      return true;
    case 'queue':
      return c.path.includes(id!);
    case 'agent':
      return c.agentId === id;
    case 'team':
      return c.agentId !== undefined && s.agents.get(c.agentId)?.teamId === id;
    case 'campaign':
      return c.campaignId === id;
  }
}

/** Lists the calls behind a number, newest first, with the flags that put each one in it. */
export function queryCalls(s: HubState, q: CallsQuery, now: number): { total: number; calls: CallRecordDTO[] } {
  const from = q.from ?? s.calendar.dayStart(now);
  const to = q.to ?? now + 1;
  const out: CallRecordDTO[] = [];
  let total = 0;
  const consider = (c: CallState) => {
    // Attribution: the call belongs to the window in which it was offered (queue scope: entered the queue).
    const t = q.scope === 'queue' ? c.enteredQueueAt : c.offeredAt;
    // A transfer is counted by the queue the call left, so a call transferred on stays listed there.
    if (q.scope === 'queue' && c.queue !== q.id && q.metric !== 'overflowed' && q.metric !== 'offered' && q.metric !== 'transferred') return;
    if (t < from || t >= to || !inScope(s, c, q.scope, q.id)) return;
    const qs = s.queues.get(c.queue);
    const p = qs?.params ?? s.siteParams;
    // As the metrics count them: answered from the answer on (still talking included), and outside a
    // queue the wait runs from the first offer (time before an overflow included).
    const answered = c.answeredAt !== undefined || c.result === 'answered';
    const end = c.result === 'abandoned' ? c.abandonedAt : c.answeredAt;
    const wait = q.scope !== 'queue' && c.transferred === 0 && end !== undefined ? end - c.offeredAt : c.waitMs;
    const withinT = answered && wait !== undefined && wait <= p.slThresholdSec * 1000;
    const short = c.result === 'abandoned' && wait !== undefined && wait < p.shortAbandonSec * 1000;
    let hit: boolean;
    switch (q.metric) {
      case 'offered':
        hit = c.result !== 'rejected';
        break;
      case 'answered':
        hit = answered;
        break;
      case 'abandoned':
        hit = c.result === 'abandoned';
        break;
      case 'shortAbandoned':
        hit = short;
        break;
      case 'answeredWithinT':
        hit = withinT;
        break;
      case 'answeredAfterT':
        hit = answered && !withinT;
        break;
      case 'handled':
        hit = c.wrapEndAt !== undefined || (c.status === 'done' && c.result === 'answered');
        break;
      case 'transferred':
        hit = c.transferred > 0;
        break;
      case 'overflowed':
        hit = c.path.length > 1 && (q.scope !== 'queue' || c.path.indexOf(q.id!) < c.path.length - 1);
        break;
      case 'rejectedClosed':
        hit = c.result === 'rejected';
        break;
      case 'inQueue':
        hit = c.status === 'waiting' || c.status === 'offering';
        break;
      case 'missedOffers':
        hit = c.missedOffers > 0;
        break;
    }
    if (!hit) return;
    total++;
    if (total <= q.offset || out.length >= q.limit) return;
    const dto: CallRecordDTO = {
      ...callDTO(c, false),
      path: c.path,
      transferred: c.transferred,
      missedOffers: c.missedOffers,
    };
    if (c.result !== undefined) dto.result = c.result;
    if (wait !== undefined) dto.waitSec = wait / 1000;
    else if (c.status === 'waiting' || c.status === 'offering') dto.waitSec = (now - c.enteredQueueAt) / 1000;
    if (c.handleMs !== undefined) dto.handleSec = c.handleMs / 1000;
    if (c.abandonedAt !== undefined) dto.abandonedAt = c.abandonedAt;
    if (c.endedAt !== undefined) dto.endedAt = c.endedAt;
    if (c.wrapEndAt !== undefined) dto.wrapEndAt = c.wrapEndAt;
    if (c.disposition !== undefined) dto.disposition = c.disposition;
    if (c.notes !== undefined) dto.notes = c.notes;
    if (c.revenue !== undefined) dto.revenue = c.revenue;
    if (c.result === 'abandoned') dto.shortAbandon = short;
    if (answered) dto.withinT = withinT;
    out.push(dto);
  };
  for (const c of s.calls.values()) consider(c);
  for (let i = s.records.length - 1; i >= 0; i--) consider(s.records[i]!);
  return { total, calls: out };
}

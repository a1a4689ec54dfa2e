/**
 * What a wallboard tile shows, for a queue, the whole site or a selection of lines. Pure: the
 * selection's totals are recomputed from counts with the metric formulas of METRICS.md, never averaged.
 */
import type { AgentDTO, QueueDTO, SiteDTO } from '$contracts/socket.ts';
import type { LiveFigures, MetricValues } from '$contracts/metrics.ts';
import { DASH, LOCALES, type Lang } from './format.ts';

export interface TileFigures {
  id: string;
  name: string;
  open: boolean;
  direction: 'inbound' | 'outbound';
  slTargetPct: number;
  slThresholdSec: number;
  live: LiveFigures;
  today: MetricValues;
}

/** Display name of a line or team in the UI language (Vietnamese names where the site has them). */
export function localName(x: { name: string; nameVi?: string }, lang: 'vi' | 'en'): string {
  return lang === 'vi' ? (x.nameVi ?? x.name) : x.name;
}
export const queueName = localName;

/** A team's display name in the UI language, looked up by id in `teams` (the id itself when unknown). */
export function teamName(teams: readonly { id: string; name: string; nameVi?: string }[], id: string | null | undefined, lang: 'vi' | 'en'): string {
  if (id === null || id === undefined) return '';
  const t = teams.find((x) => x.id === id);
  return t ? localName(t, lang) : id;
}

/** Age of the oldest waiting call at `hubNow`, ticking between deltas. */
export function liveWaitSec(live: LiveFigures, hubNow: number): number {
  if (!live.inQueue || live.oldestWaitingSince === null) return 0;
  return Math.max(live.longestWaitSec, Math.floor((hubNow - live.oldestWaitingSince) / 1000));
}

export function siteTile(site: SiteDTO, name: string, slTargetPct: number, slThresholdSec: number): TileFigures {
  return { id: 'site', name, open: true, direction: 'inbound', slTargetPct, slThresholdSec, live: site.live, today: site.today };
}

const ratio = (num: number, den: number): number | null => (den > 0 ? (100 * num) / den : null);

/** Totals of several lines: counts add up, rates are recomputed, agents counted once each. */
export function combine(queues: readonly QueueDTO[], agents: readonly AgentDTO[], name: string): TileFigures {
  const first = queues[0];
  const sum = (f: (q: QueueDTO) => number) => queues.reduce((n, q) => n + f(q), 0);
  const answered = sum((q) => q.today.answered);
  const handled = sum((q) => q.today.handled);
  const abandoned = sum((q) => q.today.abandoned);
  const short = sum((q) => q.today.shortAbandoned);
  const offered = sum((q) => q.today.offered);
  const withinT = sum((q) => q.today.answeredWithinT);
  const today: MetricValues = {
    ...(first?.today as MetricValues),
    offered,
    answered,
    abandoned,
    shortAbandoned: short,
    answeredWithinT: withinT,
    handled,
    overflowed: sum((q) => q.today.overflowed),
    rejectedClosed: sum((q) => q.today.rejectedClosed),
    serviceLevelPct: ratio(withinT, answered + abandoned - short),
    abandonRatePct: ratio(abandoned - short, offered - short),
    abandonRateRawPct: ratio(abandoned, offered),
    asaSec: answered > 0 ? sum((q) => (q.today.asaSec ?? 0) * q.today.answered) / answered : null,
    ahtSec: handled > 0 ? sum((q) => (q.today.ahtSec ?? 0) * q.today.handled) / handled : null,
    maxWaitSec: Math.max(0, ...queues.map((q) => q.today.maxWaitSec)),
  };
  const oldest = queues.map((q) => q.live.oldestWaitingSince).filter((x): x is number => x !== null);
  const count = (s: AgentDTO['state']) => agents.filter((a) => a.state === s).length;
  const notReady: Record<string, number> = {};
  const breakReasons: Record<string, number> = {};
  // As the hub counts them (`liveFor`): a state given no reason under the state's own name, which the
  // tiles word as the state ("Chưa sẵn sàng"), so an agent not ready without a reason is still counted.
  for (const a of agents) {
    const by = a.state === 'notReady' ? notReady : a.state === 'break' ? breakReasons : undefined;
    if (by) by[a.reason || a.state] = (by[a.reason || a.state] ?? 0) + 1;
  }
  const live: LiveFigures = {
    inQueue: sum((q) => q.live.inQueue),
    longestWaitSec: Math.max(0, ...queues.map((q) => q.live.longestWaitSec)),
    oldestWaitingSince: oldest.length ? Math.min(...oldest) : null,
    available: count('available'),
    reserved: count('reserved'),
    onCall: count('onCall'),
    wrapup: count('wrapup'),
    break: count('break'),
    breakReasons,
    notReady,
    offline: count('offline'),
    staffed: agents.length - count('offline'),
  };
  return {
    id: 'selection',
    name,
    open: queues.every((q) => q.open),
    direction: 'inbound',
    slTargetPct: Math.max(0, ...queues.map((q) => q.slTargetPct)),
    // The strictest of the lines' (20 s, the spec's default, only for an empty selection).
    slThresholdSec: queues.length ? Math.min(...queues.map((q) => q.slThresholdSec)) : 20,
    live,
    today,
  };
}

/** One report interval of the trend charts. */
export interface TrendPoint {
  start: number;
  offered: number;
  answered: number;
  abandoned: number;
  slPct: number | null;
}

/** The currency of money figures (revenue, lifetime value): the site configuration names none, the sites are Vietnamese. */
export const CURRENCY = 'VND';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * An amount of money in the page's language with its currency: 413.220.000 ₫ (vi), ₫413,220,000 (en).
 * Đồng have no subunit in use, so VND is whole; other currencies keep their own decimals.
 */
export function fmtMoney(n: number | null | undefined, lang: Lang, currency = CURRENCY): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  const k = `${lang}:${currency}`;
  let f = moneyFormats.get(k);
  if (!f) {
    f = new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency, ...(currency === 'VND' ? { maximumFractionDigits: 0 } : {}) });
    moneyFormats.set(k, f);
  }
  return f.format(n);
}

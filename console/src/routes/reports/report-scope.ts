/**
 * What the report page's second list offers for a scope, and which of it the report is about; which of a
 * report's figures mean something for its scope. Pure: the lines, teams and agents, the language and the
 * team lead's teams are arguments.
 */
import { localName } from '$lib/figures.ts';
import type { Lang } from '$lib/format.ts';
import type { MessageKey } from '$lib/messages.ts';
import type { MetricName, ReportDTO } from '$lib/reports-api.ts';

export type ReportScope = 'site' | 'queue' | 'team' | 'agent' | 'campaign';
interface Named {
  id: string;
  name: string;
  nameVi?: string;
}

/** The lines, teams or agents a report can be about, named in the page's language (a team lead: their own teams). */
export function scopeIds(
  scope: ReportScope,
  from: { queues: readonly Named[]; teams: readonly Named[]; agents: readonly (Named & { teamId?: string })[]; campaigns?: readonly Named[] },
  lang: Lang,
  ownTeams?: readonly string[],
): { id: string; name: string }[] {
  const mine = (teamId: string | undefined) => !ownTeams || (teamId !== undefined && ownTeams.includes(teamId));
  if (scope === 'queue') return from.queues.map((q) => ({ id: q.id, name: localName(q, lang) }));
  if (scope === 'team') return from.teams.filter((t) => mine(t.id)).map((t) => ({ id: t.id, name: localName(t, lang) }));
  if (scope === 'agent') return from.agents.filter((a) => mine(a.teamId)).map((a) => ({ id: a.id, name: a.name }));
  if (scope === 'campaign') return (from.campaigns ?? []).map((c) => ({ id: c.id, name: c.name }));
  return [];
}

/**
 * The id the report is about: the one picked when the list has it, else the list's first (the list shows
 * that one selected); '' for the site. An id the address named with its scope is kept even when not in
 * the list (an imported data set's lines are not among the live ones), until the scope changes.
 */
export function pickedId(scope: ReportScope, id: string, ids: readonly { id: string }[], address?: { scope: string; id: string }): string {
  if (scope === 'site') return '';
  if (id && (ids.some((x) => x.id === id) || (address?.scope === scope && address.id === id))) return id;
  return ids[0]?.id ?? '';
}

/** The figures of a report total the page shows, as tiles in this order. */
export type TotalFigure =
  | 'offered'
  | 'answered'
  | 'handled'
  | 'serviceLevelPct'
  | 'abandonRatePct'
  | 'asaSec'
  | 'ahtSec'
  | 'occupancyPct'
  | 'adherencePct'
  | 'volumePerAgent'
  | 'staffedAgents'
  | 'revenue';

/** Each tile's label. */
export const TOTAL_LABEL: Record<TotalFigure, MessageKey> = {
  offered: 'offered',
  answered: 'answered',
  handled: 'handled',
  serviceLevelPct: 'serviceLevel',
  abandonRatePct: 'abandonRate',
  asaSec: 'asa',
  ahtSec: 'aht',
  occupancyPct: 'occupancy',
  adherencePct: 'colAdherence',
  volumePerAgent: 'rpPerAgent',
  staffedAgents: 'rpStaffed',
  revenue: 'rpRevenue',
};

/**
 * What the page reads of a report (`ReportDTO`) to choose its figures: the scope, and `omitted`, the figures
 * the hub says mean nothing for it (`notApplicable` in realtime/src/reports/report.ts: a team's or an agent's
 * offered and abandoned calls, which belong to lines). A report without `omitted` (built before it) shows
 * every figure.
 */
export type ReportFigures = Pick<ReportDTO, 'scope' | 'omitted'> & { total: Pick<ReportDTO['total'], 'adherencePct'> };

/** Whether the report has `metric` for its scope (a team has no offered calls: its 0 would read as "no calls"). */
export function hasFigure(r: Pick<ReportFigures, 'scope' | 'omitted'>, metric: MetricName): boolean {
  return !r.omitted?.includes(metric);
}

/**
 * The total's tiles: a line's or the site's calls offered and abandon rate; a team's or an agent's calls
 * answered and handled instead, and none of the figures it does not have. Adherence only with a schedule.
 */
export function totalFigures(r: ReportFigures): TotalFigure[] {
  const out: TotalFigure[] = hasFigure(r, 'offered') ? ['offered', 'answered'] : ['answered', 'handled'];
  for (const f of ['serviceLevelPct', 'abandonRatePct', 'asaSec', 'ahtSec', 'occupancyPct'] as const) if (hasFigure(r, f)) out.push(f);
  if (r.total.adherencePct != null) out.push('adherencePct');
  out.push('volumePerAgent', 'staffedAgents', 'revenue');
  return out;
}

/** The counts the volume chart draws per interval or day: those the scope has (a team's: answered). */
export function volumeFigures(r: Pick<ReportFigures, 'scope' | 'omitted'>): ('offered' | 'answered' | 'abandoned')[] {
  return (['offered', 'answered', 'abandoned'] as const).filter((m) => hasFigure(r, m));
}

/**
 * What the report page's second list offers for a scope, and which of it the report is about. Pure:
 * the lines, teams and agents, the language and the team lead's teams are arguments.
 */
import { localName } from '$lib/figures.ts';
import type { Lang } from '$lib/format.ts';

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

/**
 * What the wallboard's trend charts cover, from `?queues=` and the lines the site has. Pure.
 */

/** The whole site, the chosen lines (summed), or nothing: the ids asked for are no line's. */
export type TrendScope = { kind: 'site' } | { kind: 'lines'; ids: string[] } | { kind: 'none' };

/**
 * `wanted`: the ids of `?queues=` (none: the whole site); `known`: the site's line ids, or null before
 * the hub's snapshot. Ids no line has are left out (the alert banner names them); when every id is
 * unknown there is no trend at all: the whole site's would read as the lines' asked for. Null while the
 * lines are not known yet, with `?queues=`: which ids are lines cannot be told.
 */
export function trendScope(wanted: readonly string[], known: readonly string[] | null): TrendScope | null {
  if (wanted.length === 0) return { kind: 'site' };
  if (known === null) return null;
  const ids = [...new Set(wanted)].filter((id) => known.includes(id));
  return ids.length ? { kind: 'lines', ids } : { kind: 'none' };
}

/** A scope as a string, equal for equal scopes: the charts reload when it changes, not on every delta. */
export const trendScopeKey = (s: TrendScope | null): string => (s === null ? '' : s.kind === 'lines' ? `lines:${s.ids.join(',')}` : s.kind);

/** The metrics requests of a scope (`GET /api/v1/metrics`, 15-minute intervals); none for `none`. */
export function trendRequests(s: TrendScope): string[] {
  if (s.kind === 'none') return [];
  if (s.kind === 'site') return ['/api/v1/metrics?scope=site&interval=15'];
  return s.ids.map((id) => `/api/v1/metrics?scope=queue&id=${encodeURIComponent(id)}&interval=15`);
}

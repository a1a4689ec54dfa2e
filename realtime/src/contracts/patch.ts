/**
 * Field-level patches of wire DTOs: what a delta carries instead of whole objects.
 *
 * The hub remembers, per room, the last version of each DTO it sent there, and sends only the fields
 * that changed since (`diff`); a board merges them into what it holds (`applyPatch`). A site delta of a
 * call being offered is about 0.5 KiB instead of 3.3 KiB: 1,000 wallboards decode a seventh of it.
 *
 * Rules (the same on both sides):
 * - a DTO the room has not been sent since it was last (re)joined goes whole, marked `$whole: true`: it
 *   replaces what the client holds (which came from a snapshot and may have fields the DTO no longer has);
 * - a patch holds the keys whose value changed; a nested object (`live`, `today`, `last30`...) with the
 *   same keys as before is itself a patch, merged key by key; arrays and other values are replaced;
 * - `$unset` lists the top-level keys to delete before merging: an optional field that went away
 *   (an agent's `callId` after the call) or a nested object whose keys changed, which then also comes
 *   whole under its key (delete, then set);
 * - `id` is always there for entities kept in lists.
 *
 * Why not RFC 7386 (JSON Merge Patch): it uses `null` to delete, and our figures use `null` for "no data
 * yet". Why not RFC 6902 (JSON Patch): one `{ op, path, value }` object per changed figure is 2-3 times
 * the size of the merged form, and the size is what the wallboards pay for.
 */

import type { DeltaDTO, SnapshotDTO } from './socket.ts';

type Json = unknown;
type Rec = Record<string, Json>;

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** The changed fields of a `T` (or a whole `T`). */
export type Patch<T> = DeepPartial<T> & { $unset?: string[]; $whole?: true };
/** A patch of an entity kept in a list by id. */
export type EntityPatch<T extends { id: string }> = Patch<T> & { id: string };

const isRec = (v: Json): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function equalJson(a: Json, b: Json): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Rec;
  const rb = b as Rec;
  let n = 0;
  for (const k in ra) {
    if (ra[k] === undefined) continue;
    n++;
    if (!equalJson(ra[k], rb[k])) return false;
  }
  for (const k in rb) if (rb[k] !== undefined) n--;
  return n === 0;
}

const REPLACE = Symbol('replace');

/** The patch of a nested object: undefined when equal, REPLACE when its keys changed. */
function nested(prev: Rec, cur: Rec): Rec | undefined | typeof REPLACE {
  let out: Rec | undefined;
  let n = 0;
  for (const k in cur) {
    const c = cur[k];
    if (c === undefined) continue;
    n++;
    const p = prev[k];
    if (p === undefined) return REPLACE;
    if (Object.is(p, c)) continue;
    if (isRec(c) && isRec(p)) {
      const sub = nested(p, c);
      if (sub === REPLACE) return REPLACE;
      if (sub !== undefined) (out ??= {})[k] = sub;
    } else if (!equalJson(p, c)) (out ??= {})[k] = c;
  }
  for (const k in prev) if (prev[k] !== undefined) n--;
  if (n !== 0) return REPLACE;
  return out;
}

/**
 * What changed from `prev` to `cur`: `cur` whole (a copy marked `$whole`) when there is no `prev`,
 * `undefined` when nothing changed, else a patch (with `id` when `cur` has one).
 */
export function diff<T extends object>(prev: T | undefined, cur: T): Patch<T> | undefined {
  if (prev === undefined) return { ...cur, $whole: true } as Patch<T>;
  if (prev === cur) return undefined;
  const p0 = prev as Rec;
  const c0 = cur as Rec;
  let out: Rec | undefined;
  let unset: string[] | undefined;
  for (const k in c0) {
    const c = c0[k];
    if (c === undefined) continue;
    const p = p0[k];
    if (Object.is(p, c)) continue;
    if (isRec(c) && isRec(p)) {
      const sub = nested(p, c);
      if (sub === undefined) continue;
      if (sub === REPLACE) {
        (unset ??= []).push(k);
        (out ??= {})[k] = c;
      } else (out ??= {})[k] = sub;
    } else if (!equalJson(p, c)) (out ??= {})[k] = c;
  }
  for (const k in p0) if (p0[k] !== undefined && c0[k] === undefined) (unset ??= []).push(k);
  if (out === undefined && unset === undefined) return undefined;
  out ??= {};
  if (c0.id !== undefined) out.id = c0.id;
  if (unset) out.$unset = unset;
  return out as Patch<T>;
}

function merge(target: Rec, patch: Rec): Rec {
  const out: Rec = { ...target };
  for (const k in patch) {
    const v = patch[k];
    const t = out[k];
    out[k] = isRec(v) && isRec(t) ? merge(t, v) : v;
  }
  return out;
}

/**
 * `target` with `patch` applied (a new object; `target` is not changed). A `$whole` patch, or any patch
 * without a `target`, is taken as the whole object.
 */
export function applyPatch<T extends object>(target: T | undefined, patch: Patch<T>): T {
  const { $unset, $whole, ...fields } = patch as Rec & { $unset?: string[]; $whole?: true };
  if (target === undefined || $whole) return fields as T;
  const base: Rec = { ...(target as Rec) };
  if ($unset) for (const k of $unset) delete base[k];
  return merge(base, fields) as T;
}

/**
 * A list of entities with patches applied in place of the old versions (new ids appended) and `removed`
 * ids dropped. The same list when nothing applies.
 */
export function mergeById<T extends { id: string }>(list: readonly T[], patches?: readonly EntityPatch<T>[], removed?: readonly string[]): T[] {
  if (!patches?.length && !removed?.length) return list as T[];
  const byId = new Map(list.map((x) => [x.id, x]));
  for (const p of patches ?? []) byId.set(p.id, applyPatch(byId.get(p.id), p as Patch<T>));
  for (const r of removed ?? []) byId.delete(r);
  return [...byId.values()];
}

/** A snapshot with a delta merged into it: what a board shows after the delta (a new object). */
export function applyDelta(view: SnapshotDTO, d: DeltaDTO): SnapshotDTO {
  return {
    seq: d.seq,
    at: d.at,
    site: d.site ? applyPatch(view.site, d.site) : view.site,
    queues: mergeById(view.queues, d.queues, d.removedQueues),
    agents: mergeById(view.agents, d.agents),
    teams: mergeById(view.teams, d.teams),
    calls: mergeById(view.calls, d.calls, d.removedCalls),
  };
}

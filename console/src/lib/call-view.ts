/**
 * What the agent desk shows of a call (pure, so the offer card and the call panel agree): the
 * attributes in display order without the desk's own bookkeeping, and the number of a call (dialled, for a campaign's).
 */
import type { CallDTO } from '$contracts/socket.ts';

/** Attributes that are not the agent's business to read: the campaign's name stands in for its id; the agent it was kept for is this one. */
const HIDDEN = new Set(['campaignName', 'assignedAgent']);

/** The attributes to show, `[key, value]`: the campaign by its name when the dialer sent one. */
export function shownAttributes(attributes: Record<string, string> | undefined): (readonly [string, string])[] {
  return Object.entries(attributes ?? {})
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => [k, k === 'campaign' ? (attributes?.campaignName ?? v) : v] as const);
}

/** The number the call panel shows: the caller's (inbound) or the one dialled (outbound), masked by the hub as the reader's role needs. */
export function callNumber(call: Pick<CallDTO, 'direction' | 'from' | 'to'>): string | undefined {
  return call.direction === 'outbound' ? (call.to ?? call.from) : call.from;
}

/** The wrap-up form as typed so far, for one call: a reload of the tab in wrap-up keeps it. */
export interface WrapDraft {
  callId: string;
  disposition: string;
  values: Record<string, string>;
}
const DRAFT_KEY = 'callboard.wrapDraft';
type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
const store = (): Store | undefined => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);

/** Keeps the draft (one call at a time). */
export function saveWrapDraft(d: WrapDraft, s: Store | undefined = store()): void {
  try {
    s?.setItem(DRAFT_KEY, JSON.stringify(d));
  } catch {
    /* ignore */
  }
}
/** The draft kept for `callId`, if any (another call's is not this one's). */
export function loadWrapDraft(callId: string, s: Store | undefined = store()): WrapDraft | undefined {
  try {
    const d = JSON.parse(s?.getItem(DRAFT_KEY) ?? 'null') as WrapDraft | null;
    return d && d.callId === callId && typeof d.disposition === 'string' && d.values && typeof d.values === 'object' ? d : undefined;
  } catch {
    return undefined;
  }
}
/** Forgets the draft (saved). */
export function clearWrapDraft(s: Store | undefined = store()): void {
  try {
    s?.removeItem(DRAFT_KEY);
  } catch {
    /* ignore */
  }
}

/**
 * The complaint status flow, pure: which moves are allowed, what each does to the SLA clock and the
 * timestamps. `open -> in_progress -> (waiting_on_customer <-> in_progress) -> resolved -> closed`,
 * resolving from any active status, and reopen from `resolved` or `closed`.
 *
 * SLA: due = opened + N business minutes (N from the category's route). Waiting on the customer stops
 * the clock: on leaving that status the due time moves later by the business time spent waiting. A
 * reopen starts a fresh SLA from the reopen.
 */
import type { BusinessClock } from './business-hours.ts';

import { apiFail, type ApiFail } from '../contracts/api-errors.ts';
import { COMPLAINT_NEXT_STATUS, COMPLAINT_STATUSES, type ComplaintStatus } from '../contracts/records.ts';

export const STATUSES = COMPLAINT_STATUSES;
export type { ComplaintStatus };

/** The moves allowed from each status (the console shows the same list: it is declared in the contracts). */
export const NEXT = COMPLAINT_NEXT_STATUS;

/** The fields of a complaint the flow reads and changes. */
export interface FlowState {
  status: ComplaintStatus;
  openedAt: number;
  dueAt: number | null;
  pausedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  reopenCount: number;
  rootCause: string | null;
  slaBusinessMin: number | null;
}

/** A refusal carries its reason and params (`contracts/api-errors.ts`) beside the English message. */
export type FlowResult = { ok: true; state: FlowState } | ({ ok: false; code: 'conflict' | 'invalid' } & ApiFail);

/** Moves a complaint to `to` at `now`. Resolving needs a root-cause code (given or already set). */
export function transition(s: FlowState, to: ComplaintStatus, now: number, clock: BusinessClock, rootCause?: string): FlowResult {
  if (!NEXT[s.status].includes(to)) return { ok: false, code: 'conflict', ...apiFail('complaint_bad_move', { from: s.status, to }) };
  const next: FlowState = { ...s, status: to };
  if (s.status === 'waiting_on_customer' && s.pausedAt !== null) {
    if (s.dueAt !== null && s.slaBusinessMin !== null) {
      // Business time left when the clock stopped, counted again from now.
      const left = clock.businessMsBetween(s.pausedAt, s.dueAt);
      next.dueAt = clock.addBusinessMinutes(now, left / 60_000);
    }
    next.pausedAt = null;
  }
  if (to === 'waiting_on_customer') next.pausedAt = now;
  if (to === 'resolved') {
    const rc = rootCause ?? s.rootCause;
    if (!rc) return { ok: false, code: 'invalid', ...apiFail('root_cause_required', {}) };
    next.rootCause = rc;
    next.resolvedAt = now;
  }
  if (to === 'closed') next.closedAt = now;
  return { ok: true, state: next };
}

/** Reopens a resolved or closed complaint: back to `in_progress`, a fresh SLA from now. */
export function reopen(s: FlowState, now: number, clock: BusinessClock): FlowResult {
  if (s.status !== 'resolved' && s.status !== 'closed') return { ok: false, code: 'conflict', ...apiFail('complaint_not_reopenable', { status: s.status }) };
  return {
    ok: true,
    state: {
      ...s,
      status: 'in_progress',
      resolvedAt: null,
      closedAt: null,
      pausedAt: null,
      reopenCount: s.reopenCount + 1,
      dueAt: s.slaBusinessMin === null ? null : clock.addBusinessMinutes(now, s.slaBusinessMin),
    },
  };
}

/** SLA state at `now`: breached when resolved late or still open past due (never while paused). */
export function slaState(s: FlowState, now: number): 'none' | 'ok' | 'paused' | 'breached' {
  if (s.dueAt === null) return 'none';
  const end = s.resolvedAt ?? (s.pausedAt !== null ? null : now);
  if (end === null) return s.pausedAt !== null && s.pausedAt > s.dueAt ? 'breached' : 'paused';
  return end > s.dueAt ? 'breached' : 'ok';
}

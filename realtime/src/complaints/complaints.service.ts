/**
 * Complaints: intake (an agent's wrap-up with disposition `complaint`, a low survey score, a form),
 * category -> department routing with an SLA in business hours, the status flow, root causes and
 * reopen; every change recorded in `complaint_events`.
 *
 * `openComplaint(input)` is the one entry point for every channel (the campaigns' survey worker calls
 * it, or `openFromSurvey`); automatic intake is idempotent by `sourceKey` (`survey:{callId}`...).
 */
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database, Db } from '../storage/database.ts';
import type { CallRecord } from '../storage/records.ts';
import { calls, complaints } from '../storage/schema.ts';
import { maskNumber } from '../core/selectors.ts';
import { businessCalendars, complaintEvents, complaintRootCauses, complaintRoutes } from '../storage/schema.reports.ts';
import { BusinessClock, defaultBusinessHours, validateBusinessHours, type BusinessHours } from './business-hours.ts';
import { DEFAULT_COMPLAINT_ROOT_CAUSES, DEFAULT_COMPLAINT_ROUTES, type ComplaintCustomer, type ComplaintDetail, type ComplaintDTO, type ComplaintEvent, type ComplaintListItem, type ComplaintRoute, type ComplaintsSummary, type ComplaintsSummaryLine, type SlaClock } from '../contracts/records.ts';
import { apiFail, type ApiFail } from '../contracts/api-errors.ts';
import { WRAPUP_NOTE_FIELDS } from '../contracts/socket.ts';
import { reopen as reopenFlow, slaState, transition, type ComplaintStatus, type FlowState } from './complaint-flow.ts';

// The wire shapes are the contract's (the console imports them from there).
export type { ComplaintDetail, ComplaintDTO, ComplaintEvent, ComplaintListItem, ComplaintsSummary, ComplaintsSummaryLine, SlaClock };

export type { ComplaintRoute };
export const DEFAULT_ROUTES = DEFAULT_COMPLAINT_ROUTES;

/** A `name: value` line the wrap-up form writes in front of the notes. */
const WRAPUP_LINE = new RegExp(`^(${WRAPUP_NOTE_FIELDS.join('|')}): ?(.*)$`);

/** Splits wrap-up notes into the form's `name: value` lines (leading lines only) and the free text after them. */
export function wrapupFields(notes: string | null | undefined): { fields: Record<string, string>; rest: string } {
  const fields: Record<string, string> = {};
  const lines = (notes ?? '').split('\n');
  let i = 0;
  for (; i < lines.length; i++) {
    const m = WRAPUP_LINE.exec(lines[i]!.trim());
    if (!m) break;
    fields[m[1]!] = m[2]!.trim();
  }
  return { fields, rest: lines.slice(i).join('\n').trim() };
}

/** The part of a site a count or summary of complaints is about. */
export interface ComplaintScope {
  scope: 'queue' | 'team' | 'agent' | 'campaign';
  id: string;
}

const scopeColumn = (scope: ComplaintScope['scope']) =>
  scope === 'queue' ? complaints.queueId : scope === 'team' ? complaints.teamId : scope === 'agent' ? complaints.agentId : complaints.campaignId;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const DEFAULT_ROOT_CAUSES = DEFAULT_COMPLAINT_ROOT_CAUSES;

export type Channel = 'wrapup' | 'survey' | 'form';

export interface OpenComplaintInput {
  siteId: string;
  channel: Channel;
  /** A category of the site's routing; unknown or missing -> `other` (`service` for wrap-up and survey). */
  category?: string | undefined;
  description?: string | undefined;
  callId?: string | undefined;
  agentId?: string | undefined;
  queueId?: string | undefined;
  teamId?: string | undefined;
  campaignId?: string | undefined;
  /** Customer reference (a CRM id; not a phone number). */
  customerRef?: string | undefined;
  surveyScore?: number | undefined;
  priority?: 'normal' | 'high' | undefined;
  /** Idempotency key: a second intake with the same key returns the first complaint. */
  sourceKey?: string | undefined;
  /** When it was opened (epoch ms). @defaultValue now */
  at?: number | undefined;
  actor?: string | undefined;
}





/** The SLA clock of a complaint at `now` (pure over the business calendar). */
export function slaClock(c: Pick<ComplaintDTO, 'status' | 'dueAt' | 'pausedAt' | 'resolvedAt' | 'closedAt'>, now: number, clock: BusinessClock): SlaClock {
  if (c.dueAt === null) return { leftMin: null, overdueMin: null, running: false };
  const end = c.resolvedAt ?? c.closedAt;
  if (end !== null) return { leftMin: null, overdueMin: Math.floor(clock.businessMsBetween(c.dueAt, end) / 60_000), running: false };
  // Waiting on the customer: the clock stopped at `pausedAt`.
  const at = c.pausedAt ?? now;
  return {
    leftMin: Math.floor(clock.businessMsBetween(at, c.dueAt) / 60_000),
    overdueMin: Math.floor(clock.businessMsBetween(c.dueAt, at) / 60_000),
    running: c.pausedAt === null && clock.isOpen(now),
  };
}

/** A refusal: its code, and (most) a reason with params that the console words (`contracts/api-errors.ts`). */
export class ComplaintError extends Error {
  readonly fail: ApiFail | undefined;
  constructor(
    readonly code: 'not_found' | 'conflict' | 'invalid',
    why: string | ApiFail,
  ) {
    super(typeof why === 'string' ? why : why.message);
    this.fail = typeof why === 'string' ? undefined : why;
  }
}

export interface ComplaintsServiceOptions {
  now?: () => number;
  /** Business hours when the site has no `business_calendars` row. @defaultValue `defaultBusinessHours(timeZone)` */
  timeZone?: string;
  /** Survey scores at or below this (0-10 scale) open a complaint. @defaultValue 4 */
  lowSurveyScore?: number;
}

type Row = typeof complaints.$inferSelect;
const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());

function flowOf(r: Row): FlowState {
  return {
    status: r.status as ComplaintStatus,
    openedAt: r.openedAt.getTime(),
    dueAt: ms(r.dueAt),
    pausedAt: ms(r.pausedAt),
    resolvedAt: ms(r.resolvedAt),
    closedAt: ms(r.closedAt),
    reopenCount: r.reopenCount,
    rootCause: r.rootCause,
    slaBusinessMin: r.slaBusinessMin,
  };
}

export class ComplaintsService {
  private readonly now: () => number;

  constructor(
    private readonly database: Pick<Database, 'db' | 'transaction'>,
    private readonly opts: ComplaintsServiceOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  private get db(): Db {
    return this.database.db;
  }

  dto(r: Row, now = this.now()): ComplaintDTO {
    const f = flowOf(r);
    return {
      id: r.id,
      siteId: r.siteId,
      channel: r.channel,
      category: r.category,
      department: r.department,
      priority: r.priority,
      status: f.status,
      rootCause: r.rootCause,
      description: r.description,
      callId: r.callId,
      agentId: r.agentId,
      queueId: r.queueId,
      teamId: r.teamId,
      campaignId: r.campaignId,
      customerRef: r.customerRef,
      surveyScore: r.surveyScore,
      openedAt: f.openedAt,
      dueAt: f.dueAt,
      slaBusinessMin: r.slaBusinessMin,
      pausedAt: f.pausedAt,
      resolvedAt: f.resolvedAt,
      closedAt: f.closedAt,
      reopenCount: r.reopenCount,
      updatedAt: r.updatedAt.getTime(),
      sla: slaState(f, now),
    };
  }

  // ------------------------------------------------------------------------------ configuration

  async routes(siteId: string, db: Db = this.db): Promise<ComplaintRoute[]> {
    const rows = await db.select().from(complaintRoutes).where(eq(complaintRoutes.siteId, siteId)).orderBy(asc(complaintRoutes.category));
    return rows.length ? rows.map((r) => ({ category: r.category, department: r.department, slaBusinessMin: r.slaBusinessMin })) : [...DEFAULT_ROUTES];
  }

  /** Replaces the site's routing table (the defaults stop applying once a site has its own). */
  async setRoutes(siteId: string, routes: readonly ComplaintRoute[]): Promise<void> {
    await this.database.transaction(async (db) => {
      await db.delete(complaintRoutes).where(eq(complaintRoutes.siteId, siteId));
      if (routes.length) await db.insert(complaintRoutes).values(routes.map((r) => ({ siteId, ...r })));
    });
  }

  async rootCauses(siteId: string, db: Db = this.db): Promise<{ code: string; label: string }[]> {
    const rows = await db.select().from(complaintRootCauses).where(eq(complaintRootCauses.siteId, siteId)).orderBy(asc(complaintRootCauses.code));
    return rows.length ? rows.map((r) => ({ code: r.code, label: r.label })) : [...DEFAULT_ROOT_CAUSES];
  }

  async setRootCauses(siteId: string, causes: readonly { code: string; label: string }[]): Promise<void> {
    await this.database.transaction(async (db) => {
      await db.delete(complaintRootCauses).where(eq(complaintRootCauses.siteId, siteId));
      if (causes.length) await db.insert(complaintRootCauses).values(causes.map((c) => ({ siteId, ...c })));
    });
  }

  async businessHours(siteId: string, db: Db = this.db): Promise<BusinessHours> {
    const r = await db.select().from(businessCalendars).where(eq(businessCalendars.siteId, siteId));
    const row = r[0];
    return row ? { timeZone: row.timeZone, hours: row.hours, holidays: row.holidays } : defaultBusinessHours(this.opts.timeZone);
  }

  async setBusinessHours(siteId: string, b: BusinessHours): Promise<void> {
    try {
      validateBusinessHours(b);
    } catch (err) {
      throw new ComplaintError('invalid', (err as Error).message);
    }
    const v = { timeZone: b.timeZone, hours: b.hours, holidays: [...b.holidays] };
    await this.db.insert(businessCalendars).values({ siteId, ...v }).onConflictDoUpdate({ target: businessCalendars.siteId, set: v });
  }

  // ----------------------------------------------------------------------------------- intake

  /** Whether the site's call records have `callId` (the hub's live and recent calls are not all written yet). */
  async hasCall(siteId: string, callId: string): Promise<boolean> {
    return (await this.db.select({ id: calls.id }).from(calls).where(and(eq(calls.siteId, siteId), eq(calls.id, callId))).limit(1)).length > 0;
  }

  /**
   * Opens a complaint: routes its category to a department, sets the SLA due time in business hours,
   * records the event. With a `sourceKey` already used, returns that complaint (`created: false`).
   */
  async openComplaint(input: OpenComplaintInput, db?: Db): Promise<{ complaint: ComplaintDTO; created: boolean }> {
    const run = async (tx: Db) => {
      if (input.sourceKey) {
        const prev = await tx.select().from(complaints).where(and(eq(complaints.siteId, input.siteId), eq(complaints.sourceKey, input.sourceKey)));
        if (prev[0]) return { complaint: this.dto(prev[0]), created: false };
      }
      const routes = await this.routes(input.siteId, tx);
      const fallback = input.channel === 'form' ? 'other' : 'service';
      const route = routes.find((r) => r.category === input.category) ?? routes.find((r) => r.category === fallback) ?? routes.find((r) => r.category === 'other');
      const clock = new BusinessClock(await this.businessHours(input.siteId, tx));
      const at = input.at ?? this.now();
      // A complaint about a call is the call's customer's, unless the intake names one.
      const customerRef =
        input.customerRef ??
        (input.callId ? ((await tx.select({ id: calls.customerId }).from(calls).where(and(eq(calls.siteId, input.siteId), eq(calls.id, input.callId))))[0]?.id ?? null) : null);
      const inserted = await tx
        .insert(complaints)
        .values({
          siteId: input.siteId,
          channel: input.channel,
          category: route?.category ?? input.category ?? null,
          department: route?.department ?? null,
          priority: input.priority ?? (input.surveyScore !== undefined && input.surveyScore <= 2 ? 'high' : 'normal'),
          status: 'open',
          description: input.description ?? null,
          callId: input.callId ?? null,
          agentId: input.agentId ?? null,
          queueId: input.queueId ?? null,
          teamId: input.teamId ?? null,
          campaignId: input.campaignId ?? null,
          customerRef,
          surveyScore: input.surveyScore ?? null,
          openedAt: new Date(at),
          slaBusinessMin: route?.slaBusinessMin ?? null,
          dueAt: route ? new Date(clock.addBusinessMinutes(at, route.slaBusinessMin)) : null,
          updatedAt: new Date(at),
          sourceKey: input.sourceKey ?? null,
        })
        .onConflictDoNothing()
        .returning();
      const row = inserted[0];
      if (!row) {
        // Lost a race on the same source key: the other intake's complaint stands.
        const prev = await tx.select().from(complaints).where(and(eq(complaints.siteId, input.siteId), eq(complaints.sourceKey, input.sourceKey ?? '')));
        return { complaint: this.dto(prev[0]!), created: false };
      }
      await tx.insert(complaintEvents).values({
        siteId: input.siteId,
        complaintId: row.id,
        at: new Date(at),
        actor: input.actor ?? null,
        action: 'opened',
        toStatus: 'open',
        data: { channel: input.channel, category: row.category, department: row.department, dueAt: row.dueAt },
      });
      return { complaint: this.dto(row), created: true };
    };
    return db ? run(db) : this.database.transaction(run);
  }

  /**
   * A survey answer: opens a complaint when the score is low (0-10 scale, at or below `lowSurveyScore`;
   * a 1-5 answer is scaled first). Idempotent per call (`survey:{callId}`). Returns null when not low.
   */
  async openFromSurvey(
    a: { siteId: string; score: number; scale?: '0-10' | '1-5'; callId?: string; customerRef?: string; agentId?: string; queueId?: string; teamId?: string; campaignId?: string; comment?: string; at?: number },
    db?: Db,
  ): Promise<{ complaint: ComplaintDTO; created: boolean } | null> {
    const score10 = a.scale === '1-5' ? ((a.score - 1) / 4) * 10 : a.score;
    if (score10 > (this.opts.lowSurveyScore ?? 4)) return null;
    return this.openComplaint(
      {
        siteId: a.siteId,
        channel: 'survey',
        category: 'service',
        // The respondent's words if any; the console words the score itself (`surveyScore`) in the page's language.
        description: a.comment,
        callId: a.callId,
        customerRef: a.customerRef,
        agentId: a.agentId,
        queueId: a.queueId,
        teamId: a.teamId,
        campaignId: a.campaignId,
        surveyScore: score10,
        sourceKey: `survey:${a.callId ?? `${a.customerRef ?? 'anon'}:${a.at ?? this.now()}`}`,
        at: a.at,
      },
      db,
    );
  }

  /**
   * Intake from call records as the record writer stores them (same transaction): a wrap-up with
   * disposition `complaint`, or a low survey score on the call. Idempotent per call and channel.
   * The agent's wrap-up form writes its fields as `name: value` lines before the notes
   * (`category: vaccine-reaction`, `severity: high`): the category routes the complaint (else the call's
   * `complaintCategory` attribute, else `service`), severity high makes it high priority, and the
   * description is the rest of the notes.
   */
  async intakeFromCalls(siteId: string, rows: readonly CallRecord[], db: Db): Promise<number> {
    let opened = 0;
    for (const c of rows) {
      const base = { siteId, callId: c.id, agentId: c.agentId ?? undefined, queueId: c.queueId, teamId: c.teamId ?? undefined, campaignId: c.campaignId ?? undefined, customerRef: c.customerId ?? undefined };
      const at = (c.wrapEndAt ?? c.endedAt ?? c.offeredAt).getTime();
      if (c.disposition === 'complaint') {
        const w = wrapupFields(c.notes);
        const r = await this.openComplaint(
          {
            ...base,
            channel: 'wrapup',
            category: w.fields.category || c.attributes?.complaintCategory || 'service',
            description: w.rest || undefined,
            ...(w.fields.severity === 'high' ? { priority: 'high' as const } : {}),
            sourceKey: `wrapup:${c.id}`,
            at,
          },
          db,
        );
        if (r.created) opened++;
      }
      if (c.surveyScore !== null && c.surveyScore !== undefined) {
        const r = await this.openFromSurvey({ ...base, score: c.surveyScore, at }, db);
        if (r?.created) opened++;
      }
    }
    return opened;
  }

  // ------------------------------------------------------------------------------- read, change

  private async row(siteId: string, id: number, db: Db): Promise<Row> {
    const r = await db.select().from(complaints).where(and(eq(complaints.siteId, siteId), eq(complaints.id, id))).for('update');
    if (!r[0]) throw new ComplaintError('not_found', apiFail('complaint_not_found', { id: String(id) }));
    return r[0];
  }

  /**
   * A complaint with its history (`events`, oldest first), who it is assigned to (the last `assigned`
   * event) and its SLA clock now in business time: left until due, or past due (business minutes, so
   * evenings and weekends do not make a complaint look later than the SLA counts it).
   */
  async get(siteId: string, id: number, view: { showNumbers: boolean } = { showNumbers: false }): Promise<ComplaintDetail> {
    const r = await this.db.select().from(complaints).where(and(eq(complaints.siteId, siteId), eq(complaints.id, id)));
    if (!r[0]) throw new ComplaintError('not_found', apiFail('complaint_not_found', { id: String(id) }));
    const customer = await this.customerOf(siteId, r[0], view.showNumbers);
    const ev = await this.db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, id)).orderBy(asc(complaintEvents.at), asc(complaintEvents.id));
    const events: ComplaintEvent[] = ev.map((e) => ({ at: e.at.getTime(), actor: e.actor, action: e.action, fromStatus: e.fromStatus, toStatus: e.toStatus, note: e.note, data: (e.data as Record<string, unknown> | null) ?? null }));
    const now = this.now();
    const dto = this.dto(r[0], now);
    const assigned = events.filter((e) => e.action === 'assigned').at(-1);
    const clock = new BusinessClock(await this.businessHours(siteId));
    return { ...dto, assignee: (assigned?.data?.to as string | null | undefined) ?? null, clock: slaClock(dto, now, clock), events, customer };
  }

  /** A complaint without its history, customer or clock: who may open it is decided on this. */
  async brief(siteId: string, id: number): Promise<ComplaintDTO> {
    const r = await this.db.select().from(complaints).where(and(eq(complaints.siteId, siteId), eq(complaints.id, id)));
    if (!r[0]) throw new ComplaintError('not_found', apiFail('complaint_not_found', { id: String(id) }));
    return this.dto(r[0]);
  }

  /**
   * Who complained, for the person handling it: the customer (the complaint's `customerRef`, else the
   * customer of its call), the number of its call (masked unless `showNumbers`), the customer's calls in
   * the 30 days up to the complaint, and their other complaints (a repeat complaint, or one already in
   * hand). Null when the complaint names neither a customer nor a call of the records.
   */
  private async customerOf(siteId: string, r: Row, showNumbers: boolean): Promise<ComplaintCustomer | null> {
    const call = r.callId
      ? (await this.db.select({ direction: calls.direction, from: calls.fromNumber, to: calls.toNumber, customerId: calls.customerId }).from(calls).where(and(eq(calls.siteId, siteId), eq(calls.id, r.callId))))[0]
      : undefined;
    const ref = r.customerRef ?? call?.customerId ?? null;
    const raw = call ? (call.direction === 'outbound' ? call.to : call.from) : null;
    if (!ref && !raw) return null;
    let calls30d = 0;
    let others: ComplaintCustomer['others'] = [];
    if (ref) {
      const since = new Date(r.openedAt.getTime() - 30 * 86_400_000);
      const [n, rows] = await Promise.all([
        this.db.select({ n: count() }).from(calls).where(and(eq(calls.siteId, siteId), eq(calls.customerId, ref), gte(calls.offeredAt, since), lt(calls.offeredAt, new Date(r.openedAt.getTime() + 1)))),
        this.db
          .select()
          .from(complaints)
          .where(and(eq(complaints.siteId, siteId), eq(complaints.customerRef, ref), sql`${complaints.id} <> ${r.id}`))
          .orderBy(desc(complaints.openedAt), desc(complaints.id))
          .limit(10),
      ]);
      calls30d = Number(n[0]?.n ?? 0);
      others = rows.map((o) => {
        const d = this.dto(o);
        return { id: d.id, status: d.status, category: d.category, openedAt: d.openedAt };
      });
    }
    return { id: ref, number: raw ? (showNumbers ? raw : maskNumber(raw)) : null, calls30d, others };
  }

  /** Adds a note to a complaint's history (no change of status). */
  async addNote(siteId: string, id: number, o: { note: string; actor?: string | undefined }): Promise<ComplaintDetail> {
    await this.database.transaction(async (db) => {
      const row = await this.row(siteId, id, db);
      await db.insert(complaintEvents).values({ siteId, complaintId: id, at: new Date(this.now()), actor: o.actor ?? null, action: 'note', fromStatus: row.status, toStatus: row.status, note: o.note });
    });
    return this.get(siteId, id);
  }

  /** Assigns a complaint to a person (a user id; null: nobody), recorded in its history. */
  async assign(siteId: string, id: number, o: { assignee: string | null; note?: string | undefined; actor?: string | undefined }): Promise<ComplaintDetail> {
    const before = (await this.get(siteId, id)).assignee;
    if (before === o.assignee) throw new ComplaintError('conflict', o.assignee === null ? apiFail('not_assigned', {}) : apiFail('already_assigned', { assignee: o.assignee }));
    await this.database.transaction(async (db) => {
      const row = await this.row(siteId, id, db);
      await db.update(complaints).set({ updatedAt: new Date(this.now()) }).where(and(eq(complaints.siteId, siteId), eq(complaints.id, id)));
      await db.insert(complaintEvents).values({
        siteId,
        complaintId: id,
        at: new Date(this.now()),
        actor: o.actor ?? null,
        action: 'assigned',
        fromStatus: row.status,
        toStatus: row.status,
        note: o.note ?? null,
        data: { from: before, to: o.assignee },
      });
    });
    return this.get(siteId, id);
  }

  async list(
    siteId: string,
    q: { status?: ComplaintStatus[] | undefined; department?: string | undefined; agentId?: string | undefined; teamIds?: string[] | undefined; from?: number | undefined; to?: number | undefined; limit?: number; offset?: number } = {},
  ): Promise<{ total: number; complaints: ComplaintListItem[] }> {
    const where: SQL[] = [eq(complaints.siteId, siteId)];
    if (q.status?.length) where.push(inArray(complaints.status, q.status));
    if (q.department) where.push(eq(complaints.department, q.department));
    if (q.agentId) where.push(eq(complaints.agentId, q.agentId));
    if (q.teamIds) where.push(q.teamIds.length ? inArray(complaints.teamId, q.teamIds) : sql`false`);
    if (q.from !== undefined) where.push(gte(complaints.openedAt, new Date(q.from)));
    if (q.to !== undefined) where.push(lt(complaints.openedAt, new Date(q.to)));
    const [rows, total] = await Promise.all([
      this.db
        .select()
        .from(complaints)
        .where(and(...where))
        .orderBy(desc(complaints.openedAt), desc(complaints.id))
        .limit(q.limit ?? 100)
        .offset(q.offset ?? 0),
      this.db.select({ n: count() }).from(complaints).where(and(...where)),
    ]);
    const now = this.now();
    const assignees = await this.assigneesOf(siteId, rows.map((r) => r.id));
    return { total: Number(total[0]?.n ?? 0), complaints: rows.map((r) => ({ ...this.dto(r, now), assignee: assignees.get(r.id) ?? null })) };
  }

  /** Who each complaint has now: its last `assigned` event, as `get` reads it (one query for a page of the list). */
  private async assigneesOf(siteId: string, ids: number[]): Promise<Map<number, string | null>> {
    const m = new Map<number, string | null>();
    if (!ids.length) return m;
    const ev = await this.db
      .select({ id: complaintEvents.complaintId, data: complaintEvents.data })
      .from(complaintEvents)
      .where(and(eq(complaintEvents.siteId, siteId), inArray(complaintEvents.complaintId, ids), eq(complaintEvents.action, 'assigned')))
      .orderBy(asc(complaintEvents.at), asc(complaintEvents.id));
    for (const e of ev) m.set(e.id, ((e.data as Record<string, unknown> | null)?.to as string | null | undefined) ?? null);
    return m;
  }

  private async save(siteId: string, before: Row, next: FlowState, patch: Partial<typeof complaints.$inferInsert>, action: string, actor: string | undefined, note: string | undefined, db: Db): Promise<ComplaintDTO> {
    const now = this.now();
    const r = await db
      .update(complaints)
      .set({
        ...patch,
        status: next.status,
        dueAt: next.dueAt === null ? null : new Date(next.dueAt),
        pausedAt: next.pausedAt === null ? null : new Date(next.pausedAt),
        resolvedAt: next.resolvedAt === null ? null : new Date(next.resolvedAt),
        closedAt: next.closedAt === null ? null : new Date(next.closedAt),
        reopenCount: next.reopenCount,
        rootCause: next.rootCause,
        updatedAt: new Date(now),
      })
      .where(and(eq(complaints.siteId, siteId), eq(complaints.id, before.id)))
      .returning();
    await db.insert(complaintEvents).values({ siteId, complaintId: before.id, at: new Date(now), actor: actor ?? null, action, fromStatus: before.status, toStatus: next.status, note: note ?? null });
    return this.dto(r[0]!, now);
  }

  /** Moves a complaint along the status flow (resolving needs a known root-cause code). */
  async setStatus(siteId: string, id: number, to: ComplaintStatus, o: { rootCause?: string | undefined; note?: string | undefined; actor?: string | undefined } = {}): Promise<ComplaintDTO> {
    return this.database.transaction(async (db) => {
      const row = await this.row(siteId, id, db);
      if (o.rootCause !== undefined && !(await this.rootCauses(siteId, db)).some((c) => c.code === o.rootCause)) throw new ComplaintError('invalid', apiFail('unknown_root_cause', { code: o.rootCause }));
      const clock = new BusinessClock(await this.businessHours(siteId, db));
      const r = transition(flowOf(row), to, this.now(), clock, o.rootCause);
      if (!r.ok) throw new ComplaintError(r.code, r);
      return this.save(siteId, row, r.state, {}, 'status', o.actor, o.note, db);
    });
  }

  async reopen(siteId: string, id: number, o: { note?: string | undefined; actor?: string | undefined } = {}): Promise<ComplaintDTO> {
    return this.database.transaction(async (db) => {
      const row = await this.row(siteId, id, db);
      const clock = new BusinessClock(await this.businessHours(siteId, db));
      const r = reopenFlow(flowOf(row), this.now(), clock);
      if (!r.ok) throw new ComplaintError(r.code, r);
      return this.save(siteId, row, r.state, {}, 'reopened', o.actor, o.note, db);
    });
  }

  /** Edits the description, priority or category (a new category re-routes; the SLA restarts from the opening). */
  async update(siteId: string, id: number, p: { category?: string | undefined; description?: string | undefined; priority?: 'normal' | 'high' | undefined; actor?: string | undefined }): Promise<ComplaintDTO> {
    return this.database.transaction(async (db) => {
      const row = await this.row(siteId, id, db);
      const patch: Partial<typeof complaints.$inferInsert> = {};
      const flow = flowOf(row);
      if (p.description !== undefined) patch.description = p.description;
      if (p.priority !== undefined) patch.priority = p.priority;
      if (p.category !== undefined && p.category !== row.category) {
        const route = (await this.routes(siteId, db)).find((r) => r.category === p.category);
        if (!route) throw new ComplaintError('invalid', apiFail('unknown_category', { category: p.category }));
        const clock = new BusinessClock(await this.businessHours(siteId, db));
        patch.category = route.category;
        patch.department = route.department;
        patch.slaBusinessMin = route.slaBusinessMin;
        flow.slaBusinessMin = route.slaBusinessMin;
        if (flow.status !== 'resolved' && flow.status !== 'closed') flow.dueAt = clock.addBusinessMinutes(flow.openedAt, route.slaBusinessMin);
      }
      return this.save(siteId, row, flow, patch, 'edited', p.actor, undefined, db);
    });
  }

  /**
   * The complaints of a period [from, to) (by agent/queue/team/campaign when given): opened (by channel,
   * category, department), resolved in the period with the share inside the SLA and the median business
   * hours to resolve, their root causes, and the backlog at the period's end (or now, when that is earlier)
   * with what was overdue then. Moves are read from the complaints' timestamps as they stand now: a complaint
   * reopened later counts as not resolved.
   */
  async summary(siteId: string, from: number, to: number, by?: ComplaintScope): Promise<ComplaintsSummary> {
    const scoped: SQL[] = [eq(complaints.siteId, siteId)];
    if (by) scoped.push(eq(scopeColumn(by.scope), by.id));
    const end = new Date(Math.min(to, this.now()));
    const [opened, resolved, backlog, causes, hours] = await Promise.all([
      this.db
        .select({ category: complaints.category, department: complaints.department, channel: complaints.channel, priority: complaints.priority, n: count() })
        .from(complaints)
        .where(and(...scoped, gte(complaints.openedAt, new Date(from)), lt(complaints.openedAt, new Date(to))))
        .groupBy(complaints.category, complaints.department, complaints.channel, complaints.priority),
      this.db
        .select({ category: complaints.category, department: complaints.department, rootCause: complaints.rootCause, openedAt: complaints.openedAt, resolvedAt: complaints.resolvedAt, dueAt: complaints.dueAt })
        .from(complaints)
        .where(and(...scoped, gte(complaints.resolvedAt, new Date(from)), lt(complaints.resolvedAt, new Date(to)))),
      this.db
        .select({
          category: complaints.category,
          department: complaints.department,
          n: count(),
          // Past due at the end, and not stopped (waiting on the customer) before it fell due.
          overdue: sql<number>`count(*) filter (where ${complaints.dueAt} < ${end.toISOString()}::timestamptz and not (${complaints.pausedAt} is not null and ${complaints.pausedAt} <= ${complaints.dueAt}))`,
        })
        .from(complaints)
        .where(and(...scoped, lt(complaints.openedAt, end), or(isNull(complaints.resolvedAt), gte(complaints.resolvedAt, end))))
        .groupBy(complaints.category, complaints.department),
      this.rootCauses(siteId),
      this.businessHours(siteId),
    ]);
    const clock = new BusinessClock(hours);
    const blank = (code: string): ComplaintsSummaryLine => ({ code, opened: 0, high: 0, resolved: 0, withSla: 0, inSla: 0, slaMetPct: null, medianResolveH: null, backlog: 0, overdue: 0 });
    const total = blank('');
    const byCategory = new Map<string, ComplaintsSummaryLine>();
    const byDepartment = new Map<string, ComplaintsSummaryLine>();
    const linesOf = (category: string | null, department: string | null): ComplaintsSummaryLine[] => {
      const c = category ?? '';
      const d = department ?? '';
      let lc = byCategory.get(c);
      if (!lc) byCategory.set(c, (lc = blank(c)));
      let ld = byDepartment.get(d);
      if (!ld) byDepartment.set(d, (ld = blank(d)));
      return [total, lc, ld];
    };
    const byChannel: Record<string, number> = {};
    for (const r of opened) {
      const n = Number(r.n);
      byChannel[r.channel] = (byChannel[r.channel] ?? 0) + n;
      for (const l of linesOf(r.category, r.department)) {
        l.opened += n;
        if (r.priority === 'high') l.high += n;
      }
    }
    const durations = new Map<ComplaintsSummaryLine, number[]>();
    const causeCount = new Map<string, number>();
    for (const r of resolved) {
      const at = r.resolvedAt!.getTime();
      const h = clock.businessMsBetween(r.openedAt.getTime(), at) / 3_600_000;
      if (r.rootCause) causeCount.set(r.rootCause, (causeCount.get(r.rootCause) ?? 0) + 1);
      for (const l of linesOf(r.category, r.department)) {
        l.resolved++;
        if (r.dueAt) {
          l.withSla++;
          if (at <= r.dueAt.getTime()) l.inSla++;
        }
        let d = durations.get(l);
        if (!d) durations.set(l, (d = []));
        d.push(h);
      }
    }
    for (const r of backlog) {
      for (const l of linesOf(r.category, r.department)) {
        l.backlog += Number(r.n);
        l.overdue += Number(r.overdue);
      }
    }
    const finish = (l: ComplaintsSummaryLine): ComplaintsSummaryLine => {
      l.slaMetPct = l.withSla ? Math.round((1000 * l.inSla) / l.withSla) / 10 : null;
      const d = durations.get(l);
      l.medianResolveH = d?.length ? Math.round(10 * median(d)) / 10 : null;
      return l;
    };
    const order = (m: Map<string, ComplaintsSummaryLine>) => [...m.values()].map(finish).sort((a, b) => b.opened - a.opened || b.backlog - a.backlog || a.code.localeCompare(b.code));
    const label = new Map(causes.map((c) => [c.code, c.label]));
    return {
      total: finish(total),
      byChannel,
      byCategory: order(byCategory),
      byDepartment: order(byDepartment),
      rootCauses: [...causeCount].map(([code, count]) => ({ code, label: label.get(code) ?? code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    };
  }

  /** Complaints opened in [from, to), for the complaint rate (by agent/queue/team/campaign when given). */
  async countOpened(siteId: string, from: number, to: number, by?: ComplaintScope): Promise<number> {
    const where: SQL[] = [eq(complaints.siteId, siteId), gte(complaints.openedAt, new Date(from)), lt(complaints.openedAt, new Date(to))];
    if (by) where.push(eq(scopeColumn(by.scope), by.id));
    const r = await this.db.select({ n: count() }).from(complaints).where(and(...where));
    return Number(r[0]?.n ?? 0);
  }
}

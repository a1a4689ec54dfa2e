/**
 * Campaign tables in PostgreSQL / PGlite: thin I/O (house rule 9). Bulk writes travel as one JSON
 * parameter per statement (`json_populate_recordset` / `json_to_recordset`), as the record writer does.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../realtime/src/storage/database.ts';
import * as t from '../../../realtime/src/storage/schema.campaigns.ts';
import type { Campaign, CampaignSettings, LeadStatus, SurveyQuestion } from './model.ts';
import type { HotLead, LogEntry } from './store.ts';

/** A lead's id: derived from its campaign and number, so a re-import finds the same lead (and no phone number shows in call ids). */
export function leadIdOf(campaignId: string, phone: string): string {
  return createHash('sha256').update(`${campaignId}|${phone}`).digest('base64url').slice(0, 12).replace(/[-_]/g, 'x');
}

/** `find` over `values` 5,000 at a time (a bounded `in (...)` list), the answers joined. */
async function inChunks(values: readonly string[], find: (part: string[]) => Promise<string[]>): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < values.length; i += 5000) out.push(...(await find(values.slice(i, i + 5000))));
  return out;
}

export interface LeadRow {
  campaignId: string;
  id: string;
  phone: string;
  name: string | null;
  customerId: string;
  timeZone: string;
  segment: string | null;
  attributes: Record<string, string>;
  assignedAgentId: string | null;
  assignedTeamId: string | null;
  importId: number | null;
}

const d = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export class CampaignRepository {
  constructor(readonly db: Db) {}

  // ---------------------------------------------------------------------------------- campaigns
  async upsertCampaign(c: Campaign): Promise<void> {
    const row = {
      siteId: c.siteId,
      id: c.id,
      name: c.name,
      type: c.type,
      queueId: c.queueId,
      status: c.status,
      dialingMode: c.dialingMode,
      priority: c.priority,
      maxAttempts: c.maxAttempts,
      startAt: c.startAt === null ? null : new Date(c.startAt),
      endAt: c.endAt === null ? null : new Date(c.endAt),
      script: c.script,
      settings: c.settings as unknown as Record<string, unknown>,
      updatedAt: new Date(),
    };
    await this.db.transaction(async (tx) => {
      await tx.insert(t.campaigns).values(row).onConflictDoUpdate({ target: t.campaigns.id, set: row });
      await tx.delete(t.surveyQuestions).where(eq(t.surveyQuestions.campaignId, c.id));
      if (c.questions.length)
        await tx.insert(t.surveyQuestions).values(c.questions.map((q, i) => ({ campaignId: c.id, id: q.id, position: i, kind: q.kind, text: q.text })));
    });
  }

  async setStatus(id: string, status: Campaign['status']): Promise<void> {
    await this.db.update(t.campaigns).set({ status, updatedAt: new Date() }).where(eq(t.campaigns.id, id));
  }

  async getCampaign(id: string): Promise<Campaign | null> {
    const [r] = await this.db.select().from(t.campaigns).where(eq(t.campaigns.id, id));
    if (!r) return null;
    const qs = await this.db.select().from(t.surveyQuestions).where(eq(t.surveyQuestions.campaignId, id)).orderBy(asc(t.surveyQuestions.position));
    return {
      siteId: r.siteId,
      id: r.id,
      name: r.name,
      type: r.type as Campaign['type'],
      queueId: r.queueId,
      status: r.status as Campaign['status'],
      dialingMode: r.dialingMode as Campaign['dialingMode'],
      priority: r.priority,
      maxAttempts: r.maxAttempts,
      startAt: r.startAt?.getTime() ?? null,
      endAt: r.endAt?.getTime() ?? null,
      script: r.script,
      settings: r.settings as unknown as CampaignSettings,
      questions: qs.map((q) => ({ id: q.id, kind: q.kind as SurveyQuestion['kind'], text: q.text })),
    };
  }

  async listCampaigns(siteId: string): Promise<Campaign[]> {
    const rows = await this.db.select({ id: t.campaigns.id }).from(t.campaigns).where(eq(t.campaigns.siteId, siteId)).orderBy(asc(t.campaigns.createdAt));
    const out: Campaign[] = [];
    for (const r of rows) {
      const c = await this.getCampaign(r.id);
      if (c) out.push(c);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------- leads
  /**
   * Inserts leads, merging duplicates by (campaign, phone): a later row fills what the earlier one
   * left empty and adds attributes; status and attempts are kept. Returns new and merged counts.
   */
  async upsertLeads(rows: readonly LeadRow[]): Promise<{ inserted: number; merged: number }> {
    let inserted = 0;
    let merged = 0;
    for (let i = 0; i < rows.length; i += 5000) {
      const json = rows.slice(i, i + 5000).map((r) => ({
        campaign_id: r.campaignId,
        id: r.id,
        phone: r.phone,
        name: r.name,
        customer_id: r.customerId,
        time_zone: r.timeZone,
        segment: r.segment,
        attributes: r.attributes,
        status: 'pending',
        attempts: 0,
        assigned_agent_id: r.assignedAgentId,
        assigned_team_id: r.assignedTeamId,
        import_id: r.importId,
      }));
      const res = rowsOf<{ inserted: boolean }>(
        await this.db.execute(sql`insert into leads (campaign_id, id, phone, name, customer_id, time_zone, segment, attributes, status, attempts, assigned_agent_id, assigned_team_id, import_id)
          select campaign_id, id, phone, name, customer_id, time_zone, segment, coalesce(attributes, '{}'::jsonb), status, attempts, assigned_agent_id, assigned_team_id, import_id
          from json_populate_recordset(null::leads, ${JSON.stringify(json)}::json)
          on conflict (campaign_id, phone) do update set
            name = coalesce(excluded.name, leads.name),
            segment = coalesce(excluded.segment, leads.segment),
            attributes = leads.attributes || excluded.attributes,
            assigned_agent_id = coalesce(excluded.assigned_agent_id, leads.assigned_agent_id),
            assigned_team_id = coalesce(excluded.assigned_team_id, leads.assigned_team_id),
            updated_at = now()
          returning (xmax = 0) as inserted`),
      );
      for (const r of res) if (r.inserted) inserted++;
      merged += res.length - res.filter((r) => r.inserted).length;
    }
    return { inserted, merged };
  }

  /** Leads still to work (everything but finished ones), for loading into Redis. */
  async workableLeads(campaignId: string, importId?: number, page?: { afterId: string | null; limit: number }): Promise<HotLead[]> {
    const rows = rowsOf<{
      id: string;
      phone: string;
      time_zone: string;
      segment: string | null;
      customer_id: string;
      name: string | null;
      status: LeadStatus;
      attempts: number;
      next_at: string | Date | null;
      assigned_agent_id: string | null;
      assigned_team_id: string | null;
    }>(
      await this.db.execute(sql`select id, phone, time_zone, segment, customer_id, name, status, attempts, next_at, assigned_agent_id, assigned_team_id
        from leads where campaign_id = ${campaignId} and status in ('pending', 'retry', 'dialing', 'connected')
        ${importId !== undefined ? sql`and import_id = ${importId}` : sql``}
        ${page ? sql`${page.afterId !== null ? sql`and id > ${page.afterId}` : sql``} order by id limit ${page.limit}` : sql``}`),
    );
    return rows.map((r) => ({
      id: r.id,
      phone: r.phone,
      timeZone: r.time_zone,
      segment: r.segment,
      customerId: r.customer_id,
      name: r.name,
      status: r.status,
      attempts: r.attempts,
      nextAt: r.next_at === null ? null : new Date(r.next_at).getTime(),
      assignedAgentId: r.assigned_agent_id,
      assignedTeamId: r.assigned_team_id,
    }));
  }

  /** The workable leads in pages of `limit`, in id order (the primary key's: a range scan per page). */
  async *workableLeadPages(campaignId: string, limit: number): AsyncGenerator<HotLead[]> {
    let afterId: string | null = null;
    for (;;) {
      const page = await this.workableLeads(campaignId, undefined, { afterId, limit });
      if (page.length) yield page;
      if (page.length < limit) return;
      afterId = page[page.length - 1]!.id;
    }
  }

  async leadCounts(campaignId: string): Promise<Record<string, number>> {
    const rows = rowsOf<{ status: string; n: number | string }>(
      await this.db.execute(sql`select status, count(*) as n from leads where campaign_id = ${campaignId} group by status`),
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async assign(campaignId: string, leadIds: readonly string[], agentId: string | null, teamId: string | null, reason: string, by: string | null): Promise<void> {
    if (!leadIds.length) return;
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`update leads set assigned_agent_id = ${agentId}, assigned_team_id = ${teamId}, updated_at = now()
        where campaign_id = ${campaignId} and id = any(${sql.raw(`array[${leadIds.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`)}::text[])`);
      await tx.insert(t.leadAssignments).values(leadIds.map((leadId) => ({ campaignId, leadId, agentId, teamId, reason, assignedBy: by })));
    });
  }

  /** Applies a run of the attempt log: attempt rows and the leads' latest state (idempotent). */
  async applyLog(entries: readonly LogEntry[]): Promise<void> {
    type Att = Record<string, unknown> & { campaign_id: string; lead_id: string; attempt: number };
    const full = new Map<string, Att>();
    const partial = new Map<string, Att>();
    const leads = new Map<string, Record<string, unknown>>();
    const assignments: { campaignId: string; leadId: string; agentId: string | null; teamId: string | null; reason: string }[] = [];
    const leadRow = (c: string, l: string) => {
      const k = `${c}\u0000${l}`;
      let r = leads.get(k);
      if (!r) leads.set(k, (r = { campaign_id: c, id: l }));
      return r;
    };
    for (const e of entries) {
      if (e.k === 'lead') {
        const r = leadRow(e.c, e.l);
        r.status = e.st;
        r.attempts = e.n;
        r.next_at = d(e.due);
        if (e.ag !== undefined || e.tm !== undefined) {
          r.assigned_agent_id = e.ag ?? null;
          r.assigned_team_id = e.tm ?? null;
          r.assign = true;
          assignments.push({ campaignId: e.c, leadId: e.l, agentId: e.ag ?? null, teamId: e.tm ?? null, reason: e.why });
        }
        continue;
      }
      const key = `${e.c}\u0000${e.l}\u0000${e.n}`;
      if (e.k === 'dial') {
        const a: Att = { campaign_id: e.c, lead_id: e.l, attempt: e.n, call_id: e.callId, phone: e.phone, result: e.result, dialed_at: d(e.at), offer: e.offer ?? null };
        const p = partial.get(key);
        if (p) Object.assign(a, Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)));
        partial.delete(key);
        full.set(key, a);
        const r = leadRow(e.c, e.l);
        Object.assign(r, { status: e.st, attempts: e.n, next_at: d(e.due), last_result: e.result });
        continue;
      }
      const a = full.get(key) ?? partial.get(key) ?? (partial.set(key, { campaign_id: e.c, lead_id: e.l, attempt: e.n }).get(key) as Att);
      const r = leadRow(e.c, e.l);
      if (e.k === 'answer') {
        a.connection = 'answered';
        a.agent_id = e.agent;
      } else if (e.k === 'drop') {
        a.connection = 'dropped';
        a.ended_at = d(e.at);
        Object.assign(r, { status: e.st, attempts: e.n, next_at: d(e.due) });
      } else if (e.k === 'ended') {
        a.ended_at = d(e.at);
        Object.assign(r, { status: e.st, attempts: e.n });
      } else if (e.k === 'outcome') {
        if (e.disposition !== undefined) a.disposition = e.disposition;
        if (e.revenue !== undefined) a.revenue = e.revenue;
        if (e.agent) a.agent_id = e.agent;
        Object.assign(r, { status: e.st, attempts: e.n, next_at: d(e.due), last_disposition: e.disposition ?? null });
      }
    }
    await this.db.transaction(async (tx) => {
      const fulls = [...full.values()];
      for (let i = 0; i < fulls.length; i += 5000) {
        const json = JSON.stringify(fulls.slice(i, i + 5000));
        await tx.execute(sql`insert into campaign_attempts (campaign_id, lead_id, attempt, call_id, phone, result, dialed_at, connection, agent_id, team_id, disposition, revenue, offer, ended_at)
          select campaign_id, lead_id, attempt, call_id, phone, result, dialed_at, connection, agent_id, team_id, disposition, revenue, offer, ended_at
          from json_populate_recordset(null::campaign_attempts, ${json}::json)
          on conflict (campaign_id, lead_id, attempt) do update set
            connection = coalesce(excluded.connection, campaign_attempts.connection),
            agent_id = coalesce(excluded.agent_id, campaign_attempts.agent_id),
            disposition = coalesce(excluded.disposition, campaign_attempts.disposition),
            revenue = coalesce(excluded.revenue, campaign_attempts.revenue),
            ended_at = coalesce(excluded.ended_at, campaign_attempts.ended_at)`);
      }
      const parts = [...partial.values()];
      if (parts.length) {
        await tx.execute(sql`update campaign_attempts a set
            connection = coalesce(x.connection, a.connection), agent_id = coalesce(x.agent_id, a.agent_id),
            disposition = coalesce(x.disposition, a.disposition), revenue = coalesce(x.revenue, a.revenue), ended_at = coalesce(x.ended_at, a.ended_at)
          from json_to_recordset(${JSON.stringify(parts)}::json) as x(campaign_id text, lead_id text, attempt int, connection text, agent_id text, disposition text, revenue float8, ended_at timestamptz)
          where a.campaign_id = x.campaign_id and a.lead_id = x.lead_id and a.attempt = x.attempt`);
      }
      const ls = [...leads.values()];
      for (let i = 0; i < ls.length; i += 5000) {
        await tx.execute(sql`update leads l set
            status = coalesce(x.status, l.status), attempts = coalesce(x.attempts, l.attempts),
            next_at = case when x.status is null then l.next_at else x.next_at end,
            last_result = coalesce(x.last_result, l.last_result), last_disposition = coalesce(x.last_disposition, l.last_disposition),
            assigned_agent_id = case when x.assign then x.assigned_agent_id else l.assigned_agent_id end,
            assigned_team_id = case when x.assign then x.assigned_team_id else l.assigned_team_id end,
            updated_at = now()
          from json_to_recordset(${JSON.stringify(ls.slice(i, i + 5000))}::json) as x(campaign_id text, id text, status text, attempts int, next_at timestamptz, last_result text, last_disposition text, assigned_agent_id text, assigned_team_id text, assign boolean)
          where l.campaign_id = x.campaign_id and l.id = x.id`);
      }
      if (assignments.length) await tx.insert(t.leadAssignments).values(assignments);
    });
  }

  /** The final state of a finished campaign's leads, from Redis (which is ahead of the attempt log's rows). */
  async saveLeadStates(campaignId: string, rows: readonly { id: string; status: string; attempts: number; next_at: string | null; last_result: string | null; assigned_agent_id: string | null; assigned_team_id: string | null }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 5000) {
      await this.db.execute(sql`update leads l set
          status = x.status, attempts = x.attempts, next_at = x.next_at,
          last_result = coalesce(x.last_result, l.last_result),
          assigned_agent_id = x.assigned_agent_id, assigned_team_id = x.assigned_team_id, updated_at = now()
        from json_to_recordset(${JSON.stringify(rows.slice(i, i + 5000))}::json) as x(id text, status text, attempts int, next_at timestamptz, last_result text, assigned_agent_id text, assigned_team_id text)
        where l.campaign_id = ${campaignId} and l.id = x.id
          and (l.status is distinct from x.status or l.attempts is distinct from x.attempts or l.next_at is distinct from x.next_at
            or l.assigned_agent_id is distinct from x.assigned_agent_id or l.assigned_team_id is distinct from x.assigned_team_id
            or (x.last_result is not null and l.last_result is distinct from x.last_result))`);
    }
  }

  // -------------------------------------------------------------------------------------- DNC
  async addDnc(scope: string, phones: readonly string[], reason: string | null, by: string | null): Promise<void> {
    if (!phones.length) return;
    await this.db
      .insert(t.doNotCall)
      .values(phones.map((phone) => ({ scope, phone, reason, addedBy: by })))
      .onConflictDoNothing();
  }
  async removeDnc(scope: string, phone: string): Promise<void> {
    await this.db.delete(t.doNotCall).where(and(eq(t.doNotCall.scope, scope), eq(t.doNotCall.phone, phone)));
  }
  async dnc(scope?: string): Promise<{ scope: string; phone: string }[]> {
    const q = this.db.select({ scope: t.doNotCall.scope, phone: t.doNotCall.phone }).from(t.doNotCall);
    return scope ? q.where(eq(t.doNotCall.scope, scope)) : q;
  }

  /** Which of `callIds` are recorded attempts (of any campaign: a call id is unique). */
  attemptCallIds(callIds: readonly string[]): Promise<string[]> {
    return inChunks(callIds, async (part) => (await this.db.select({ v: t.campaignAttempts.callId }).from(t.campaignAttempts).where(inArray(t.campaignAttempts.callId, part))).map((r) => r.v));
  }
  /** Which of `phones` (E.164) are leads of the campaign. */
  leadPhones(campaignId: string, phones: readonly string[]): Promise<string[]> {
    return inChunks(phones, async (part) => (await this.db.select({ v: t.leads.phone }).from(t.leads).where(and(eq(t.leads.campaignId, campaignId), inArray(t.leads.phone, part)))).map((r) => r.v));
  }

  /**
   * Leads, their attempts as they ended (a demo's past days) and their survey answers, in one transaction
   * (a call recorded has its answers); rows already there are kept.
   */
  async addPastDials(leads: readonly (typeof t.leads.$inferInsert)[], attempts: readonly (typeof t.campaignAttempts.$inferInsert)[], answers: readonly (typeof t.surveyAnswers.$inferInsert)[] = []): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < leads.length; i += 1000) await tx.insert(t.leads).values(leads.slice(i, i + 1000)).onConflictDoNothing();
      for (let i = 0; i < attempts.length; i += 1000) await tx.insert(t.campaignAttempts).values(attempts.slice(i, i + 1000)).onConflictDoNothing();
      for (let i = 0; i < answers.length; i += 1000) await tx.insert(t.surveyAnswers).values(answers.slice(i, i + 1000)).onConflictDoNothing();
    });
  }

  // ----------------------------------------------------------------------------------- surveys
  async addAnswers(rows: (typeof t.surveyAnswers.$inferInsert)[]): Promise<number> {
    if (!rows.length) return 0;
    const r = await this.db.insert(t.surveyAnswers).values(rows).onConflictDoNothing().returning({ id: t.surveyAnswers.id });
    return r.length;
  }
  async answers(campaignId: string): Promise<(typeof t.surveyAnswers.$inferSelect)[]> {
    return this.db.select().from(t.surveyAnswers).where(eq(t.surveyAnswers.campaignId, campaignId)).orderBy(asc(t.surveyAnswers.answeredAt));
  }

  /**
   * Surveys sent and answered as the CX report counts them (metrics.md `surveyResponseRatePct`, one meaning
   * everywhere): the customers the campaign dialed, and of them those who answered its survey.
   */
  async surveyReach(campaignId: string): Promise<{ sent: number; answered: number }> {
    const [r] = rowsOf<{ sent: string | number; answered: string | number }>(
      await this.db.execute(sql`with sent as (
          select distinct l.customer_id from campaign_attempts a
            join leads l on l.campaign_id = a.campaign_id and l.id = a.lead_id
          where a.campaign_id = ${campaignId}
        ), answered as (select distinct customer_id from survey_answers where campaign_id = ${campaignId})
        select (select count(*) from sent) as sent,
               (select count(*) from sent s join answered x on x.customer_id = s.customer_id) as answered`),
    );
    return { sent: Number(r?.sent ?? 0), answered: Number(r?.answered ?? 0) };
  }

  // ----------------------------------------------------------------------------------- imports
  async createImport(campaignId: string, fileName: string | null, bytesTotal: number | null): Promise<number> {
    const [r] = await this.db.insert(t.leadImports).values({ campaignId, fileName, bytesTotal }).returning({ id: t.leadImports.id });
    return r!.id;
  }
  async updateImport(id: number, p: Partial<typeof t.leadImports.$inferInsert>): Promise<void> {
    await this.db.update(t.leadImports).set(p).where(eq(t.leadImports.id, id));
  }
  async getImport(id: number): Promise<typeof t.leadImports.$inferSelect | undefined> {
    const [r] = await this.db.select().from(t.leadImports).where(eq(t.leadImports.id, id));
    return r;
  }

  // ----------------------------------------------------------------------------------- results
  /** Outcomes per agent with the success dispositions counted (conversion by agent and team). */
  async outcomesByAgent(campaignId: string, success: readonly string[]): Promise<{ agentId: string; answered: number; handled: number; conversions: number; revenue: number }[]> {
    const rows = rowsOf<{ agent_id: string; answered: string | number; handled: string | number; conv: string | number; rev: number | string | null }>(
      await this.db.execute(sql`select agent_id, count(*) as answered, count(disposition) as handled,
          count(*) filter (where disposition in (select jsonb_array_elements_text(${JSON.stringify(success)}::jsonb))) as conv,
          coalesce(sum(revenue), 0) as rev
        from campaign_attempts where campaign_id = ${campaignId} and agent_id is not null group by agent_id order by agent_id`),
    );
    return rows.map((r) => ({ agentId: r.agent_id, answered: Number(r.answered), handled: Number(r.handled), conversions: Number(r.conv), revenue: Number(r.rev ?? 0) }));
  }
}

/**
 * Outbound campaigns (issue 5): campaigns, their leads and lead assignments, dial attempts, do-not-call
 * lists, survey questions and answers, lead imports. Written by `queue-workers/src/campaigns`.
 *
 * The database is the system of record; a running campaign's scheduling state (which lead is due when)
 * lives in Redis for speed and is written back here in batches by the campaign persister
 * (docs/CAMPAIGNS.md). Attempts are keyed by (campaign, lead, attempt): the dial's idempotency key.
 *
 * `survey_answers` is read by the reports area for NPS / CSAT: one row per answered question, with the
 * question's kind, the numeric score (NPS 0-10, CSAT 1-5, yes/no 1/0) or the free text.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const campaigns = pgTable(
  'campaigns',
  {
    siteId: text('site_id').notNull(),
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** `telesales` | `survey`. */
    type: text('type').notNull(),
    /** The hub queue connected calls enter (an outbound queue of the site). */
    queueId: text('queue_id').notNull(),
    /** `draft` | `running` | `paused` | `stopped` | `completed`. */
    status: text('status').notNull().default('draft'),
    /** `preview` | `progressive` | `predictive`. */
    dialingMode: text('dialing_mode').notNull().default('progressive'),
    /** 1 highest .. 10; also the priority of the connected call in the hub queue. */
    priority: integer('priority').notNull().default(5),
    maxAttempts: integer('max_attempts').notNull().default(3),
    startAt: ts('start_at'),
    endAt: ts('end_at'),
    /** What the agent reads (shown with the lead). */
    script: text('script').notNull().default(''),
    /** The rest of the campaign settings (`CampaignSettings`: windows, retry rules, pacing, quota, teams, carrier). */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('campaigns_type', sql`${t.type} in ('telesales', 'survey')`),
    check('campaigns_status', sql`${t.status} in ('draft', 'running', 'paused', 'stopped', 'completed')`),
    check('campaigns_mode', sql`${t.dialingMode} in ('preview', 'progressive', 'predictive')`),
    index('campaigns_site').on(t.siteId),
  ],
);

export const leads = pgTable(
  'leads',
  {
    campaignId: text('campaign_id').notNull(),
    id: text('id').notNull(),
    /** E.164 (`+84901234567`); unique per campaign: duplicates are merged on import. */
    phone: text('phone').notNull(),
    name: text('name'),
    /** A stable customer key across campaigns (the CRM's id, else the phone number). */
    customerId: text('customer_id').notNull(),
    /** IANA zone of the callee: call windows are in their local time. */
    timeZone: text('time_zone').notNull(),
    segment: text('segment'),
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default({}),
    /** `pending` | `retry` | `dialing` | `connected` | `done` | `exhausted` | `dnc` | `invalid` | `quota`. */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAt: ts('next_at'),
    lastResult: text('last_result'),
    lastDisposition: text('last_disposition'),
    assignedAgentId: text('assigned_agent_id'),
    assignedTeamId: text('assigned_team_id'),
    importId: bigint('import_id', { mode: 'number' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.id] }),
    uniqueIndex('leads_campaign_phone').on(t.campaignId, t.phone),
    index('leads_campaign_status').on(t.campaignId, t.status),
    index('leads_customer').on(t.customerId),
  ],
);

/** Assignment history: who a lead was given to, when and why (`import`, `manual`, `renewal`, `absent`). */
export const leadAssignments = pgTable(
  'lead_assignments',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    campaignId: text('campaign_id').notNull(),
    leadId: text('lead_id').notNull(),
    agentId: text('agent_id'),
    teamId: text('team_id'),
    reason: text('reason').notNull(),
    assignedBy: text('assigned_by'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('lead_assignments_lead').on(t.campaignId, t.leadId)],
);

/** One dial attempt; (campaign, lead, attempt) is the idempotency key of the dial. */
export const campaignAttempts = pgTable(
  'campaign_attempts',
  {
    campaignId: text('campaign_id').notNull(),
    leadId: text('lead_id').notNull(),
    attempt: integer('attempt').notNull(),
    /** The call id sent to the hub (`call.dialed` / `call.offered`). */
    callId: text('call_id').notNull(),
    phone: text('phone').notNull(),
    /** Network result: `connected` | `busy` | `no_answer` | `voicemail` | `failed` | `invalid`. */
    result: text('result').notNull(),
    dialedAt: ts('dialed_at').notNull(),
    /** Connected calls: `answered` (an agent took it), `dropped` (nobody in time), null while waiting. */
    connection: text('connection'),
    agentId: text('agent_id'),
    teamId: text('team_id'),
    disposition: text('disposition'),
    revenue: doublePrecision('revenue'),
    /** What was offered on a proactive contact (holiday greeting, birthday offer...). */
    offer: text('offer'),
    endedAt: ts('ended_at'),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.leadId, t.attempt] }),
    uniqueIndex('campaign_attempts_call').on(t.callId),
    index('campaign_attempts_campaign_dialed').on(t.campaignId, t.dialedAt),
  ],
);

/** Do-not-call numbers: `scope` is `global` or a campaign id. Checked right before every dial. */
export const doNotCall = pgTable(
  'do_not_call',
  {
    scope: text('scope').notNull(),
    phone: text('phone').notNull(),
    reason: text('reason'),
    addedBy: text('added_by'),
    addedAt: ts('added_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.phone] })],
);

export const surveyQuestions = pgTable(
  'survey_questions',
  {
    campaignId: text('campaign_id').notNull(),
    id: text('id').notNull(),
    position: integer('position').notNull(),
    /** `nps` (0-10) | `csat` (1-5) | `yes_no` | `text`. */
    kind: text('kind').notNull(),
    text: text('text').notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.id] }), check('survey_questions_kind', sql`${t.kind} in ('nps', 'csat', 'yes_no', 'text')`)],
);

/** One answered question. NPS/CSAT for the reports: `kind` + `score`; free text in `text`. */
export const surveyAnswers = pgTable(
  'survey_answers',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    campaignId: text('campaign_id').notNull(),
    leadId: text('lead_id'),
    customerId: text('customer_id').notNull(),
    /** The call surveyed (the survey call, or the inbound call of a post-call survey). */
    callId: text('call_id'),
    /** Inbound queue of a post-call survey. */
    queueId: text('queue_id'),
    segment: text('segment'),
    questionId: text('question_id').notNull(),
    kind: text('kind').notNull(),
    /** NPS 0-10, CSAT 1-5, yes/no as 1/0; null for free text. */
    score: doublePrecision('score'),
    text: text('text'),
    answeredAt: ts('answered_at').notNull(),
  },
  (t) => [
    uniqueIndex('survey_answers_once').on(t.campaignId, t.customerId, t.callId, t.questionId),
    index('survey_answers_campaign_at').on(t.campaignId, t.answeredAt),
    index('survey_answers_kind_at').on(t.kind, t.answeredAt),
    // NPS counts a call's score from the call only when the call has no answer of its own (`not exists` by call).
    index('survey_answers_call').on(t.callId),
  ],
);

/** One lead-list import: progress and the row-level error report. */
export const leadImports = pgTable(
  'lead_imports',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    campaignId: text('campaign_id').notNull(),
    fileName: text('file_name'),
    /** `running` | `done` | `failed`. */
    status: text('status').notNull().default('running'),
    bytesTotal: bigint('bytes_total', { mode: 'number' }),
    bytesRead: bigint('bytes_read', { mode: 'number' }).notNull().default(0),
    rowsRead: integer('rows_read').notNull().default(0),
    inserted: integer('inserted').notNull().default(0),
    merged: integer('merged').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    /** The first 1,000 bad rows: `{ row, reason, value }`. */
    errors: jsonb('errors').$type<{ row: number; reason: string; value?: string }[]>().notNull().default([]),
    startedAt: ts('started_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('lead_imports_campaign').on(t.campaignId)],
);

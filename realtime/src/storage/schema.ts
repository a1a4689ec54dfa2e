/**
 * The database schema (PostgreSQL; PGlite runs the same SQL). Source of truth for the migrations:
 * after changing it, run `npx drizzle-kit generate --config realtime/src/storage/drizzle.config.ts`
 * and commit the new file in `migrations/` (docs/DATABASE.md).
 *
 * Two kinds of tables:
 * - dimensions (sites, queues, teams, agents, agent_skills, users): small, edited, with foreign keys;
 * - history (calls, agent_state_history, interval_aggregates): large, append-mostly, keyed by the ids the
 *   event log uses. They have no foreign keys on purpose: a history row derived from the log is never
 *   refused because a dimension row is missing (the writer and the importer add missing dimension rows
 *   in the same transaction, so joins still find names).
 *
 * Every row belongs to a site (`site_id`), so one database can hold the live site and imported data
 * sets side by side. Times are `timestamptz` with millisecond precision (event times are epoch ms).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

// ------------------------------------------------------------------------------------ dimensions

export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** IANA zone for days, intervals and call windows. */
  timeZone: text('time_zone').notNull(),
  locale: text('locale').notNull().default('vi'),
  intervalMin: integer('interval_min').notNull().default(15),
  /** Site-wide metric parameters (`MetricParams`). */
  params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

export const queues = pgTable(
  'queues',
  {
    siteId: text('site_id').notNull().references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    nameVi: text('name_vi'),
    direction: text('direction').notNull().default('inbound'),
    priority: integer('priority').notNull().default(5),
    routing: text('routing').notNull().default('observe'),
    wrapupSec: integer('wrapup_sec').notNull().default(0),
    /** Minimum skill levels (`{ skill: level }`). */
    skills: jsonb('skills').$type<Record<string, number>>().notNull().default({}),
    /** Per-queue overrides of the site's metric parameters. */
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] }), check('queues_direction', sql`${t.direction} in ('inbound', 'outbound')`)],
);

export const teams = pgTable(
  'teams',
  {
    siteId: text('site_id').notNull().references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    leadUserId: text('lead_user_id'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] })],
);

export const agents = pgTable(
  'agents',
  {
    siteId: text('site_id').notNull().references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    teamId: text('team_id'),
    /** Queues the agent serves (configured membership). */
    queues: text('queues').array().notNull().default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.id] }),
    // MATCH SIMPLE: an agent without a team is allowed. (No `on delete set null`: on a composite key it
    // would null site_id too; a team is removed by moving its agents first.)
    foreignKey({ columns: [t.siteId, t.teamId], foreignColumns: [teams.siteId, teams.id], name: 'agents_team_fk' }),
  ],
);

export const agentSkills = pgTable(
  'agent_skills',
  {
    siteId: text('site_id').notNull(),
    agentId: text('agent_id').notNull(),
    skill: text('skill').notNull(),
    level: integer('level').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.agentId, t.skill] }),
    foreignKey({ columns: [t.siteId, t.agentId], foreignColumns: [agents.siteId, agents.id], name: 'agent_skills_agent_fk' }).onDelete('cascade'),
    check('agent_skills_level', sql`${t.level} between 1 and 10`),
  ],
);

/** Roles of issue 3 (`qa` and the telephony service account included). */
export const USER_ROLES = ['admin', 'supervisor', 'team_lead', 'agent', 'qa', 'telephony'] as const;

export const users = pgTable(
  'users',
  {
    siteId: text('site_id').notNull().references(() => sites.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    /** The agent this user is (role `agent`). */
    agentId: text('agent_id'),
    /** Team scopes: a team lead acts only on these teams. */
    teamIds: text('team_ids').array().notNull().default(sql`'{}'::text[]`),
    /** argon2id hash (PHC string); null until a password is set. Never a plain password. */
    passwordHash: text('password_hash'),
    /** Set: the user may not log in and every session is revoked. Grants: `user_access` (schema.accounts.ts). */
    disabledAt: ts('disabled_at'),
    /**
     * Tokens carry the version they were issued under; a revocation increments it, so every older
     * token is refused (mirrored in Redis for the hubs, restored from here at start).
     */
    tokenVersion: integer('token_version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.id] }),
    check('users_role', sql.raw(`role in (${USER_ROLES.map((r) => `'${r}'`).join(', ')})`)),
  ],
);

// --------------------------------------------------------------------------------------- history

/** Call results (`CallState.result`); null while the call is live. */
export const CALL_RESULTS = ['answered', 'abandoned', 'rejected', 'transferred'] as const;

/**
 * The call detail record: one row per call, written when the call is offered and updated as it
 * progresses (the writer upserts the latest state of every call an event touched).
 */
export const calls = pgTable(
  'calls',
  {
    siteId: text('site_id').notNull(),
    id: text('id').notNull(),
    /** The queue the call was first offered to (metrics attribute the call there). */
    queueId: text('queue_id').notNull(),
    /** The queue it is in or ended in (differs after an overflow or a transfer to a queue). */
    lastQueueId: text('last_queue_id').notNull(),
    /** Every queue the call passed through, first = `queue_id`. */
    path: text('path').array().notNull(),
    direction: text('direction').notNull(),
    /** `waiting`, `offering`, `connected`, `held`, `wrapup` while live; `done` once complete. */
    status: text('status').notNull(),
    result: text('result'),
    priority: integer('priority').notNull().default(5),
    offeredAt: ts('offered_at').notNull(),
    /** When the call entered `last_queue_id`. */
    enteredAt: ts('entered_at').notNull(),
    answeredAt: ts('answered_at'),
    abandonedAt: ts('abandoned_at'),
    endedAt: ts('ended_at'),
    wrapEndAt: ts('wrap_end_at'),
    /** Wait in the last queue until answered or abandoned. */
    waitMs: bigint('wait_ms', { mode: 'number' }),
    /** Talk + hold + wrap-up of every agent segment (set when the wrap-up ends). */
    handleMs: bigint('handle_ms', { mode: 'number' }),
    holdMs: bigint('hold_ms', { mode: 'number' }).notNull().default(0),
    agentId: text('agent_id'),
    teamId: text('team_id'),
    transfers: integer('transfers').notNull().default(0),
    /**
     * The agents who had the call before a transfer (to another agent or a line), oldest first (`agent_id`
     * is the one it went to, once answered again). Empty on rows written before it was kept (migration 0007).
     */
    previousAgentIds: text('previous_agent_ids').array().notNull().default(sql`'{}'::text[]`),
    missedOffers: integer('missed_offers').notNull().default(0),
    endedBy: text('ended_by'),
    disposition: text('disposition'),
    notes: text('notes'),
    revenue: doublePrecision('revenue'),
    surveyScore: real('survey_score'),
    campaignId: text('campaign_id'),
    leadId: text('lead_id'),
    /** Caller number (masked on display for roles that do not need it). */
    fromNumber: text('from_number'),
    toNumber: text('to_number'),
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    attributes: jsonb('attributes').$type<Record<string, string>>(),
    /**
     * The customer, for retention and lifetime value: the source's `attributes.customerId` when it gives
     * one, else an opaque id derived from the caller's E.164 number (`tel:` + a hash; never the number).
     */
    customerId: text('customer_id'),
    /** Where the row came from: `live` (the event log), `anonymous-bank`, `pwc`, `ndjson`. */
    source: text('source').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.id] }),
    index('calls_site_offered').on(t.siteId, t.offeredAt),
    index('calls_site_queue_offered').on(t.siteId, t.queueId, t.offeredAt),
    index('calls_site_agent_offered').on(t.siteId, t.agentId, t.offeredAt),
    index('calls_site_customer_offered').on(t.siteId, t.customerId, t.offeredAt),
    check('calls_direction', sql`${t.direction} in ('inbound', 'outbound')`),
    check('calls_result', sql.raw(`result is null or result in (${CALL_RESULTS.map((r) => `'${r}'`).join(', ')})`)),
  ],
);

/**
 * Agent state history: one row per state the agent was in, `[from_at, to_at)`; `to_at` is null for
 * the state the agent is in now. States as the hub names them (`available`, `reserved`, `onCall`,
 * `wrapup`, `break`, `notReady`, `offline`); `reason` is the break or not-ready reason.
 */
export const agentStateHistory = pgTable(
  'agent_state_history',
  {
    siteId: text('site_id').notNull(),
    agentId: text('agent_id').notNull(),
    fromAt: ts('from_at').notNull(),
    toAt: ts('to_at'),
    state: text('state').notNull(),
    reason: text('reason'),
    teamId: text('team_id'),
    source: text('source').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.agentId, t.fromAt] }), index('agent_state_history_site_from').on(t.siteId, t.fromAt)],
);

/**
 * Counters per scope and report interval: the metric engine's own `Counters` buckets, written by the
 * record writer and the importer as they apply events with the hub's `evolve` (jsonb, so a new counter
 * needs no migration). Scope: `site` (scope_id ''), `queue`, `team`, `agent`, `campaign`. `staffed`: the
 * agents of the scope staffed at some time in the interval (the denominator of `volumePerAgent` is the
 * union over the report's intervals). Reports sum these rows and derive with `deriveMetrics`.
 */
export const intervalAggregates = pgTable(
  'interval_aggregates',
  {
    siteId: text('site_id').notNull(),
    scope: text('scope').notNull(),
    scopeId: text('scope_id').notNull().default(''),
    intervalStart: ts('interval_start').notNull(),
    intervalMin: integer('interval_min').notNull(),
    counters: jsonb('counters').$type<Record<string, number>>().notNull(),
    staffed: text('staffed').array().notNull().default(sql`'{}'::text[]`),
    /** When the counters last changed. */
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.scope, t.scopeId, t.intervalMin, t.intervalStart] }),
    index('interval_aggregates_site_start').on(t.siteId, t.intervalStart),
    check('interval_aggregates_scope', sql`${t.scope} in ('site', 'queue', 'team', 'agent', 'campaign')`),
  ],
);

// ------------------------------------------------------------------------------- stubs for later

export const COMPLAINT_STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] as const;
export const COMPLAINT_CHANNELS = ['wrapup', 'survey', 'form'] as const;

/**
 * Complaints (`realtime/src/complaints`): intake from an agent's wrap-up, a low survey score or a form;
 * category -> department routing; an SLA due time counted in business hours (paused while waiting on
 * the customer); status flow and reopen. The history of each complaint is in `complaint_events`.
 */
export const complaints = pgTable(
  'complaints',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    siteId: text('site_id').notNull(),
    callId: text('call_id'),
    agentId: text('agent_id'),
    queueId: text('queue_id'),
    teamId: text('team_id'),
    campaignId: text('campaign_id'),
    /** `wrapup`, `survey`, `form`. */
    channel: text('channel').notNull(),
    category: text('category'),
    department: text('department'),
    /** `normal` or `high`. */
    priority: text('priority').notNull().default('normal'),
    status: text('status').notNull().default('open'),
    rootCause: text('root_cause'),
    description: text('description'),
    /** Who complained: a customer reference (never a raw phone number in reports). */
    customerRef: text('customer_ref'),
    surveyScore: real('survey_score'),
    openedAt: ts('opened_at').notNull().defaultNow(),
    /** The SLA: this many business minutes from `opened_at`, moved later by time waiting on the customer. */
    slaBusinessMin: integer('sla_business_min'),
    dueAt: ts('due_at'),
    /** Set while the status is `waiting_on_customer` (the SLA clock is stopped). */
    pausedAt: ts('paused_at'),
    resolvedAt: ts('resolved_at'),
    closedAt: ts('closed_at'),
    reopenCount: integer('reopen_count').notNull().default(0),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    /** Idempotency key of automatic intake (`survey:{callId}`, `wrapup:{callId}`): one complaint per source. */
    sourceKey: text('source_key'),
  },
  (t) => [
    index('complaints_site_status').on(t.siteId, t.status),
    index('complaints_site_opened').on(t.siteId, t.openedAt),
    uniqueIndex('complaints_site_source_key').on(t.siteId, t.sourceKey),
    check('complaints_status', sql.raw(`status in (${COMPLAINT_STATUSES.map((s) => `'${s}'`).join(', ')})`)),
    check('complaints_channel', sql.raw(`channel in (${COMPLAINT_CHANNELS.map((s) => `'${s}'`).join(', ')})`)),
  ],
);

/**
 * Audit log: who did what, when, from where, before/after, one hash chain per site. `hash` = SHA-256
 * over the row's canonical JSON, which includes `seq` and `prev_hash` (the previous row's hash), so
 * editing, inserting or deleting a row breaks the chain from there on (`npm run audit:verify`,
 * realtime/src/accounts/audit-chain.ts).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    siteId: text('site_id').notNull(),
    /** Position in the site's chain: 1, 2, 3... without gaps. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: ts('at').notNull().defaultNow(),
    actorUserId: text('actor_user_id'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    /** `ok`, or why it was refused (`forbidden`, `invalid`, `conflict`, `not_found`, `unauthorized`). */
    outcome: text('outcome').notNull().default('ok'),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /** Client address (never a phone number). */
    fromAddress: text('from_address'),
    before: jsonb('before'),
    after: jsonb('after'),
    prevHash: text('prev_hash'),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_log_hash').on(t.hash),
    uniqueIndex('audit_log_site_seq').on(t.siteId, t.seq),
    index('audit_log_site_at').on(t.siteId, t.at),
    index('audit_log_site_actor').on(t.siteId, t.actorUserId, t.at),
    index('audit_log_site_action').on(t.siteId, t.action, t.at),
  ],
);

// ----------------------------------------------------------------------------------- bookkeeping

/** One row per imported file and run (`npm run import`). */
export const importRuns = pgTable(
  'import_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    siteId: text('site_id').notNull(),
    /** `anonymous-bank`, `pwc`, `ndjson`. */
    format: text('format').notNull(),
    path: text('path').notNull(),
    fileSha256: text('file_sha256').notNull(),
    fileBytes: bigint('file_bytes', { mode: 'number' }).notNull(),
    status: text('status').notNull().default('running'),
    startedAt: ts('started_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
    rowsRead: integer('rows_read').notNull().default(0),
    rowsImported: integer('rows_imported').notNull().default(0),
    rowsSkipped: integer('rows_skipped').notNull().default(0),
    /** Rows skipped, by reason. */
    skipped: jsonb('skipped').$type<Record<string, number>>().notNull().default({}),
    /** Rows kept with a decision, by quirk. */
    quirks: jsonb('quirks').$type<Record<string, number>>().notNull().default({}),
    callsInserted: integer('calls_inserted').notNull().default(0),
    callsUpdated: integer('calls_updated').notNull().default(0),
    callsUnchanged: integer('calls_unchanged').notNull().default(0),
    stateRows: integer('state_rows').notNull().default(0),
    error: text('error'),
  },
  (t) => [check('import_runs_status', sql`${t.status} in ('running', 'done', 'failed')`), index('import_runs_sha').on(t.fileSha256)],
);

/**
 * The record writer's position in each event-log stream, committed in the same transaction as the
 * rows it derived, so a restart resumes exactly after the last committed entry.
 */
export const streamPositions = pgTable('stream_positions', {
  streamKey: text('stream_key').primaryKey(),
  siteId: text('site_id').notNull(),
  /** Last stream entry id whose rows are committed (`0-0`: none). */
  lastId: text('last_id').notNull(),
  entries: bigint('entries', { mode: 'number' }).notNull().default(0),
  events: bigint('events', { mode: 'number' }).notNull().default(0),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

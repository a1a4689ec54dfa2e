/**
 * Tables of the reports and complaints areas (`realtime/src/reports`, `realtime/src/complaints`):
 * report targets and forecasts, stored report runs, complaint routing (category -> department and
 * SLA), root-cause codes, business hours, and each complaint's history. Dimensions-like and small;
 * the history they report on is in `schema.ts` (`interval_aggregates`, `calls`, `complaints`).
 */
import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const REPORT_SCOPES = ['site', 'queue', 'team', 'agent', 'campaign'] as const;

/**
 * Targets a report compares against (`serviceLevelPct` >= 80, `ahtSec` <= 300, ...). `scope_id` '' is
 * the default for every id of the scope. The row with the latest `valid_from` on or before the
 * reported day applies, so changing a target never rewrites history.
 */
export const reportTargets = pgTable(
  'report_targets',
  {
    siteId: text('site_id').notNull(),
    scope: text('scope').notNull(),
    scopeId: text('scope_id').notNull().default(''),
    metric: text('metric').notNull(),
    /** `min`: the actual must be at least the target; `max`: at most. */
    kind: text('kind').notNull(),
    target: doublePrecision('target').notNull(),
    /** Site-local date `YYYY-MM-DD`. */
    validFrom: text('valid_from').notNull().default('1970-01-01'),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.scope, t.scopeId, t.metric, t.validFrom] }),
    check('report_targets_kind', sql`${t.kind} in ('min', 'max')`),
  ],
);

/**
 * The versions of the metric parameters (the hub's `params.version` events, written by the record writer):
 * the site's and each line's T, S, SL goal and basis from `at` on. Reports derive a day with the version
 * in force then (metrics.md: never applied silently to history).
 */
export const metricParamVersions = pgTable(
  'metric_param_versions',
  {
    siteId: text('site_id').notNull(),
    at: ts('at').notNull(),
    site: jsonb('site').$type<Record<string, unknown>>().notNull(),
    queues: jsonb('queues').$type<Record<string, Record<string, unknown>>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.at] })],
);

/** Forecast per scope and site-local day: calls expected, handle time expected, agents scheduled. */
export const reportForecasts = pgTable(
  'report_forecasts',
  {
    siteId: text('site_id').notNull(),
    scope: text('scope').notNull(),
    scopeId: text('scope_id').notNull().default(''),
    day: text('day').notNull(),
    offered: integer('offered'),
    ahtSec: doublePrecision('aht_sec'),
    /** Agents scheduled to work that day (absent = scheduled − staffed). */
    agents: integer('agents'),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.scope, t.scopeId, t.day] })],
);

/**
 * Reports produced by the scheduler (one row per report; a re-run replaces it): the whole report as
 * jsonb, so the console and the exports show exactly what was produced.
 */
export const reportRuns = pgTable(
  'report_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    siteId: text('site_id').notNull(),
    /** `daily` or `weekly`. */
    kind: text('kind').notNull(),
    scope: text('scope').notNull(),
    scopeId: text('scope_id').notNull().default(''),
    /** First site-local day of the period. */
    period: text('period').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    ms: integer('ms').notNull().default(0),
    report: jsonb('report').notNull(),
  },
  (t) => [uniqueIndex('report_runs_key').on(t.siteId, t.kind, t.scope, t.scopeId, t.period), check('report_runs_kind', sql`${t.kind} in ('daily', 'weekly')`)],
);

/** Complaint routing: category -> department, with the SLA in business hours. */
export const complaintRoutes = pgTable(
  'complaint_routes',
  {
    siteId: text('site_id').notNull(),
    category: text('category').notNull(),
    department: text('department').notNull(),
    slaBusinessMin: integer('sla_business_min').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.category] })],
);

/** Root-cause codes a complaint is resolved with. */
export const complaintRootCauses = pgTable(
  'complaint_root_causes',
  {
    siteId: text('site_id').notNull(),
    code: text('code').notNull(),
    label: text('label').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.code] })],
);

/**
 * Business hours of a site (the complaint SLA clock): per ISO weekday (1 = Monday .. 7 = Sunday) the
 * local opening spans `[["08:00","12:00"],["13:00","17:30"]]`, and holidays (local dates).
 */
export const businessCalendars = pgTable('business_calendars', {
  siteId: text('site_id').primaryKey(),
  timeZone: text('time_zone').notNull(),
  hours: jsonb('hours').$type<Record<string, [string, string][]>>().notNull(),
  holidays: text('holidays').array().notNull().default(sql`'{}'::text[]`),
});

/** Every change of a complaint: opened, status changes, reopen, edits (who, when, from, to). */
export const complaintEvents = pgTable(
  'complaint_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    siteId: text('site_id').notNull(),
    complaintId: bigint('complaint_id', { mode: 'number' }).notNull(),
    at: ts('at').notNull(),
    actor: text('actor'),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
    data: jsonb('data'),
  },
  (t) => [index('complaint_events_complaint').on(t.complaintId, t.at)],
);


/**
 * Wire shapes of the records REST (reports, CX, complaints, users, audit, script tokens): declared once here,
 * used by the hub's routers and imported by the console (`$contracts/records.ts`), never copied.
 */
import { ROOT_CAUSE_NAMES } from './complaint-names.ts';
import type { AccessKind, Role } from './site.ts';

// ---------------------------------------------------------------------------------------------- CX
export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

/** The counts behind the CX KPIs of one scope and period. */
export interface CxCounts {
  nps: NpsCounts;
  csatAnswers: number;
  csatSatisfied: number;
  surveysSent: number;
  surveysAnswered: number;
  complaints: number;
  /** Contacts handled (the metric engine's `handled`). */
  handled: number;
  customersAtStart: number;
  customersAtEnd: number;
  newCustomers: number;
  purchases: number;
  purchaseRevenue: number;
  purchasingCustomers: number;
  /** Purchases in the 365 days up to the period's end: with `customersAtEnd`, the purchases per customer per year. */
  purchasesInYear: number;
  /** Days in the period. */
  days: number;
  contacted: number;
  engaged: number;
  /** From the metric engine: conversions / outbound calls handled. */
  conversionRatePct: number | null;
}

export const CX_KEYS = ['npsScore', 'csatPct', 'surveyResponseRatePct', 'complaintRatePct', 'retentionRatePct', 'customerLifetimeValue', 'engagementRatePct', 'conversionRatePct'] as const;
export type CxKey = (typeof CX_KEYS)[number];
export type CxValues = Record<CxKey, number | null>;

/** `GET /api/v1/reports/cx`. */
export interface CxReportDTO {
  siteId: string;
  scope: string;
  id: string;
  period: { from: string; to: string };
  from: number;
  to: number;
  values: CxValues;
  counts: CxCounts;
  params: { lifespanYears: number; timeZone: string };
  formulas: Record<CxKey, string>;
}

/** `GET /api/v1/reports/cx/series`: the same answer for each day of the period. */
export interface CxSeriesDTO {
  siteId: string;
  scope: string;
  id: string;
  period: { from: string; to: string };
  days: { date: string; values: CxValues; counts: CxCounts }[];
}

// ------------------------------------------------------------------------------------- complaints
/** A complaint category's department and SLA (business minutes). */
export interface ComplaintRoute {
  category: string;
  department: string;
  slaBusinessMin: number;
}

/** Demo routing (a vaccination & clinic hotline); replaced per site by `complaint_routes` rows. The console offers its categories until it has read the site's. */
export const DEFAULT_COMPLAINT_ROUTES: readonly ComplaintRoute[] = [
  { category: 'medical', department: 'medical', slaBusinessMin: 8 * 60 },
  { category: 'vaccine-reaction', department: 'medical', slaBusinessMin: 2 * 60 },
  { category: 'service', department: 'customer-care', slaBusinessMin: 16 * 60 },
  { category: 'billing', department: 'finance', slaBusinessMin: 16 * 60 },
  { category: 'marketing', department: 'marketing', slaBusinessMin: 24 * 60 },
  { category: 'sales', department: 'sales', slaBusinessMin: 16 * 60 },
  { category: 'staff', department: 'hr', slaBusinessMin: 24 * 60 },
  { category: 'stock', department: 'warehouse', slaBusinessMin: 8 * 60 },
  { category: 'product', department: 'product', slaBusinessMin: 40 * 60 },
  { category: 'other', department: 'customer-care', slaBusinessMin: 16 * 60 },
];
/**
 * The root causes a site starts with: the codes of `ROOT_CAUSE_NAMES`, labelled with their English names
 * (the console and the printable report name a code in their language while its label is this one).
 */
export const DEFAULT_COMPLAINT_ROOT_CAUSES: readonly { code: string; label: string }[] = Object.entries(ROOT_CAUSE_NAMES).map(([code, n]) => ({ code, label: n.en }));
export const COMPLAINT_STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** The status flow: the moves allowed from each status (besides reopen from `resolved` or `closed`). */
export const COMPLAINT_NEXT_STATUS: Record<ComplaintStatus, readonly ComplaintStatus[]> = {
  open: ['in_progress', 'waiting_on_customer', 'resolved'],
  in_progress: ['waiting_on_customer', 'resolved'],
  waiting_on_customer: ['in_progress', 'resolved'],
  resolved: ['closed'],
  closed: [],
};

export interface ComplaintDTO {
  id: number;
  siteId: string;
  channel: string;
  category: string | null;
  department: string | null;
  priority: string;
  status: ComplaintStatus;
  rootCause: string | null;
  description: string | null;
  callId: string | null;
  agentId: string | null;
  queueId: string | null;
  teamId: string | null;
  campaignId: string | null;
  customerRef: string | null;
  surveyScore: number | null;
  openedAt: number;
  dueAt: number | null;
  slaBusinessMin: number | null;
  pausedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  reopenCount: number;
  updatedAt: number;
  /** At the time of the answer. */
  sla: 'none' | 'ok' | 'paused' | 'breached';
}

export interface ComplaintEvent {
  at: number;
  actor: string | null;
  /** `opened`, `status`, `reopened`, `edited`, `note`, `assigned`. */
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  /** `assigned`: `{ from, to }`; `opened`: channel, category, department, due time. */
  data: Record<string, unknown> | null;
}

/** The SLA clock at a moment, in business minutes (whole minutes, rounded down). */
export interface SlaClock {
  /** Business minutes left until due (0 when past due); null without an SLA or once resolved. */
  leftMin: number | null;
  /** Business minutes past due (0 when not); for a resolved complaint, how late it was resolved. */
  overdueMin: number | null;
  /** Whether the clock runs now (an active complaint, not waiting on the customer, within business hours). */
  running: boolean;
}

/** `GET /api/v1/complaints/:id`: the complaint, who has it, its SLA clock and its history. */
/** Per department (or, in `byCategory`, per category) figures of a complaints summary. */
export interface ComplaintsSummaryLine {
  /** The department's (or category's) code; `''` for complaints without one. */
  code: string;
  /** Opened in the period. */
  opened: number;
  /** Of those, high priority. */
  high: number;
  /** Resolved in the period (whenever opened). */
  resolved: number;
  /** Of those, with an SLA, and resolved by their due time. */
  withSla: number;
  inSla: number;
  /** `100 · inSla / withSla`; null without resolved complaints under an SLA. */
  slaMetPct: number | null;
  /** Median business hours from opening to resolving, of the ones resolved in the period. */
  medianResolveH: number | null;
  /** Not resolved at the period's end (opened before it ended), and of those past their due time then. */
  backlog: number;
  overdue: number;
}

/**
 * The complaints of a report's period (`ComplaintsService.summary`, the reports' `complaints` section):
 * what came in (by channel, category, department), what was resolved and how fast against the SLA, the
 * root causes found, and what was still open at the end.
 */
export interface ComplaintsSummary {
  total: ComplaintsSummaryLine;
  /** `wrapup`, `survey`, `form` -> opened in the period. */
  byChannel: Record<string, number>;
  byCategory: ComplaintsSummaryLine[];
  byDepartment: ComplaintsSummaryLine[];
  /** Root causes of the complaints resolved in the period, most frequent first. */
  rootCauses: { code: string; label: string; count: number }[];
}

/** `GET /api/v1/complaints`: a complaint of the list, with who has it now (a user id; null: nobody). */
export interface ComplaintListItem extends ComplaintDTO {
  assignee: string | null;
}

/**
 * `GET /api/v1/complaints/config/assignees`: a person a complaint may be given to, so the console offers
 * names rather than user ids (an active user of a role that handles complaints).
 */
export interface ComplaintAssignee {
  id: string;
  name: string;
  role: 'admin' | 'supervisor' | 'team_lead';
  /** Team ids (a team lead handles the complaints of these teams). */
  teams: string[];
}

/**
 * Whether a person may be given a complaint of team `teamId`: only one who may open it, so it never sits
 * with someone who cannot see it. Admins and supervisors take any; a team lead those of their teams.
 * The hub refuses others; the console offers only these.
 */
export const mayHandleComplaint = (p: Pick<ComplaintAssignee, 'role' | 'teams'>, teamId: string | null): boolean =>
  p.role !== 'team_lead' || (teamId !== null && p.teams.includes(teamId));

/**
 * Who complained (`GET /api/v1/complaints/:id`), for the person handling it; null when the complaint
 * names neither a customer nor a call of the records.
 */
export interface ComplaintCustomer {
  /** The customer id: a CRM id, or `tel:` + a hash of the number (never the number). */
  id: string | null;
  /** The number of the complaint's call (the caller; the number dialed for an outbound call), masked (`+8490***4567`) unless the reader may see numbers. */
  number: string | null;
  /** The customer's calls in the 30 days up to the complaint (a customer who called again and again). */
  calls30d: number;
  /** The customer's other complaints, newest first (at most 10). */
  others: { id: number; status: ComplaintStatus; category: string | null; openedAt: number }[];
}

export interface ComplaintDetail extends ComplaintListItem {
  clock: SlaClock;
  events: ComplaintEvent[];
  customer: ComplaintCustomer | null;
}

// ------------------------------------------------------------------------------------ users, audit
/** A user as the admin REST shows it (`GET /api/v1/admin/users`). */
export interface AdminUserDTO {
  id: string;
  name: string;
  role: Role;
  agentId: string | null;
  teamIds: string[];
  access: AccessKind[];
  disabled: boolean;
  disabledAt: string | null;
  hasPassword: boolean;
  tokenVersion: number;
  createdAt: string;
  updatedAt: string;
}

/** One entry of the audit log (`GET /api/v1/admin/audit`). */
export interface AuditEntryDTO {
  seq: number;
  at: string;
  actor: string | null;
  actorRole: string | null;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  from: string | null;
  before: unknown;
  after: unknown;
  prevHash: string | null;
  hash: string;
}

// ------------------------------------------------------------------------------------------ tokens
/** A token minted for a script or an adapter, as the admin REST shows it: never the token itself. */
export interface IssuedTokenDTO {
  jti: string;
  subject: string;
  name: string;
  role: Role;
  agentId: string | null;
  teamIds: string[];
  label: string;
  /** The admin's id, or `cli:<os user>` for `npm run token`. */
  issuedBy: string;
  issuedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

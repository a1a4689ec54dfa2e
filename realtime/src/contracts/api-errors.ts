/**
 * Why a REST request failed, machine-readable: the same design as a command's failure
 * (`command-errors.ts`). Beside the `code` and the English `message` API clients have always had
 * (`ErrorBody`), an answer carries a stable `reason` with its `params` (strings); the message is built
 * here from the two (`apiFail`), so they never disagree. The console words the reason in its language
 * and shows the message for a reason it does not know (a newer hub).
 *
 * Failures without a reason (a body or query that fails its schema) are worded by their `code`; an
 * `invalid` one lists its fields from `details` (`path: zod's message`).
 *
 * A refused Socket.IO connection carries the same reasons: the hub's namespace middlewares set
 * `err.data = { reason, params }` (the client's `connect_error`), beside their English message.
 *
 * Dependency-free: the console imports it.
 */

export interface ApiFailParams {
  // ------------------------------------------------------------ the edge: endpoints, bodies, errors
  /** No route answers the request (an older hub, a typo). `path`: without the query. */
  no_such_endpoint: { method: string; path: string };
  /** `POST /api/v1/events` with a body neither JSON nor NDJSON (`contentType`: the header, or `none`). */
  unsupported_media_type: { contentType: string };
  /** The body is not JSON (`detail`: the parser's English message). */
  bad_json: { detail: string };
  /** The body is over the endpoint's limit (`limit`: bytes). */
  body_too_large: { limit: string };
  /** The hub failed (a bug, a database error): logged on the hub. */
  internal_error: Record<string, never>;
  /** `GET /api/v1/staffing?queue=` of a line the site does not have. */
  unknown_line: { queue: string };
  /** `GET /api/v1/metrics` or `/calls` of a line, team or agent the site does not have. */
  unknown_scope_id: { scope: string; id: string };
  /** The console's server (deployed alone) cannot reach the hub it forwards to (`detail`: fetch's message). */
  hub_unreachable: { detail: string };

  // ------------------------------------------------ credentials (REST 401/503, Socket.IO connect)
  /** No token in the request or the handshake. */
  no_credential: Record<string, never>;
  /** A token that does not verify (`detail`: why, in English: `invalid signature`, `bad claims`...). */
  invalid_credential: { detail: string };
  credential_expired: Record<string, never>;
  /** The user's sessions were revoked (or the account disabled, its role changed) since the token was issued. */
  credential_revoked: Record<string, never>;
  /** This one token (a script's) was revoked. */
  token_revoked: Record<string, never>;
  /** Revocations cannot be checked now (Redis down): retry, do not sign in again. */
  credential_check_unavailable: Record<string, never>;
  /** A role connecting to a Socket.IO namespace of another role (`namespace`: the one to use). */
  wrong_namespace: { role: string; namespace: string };

  // ------------------------------------------------------------------- sign-in, access, storage
  /** The login is refused (unknown user, wrong password, disabled, throttled: one answer for all). */
  wrong_login: Record<string, never>;
  /** The role may not use the endpoint. `action`: the access action (`reports:read`) or `use`; `request`: `GET /api/v1/...`. */
  role_may_not: { role: string; action: string; request: string };
  /** The login's grants (`console`, `phone`, `campaigns`) lack the one the endpoint needs. */
  no_access_grant: { userId: string; grant: string; request: string };
  /** The hub runs without its database (`area`: `complaints`, `reports`). */
  no_database: { area: string };
  /** The campaign workers are not running (no database or no Redis). */
  campaigns_not_running: Record<string, never>;
  /** The campaign service failed (Redis down): try again. */
  campaigns_unavailable: Record<string, never>;

  // ----------------------------------------------------------------------------- complaints
  /** A move the status flow does not allow (`from`, `to`: complaint statuses). */
  complaint_bad_move: { from: string; to: string };
  root_cause_required: Record<string, never>;
  /** `status`: the complaint's, neither `resolved` nor `closed`. */
  complaint_not_reopenable: { status: string };
  unknown_root_cause: { code: string };
  unknown_category: { category: string };
  /** A complaint about a call neither the records nor the hub know (a typo, a made-up id). */
  unknown_call: { callId: string };
  complaint_not_found: { id: string };
  already_assigned: { assignee: string };
  not_assigned: Record<string, never>;
  /** The assignee is not an active admin, supervisor or team lead of the site. */
  unknown_assignee: { assignee: string };
  /** A team lead given a complaint outside their teams (they could not open it). */
  assignee_other_team: { assignee: string };
  /** A team lead (or agent) on a complaint outside their teams (or not theirs). */
  not_your_complaint: Record<string, never>;

  // -------------------------------------------------------------------------------- reports
  /** A team lead asks for a scope outside their teams (`what`: `reports`, `figures`). */
  team_lead_own_teams: { what: string };
  /** A period longer than the endpoint allows (`max` days). */
  range_too_long: { max: string };
  /** A scope other than `site` without its `id`. */
  scope_id_required: { scope: string };
  to_before_from: Record<string, never>;
  not_a_date: { date: string };
  unknown_site: { site: string };
  no_report_run: Record<string, never>;
  /**
   * A report target on a metric reports do not compute (`field`: `metric`). The metrics are those of
   * `MetricValues` (`METRIC_NAMES` in `reports.ts`); the answer's `details` list them.
   */
  unknown_target_metric: { field: string; metric: string };
  /** A report target a percentage cannot reach (`field`: `target`; `min`, `max`: `0`, `100`). */
  target_out_of_range: { field: string; metric: string; min: string; max: string };
  /** A report target below what seconds or counts can be (`field`: `target`; `min`: `0`). */
  target_below_min: { field: string; metric: string; min: string };

  // ---------------------------------------------------------------------------- users admin
  user_exists: { userId: string };
  unknown_user: { userId: string };
  /** An admin removing their own console access, role or login. */
  cannot_lock_yourself_out: Record<string, never>;
  cannot_delete_yourself: Record<string, never>;
  unknown_token: { jti: string };

  // ------------------------------------------------------------------------------ campaigns
  unknown_campaign: { campaignId: string };
  campaign_exists: { campaignId: string };
  /** Start of a completed campaign: no lead is left to dial. */
  campaign_completed_start: { campaignId: string };
  /** The same, for a scheduled campaign (its next round works its leads again). */
  campaign_completed_start_scheduled: { campaignId: string };
  /** Pause or stop of a completed campaign (`action`: `pause`, `stop`). */
  campaign_completed: { campaignId: string; action: string };
  /** Pause or stop of a draft (never started) campaign (`action`: `pause`, `stop`); a scheduled draft's stop is taken (it ends its rounds). */
  campaign_not_started: { campaignId: string; action: string };
  /** Pause of a stopped campaign: it dials nothing; a start runs it again. */
  campaign_stopped_pause: { campaignId: string };
  unknown_site_queue: { queue: string };
  unknown_site_agent: { agentId: string };
  unknown_site_team: { teamId: string };
  csv_required: Record<string, never>;
  unknown_import: Record<string, never>;
  lead_not_reserved: Record<string, never>;
  /** A preview dial while the agent is not available (`state`: the agent's). */
  agent_not_free_to_dial: { agentId: string; state: string };
  unknown_question: { questionId: string };
  /** `kind`: `nps`, `csat`, `yes_no`, `text`. */
  answer_out_of_range: { questionId: string; kind: string };
}

export type ApiFailReason = keyof ApiFailParams;
/** A reason with its params and the English sentence they make: spread it into an `ErrorBody`. */
export type ApiFail = { [K in ApiFailReason]: { reason: K; params: ApiFailParams[K]; message: string } }[ApiFailReason];

/**
 * The English sentence of each reason (the `message`), `{name}` standing for a param. Keyed by the
 * reason union: a reason without a sentence does not compile. Several are the sentences clients have
 * read for years; keep them as they are.
 */
export const API_FAIL_EN: { readonly [K in ApiFailReason]: string } = {
  no_such_endpoint: 'no such endpoint: {method} {path}',
  unsupported_media_type: 'send application/json or application/x-ndjson (not {contentType})',
  bad_json: 'request body: {detail}',
  body_too_large: 'request body: request entity too large (limit {limit} bytes)',
  internal_error: 'internal error',
  unknown_line: 'no line {queue}',
  unknown_scope_id: 'no {scope} {id}',
  hub_unreachable: 'hub unreachable: {detail}',
  // The sentences of before: older consoles and scripts match "credential" to sign in again.
  no_credential: 'missing credential',
  invalid_credential: 'invalid credential: {detail}',
  credential_expired: 'invalid credential: jwt expired',
  credential_revoked: 'credential revoked; log in again',
  token_revoked: 'credential revoked: this token was revoked',
  credential_check_unavailable: 'revocation check unavailable now; retry',
  wrong_namespace: 'role {role} must use the {namespace} namespace',
  wrong_login: 'wrong user name or password',
  role_may_not: 'role {role} may not {action}: {request}',
  no_access_grant: '{userId} has no {grant} access: {request}',
  no_database: 'no database: {area} need one (DATABASE_URL or PGlite)',
  campaigns_not_running: 'campaigns need the database and Redis; they are not running',
  campaigns_unavailable: 'campaign service unavailable, retry',
  complaint_bad_move: 'a {from} complaint cannot become {to}',
  root_cause_required: 'a root-cause code is required to resolve',
  complaint_not_reopenable: 'only a resolved or closed complaint can be reopened (it is {status})',
  unknown_root_cause: 'unknown root-cause code {code}',
  unknown_category: 'unknown category {category}',
  unknown_call: 'no call {callId}',
  complaint_not_found: 'no complaint {id}',
  already_assigned: 'already assigned to {assignee}',
  not_assigned: 'not assigned',
  unknown_assignee: 'no supervisor, team lead or admin {assignee} to assign it to',
  assignee_other_team: '{assignee} leads other teams and could not open this complaint',
  not_your_complaint: 'not a complaint of your teams',
  team_lead_own_teams: 'a team lead reads the {what} of their own teams',
  range_too_long: 'from..to must be 1 to {max} days',
  scope_id_required: 'id is required for scope {scope}',
  to_before_from: 'to is before from',
  not_a_date: 'not a date: {date}',
  unknown_site: 'no site {site}',
  no_report_run: 'no such report run',
  unknown_target_metric: 'no {field} {metric} in reports',
  target_out_of_range: 'the {field} of {metric} must be {min} to {max}',
  target_below_min: 'the {field} of {metric} must be {min} or more',
  user_exists: 'user {userId} exists',
  unknown_user: 'no user {userId}',
  cannot_lock_yourself_out: 'you cannot lock yourself out: ask another admin',
  cannot_delete_yourself: 'you cannot delete yourself',
  unknown_token: 'no token {jti}',
  unknown_campaign: 'no campaign {campaignId}',
  campaign_exists: 'campaign {campaignId} exists',
  campaign_completed_start: 'campaign {campaignId} is completed: it cannot be started again, it has no lead left to dial',
  campaign_completed_start_scheduled: 'campaign {campaignId} is completed: it cannot be started again, it has no lead left to dial; its next scheduled round works its leads again',
  campaign_completed: 'campaign {campaignId} is completed: there is nothing to {action}',
  campaign_not_started: 'campaign {campaignId} has not started: there is nothing to {action}',
  campaign_stopped_pause: 'campaign {campaignId} is stopped: there is nothing to pause (start runs it again)',
  unknown_site_queue: 'no queue {queue} on this site',
  unknown_site_agent: 'no agent {agentId}',
  unknown_site_team: 'no team {teamId}',
  csv_required: 'send the CSV file as the request body',
  unknown_import: 'no such import',
  lead_not_reserved: 'this lead is not reserved for you',
  agent_not_free_to_dial: 'agent {agentId} is {state}: dial when available',
  unknown_question: 'no question {questionId}',
  answer_out_of_range: 'answer to {questionId} ({kind}) out of range',
};

/** Every reason (for tests and for clients that list them). */
export const API_FAIL_REASONS = Object.keys(API_FAIL_EN) as ApiFailReason[];

/** The param names a reason's sentence uses, in order. */
export const apiFailParamNames = (reason: ApiFailReason): string[] => [...API_FAIL_EN[reason].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** The English sentence of `reason` with its params filled in. */
export function apiFailMessage<K extends ApiFailReason>(reason: K, params: ApiFailParams[K]): string {
  const p = params as Record<string, string>;
  return API_FAIL_EN[reason].replace(/\{(\w+)\}/g, (_, k: string) => p[k]!);
}

/** `{ reason, params, message }` of a failure, to spread into an `ErrorBody` beside its `code`. */
export function apiFail<K extends ApiFailReason>(reason: K, params: ApiFailParams[K]): ApiFail {
  return { reason, params, message: apiFailMessage(reason, params) } as ApiFail;
}

/** The `reason` and `params` of a failure that has them (to spread into an `ErrorBody`); nothing otherwise. */
export function reasonOf(fail: ApiFail | undefined): { reason?: ApiFailReason; params?: Record<string, string> } {
  return fail ? { reason: fail.reason, params: fail.params as Record<string, string> } : {};
}

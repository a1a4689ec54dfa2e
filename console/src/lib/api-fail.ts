/**
 * Why a REST request failed, in the console's language: the REST twin of `failText` (commands.ts).
 * The hub's answers carry `{ code, message, details?, reason?, params? }` (`ApiErrorBody`); the API
 * modules (`admin-api.ts`, `reports-api.ts`, `campaigns/api.ts`, the session) keep that body in
 * `ApiError`, and every page shows a failure through `errorText` / `apiFailText`.
 */
import type { ApiFailReason } from '$contracts/api-errors.ts';
import type { ApiErrorBody, ErrorCode } from '$contracts/socket.ts';
import type { Lang } from './format.ts';
import { MESSAGES, type MessageKey } from './messages.ts';

// Typed lookups: a reason or a code without a message in messages.ts does not compile.
const reasonKey = (reason: ApiFailReason): MessageKey => `af_${reason}`;
const codeKey = (code: ErrorCode): MessageKey => `afc_${code}`;

/** The code of an answer without one (a proxy's, a bare status). */
function codeOfStatus(status: number): ErrorCode {
  if (status === 400 || status === 413 || status === 415) return 'invalid';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'internal';
}

/** A refused REST request: the status and the hub's error body (its English `message` is the error's). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
  /** zod's `path: message` per field (English; `fieldProblems` words them). */
  get details(): string[] {
    return this.body.details ?? [];
  }
  /** The problems of one field (`routes.2.department`), as the hub wrote them. */
  about(path: string): string[] {
    return this.details.filter((d) => d.startsWith(`${path}:`) || d.startsWith(`${path}.`)).map((d) => d.slice(d.indexOf(':') + 1).trim());
  }
}

/** The `ApiError` of a failed response (its JSON body, or a body made of the status when there is none). */
export async function apiErrorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let e: Partial<ApiErrorBody> | undefined;
  try {
    e = text ? (JSON.parse(text) as { error?: Partial<ApiErrorBody> }).error : undefined;
  } catch {
    e = undefined;
  }
  const body: ApiErrorBody = {
    ...e,
    code: e?.code ?? codeOfStatus(res.status),
    message: e?.message ?? `${res.status} ${res.statusText}`,
  };
  return new ApiError(res.status, body);
}

/** The field paths of zod's `details` (`priority: Too big...` -> `priority`), each once. */
export function detailFields(details: readonly string[] | undefined): string[] {
  const paths = (details ?? []).map((d) => (d.includes(':') ? d.slice(0, d.indexOf(':')).trim() : '')).filter((p) => p && p !== 'body' && p !== 'query');
  return [...new Set(paths)];
}

const has = (lang: Lang, key: string) => Object.hasOwn(MESSAGES[lang], key);
/** `prefix + token` in `lang` when messages.ts has it, else the token (an id, a kind). Shared with `failText` (commands.ts). */
export const word = (lang: Lang, prefix: string, token: string) => (has(lang, prefix + token) ? (MESSAGES[lang] as Record<string, string>)[prefix + token]! : token);
/** A state token (`available`, `lunch`, `reserved`...) as the boards name it. */
export const stateWord = (lang: Lang, token: string) => (has(lang, `st_${token}`) ? word(lang, 'st_', token) : word(lang, 'r_', token));
const SCOPE_KEYS: Record<string, MessageKey> = { site: 'rpSite', queue: 'rpQueue', team: 'rpTeam', agent: 'rpAgent', campaign: 'cxCampaign' };

/** The params of a reason in words where the console has them (statuses, roles, states, grants, actions, scopes). */
function wordParams(reason: string, p: Record<string, string>, lang: Lang): Record<string, string> {
  const v: Record<string, string> = { ...p };
  for (const k of ['from', 'to', 'status'] as const) if (p[k] !== undefined) v[k] = word(lang, 'cps_', p[k]);
  if (p.role !== undefined) v.role = word(lang, 'role_', p.role);
  if (p.state !== undefined) v.state = stateWord(lang, p.state);
  if (p.grant !== undefined) v.grant = word(lang, 'admAccess_', p.grant);
  if (p.action !== undefined && reason.startsWith('campaign_')) v.action = word(lang, 'afa_', p.action);
  if (p.scope !== undefined && SCOPE_KEYS[p.scope]) v.scope = MESSAGES[lang][SCOPE_KEYS[p.scope]!].toLocaleLowerCase(lang);
  return v;
}

/** zod's message of the admin router for an id (user, subject, agent) with other characters (admin.routes.ts). */
const ID_CHARS = /use only letters A-Z a-z, digits 0-9 and \. _ @ -/;

/** `s` with each `{name}` replaced by `vars[name]` (left as it is when there is none). */
export const fill = (s: string, vars: Record<string, string>) => s.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);

/**
 * Why a REST request failed, in `lang`: the hub's `reason` worded with its `params`; else the failure's
 * kind by its `code` (or the status), an invalid one with the paths of its fields (zod's English
 * messages stay in `details`); the hub's English `message` for a reason this console does not know.
 */
export function apiFailText(body: Partial<ApiErrorBody> | undefined, status: number, lang: Lang): string {
  const m = MESSAGES[lang];
  const reason = body?.reason;
  if (reason !== undefined) {
    if (has(lang, `af_${reason}`)) return fill(m[reasonKey(reason as ApiFailReason)], wordParams(reason, body?.params ?? {}, lang));
    if (body?.message) return body.message;
  }
  if (status === 0) return m.afNetwork;
  const code = body?.code && has(lang, `afc_${body.code}`) ? body.code : codeOfStatus(status);
  if (code === 'invalid') {
    const fields = detailFields(body?.details);
    // An id with characters the hub does not take: the field says which ones it does.
    const chars = new Set(detailFields(body?.details?.filter((d) => ID_CHARS.test(d))));
    const idChars = m.aff_idChars.charAt(0).toLocaleLowerCase(lang) + m.aff_idChars.slice(1);
    if (fields.length) return fill(m.afInvalidFields, { fields: fields.map((f) => (chars.has(f) ? `${f} (${idChars})` : f)).join(', ') });
  }
  return m[codeKey(code)];
}

/** Any error a page caught, in `lang`: an `ApiError` worded by `apiFailText`, a failed fetch as "cannot reach the hub". */
export function errorText(e: unknown, lang: Lang): string {
  if (e instanceof ApiError) return apiFailText(e.body, e.status, lang);
  // fetch() rejects with a TypeError when the hub cannot be reached.
  if (e instanceof TypeError) return MESSAGES[lang].afNetwork;
  return e instanceof Error ? e.message : String(e);
}

/** Refusals of a socket connection that signing in again may cure (the others are retried). */
const SIGN_IN_AGAIN: ReadonlySet<string> = new Set<ApiFailReason>([
  'no_credential',
  'invalid_credential',
  'credential_expired',
  'credential_revoked',
  'token_revoked',
  'role_may_not',
  'no_access_grant',
  'wrong_namespace',
]);

/**
 * A refused Socket.IO connection (`connect_error`): whether to sign in again, and the refusal as an
 * error body `apiFailText` words. The hub sends `err.data = { reason, params }`; an older one only its
 * English message, which says "credential" or "role" when signing in again is the cure.
 */
export function connectRefusal(err: { message: string; data?: unknown }): { signInAgain: boolean; body: ApiErrorBody } {
  const d = (typeof err.data === 'object' && err.data !== null ? err.data : {}) as { reason?: unknown; params?: unknown };
  const reason = typeof d.reason === 'string' ? (d.reason as ApiFailReason) : undefined;
  const signInAgain = reason !== undefined ? SIGN_IN_AGAIN.has(reason) : /credential|role/i.test(err.message);
  const params = typeof d.params === 'object' && d.params !== null ? (d.params as Record<string, string>) : {};
  return { signInAgain, body: { code: signInAgain ? 'unauthorized' : 'unavailable', message: err.message, ...(reason !== undefined ? { reason, params } : {}) } };
}

/** The hub's problem with each field of a form (`details`), in `lang`: bounds when zod gave one, else "invalid value". */
export function fieldProblems(details: readonly string[] | undefined, lang: Lang): Record<string, string> {
  const m = MESSAGES[lang];
  const out: Record<string, string> = {};
  for (const d of details ?? []) {
    const i = d.indexOf(':');
    if (i < 0) continue;
    const path = d.slice(0, i).trim();
    const msg = d.slice(i + 1).trim();
    // zod's wording (v4): "Too big: expected number to be <=10", "Too small: expected string to have >=1 characters".
    const max = /expected number to be <=(-?[\d.]+)/.exec(msg);
    const min = /expected number to be >=(-?[\d.]+)/.exec(msg);
    out[path] = max
      ? fill(m.aff_max, { n: max[1]! })
      : min
        ? fill(m.aff_min, { n: min[1]! })
        : /expected string to have >=1 characters|received undefined/.test(msg)
          ? m.aff_required
          : ID_CHARS.test(msg)
            ? m.aff_idChars
            : m.aff_invalid;
  }
  return out;
}

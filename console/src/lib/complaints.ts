/**
 * The complaint detail's pure parts: the SLA clock as words, a history event as words (docs/REPORTS.md,
 * realtime/src/complaints). The words come from the messages, so they follow the language.
 */
import { rootCauseName } from '$contracts/complaint-names.ts';
import type { ComplaintAssignee, ComplaintEvent as ComplaintEventDTO, SlaClock as SlaClockDTO } from '$contracts/records.ts';
import type { ReportLang } from '$contracts/reports.ts';
import { ApiError, apiFailText, errorText, fieldProblems } from './api-fail.ts';
import type { Lang } from './format.ts';
import type { MessageKey } from './messages.ts';

export type { ComplaintEventDTO, SlaClockDTO };

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Business minutes as "1 giờ 45 phút" / "1 h 45 min" (days of business time stay in hours). */
export function businessTime(min: number, t: T): string {
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h === 0) return t('cdMin', { m });
  return m === 0 ? t('cdHours', { h }) : t('cdHoursMin', { h, m });
}


/** The SLA clock as one sentence and its level (colour is never alone: the sentence says it). */
export function clockText(c: SlaClockDTO, status: string, t: T): { text: string; level: 'ok' | 'warn' | 'bad' | 'none' } {
  if (c.leftMin === null && c.overdueMin === null) return { text: t('cdNoSla'), level: 'none' };
  if (status === 'resolved' || status === 'closed') {
    return c.overdueMin ? { text: t('cdResolvedLate', { d: businessTime(c.overdueMin, t) }), level: 'bad' } : { text: t('cdResolvedOnTime'), level: 'ok' };
  }
  if (c.overdueMin) return { text: t('cdOverdue', { d: businessTime(c.overdueMin, t) }), level: 'bad' };
  const left = businessTime(c.leftMin ?? 0, t);
  if (status === 'waiting_on_customer') return { text: t('cdPaused', { d: left }), level: 'warn' };
  // Under an hour of business time left: amber.
  return { text: t(c.running ? 'cdLeft' : 'cdLeftStopped', { d: left }), level: (c.leftMin ?? 0) < 60 ? 'warn' : 'ok' };
}


/**
 * A site code (complaint category `cc_`, department `dep_`) by its name in the UI language (the messages
 * hold the built-in names, `complaintNameMessages`); the code itself when it has none.
 */
export function codeName(t: T, prefix: 'cc_' | 'dep_', code: string): string {
  const key = `${prefix}${code}`;
  const s = t(key as MessageKey) as string | undefined;
  return s && s !== key ? s : code;
}

/**
 * A root cause by its name in the UI language: the site's own label, except for a default code whose label
 * nobody changed (the hub's English default), which is named in `lang` (`rootCauseName`, the rule the
 * hub's printable report follows too).
 */
export function causeName(lang: ReportLang, code: string | null, label?: string): string {
  return code === null ? '–' : rootCauseName(code, lang, label);
}

/** What a complaint is about: its description, else (a low survey score without a comment) the score in words. */
export function complaintText(c: { description: string | null; surveyScore: number | null }, t: T): string {
  if (c.description) return c.description;
  if (c.surveyScore !== null) return t('cpLowScore', { score: String(Math.round(c.surveyScore * 10) / 10).replace('.', t('decimalSep')) });
  return '';
}

/** Someone the pages know by name (a user or an agent). */
export interface Named {
  id: string;
  name: string;
}

/**
 * A user id by the person's name: the first list that knows it (the people complaints are assigned to,
 * then the snapshot's agents...); the id itself when none does (a user removed since, or a role that may
 * not read the people).
 */
export function personName(id: string, ...lists: readonly (readonly Named[])[]): string {
  for (const l of lists) {
    const p = l.find((x) => x.id === id);
    if (p) return p.name;
  }
  return id;
}

/**
 * The people to assign a complaint to, grouped by role (supervisors, team leads, admins), by name
 * within a group as the hub sends them; empty groups left out.
 */
export function assigneeGroups(people: readonly ComplaintAssignee[]): { role: ComplaintAssignee['role']; people: ComplaintAssignee[] }[] {
  return (['supervisor', 'team_lead', 'admin'] as const).map((role) => ({ role, people: people.filter((p) => p.role === role) })).filter((g) => g.people.length > 0);
}

/** What a history event did, in words; `name` names the person an assignment went to. */
export function eventText(e: ComplaintEventDTO, t: T, name: (userId: string) => string = (id) => id): string {
  const st = (s: string | null) => (s ? t(`cps_${s}` as MessageKey) : '–');
  switch (e.action) {
    case 'opened':
      return t('cdEvOpened', { channel: e.data?.channel ? t(`cpch_${String(e.data.channel)}` as MessageKey) : '–', department: e.data?.department ? codeName(t, 'dep_', String(e.data.department)) : '–' });
    case 'status':
      return t('cdEvStatus', { from: st(e.fromStatus), to: st(e.toStatus) });
    case 'reopened':
      return t('cdEvReopened');
    case 'assigned':
      return e.data?.to ? t('cdEvAssigned', { to: name(String(e.data.to)) }) : t('cdEvUnassigned');
    case 'note':
      return t('cdEvNote');
    case 'edited':
      return t('cdEvEdited');
    default:
      return e.action;
  }
}

/**
 * Whether a move may be sent: a status picked and, to resolve, a root cause someone chose (the hub refuses
 * `resolved` without one; a cause nobody chose would count on the root-cause chart all the same).
 */
export function mayMove(to: string | undefined, rootCause: string | undefined): boolean {
  return !!to && (to !== 'resolved' || !!rootCause);
}

/** The fields of the new-complaint form. */
export type ComplaintFormField = 'category' | 'customerRef' | 'callId' | 'description';
const FORM_FIELDS: readonly string[] = ['category', 'customerRef', 'callId', 'description'] satisfies ComplaintFormField[];

/**
 * The hub's refusal of a new complaint, placed on the form in `lang`: each field's problem beside it
 * (zod's `details`: a blank description; `unknown_call`: a call id the site does not know), anything
 * else above the list.
 */
export function openProblems(e: unknown, lang: Lang): { fields: Partial<Record<ComplaintFormField, string>>; general: string } {
  if (e instanceof ApiError) {
    if (e.body.reason === 'unknown_call') return { fields: { callId: apiFailText(e.body, e.status, lang) }, general: '' };
    const all = Object.entries(fieldProblems(e.details, lang));
    const fields = Object.fromEntries(all.filter(([f]) => FORM_FIELDS.includes(f)));
    if (Object.keys(fields).length) return { fields, general: all.length > Object.keys(fields).length ? errorText(e, lang) : '' };
  }
  return { fields: {}, general: errorText(e, lang) };
}

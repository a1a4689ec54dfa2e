/**
 * Wrap-up data entry: the outcomes each line offers and the fields each outcome requires (the
 * data-entry quality control the managers asked for). Pure, so the form and the tests agree.
 */
import type { FinishWrapupCmd, WrapupNoteField } from '$contracts/socket.ts';
import { DEFAULT_COMPLAINT_ROUTES } from '$contracts/records.ts';

/** Outcomes offered at wrap-up, per line (the values the simulator and the reports use). */
export const DISPOSITIONS: Record<string, readonly string[]> = {
  'vaccine-booking': ['booked', 'info', 'callback', 'no-need'],
  advice: ['info', 'booked', 'callback', 'no-need'],
  'after-care': ['info', 'callback', 'escalated', 'complaint'],
  complaints: ['complaint', 'resolved', 'callback'],
  clinic: ['booked', 'info', 'callback'],
  telesales: ['sold', 'callback', 'info', 'no-need'],
  survey: ['completed', 'refused', 'callback'],
};
export const ALL_DISPOSITIONS = ['booked', 'info', 'callback', 'no-need', 'escalated', 'complaint', 'resolved', 'sold', 'completed', 'refused'] as const;

export function dispositionsFor(queue: string): readonly string[] {
  return DISPOSITIONS[queue] ?? ALL_DISPOSITIONS;
}

/** The form's fields: those written as `name: value` lines in front of the notes (the hub reads them back), revenue and notes. */
export type WrapField = WrapupNoteField | 'revenue' | 'notes';
export type WrapValues = Partial<Record<WrapField, string>>;

/** Required fields per outcome; notes are always offered, required where listed. */
export const REQUIRED: Record<string, readonly WrapField[]> = {
  booked: ['appointment', 'branch'],
  callback: ['callbackAt'],
  escalated: ['notes'],
  // The category routes the complaint to its department (the site's complaint routes).
  complaint: ['category', 'severity', 'notes'],
  resolved: ['notes'],
  sold: ['revenue'],
};
/** Notes that are required must say something: at least this many characters. */
export const MIN_NOTES = 10;
export const BRANCHES = ['Quận 1', 'Quận 7', 'Thủ Đức', 'Bình Thạnh', 'Hà Nội – Cầu Giấy', 'Đà Nẵng'] as const;
export const SEVERITIES = ['low', 'medium', 'high'] as const;
/** Complaint categories until the site's routes are read (the hub's default routes). */
export const DEFAULT_COMPLAINT_CATEGORIES: readonly string[] = DEFAULT_COMPLAINT_ROUTES.map((r) => r.category);

/** Fields the form shows for an outcome, in order, with whether each is required. */
export function fieldsFor(disposition: string): { name: WrapField; required: boolean }[] {
  const req = REQUIRED[disposition] ?? [];
  const names: WrapField[] = [...req.filter((f) => f !== 'notes'), 'notes'];
  return names.map((name) => ({ name, required: req.includes(name) }));
}

/** Required fields still missing or invalid (empty list: the form may be sent). */
export function missingFields(disposition: string, v: WrapValues): WrapField[] {
  if (!disposition) return [];
  const out: WrapField[] = [];
  for (const f of REQUIRED[disposition] ?? []) {
    const x = (v[f] ?? '').trim();
    if (f === 'notes' ? x.length < MIN_NOTES : f === 'revenue' ? !(Number(x) > 0) : x === '') out.push(f);
  }
  return out;
}

/** The `wrapup:finish` payload: structured fields go in front of the notes, one per line. */
export function toFinishCmd(callId: string, disposition: string, v: WrapValues): FinishWrapupCmd {
  const lines: string[] = [];
  for (const { name } of fieldsFor(disposition)) {
    if (name === 'notes' || name === 'revenue') continue;
    const x = (v[name] ?? '').trim();
    if (x) lines.push(`${name}: ${x}`);
  }
  const notes = (v.notes ?? '').trim();
  if (notes) lines.push(notes);
  const cmd: FinishWrapupCmd = { callId, disposition };
  if (lines.length) cmd.notes = lines.join('\n').slice(0, 4000);
  if (disposition === 'sold' && Number(v.revenue) > 0) cmd.revenue = Number(v.revenue);
  return cmd;
}

/**
 * Lead-list import: CSV (UTF-8, optional BOM; `,` `;` or tab, detected from the header) -> leads of one
 * campaign. Read line by line with an RFC 4180 field splitter (quotes, doubled quotes), so a broken row
 * is one row error and never swallows the rows after it (a streaming CSV parser in an open quote does).
 *
 * - Phone numbers normalized to E.164 with libphonenumber-js (Vietnamese numbers by default, so
 *   `090 123 4567` is `+84901234567`); an invalid one rejects its row.
 * - A bad row never stops the import: it is counted and reported (row number, reason, the value),
 *   the first 1,000 kept in `lead_imports.errors`; so are rows the CSV parser cannot read.
 * - Duplicates are merged by (campaign, number): within the file and with leads already there (a later
 *   row fills empty fields and adds attributes; a lead's status and attempts are kept).
 * - Progress (bytes, rows) reported through `onProgress`, at most every `progressMs`.
 *
 * Columns (header names, case-insensitive; Vietnamese aliases): `phone` (so_dien_thoai, sdt, mobile,
 * number), `name` (ho_ten, full_name), `segment` (phan_khuc), `time_zone` (tz), `customer_id`, `agent`
 * (assigned agent id), `team` (assigned team id). Any other column becomes an attribute.
 */
import { Readable } from 'node:stream';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { CampaignRepository, LeadRow } from './campaign.repository.ts';
import { leadIdOf } from './campaign.repository.ts';
import { isTimeZone } from './policy.ts';
import { customerIdOfNumber } from '../../../realtime/src/storage/customer-id.ts';

export interface ImportOptions {
  campaignId: string;
  importId: number | null;
  /** Country of numbers without a country code. @defaultValue 'VN' */
  defaultRegion?: CountryCode;
  /** Time zone of leads without one. @defaultValue 'Asia/Ho_Chi_Minh' */
  defaultTimeZone?: string;
  /** Known agent and team ids (assignments to anything else are row errors); undefined: accept any. */
  agents?: ReadonlySet<string>;
  teams?: ReadonlySet<string>;
  /** Total bytes, for a percentage. */
  bytesTotal?: number;
  onProgress?: (p: ImportProgress) => void | Promise<void>;
  /** @defaultValue 500 */
  progressMs?: number;
  /** Unique rows per database statement. @defaultValue 5000 */
  batch?: number;
}

/** Why a row was refused, as a code the console words in its language (`reason` is the English sentence). */
export const IMPORT_REASONS = {
  unreadableRow: 'unreadable CSV row (unbalanced quotes)',
  missingPhone: 'missing phone number',
  invalidPhone: 'invalid phone number',
  unknownTimeZone: 'unknown time zone',
  unknownAgent: 'unknown agent',
  unknownTeam: 'unknown team',
} as const;
export type ImportReasonCode = keyof typeof IMPORT_REASONS;

export interface ImportError {
  row: number;
  reason: string;
  /** The reason as a code (absent for an import that failed as a whole: `reason` is then its error). */
  code?: ImportReasonCode;
  value?: string;
}

export interface ImportProgress {
  bytesRead: number;
  bytesTotal?: number;
  rowsRead: number;
  inserted: number;
  merged: number;
  rejected: number;
}

export interface ImportResult extends ImportProgress {
  errors: ImportError[];
  /** Ids of the leads written (new or merged), for loading into a running campaign. */
  leadIds: string[];
  ms: number;
}

const ALIASES: Record<string, string> = {
  phone: 'phone',
  so_dien_thoai: 'phone',
  sdt: 'phone',
  mobile: 'phone',
  number: 'phone',
  phone_number: 'phone',
  name: 'name',
  ho_ten: 'name',
  full_name: 'name',
  segment: 'segment',
  phan_khuc: 'segment',
  time_zone: 'timeZone',
  timezone: 'timeZone',
  tz: 'timeZone',
  customer_id: 'customerId',
  ma_khach_hang: 'customerId',
  agent: 'agent',
  agent_id: 'agent',
  team: 'team',
  team_id: 'team',
};

const normHeader = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

const MAX_ERRORS = 1000;

/** Imports a CSV stream into `campaignId`'s leads. */
export async function importLeads(input: Readable | string | Buffer, repo: CampaignRepository, opts: ImportOptions): Promise<ImportResult> {
  const started = Date.now();
  const region = opts.defaultRegion ?? 'VN';
  const defaultTz = opts.defaultTimeZone ?? 'Asia/Ho_Chi_Minh';
  const batchSize = opts.batch ?? 5000;
  const progressMs = opts.progressMs ?? 500;
  const errors: ImportError[] = [];
  const p: ImportProgress = { bytesRead: 0, rowsRead: 0, inserted: 0, merged: 0, rejected: 0 };
  if (opts.bytesTotal !== undefined) p.bytesTotal = opts.bytesTotal;
  const leadIds = new Set<string>();
  let batch = new Map<string, LeadRow>();
  let lastProgress = 0;
  const reject = (row: number, code: ImportReasonCode, value?: string) => {
    p.rejected++;
    const reason = IMPORT_REASONS[code];
    if (errors.length < MAX_ERRORS) errors.push(value === undefined ? { row, reason, code } : { row, reason, code, value: value.slice(0, 100) });
  };
  const flush = async () => {
    if (batch.size === 0) return;
    const rows = [...batch.values()];
    batch = new Map();
    const r = await repo.upsertLeads(rows);
    p.inserted += r.inserted;
    p.merged += r.merged;
  };
  const report = async (force = false) => {
    const now = Date.now();
    if (!opts.onProgress || (!force && now - lastProgress < progressMs)) return;
    lastProgress = now;
    await opts.onProgress({ ...p });
  };

  const source = typeof input === 'string' || Buffer.isBuffer(input) ? Readable.from([Buffer.from(input)]) : input;
  let columns: (string | null)[] | undefined;
  let delimiter = ',';
  let lineNo = 0;

  /** Lines of the file, counted in bytes as they are read. */
  const lines = async function* (src: AsyncIterable<Buffer | string>) {
    let rest = '';
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of src) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      p.bytesRead += buf.length;
      const text = rest + decoder.decode(buf, { stream: true });
      const parts = text.split('\n');
      rest = parts.pop()!;
      for (const l of parts) yield l;
    }
    rest += decoder.decode();
    if (rest) yield rest;
  };

  for await (const raw0 of lines(source)) {
    lineNo++;
    const rawLine = lineNo === 1 ? raw0.replace(/^\uFEFF/, '') : raw0;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') continue;
    if (!columns) {
      delimiter = [';', '\t', ','].reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best), ',');
      const header = splitCsvLine(line, delimiter);
      if (!header) throw new ImportFileError('unreadable header line');
      columns = header.map((h) => {
        const n = normHeader(h);
        return ALIASES[n] ?? (n ? `attr:${h.trim()}` : null);
      });
      if (!columns.includes('phone')) throw new ImportFileError('no phone column (phone, so_dien_thoai, sdt, mobile, number)');
      continue;
    }
    const rowNo = lineNo;
    const record = splitCsvLine(line, delimiter);
    if (!record) {
      p.rowsRead++;
      reject(rowNo, 'unreadableRow', line);
      continue;
    }
    p.rowsRead++;
    const f: Record<string, string> = {};
    const attrs: Record<string, string> = {};
    record.forEach((v, i) => {
      const c = columns![i];
      if (!c || v === '') return;
      if (c.startsWith('attr:')) attrs[c.slice(5)] = v.slice(0, 1024);
      else f[c] = v;
    });
    const raw = f.phone;
    if (!raw) {
      reject(rowNo, 'missingPhone');
      continue;
    }
    const pn = parsePhoneNumberFromString(raw, region);
    if (!pn || !pn.isValid()) {
      reject(rowNo, 'invalidPhone', raw);
      continue;
    }
    const phone = pn.number;
    const tz = f.timeZone ?? defaultTz;
    if (f.timeZone && !isTimeZone(tz)) {
      reject(rowNo, 'unknownTimeZone', f.timeZone);
      continue;
    }
    if (f.agent && opts.agents && !opts.agents.has(f.agent)) {
      reject(rowNo, 'unknownAgent', f.agent);
      continue;
    }
    if (f.team && opts.teams && !opts.teams.has(f.team)) {
      reject(rowNo, 'unknownTeam', f.team);
      continue;
    }
    const id = leadIdOf(opts.campaignId, phone);
    const prev = batch.get(phone);
    const row: LeadRow = {
      campaignId: opts.campaignId,
      id,
      phone,
      name: f.name?.slice(0, 200) ?? prev?.name ?? null,
      // Without a CRM id: the same opaque id as the number's calls (`tel:` + hash), never the number itself.
      customerId: f.customerId ?? prev?.customerId ?? customerIdOfNumber(phone) ?? phone,
      timeZone: f.timeZone ? tz : (prev?.timeZone ?? tz),
      segment: f.segment ?? prev?.segment ?? null,
      attributes: { ...prev?.attributes, ...attrs },
      assignedAgentId: f.agent ?? prev?.assignedAgentId ?? null,
      assignedTeamId: f.team ?? prev?.assignedTeamId ?? null,
      importId: opts.importId,
    };
    if (prev) p.merged++;
    batch.set(phone, row);
    leadIds.add(id);
    if (batch.size >= batchSize) await flush();
    await report();
  }
  if (!columns) throw new ImportFileError('empty file');
  await flush();
  await report(true);
  return { ...p, errors, leadIds: [...leadIds], ms: Date.now() - started };
}

/** The file cannot be imported at all (no header, no phone column). */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

/**
 * One CSV line (RFC 4180 quoting: `"a ""b"""`). Returns null for unbalanced quotes. Fields spanning
 * lines are not supported: a lead list has none, and reading line by line keeps one bad row from
 * swallowing the rest of the file.
 */
export function splitCsvLine(line: string, delimiter: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Anything up to the delimiter after the closing quote is kept (relaxed), trimmed.
      const dEnd = line.indexOf(delimiter, i);
      const tail = (dEnd < 0 ? line.slice(i) : line.slice(i, dEnd)).trim();
      if (tail.includes('"')) return null;
      out.push((v + tail).trim());
      if (dEnd < 0) return out;
      i = dEnd + delimiter.length;
    } else {
      const dEnd = line.indexOf(delimiter, i);
      const v = dEnd < 0 ? line.slice(i) : line.slice(i, dEnd);
      out.push(v.trim());
      if (dEnd < 0) return out;
      i = dEnd + delimiter.length;
    }
    if (i > n) return out;
  }
}

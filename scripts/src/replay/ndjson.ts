/** Reading NDJSON files of CTI events: validated with the contract, sorted by `at` (stable). */
import { parseCtiEvent, type CtiEventIn } from '../../../realtime/src/contracts/index.ts';
import { readLines } from './anonymous-bank.ts';

export interface NdjsonStats {
  file?: string;
  /** Non-empty lines. */
  rows: number;
  events: number;
  /** Lines not sent, by reason (`not JSON`, `invalid event: <first error>`). */
  skipped: Record<string, number>;
  /** Events that were not in time order in the file (they are sorted before sending). */
  outOfOrder: number;
  firstAt?: number;
  lastAt?: number;
}

export interface NdjsonResult {
  events: CtiEventIn[];
  stats: NdjsonStats;
}

/** Parses NDJSON lines (pure). Invalid lines are counted, not thrown. */
export function parseNdjsonLines(lines: Iterable<string>, file?: string): NdjsonResult {
  const stats: NdjsonStats = { ...(file ? { file } : {}), rows: 0, events: 0, skipped: {}, outOfOrder: 0 };
  const keyed: Array<{ at: number; seq: number; e: CtiEventIn }> = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const line of lines) {
    const text = line.trim();
    if (text === '') continue;
    stats.rows++;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      stats.skipped['not JSON'] = (stats.skipped['not JSON'] ?? 0) + 1;
      continue;
    }
    const p = parseCtiEvent(raw);
    if (!p.ok) {
      const k = `invalid event: ${p.errors[0] ?? 'unknown'}`;
      stats.skipped[k] = (stats.skipped[k] ?? 0) + 1;
      continue;
    }
    if (p.event.at < last) stats.outOfOrder++;
    last = Math.max(last, p.event.at);
    // Send what the file says (the wire form), not the parsed form.
    keyed.push({ at: p.event.at, seq: keyed.length, e: raw as CtiEventIn });
  }
  keyed.sort((a, b) => a.at - b.at || a.seq - b.seq);
  stats.events = keyed.length;
  if (keyed.length) {
    stats.firstAt = keyed[0]!.at;
    stats.lastAt = keyed[keyed.length - 1]!.at;
  }
  return { events: keyed.map((k) => k.e), stats };
}

/** Reads an NDJSON file of CTI events. */
export async function readNdjson(path: string): Promise<NdjsonResult> {
  const lines: string[] = [];
  for await (const l of readLines(path)) lines.push(l);
  return parseNdjsonLines(lines, path);
}

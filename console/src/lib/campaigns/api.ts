/**
 * The campaigns REST API (docs/CAMPAIGNS.md) for the console's campaign pages: typed calls with the
 * session's bearer token; errors become `ApiError` with the hub's error body (pages word it with `errorText`).
 */
import { ApiError, apiErrorOf } from '$lib/api-fail.ts';
import { apiUrl } from '$lib/hub-url.ts';
import { session } from '$lib/state/session.svelte.ts';
import type { Coverage } from './coverage.ts';
// The pacer's reason codes, from the workers (a dependency-free module of types: erased at build).
import type { GovernorCode, GovernorQueue, PaceAlert, PaceWhy } from '../../../../queue-workers/src/campaigns/pace-reasons.ts';

export type { Coverage, GovernorCode, GovernorQueue, PaceAlert, PaceWhy };

export { ApiError };

async function call<T>(method: string, path: string, body?: unknown, type = 'application/json'): Promise<T> {
  const res = await fetch(apiUrl(path), {
    method,
    headers: { authorization: `Bearer ${session.token ?? ''}`, ...(body !== undefined ? { 'content-type': type } : {}) },
    ...(body !== undefined ? { body: body instanceof Blob || typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw await apiErrorOf(res);
  const text = await res.text();
  try {
    return (text ? JSON.parse(text) : null) as T;
  } catch {
    return null as T;
  }
}

export type Mode = 'preview' | 'progressive' | 'predictive';
export type Status = 'draft' | 'running' | 'paused' | 'stopped' | 'completed';


export interface Campaign {
  id: string;
  name: string;
  type: 'telesales' | 'survey';
  queueId: string;
  status: Status;
  dialingMode: Mode;
  priority: number;
  maxAttempts: number;
  script: string;
  settings: {
    window: { start: string; end: string; days: number[] };
    dropRateCapPct: number;
    dropRateWindowHours?: number;
    dropAfterSec: number;
    teams: string[];
    sharedQueues: string[];
    quota: { total?: number; perSegment: Record<string, number> };
    offer?: string;
    schedule?: { pattern: string; tz?: string };
    [k: string]: unknown;
  };
  questions: { id: string; kind: 'nps' | 'csat' | 'yes_no' | 'text'; text: string }[];
  coverage?: Coverage;
}

/**
 * Why, in English (`why`, always there) and as a code with arguments (`whyCode` + `whyArgs`; missing in a
 * pace record written by an older worker: the page then shows the English).
 */
export type PaceWhyInfo = PaceWhy | { why: string; whyCode?: undefined; whyArgs?: undefined };

export interface GovernorInfo {
  factor: number;
  backingOff: boolean;
  /** English. */
  reason: string;
  /** Missing from an older worker. */
  code?: GovernorCode;
  /** The shared queues under target behind a back-off. */
  queues?: GovernorQueue[];
}

export type Pacing = {
  at: number;
  /** English; `alertDetails` has the same alerts, in the same order, as codes with arguments. */
  alerts: string[];
  alertDetails?: PaceAlert[];
  governor: GovernorInfo;
  plan: { dials: number; ratio: number; connectRate: number; dropRatePct: number } | null;
} & PaceWhyInfo;

export interface Progress {
  campaignId: string;
  status: Status;
  mode: Mode;
  coverage: Coverage;
  inflight: number;
  waitingForAgent: number;
  pacing: Pacing | null;
}

export interface Group {
  answered: number;
  handled: number;
  conversions: number;
  revenue: number;
  conversionRatePct: number | null;
}

export interface Results {
  attempts: number;
  connected: number;
  dropped: number;
  handled: number;
  conversions: number;
  connectivityRatePct: number | null;
  dropRatePct: number | null;
  conversionRatePct: number | null;
  revenue: number;
  byAgent: Record<string, Group>;
  byTeam: Record<string, Group>;
  formulas: Record<string, string>;
  surveysSent?: number;
  surveysAnswered?: number;
  surveyResponseRatePct?: number | null;
  npsScore?: number | null;
  csatPct?: number | null;
}

export interface ImportState {
  id: number;
  status: 'running' | 'done' | 'failed';
  pct: number | null;
  rowsRead: number;
  inserted: number;
  merged: number;
  rejected: number;
  /** `code`: the reason as a code (`importReasonText` words it); `reason`: the English sentence. */
  errors: { row: number; reason: string; code?: string; value?: string }[];
}

export const campaignsApi = {
  list: () => call<{ campaigns: Campaign[] }>('GET', '/api/v1/campaigns'),
  get: (id: string) => call<Campaign & { progress: Progress }>('GET', `/api/v1/campaigns/${encodeURIComponent(id)}`),
  create: (c: Record<string, unknown>) => call<Campaign>('POST', '/api/v1/campaigns', c),
  update: (id: string, patch: Record<string, unknown>) => call<Campaign>('PATCH', `/api/v1/campaigns/${encodeURIComponent(id)}`, patch),
  action: (id: string, a: 'start' | 'pause' | 'stop') => call<{ id: string; status: Status }>('POST', `/api/v1/campaigns/${encodeURIComponent(id)}/${a}`),
  progress: (id: string) => call<Progress>('GET', `/api/v1/campaigns/${encodeURIComponent(id)}/progress`),
  results: (id: string) => call<Results>('GET', `/api/v1/campaigns/${encodeURIComponent(id)}/results`),
  upload: (id: string, file: File) => call<{ importId: number }>('POST', `/api/v1/campaigns/${encodeURIComponent(id)}/leads?name=${encodeURIComponent(file.name)}`, file, 'text/csv'),
  importState: (id: string, importId: number) => call<ImportState>('GET', `/api/v1/campaigns/${encodeURIComponent(id)}/imports/${importId}`),
};

export { coverageParts } from './coverage.ts';

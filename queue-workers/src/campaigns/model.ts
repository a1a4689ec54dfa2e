/**
 * Campaign settings: the wire/API shape (zod, strict, validated at the edge) and the defaults of issue 5.
 */
import { z } from 'zod';

const Id = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, _ . - only');
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

/** The drop-rate cap's window by default, in hours (`dropRateWindowHours`). */
export const DROP_RATE_WINDOW_HOURS = 24;

export const DIAL_RESULTS = ['connected', 'busy', 'no_answer', 'voicemail', 'failed', 'invalid'] as const;
export type DialResult = (typeof DIAL_RESULTS)[number];
export const QUESTION_KINDS = ['nps', 'csat', 'yes_no', 'text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'stopped', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const LEAD_STATUSES = ['pending', 'retry', 'dialing', 'connected', 'done', 'exhausted', 'dnc', 'invalid', 'quota'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/**
 * A retry delay: minutes, or `next-day` (the next day's window opening in the callee's time zone),
 * or `never` (the lead is finished).
 */
export const RetryDelay = z.union([z.number().min(0).max(60 * 24 * 30), z.literal('next-day'), z.literal('never')]);
export type RetryDelay = z.output<typeof RetryDelay>;

export const WindowSchema = z.strictObject({
  /** Local time of the callee. @defaultValue '08:00' */
  start: HHMM.default('08:00'),
  /** @defaultValue '21:00' */
  end: HHMM.default('21:00'),
  /** ISO weekdays (1 Monday .. 7 Sunday) when calls are allowed. @defaultValue every day */
  days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5, 6, 7]),
});
export type CallWindow = z.output<typeof WindowSchema>;

export const SettingsSchema = z.strictObject({
  window: WindowSchema.default({ start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6, 7] }),
  /** Default time zone of leads without one. @defaultValue 'Asia/Ho_Chi_Minh' */
  timeZone: z.string().default('Asia/Ho_Chi_Minh'),
  /** Retry delay per network result (`busy`, `no_answer`, `voicemail`, `failed`, `dropped`) and per disposition. */
  retry: z.record(z.string().min(1).max(64), RetryDelay).default({ busy: 30, no_answer: 120, voicemail: 'next-day', failed: 60, dropped: 60, callback: 240 }),
  /** Dispositions that finish a lead as a success (conversion). Others finish it too unless `retry` names them. */
  successDispositions: z.array(z.string()).default(['sold', 'booked', 'renewed', 'converted', 'completed']),
  /** Maximum share of connected calls dropped (no agent in time), over `dropRateWindowHours`. @defaultValue 3 */
  dropRateCapPct: z.number().min(0).max(100).default(3),
  /**
   * The window the drop-rate cap is held over: the last N hours (24, as Ofcom counts; 720 for the FTC's
   * 30 days), or 0 for the campaign's whole life. A window keeps a campaign from spending, in one bad hour,
   * the budget its clean past days built up. @defaultValue 24
   */
  dropRateWindowHours: z.number().int().min(0).max(24 * 90).default(DROP_RATE_WINDOW_HOURS),
  /** A connected call no agent answered within this many seconds is dropped (hung up, apology message). @defaultValue 2 */
  dropAfterSec: z.number().min(0.5).max(120).default(2),
  /** Pacing cycle. @defaultValue 1000 */
  pacingMs: z.number().int().min(100).max(60_000).default(1000),
  /** Predictive: most dials per free agent. @defaultValue 3 */
  maxDialRatio: z.number().min(1).max(10).default(3),
  /** Teams whose agents work the campaign (for assignment and results). */
  teams: z.array(Id).default([]),
  /** Agents (besides the teams). */
  agents: z.array(Id).default([]),
  /** Inbound queues sharing the campaign's agents: their service level drives the governor. */
  sharedQueues: z.array(Id).default([]),
  /** Governor: back off when a shared queue's SL (last 30 min) is this many points under its target. @defaultValue 0 */
  governorMarginPct: z.number().min(0).max(100).default(0),
  /** Hand a personally assigned lead to the pool when its agent has been offline this long. @defaultValue 30 */
  reassignAfterMin: z.number().min(0).default(30),
  /** Surveys: completed surveys wanted, in total and per segment; dialing stops when reached. */
  quota: z.strictObject({ total: z.number().int().min(0).optional(), perSegment: z.record(z.string(), z.number().int().min(0)).default({}) }).default({ perSegment: {} }),
  /** Surveys: a score at or under this opens a complaint (NPS 0-10 / CSAT 1-5). */
  complaintBelow: z.strictObject({ nps: z.number().default(4), csat: z.number().default(2) }).default({ nps: 4, csat: 2 }),
  /** Post-call surveys: inbound queues whose callers are surveyed after the call. */
  postCallQueues: z.array(Id).default([]),
  /** Proactive outreach: what is offered (recorded on every outcome), and the BullMQ schedule. */
  offer: z.string().max(500).optional(),
  schedule: z.strictObject({ pattern: z.string().min(1).max(100), tz: z.string().optional() }).optional(),
  /** Set by each outreach run: attempts of round r are numbered from r·maxAttempts + 1. @defaultValue 0 */
  round: z.number().int().min(0).default(0),
  /** Alert when leads left would last fewer than this many minutes at the current dial rate. @defaultValue 30 */
  runOutAlertMin: z.number().min(0).default(30),
  /** Simulated carrier: result rates (connected, busy, no_answer, voicemail, failed; the rest is `connected`). */
  carrier: z
    .strictObject({
      connect: z.number().min(0).max(1).default(0.45),
      busy: z.number().min(0).max(1).default(0.15),
      noAnswer: z.number().min(0).max(1).default(0.25),
      voicemail: z.number().min(0).max(1).default(0.1),
      failed: z.number().min(0).max(1).default(0.05),
      /** Seconds from dial to result. @defaultValue 0 */
      ringSec: z.number().min(0).max(120).default(0),
    })
    .default({ connect: 0.45, busy: 0.15, noAnswer: 0.25, voicemail: 0.1, failed: 0.05, ringSec: 0 }),
});
export type CampaignSettings = z.output<typeof SettingsSchema>;

export const QuestionSchema = z.strictObject({
  id: Id,
  kind: z.enum(QUESTION_KINDS),
  text: z.string().min(1).max(1000),
});
export type SurveyQuestion = z.output<typeof QuestionSchema>;

export const CampaignInputSchema = z.strictObject({
  id: Id,
  name: z.string().min(1).max(200),
  type: z.enum(['telesales', 'survey']),
  queueId: Id,
  dialingMode: z.enum(['preview', 'progressive', 'predictive']).default('progressive'),
  priority: z.number().int().min(1).max(10).default(5),
  maxAttempts: z.number().int().min(1).max(20).default(3),
  startAt: z.iso.datetime({ offset: true }).nullable().optional(),
  endAt: z.iso.datetime({ offset: true }).nullable().optional(),
  script: z.string().max(20_000).default(''),
  settings: SettingsSchema.default(SettingsSchema.parse({})),
  questions: z.array(QuestionSchema).max(50).default([]),
});
export type CampaignInput = z.input<typeof CampaignInputSchema>;
export const CampaignPatchSchema = CampaignInputSchema.omit({ id: true }).partial();

/** A campaign as the workers use it (also cached in Redis). */
export interface Campaign {
  siteId: string;
  id: string;
  name: string;
  type: 'telesales' | 'survey';
  queueId: string;
  status: CampaignStatus;
  dialingMode: 'preview' | 'progressive' | 'predictive';
  priority: number;
  maxAttempts: number;
  startAt: number | null;
  endAt: number | null;
  script: string;
  settings: CampaignSettings;
  questions: SurveyQuestion[];
}

export function campaignFromInput(siteId: string, input: z.output<typeof CampaignInputSchema>, status: CampaignStatus = 'draft'): Campaign {
  return {
    siteId,
    id: input.id,
    name: input.name,
    type: input.type,
    queueId: input.queueId,
    status,
    dialingMode: input.dialingMode,
    priority: input.priority,
    maxAttempts: input.maxAttempts,
    startAt: input.startAt ? Date.parse(input.startAt) : null,
    endAt: input.endAt ? Date.parse(input.endAt) : null,
    script: input.script,
    settings: input.settings,
    questions: input.questions,
  };
}

/** A lead as the dialer holds it. */
export interface Lead {
  campaignId: string;
  id: string;
  phone: string;
  name: string | null;
  customerId: string;
  timeZone: string;
  segment: string | null;
  status: LeadStatus;
  attempts: number;
  nextAt: number | null;
  assignedAgentId: string | null;
  assignedTeamId: string | null;
}

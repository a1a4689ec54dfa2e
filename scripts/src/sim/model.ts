/**
 * Simulation parameters: the options a caller gives (`SimOptions`), their defaults, the per-queue
 * traffic model (`QueueModel`) and the time-of-day profile of a Vietnamese healthcare hotline.
 */
import type { AgentConfig, QueueConfig, SiteConfig } from '../../../realtime/src/contracts/index.ts';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import { localParts, TIME } from './time.ts';

/** One disposition an agent may record, with its relative weight. */
export interface DispositionModel {
  name: string;
  weight: number;
  /** Probability that the outcome carries a revenue value, and its range (VND). */
  revenue?: { probability: number; min: number; max: number };
  /** Short notes the agent may type (Vietnamese). */
  notes?: readonly string[];
  /** For survey calls: the 0-10 scores given, with their relative weights. */
  surveyScore?: readonly (readonly [score: number, weight: number])[];
}

/** Traffic model of one queue. All times in seconds. */
export interface QueueModel {
  /** Offered calls per hour at the profile's peak (1.0), before the global `rate`. For outbound queues: dial attempts. */
  ratePerHour: number;
  /** Talk time: lognormal median (s). */
  talkMedianSec: number;
  /** Talk time: lognormal sigma (log scale). @defaultValue 0.55 */
  talkSigma: number;
  /**
   * Caller patience = `patienceMinSec` + exponential with this mean (s); the caller hangs up when the
   * wait exceeds it.
   */
  patienceMeanSec: number;
  /** Seconds nearly every caller waits (the greeting plays); the shift of the exponential. @defaultValue 8 */
  patienceMinSec: number;
  /**
   * Callers who hang up within seconds (a misdial, a slip in the IVR): their patience is 1-4.5 s, so they
   * are the short abandons metrics.md keeps apart. Inbound lines. @defaultValue 0.03
   */
  shortAbandonProbability: number;
  /** Probability that a call has one hold. */
  holdProbability: number;
  /** Hold duration: lognormal median (s), sigma 0.5. */
  holdMedianSec: number;
  /** Probability that a call is priority 2 (urgent / member). */
  priority2Probability: number;
  /** Wrap-up time the agent actually takes, as a fraction of the queue's wrap-up limit [min, max]. */
  wrapupFraction: [number, number];
  dispositions: readonly DispositionModel[];
  /** Outbound only: probability that a dial attempt connects. */
  connectProbability?: number;
}

const BOOKED_NOTES = [
  'Đặt lịch tiêm Hexaxim cho bé 2 tháng, sáng thứ Bảy',
  'Đặt lịch tiêm Gardasil 9 mũi 2',
  'Đặt lịch tiêm cúm Vaxigrip Tetra cho cả gia đình',
  'Hẹn tiêm Qdenga tại cơ sở Quận 7',
  'Đặt lịch tiêm Rotateq, nhắc mang sổ tiêm',
];
const INFO_NOTES = [
  'Tư vấn lịch tiêm cho trẻ dưới 1 tuổi',
  'Hỏi giá gói vắc xin 0-24 tháng',
  'Hỏi giờ làm việc cuối tuần',
  'Tư vấn khoảng cách giữa hai mũi tiêm',
  'Hỏi về phản ứng sau tiêm thường gặp',
];
const CALLBACK_NOTES = ['Khách hẹn gọi lại sau 17h', 'Gọi lại khi có vắc xin về', 'Khách bận, gọi lại ngày mai'];
// Complaints as the agent's wrap-up form writes them: category and severity lines, then what happened
// (the category routes the complaint to its department, docs/REPORTS.md).
const COMPLAINT_NOTES = [
  'category: service\nseverity: medium\nPhàn nàn thời gian chờ tại cơ sở lâu',
  'category: staff\nseverity: medium\nKhiếu nại thái độ nhân viên quầy',
  'category: billing\nseverity: low\nPhản ánh hóa đơn sai số tiền',
  'category: stock\nseverity: medium\nĐặt lịch rồi nhưng đến cơ sở thì hết vắc xin',
  'category: billing\nseverity: high\nBị trừ tiền gói vắc xin hai lần',
  'category: service\nseverity: low\nGọi tổng đài nhiều lần không gặp được nhân viên',
];
const AFTER_CARE_COMPLAINTS = [
  'category: vaccine-reaction\nseverity: high\nBé sốt 39 độ sau mũi 6 trong 1, quấy khóc cả đêm',
  'category: vaccine-reaction\nseverity: medium\nSưng đỏ chỗ tiêm hơn 3 ngày chưa giảm',
  'category: medical\nseverity: medium\nKhông được khám sàng lọc kỹ trước khi tiêm',
  'category: service\nseverity: low\nChờ theo dõi sau tiêm quá lâu, không có chỗ ngồi',
];

const GENERIC: QueueModel = {
  ratePerHour: 30,
  talkMedianSec: 200,
  talkSigma: 0.55,
  patienceMeanSec: 120,
  patienceMinSec: 8,
  shortAbandonProbability: 0.03,
  holdProbability: 0.08,
  holdMedianSec: 40,
  priority2Probability: 0.05,
  wrapupFraction: [0.3, 0.9],
  dispositions: [
    { name: 'info', weight: 60, notes: INFO_NOTES },
    { name: 'callback', weight: 15, notes: CALLBACK_NOTES },
    { name: 'no-need', weight: 25 },
  ],
};

/**
 * How the hotline's customers score it (0-10): mostly satisfied, a tail of unhappy ones (an NPS of
 * about +40, as a well-run healthcare hotline's).
 */
export const SURVEY_SCORES = [[10, 30], [9, 25], [8, 15], [7, 10], [6, 6], [5, 5], [4, 3], [3, 2], [2, 2], [1, 1], [0, 1]] as const;

/** Defaults for the demo site's queues; other queue ids get a generic model. */
export const DEFAULT_QUEUE_MODELS: Readonly<Record<string, QueueModel>> = {
  'vaccine-booking': {
    ...GENERIC,
    ratePerHour: 75,
    talkMedianSec: 190,
    patienceMeanSec: 110,
    holdProbability: 0.12,
    priority2Probability: 0.08,
    dispositions: [
      { name: 'booked', weight: 55, notes: BOOKED_NOTES, revenue: { probability: 0.35, min: 450_000, max: 2_800_000 } },
      { name: 'info', weight: 20, notes: INFO_NOTES },
      { name: 'callback', weight: 12, notes: CALLBACK_NOTES },
      { name: 'no-need', weight: 13 },
    ],
  },
  advice: {
    ...GENERIC,
    ratePerHour: 45,
    talkMedianSec: 230,
    patienceMeanSec: 130,
    holdProbability: 0.15,
    dispositions: [
      { name: 'info', weight: 65, notes: INFO_NOTES },
      { name: 'booked', weight: 12, notes: BOOKED_NOTES, revenue: { probability: 0.2, min: 450_000, max: 2_000_000 } },
      { name: 'callback', weight: 15, notes: CALLBACK_NOTES },
      { name: 'no-need', weight: 8 },
    ],
  },
  'after-care': {
    ...GENERIC,
    ratePerHour: 25,
    talkMedianSec: 200,
    patienceMeanSec: 90,
    priority2Probability: 0.2,
    dispositions: [
      { name: 'info', weight: 55, notes: ['Bé sốt nhẹ sau tiêm, hướng dẫn chườm ấm', 'Sưng đỏ chỗ tiêm, theo dõi 48 giờ', 'Hướng dẫn dấu hiệu cần đến viện'] },
      { name: 'callback', weight: 25, notes: ['Bác sĩ gọi lại kiểm tra sau 2 giờ'] },
      { name: 'escalated', weight: 8, notes: ['Chuyển bác sĩ trực, nghi phản ứng dị ứng'] },
      { name: 'complaint', weight: 12, notes: AFTER_CARE_COMPLAINTS },
    ],
  },
  complaints: {
    ...GENERIC,
    ratePerHour: 10,
    talkMedianSec: 330,
    talkSigma: 0.6,
    patienceMeanSec: 150,
    holdProbability: 0.25,
    holdMedianSec: 60,
    dispositions: [
      { name: 'complaint', weight: 65, notes: COMPLAINT_NOTES },
      { name: 'resolved', weight: 25, notes: ['Đã xin lỗi và hoàn tiền chênh lệch'] },
      { name: 'callback', weight: 10, notes: CALLBACK_NOTES },
    ],
  },
  clinic: {
    ...GENERIC,
    ratePerHour: 30,
    talkMedianSec: 170,
    patienceMeanSec: 100,
    dispositions: [
      { name: 'booked', weight: 50, notes: ['Đặt khám nhi 9:30 sáng mai', 'Đặt khám tổng quát thứ Hai'], revenue: { probability: 0.3, min: 200_000, max: 900_000 } },
      { name: 'info', weight: 35, notes: INFO_NOTES },
      { name: 'callback', weight: 15, notes: CALLBACK_NOTES },
    ],
  },
  telesales: {
    ...GENERIC,
    ratePerHour: 40,
    connectProbability: 0.45,
    talkMedianSec: 260,
    talkSigma: 0.7,
    patienceMeanSec: 20,
    // A callee who picks up hears the campaign's hold message, so waits for an agent at least this long;
    // with 6 s, an offer missed by its agent (15 s to time out) dropped the call, and the history's drop
    // rate (3.6-3.9 %) was over the 3 % cap the dialer keeps to (about 2-2.5 % now).
    patienceMinSec: 12,
    // A callee the dialer reached does not misdial.
    shortAbandonProbability: 0,
    holdProbability: 0.05,
    priority2Probability: 0,
    dispositions: [
      { name: 'sold', weight: 18, notes: ['Mua gói vắc xin 0-12 tháng', 'Mua gói tiêm cúm gia đình'], revenue: { probability: 1, min: 1_500_000, max: 15_000_000 } },
      { name: 'callback', weight: 25, notes: CALLBACK_NOTES },
      { name: 'info', weight: 12, notes: INFO_NOTES },
      { name: 'no-need', weight: 45 },
    ],
  },
  survey: {
    ...GENERIC,
    ratePerHour: 24,
    connectProbability: 0.5,
    talkMedianSec: 110,
    talkSigma: 0.4,
    patienceMeanSec: 20,
    // As telesales: the callee hears the hold message.
    patienceMinSec: 12,
    shortAbandonProbability: 0,
    holdProbability: 0,
    priority2Probability: 0,
    dispositions: [
      { name: 'completed', weight: 80, surveyScore: SURVEY_SCORES },
      { name: 'refused', weight: 20 },
    ],
  },
};

export type ProfileName = 'hotline' | 'flat';

/**
 * Hotline demand by local minute of day (relative to the peak, 1.0): open 07:00-21:00,
 * a mid-morning peak (~09:30-10:30) and an early-afternoon peak (~14:30), quiet at lunch and in the evening.
 */
const HOTLINE_KNOTS: ReadonlyArray<readonly [number, number]> = [
  [7 * 60, 0.25],
  [7 * 60 + 30, 0.4],
  [8 * 60 + 30, 0.75],
  [9 * 60 + 30, 1.0],
  [10 * 60 + 30, 0.95],
  [11 * 60 + 30, 0.7],
  [12 * 60 + 30, 0.5],
  [13 * 60 + 30, 0.8],
  [14 * 60 + 30, 0.95],
  [15 * 60 + 30, 0.85],
  [16 * 60 + 30, 0.65],
  [17 * 60 + 30, 0.5],
  [18 * 60 + 30, 0.35],
  [19 * 60 + 30, 0.25],
  [20 * 60 + 30, 0.15],
  [21 * 60, 0.1],
];
export const HOTLINE_OPEN_MIN = 7 * 60;
export const HOTLINE_CLOSE_MIN = 21 * 60;

/** Demand multiplier (0..1) at a local minute of day. */
export function profileAt(profile: ProfileName, minuteOfDay: number): number {
  if (profile === 'flat') return 1;
  if (minuteOfDay < HOTLINE_OPEN_MIN || minuteOfDay >= HOTLINE_CLOSE_MIN) return 0;
  for (let i = 1; i < HOTLINE_KNOTS.length; i++) {
    const [m1, v1] = HOTLINE_KNOTS[i]!;
    if (minuteOfDay <= m1) {
      const [m0, v0] = HOTLINE_KNOTS[i - 1]!;
      return v0 + ((v1 - v0) * (minuteOfDay - m0)) / (m1 - m0);
    }
  }
  return 0;
}

/** What a caller of the simulator may set; everything is optional. */
export interface SimOptions {
  /** Simulated start, epoch ms. @defaultValue now */
  start?: number;
  /** Simulated duration in ms (`Infinity`: until stopped; hub mode only). @defaultValue 2 h */
  durationMs?: number;
  /** PRNG seed: same seed + same options = same calls. @defaultValue 1 */
  seed?: number;
  /** Global multiplier on every queue's rate. @defaultValue 1 */
  rate?: number;
  /** Number of simulated agents, taken round-robin over the site's teams. @defaultValue all agents of the site */
  agents?: number;
  /**
   * Agent ids the simulator does not play: they stay for people who sign in to the agent desk (an agent
   * both a person and the simulator answered for would see offers taken from under them).
   */
  except?: string[];
  /** Queue ids to generate calls for. @defaultValue every queue of the site */
  queues?: string[];
  /**
   * The campaign id an outbound line's calls carry (e.g. `{ telesales: 'vaccine-packages' }`, so a
   * demo's past dials belong to its campaigns). @defaultValue `sim-<queue id>`
   */
  campaignIds?: Record<string, string>;
  /** Site configuration (queues, agents, time zone, offer timeout). @defaultValue the demo site */
  site?: SiteConfig;
  /** Time-of-day profile. `flat`: open 24 h at peak demand, agents on for the whole run. @defaultValue 'hotline' */
  profile?: ProfileName;
  /** Per-queue overrides of the traffic model. */
  queueModels?: Record<string, Partial<QueueModel>>;
  /** Agent behaviour. */
  behaviour?: Partial<AgentBehaviour>;
  /** Prefix of every event and call id. @defaultValue `sim-<seed>-<start as yyyymmddHHMMSS UTC>` */
  idPrefix?: string;
  /** `source` field of the events. @defaultValue 'simulator' */
  source?: string;
  /**
   * After the run's end no calls arrive; agents stay this long to serve the calls still waiting
   * (callers' patience is capped at this value, so nothing is left in queue). @defaultValue 20 min
   */
  drainMs?: number;
}

export interface AgentBehaviour {
  /** Probability that an agent lets an offer ring out. @defaultValue 0.05 */
  missProbability: number;
  /** Probability that an agent declines an offer. @defaultValue 0.02 */
  declineProbability: number;
  /** Seconds before the agent clicks accept / decline: uniform [min, max]. @defaultValue [1, 6] */
  acceptDelaySec: [number, number];
  /** Take short breaks, lunch and the odd meeting during the shift. @defaultValue true */
  breaks: boolean;
  /** Probability that the caller (rather than the agent) ends the call. @defaultValue 0.65 */
  callerHangsUpProbability: number;
  /** Seconds a paused agent (after too many missed offers) takes to come back: uniform. @defaultValue [20, 90] */
  missedComebackSec: [number, number];
}

export const DEFAULT_BEHAVIOUR: AgentBehaviour = {
  missProbability: 0.05,
  declineProbability: 0.02,
  acceptDelaySec: [1, 6],
  breaks: true,
  callerHangsUpProbability: 0.65,
  missedComebackSec: [20, 90],
};

export interface SimQueue {
  config: QueueConfig;
  model: QueueModel;
  /** The campaign id an outbound line's calls carry. */
  campaignId: string;
}

/** Options with every default filled in. */
export interface ResolvedSimOptions {
  start: number;
  end: number;
  durationMs: number;
  seed: number;
  rate: number;
  site: SiteConfig;
  timeZone: string;
  profile: ProfileName;
  queues: SimQueue[];
  agents: AgentConfig[];
  behaviour: AgentBehaviour;
  idPrefix: string;
  source: string;
  drainMs: number;
  offerTimeoutMs: number;
  maxMissedOffers: number;
}

function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * The agents a demo leaves to people at the agent desk (the simulator does not play them): by default the
 * last agent of each team; `spec` names them ("a10,a20") or is "none".
 * @throws Error naming the ids the site does not have
 */
export function deskAgentsOf(site: Pick<SiteConfig, 'agents'>, spec?: string): string[] {
  if (spec !== undefined && spec.trim() !== '') {
    if (spec.trim() === 'none') return [];
    const ids = [...new Set(spec.split(',').map((s) => s.trim()).filter(Boolean))];
    const unknown = ids.filter((id) => !site.agents.some((a) => a.id === id));
    if (unknown.length) throw new Error(`CALLBOARD_DESK_AGENTS: the site has no agent ${unknown.join(', ')} (it has ${site.agents[0]?.id ?? 'none'}..${site.agents.at(-1)?.id ?? ''}; "none" leaves none)`);
    return ids;
  }
  const lastOfTeam = new Map<string, string>();
  for (const a of site.agents) lastOfTeam.set(a.teamId ?? '', a.id);
  return [...lastOfTeam.values()];
}

/** Agents interleaved over teams (a01, a11, a21, a31, a02, ...) so a small `--agents` still staffs every team. */
export function interleaveAgents(agents: readonly AgentConfig[]): AgentConfig[] {
  const byTeam = new Map<string, AgentConfig[]>();
  for (const a of agents) {
    const k = a.teamId ?? '';
    const list = byTeam.get(k) ?? [];
    list.push(a);
    byTeam.set(k, list);
  }
  const lists = [...byTeam.values()];
  const out: AgentConfig[] = [];
  for (let i = 0; out.length < agents.length; i++) {
    for (const l of lists) if (i < l.length) out.push(l[i]!);
  }
  return out;
}

export function resolveSimOptions(o: SimOptions = {}, now: number = Date.now()): ResolvedSimOptions {
  const seed = Math.trunc(o.seed ?? 1);
  const start = o.start ?? now;
  const durationMs = o.durationMs ?? 2 * TIME.HOUR;
  if (!(durationMs > 0)) throw new Error('duration must be positive');
  const rate = o.rate ?? 1;
  if (!(rate >= 0)) throw new Error('rate must be >= 0');
  let site = o.site ?? demoSite();
  const except = new Set(o.except ?? []);
  const wanted = o.agents ?? site.agents.length - except.size;
  if (!Number.isInteger(wanted) || wanted < 0) throw new Error('agents must be a whole number >= 0');
  if (!o.site && wanted + except.size > site.agents.length) site = demoSite(Math.ceil((wanted + except.size) / 4));
  const unknown = [...except].filter((id) => !site.agents.some((a) => a.id === id));
  if (unknown.length) throw new Error(`unknown agent${unknown.length > 1 ? 's' : ''} to leave out: ${unknown.join(', ')}`);
  const playable = site.agents.filter((a) => !except.has(a.id));
  if (wanted > playable.length) {
    throw new Error(`the site has ${playable.length} agents${except.size ? ` besides the ${except.size} left out` : ''}; asked for ${wanted}`);
  }
  const queueIds = o.queues ?? site.queues.map((q) => q.id);
  const queues: SimQueue[] = queueIds.map((id) => {
    const config = site.queues.find((q) => q.id === id);
    if (!config) throw new Error(`unknown queue "${id}" (the site has: ${site.queues.map((q) => q.id).join(', ')})`);
    const model: QueueModel = { ...(DEFAULT_QUEUE_MODELS[id] ?? GENERIC), ...(o.queueModels?.[id] ?? {}) };
    return { config, model, campaignId: o.campaignIds?.[id] ?? `sim-${id}` };
  });
  return {
    start,
    end: start + durationMs,
    durationMs,
    seed,
    rate,
    site,
    timeZone: site.timeZone,
    profile: o.profile ?? 'hotline',
    queues,
    agents: interleaveAgents(playable).slice(0, wanted),
    behaviour: { ...DEFAULT_BEHAVIOUR, ...(o.behaviour ?? {}) },
    idPrefix: o.idPrefix ?? `sim-${seed}-${compactUtc(start)}`,
    source: o.source ?? 'simulator',
    drainMs: o.drainMs ?? 20 * TIME.MINUTE,
    offerTimeoutMs: site.offerTimeoutSec * TIME.SECOND,
    maxMissedOffers: site.maxMissedOffers,
  };
}

/** Arrival rate of a queue (calls per ms) at simulated time `t`. */
export function arrivalRate(opts: ResolvedSimOptions, q: SimQueue, t: number): number {
  const m = localParts(opts.timeZone, t).minuteOfDay;
  return (opts.rate * q.model.ratePerHour * profileAt(opts.profile, m)) / TIME.HOUR;
}

/**
 * Expected number of arrivals (offered calls, or dial attempts for outbound queues) of one queue
 * over [from, to): the integral of the rate, by the minute. Used by tests and for the CLI banner.
 */
export function expectedArrivals(opts: ResolvedSimOptions, queueId: string, from = opts.start, to = opts.end): number {
  const q = opts.queues.find((x) => x.config.id === queueId);
  if (!q) return 0;
  const step = TIME.MINUTE;
  let sum = 0;
  for (let t = from; t < to; t += step) {
    const dt = Math.min(step, to - t);
    sum += arrivalRate(opts, q, t + dt / 2) * dt;
  }
  return sum;
}

/**
 * The callers: Poisson arrivals per queue (non-homogeneous, by thinning against the time-of-day
 * profile), Vietnamese mobile numbers and names, priorities, attributes and patience. Outbound
 * queues produce dial attempts; the connected ones continue as offered calls.
 */
import { vietnameseName } from '../../../realtime/src/site/demo-site.ts';
import { arrivalRate, type ResolvedSimOptions, type SimQueue } from './model.ts';
import type { Rng } from './random.ts';
import type { Scheduler } from './scheduler.ts';
import { TIME } from './time.ts';

/** Mobile prefixes of Viettel (3x, 96-98), VinaPhone (8x, 91, 94), MobiFone (7x, 90, 93). */
const MOBILE_PREFIXES = [
  '90', '91', '93', '94', '96', '97', '98',
  '32', '33', '34', '35', '36', '37', '38', '39',
  '70', '76', '77', '78', '79',
  '81', '82', '83', '84', '85', '86', '88', '89',
] as const;

/** A Vietnamese mobile number in E.164: `+84` + 2-digit prefix + 7 digits. */
export function vietnameseMobile(rng: Rng): string {
  return `+84${rng.pick(MOBILE_PREFIXES)}${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
}

export type DialResult = 'connected' | 'busy' | 'no_answer' | 'voicemail' | 'failed' | 'invalid';

/** One generated call (or, for outbound queues, one dial attempt). */
export interface SimCall {
  callId: string;
  queue: string;
  direction: 'inbound' | 'outbound';
  /** Arrival (offer) time, simulated epoch ms. */
  at: number;
  /** Caller number (inbound). */
  from?: string;
  /** Dialled number (outbound). */
  to?: string;
  /** Set only for urgent calls (2); the hub's default is 5. */
  priority?: number;
  attributes: Record<string, string>;
  /** The caller hangs up if not answered within this many ms. */
  patienceMs: number;
  campaignId?: string;
  leadId?: string;
  /** Outbound only: the network result of the attempt. Only `connected` calls are offered. */
  dialResult?: DialResult;
}

/** The `call.offered` event body of a simulated call (id, time and source are added by the sender). */
export function offeredEvent(call: SimCall) {
  return {
    type: 'call.offered' as const,
    callId: call.callId,
    queue: call.queue,
    direction: call.direction,
    ...(call.from ? { from: call.from } : {}),
    ...(call.to ? { to: call.to } : {}),
    ...(call.priority !== undefined ? { priority: call.priority } : {}),
    ...(call.campaignId ? { campaignId: call.campaignId } : {}),
    ...(call.leadId ? { leadId: call.leadId } : {}),
    attributes: call.attributes,
  };
}

interface Customer {
  phone: string;
  name: string;
  segment: string;
}

const SEGMENTS = ['member', 'member', 'member', 'new', 'new', 'vip', 'corporate'] as const;
const VACCINES = ['Hexaxim', 'Infanrix Hexa', 'Rotateq', 'Prevenar 13', 'Gardasil 9', 'Vaxigrip Tetra', 'Qdenga', 'Varivax', 'MMR II'];
const BRANCHES = ['Quận 1', 'Quận 7', 'Thủ Đức', 'Gò Vấp', 'Bình Thạnh', 'Hà Đông', 'Cầu Giấy', 'Đà Nẵng'];

const NON_CONNECTED: ReadonlyArray<readonly [DialResult, number]> = [
  ['no_answer', 55],
  ['busy', 20],
  ['voicemail', 15],
  ['failed', 5],
  ['invalid', 5],
];

/**
 * Makes the calls of one queue. Each queue has its own random stream, so the calls of one queue
 * do not depend on which other queues are simulated.
 */
export class CallFactory {
  private n = 0;
  private readonly recent: Customer[] = [];

  /** Its own stream, so the short abandons leave every other draw of the queue's calls as it was. */
  private readonly slips: Rng;

  constructor(
    private readonly opts: ResolvedSimOptions,
    private readonly q: SimQueue,
    private readonly rng: Rng,
  ) {
    this.slips = rng.fork('short-abandons');
  }

  private customer(): Customer {
    // About one caller in six calls again (same number and name), as on real hotlines.
    if (this.recent.length > 20 && this.rng.chance(0.15)) return this.rng.pick(this.recent);
    const c: Customer = {
      phone: vietnameseMobile(this.rng),
      name: vietnameseName(this.rng.int(0, 99_999)),
      segment: this.rng.pick(SEGMENTS),
    };
    this.recent.push(c);
    if (this.recent.length > 500) this.recent.shift();
    return c;
  }

  make(at: number): SimCall {
    const { config, model } = this.q;
    this.n++;
    const callId = `${this.opts.idPrefix}-${config.id}-${this.n}`;
    const cust = this.customer();
    const attributes: Record<string, string> = { customer: cust.name, segment: cust.segment };
    if (config.id === 'vaccine-booking' || config.id === 'advice' || config.id === 'after-care' || config.id === 'telesales') {
      attributes.vaccine = this.rng.pick(VACCINES);
    }
    if (this.rng.chance(0.6)) attributes.branch = this.rng.pick(BRANCHES);
    const waits = model.patienceMinSec + this.rng.exponential(model.patienceMeanSec);
    const slip = model.shortAbandonProbability > 0 && this.slips.chance(model.shortAbandonProbability);
    const patienceMs = Math.min((slip ? this.slips.uniform(1, 4.5) : waits) * TIME.SECOND, this.opts.drainMs);
    const urgent = this.rng.chance(model.priority2Probability + (cust.segment === 'vip' ? 0.3 : 0));
    const call: SimCall = {
      callId,
      queue: config.id,
      direction: config.direction,
      at,
      attributes,
      patienceMs,
    };
    if (urgent) call.priority = 2;
    if (config.direction === 'outbound') {
      call.to = cust.phone;
      call.campaignId = this.q.campaignId;
      call.leadId = `${this.opts.idPrefix}-lead-${config.id}-${this.n}`;
      call.dialResult = this.rng.chance(model.connectProbability ?? 0.4)
        ? 'connected'
        : this.rng.weighted(NON_CONNECTED, ([, w]) => w)[0];
    } else {
      call.from = cust.phone;
    }
    return call;
  }
}

/**
 * Schedules Poisson arrivals for every simulated queue on `scheduler` between the run's start and
 * end: candidate arrivals at the queue's peak rate, each kept with probability rate(t)/peak
 * (Lewis-Shedler thinning), which gives a non-homogeneous Poisson process.
 */
export function scheduleArrivals(
  opts: ResolvedSimOptions,
  scheduler: Scheduler,
  rng: Rng,
  onArrival: (call: SimCall) => void,
): void {
  for (const q of opts.queues) {
    const peakPerMs = (opts.rate * q.model.ratePerHour) / TIME.HOUR;
    if (!(peakPerMs > 0)) continue;
    const gaps = rng.fork(`arrivals:${q.config.id}`);
    const factory = new CallFactory(opts, q, rng.fork(`calls:${q.config.id}`));
    let t = opts.start;
    const next = (): void => {
      for (;;) {
        t += gaps.exponential(1 / peakPerMs);
        if (t >= opts.end) return;
        if (gaps.next() * peakPerMs < arrivalRate(opts, q, t)) break;
      }
      const at = t;
      scheduler.at(at, () => {
        onArrival(factory.make(at));
        next();
      });
    };
    next();
  }
}

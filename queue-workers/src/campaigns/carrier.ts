/**
 * The dialer port: how the campaign workers place a call. `SimulatedCarrier` is the one the demo and the
 * tests use (result rates per campaign); a real PBX adapter (Asterisk ARI originate, FreeSWITCH
 * `originate`, a carrier API) implements the same interface later.
 *
 * Contract: `dial` is idempotent by `key` (campaign, lead, attempt). A second `dial` with a key already
 * placed returns the first call's result and places nothing: a worker killed after the carrier placed the
 * call and before it recorded the result retries the job, and the retry must not ring the customer twice.
 * A real adapter keeps the key on the channel (a channel variable / the originate's id) and looks it up
 * before originating.
 */
import type { Redis } from 'ioredis';
import type { CampaignSettings, DialResult } from './model.ts';
import { parseCallId } from './store.ts';

export interface DialRequest {
  key: string;
  campaignId: string;
  leadId: string;
  attempt: number;
  to: string;
  rates: CampaignSettings['carrier'];
}

export interface DialAnswer {
  result: DialResult;
  /** True when this call placed the dial, false when it found an earlier one with the same key. */
  placed: boolean;
}

export interface DialerPort {
  dial(req: DialRequest): Promise<DialAnswer>;
}

/** FNV-1a, so a simulated result depends only on the key and the rates (reproducible runs). */
export function hash01(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

/** The result drawn for `key` under `rates` (what the simulated network answers). */
export function simulatedResult(key: string, rates: CampaignSettings['carrier'], phone?: string): DialResult {
  // Numbers that cannot exist in the plan (a test's +8400...) are invalid.
  if (phone !== undefined && /^\+840{3}/.test(phone)) return 'invalid';
  const u = hash01(key);
  let acc = rates.connect;
  if (u < acc) return 'connected';
  if (u < (acc += rates.busy)) return 'busy';
  if (u < (acc += rates.noAnswer)) return 'no_answer';
  if (u < (acc += rates.voicemail)) return 'voicemail';
  if (u < (acc += rates.failed)) return 'failed';
  return 'connected';
}

const PLACE = `
-- KEYS[1] placed calls hash (key -> result); ARGV: key, result
local r = redis.call('HGET', KEYS[1], ARGV[1])
if r then return {r, 0} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {ARGV[2], 1}`;

/**
 * The simulated carrier. Its "network" is a Redis hash of placed calls, call key -> result (so a worker
 * process killed mid-dial and its successor see the same network). A key is placed at most once; the
 * tests count placements per lead from it: each attempt of a lead must be placed exactly once.
 */
export class SimulatedCarrier implements DialerPort {
  private readonly r: Redis & { cbPlace(a: string, key: string, result: string): Promise<[string, number]> };
  constructor(
    redis: Redis,
    readonly prefix: string,
    /** The clock's speed: rings last `ringSec / speed` real seconds. @defaultValue 1 */
    readonly speed = 1,
  ) {
    this.r = redis as typeof this.r;
    this.placement_ = { placed: `${prefix}:net:placed` };
    if (!(redis as unknown as Partial<typeof this.r>).cbPlace) redis.defineCommand('cbPlace', { numberOfKeys: 1, lua: PLACE });
  }

  async dial(req: DialRequest): Promise<DialAnswer> {
    await this.ring(req);
    const [r, placed] = await this.r.cbPlace(this.placedKey, req.key, this.draw(req));
    return { result: r as DialResult, placed: placed === 1 };
  }

  /** The ring before the network answers. */
  async ring(req: DialRequest): Promise<void> {
    if (req.rates.ringSec > 0) await new Promise((r) => setTimeout(r, (req.rates.ringSec * 1000) / this.speed));
  }

  /** What the network answers for this request (drawn from the key: the same every time). */
  draw(req: DialRequest): DialResult {
    return simulatedResult(req.key, req.rates, req.to);
  }

  /**
   * The network's keys, for recording the placement in the dialer's own result script (`CampaignStore.finish`
   * with `place`): the network lives in the same Redis, so placing and recording are one atomic step.
   * Only with the same Redis and key prefix as the campaign store.
   */
  placement(_req?: DialRequest): { placed: string } {
    return this.placement_;
  }
  private get placedKey(): string {
    return `${this.prefix}:net:placed`;
  }
  private readonly placement_: { placed: string };

  /** Placements per lead (`campaign:lead` -> count), from the placed calls' keys (`out:campaign:lead:attempt`): for the tests. */
  async placements(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const key of await this.r.hkeys(this.placedKey)) {
      const p = parseCallId(key);
      const f = p ? `${p.campaignId}:${p.leadId}` : key;
      out[f] = (out[f] ?? 0) + 1;
    }
    return out;
  }
}

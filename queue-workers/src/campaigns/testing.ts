/**
 * Test helpers: a fake hub (records what the dialer sends; its agents answer connected calls at once,
 * writing `call.answered` / `call.ended` / `call.outcome` to a Redis stream shaped like the hub's event
 * log, so the real outcome follower reads them) and a campaign builder.
 */
import type { Redis } from 'ioredis';
import type { CtiEventIn, DomainEvent, SnapshotDTO } from '../../../realtime/src/contracts/index.ts';
import { hash01 } from './carrier.ts';
import { CampaignInputSchema, campaignFromInput, type Campaign, type CampaignInput } from './model.ts';
import type { HubPort } from './ports.ts';

export interface FakeHubOptions {
  redis: Redis;
  streamKey: string;
  queue: string;
  /** Free agents the snapshot shows. */
  freeAgents: number;
  /** The lines the free agents take (a team shared by campaigns, an inbound line). @defaultValue [queue] */
  agentQueues?: string[];
  /** Calls waiting on a line (`live.inQueue`) besides the shared queues'. */
  waiting?: Record<string, number>;
  /** Answer connected calls (answered, ended, outcome). @defaultValue true */
  autoAnswer?: boolean;
  /** Disposition of an answered call (by call id). @defaultValue 'sold' half of the time, else 'not_interested' */
  disposition?: (callId: string) => string;
  surveyScore?: (callId: string) => number | undefined;
  /** More agents on the campaign's queue (a lead's own agent), their state changeable during a test. */
  agents?: { id: string; teamId?: string; state: string; since?: number }[];
  /** Shared queues' service level for the governor. */
  shared?: { id: string; serviceLevelPct: number | null; targetPct: number; inQueue: number }[];
}

export class FakeHub implements HubPort {
  readonly events: CtiEventIn[] = [];
  /** Holds asked for (agent, seconds, call id), in order; 0 seconds = release. */
  readonly holds: { agentId: string; sec: number; ref: string }[] = [];
  dialed = 0;
  offered = 0;
  constructor(readonly o: FakeHubOptions) {}

  async ingest(events: CtiEventIn[]): Promise<void> {
    const out: DomainEvent[] = [];
    for (const e of events) {
      this.events.push(e);
      if (e.type === 'call.dialed') this.dialed++;
      if (e.type === 'call.offered' && e.direction === 'outbound' && this.o.autoAnswer !== false) {
        this.offered++;
        const at = typeof e.at === 'number' ? e.at : Date.parse(e.at);
        const agentId = `a${String(31 + Math.floor(hash01(e.callId) * 10)).padStart(2, '0')}`;
        const disposition = this.o.disposition?.(e.callId) ?? (hash01(`${e.callId}:d`) < 0.5 ? 'sold' : 'not_interested');
        const score = this.o.surveyScore?.(e.callId);
        out.push(
          { id: `${e.callId}:ans`, type: 'call.answered', at: at + 1, callId: e.callId, agentId } as DomainEvent,
          { id: `${e.callId}:end`, type: 'call.ended', at: at + 2, callId: e.callId } as DomainEvent,
          { id: `${e.callId}:out`, type: 'call.outcome', at: at + 3, callId: e.callId, disposition, ...(disposition === 'sold' ? { revenue: 1_500_000 } : {}), ...(score !== undefined ? { surveyScore: score } : {}) } as DomainEvent,
        );
      }
    }
    if (out.length) await this.o.redis.xadd(this.o.streamKey, '*', 'e', JSON.stringify(out));
  }

  async hold(agentId: string, sec: number, ref: string): Promise<boolean> {
    this.holds.push({ agentId, sec, ref });
    return true;
  }

  async snapshot(): Promise<SnapshotDTO> {
    const agents = [
      ...Array.from({ length: this.o.freeAgents }, (_, i) => ({ id: `f${i}`, name: `f${i}`, teamId: 'team-sales', queues: this.o.agentQueues ?? [this.o.queue], skills: {}, state: 'available', since: 0 })),
      ...(this.o.agents ?? []).map((a) => ({ id: a.id, name: a.id, teamId: a.teamId ?? 'team-sales', queues: [this.o.queue], skills: {}, state: a.state, since: a.since ?? Date.now() })),
    ];
    const q = (id: string, sl: number | null, target: number, inQueue: number) => ({
      id,
      name: id,
      open: true,
      slTargetPct: target,
      live: { inQueue, available: 0 },
      last30: { serviceLevelPct: sl },
      today: { ahtSec: 120 },
    });
    return {
      seq: 0,
      at: Date.now(),
      queues: [
        q(this.o.queue, null, 80, this.o.waiting?.[this.o.queue] ?? 0),
        ...(this.o.shared ?? []).map((s) => q(s.id, s.serviceLevelPct, s.targetPct, s.inQueue)),
        ...(this.o.agentQueues ?? [])
          .filter((id) => id !== this.o.queue && !(this.o.shared ?? []).some((s) => s.id === id))
          .map((id) => q(id, null, 80, this.o.waiting?.[id] ?? 0)),
      ],
      agents,
      teams: [],
      calls: [],
    } as unknown as SnapshotDTO;
  }
}

/** A campaign with test defaults: always-open window, no retry delays, 3 attempts. */
export function testCampaign(over: Partial<CampaignInput> & { id: string }, siteId = 'demo'): Campaign {
  const input = CampaignInputSchema.parse({
    name: over.id,
    type: 'telesales',
    queueId: 'telesales',
    dialingMode: 'progressive',
    ...over,
    settings: {
      window: { start: '00:00', end: '23:59' },
      retry: { busy: 0, no_answer: 0, voicemail: 0, failed: 0, dropped: 0 },
      pacingMs: 100,
      dropAfterSec: 120,
      ...over.settings,
    },
  });
  return campaignFromInput(siteId, input);
}

/** A CSV of `n` Vietnamese leads with distinct mobile numbers. */
export function leadsCsv(n: number, start = 0, extra = ''): string {
  const lines = ['phone,name,segment' + (extra ? `,${extra}` : '')];
  for (let i = start; i < start + n; i++) lines.push(`09${String(10_000_000 + i).slice(-8)},Khách ${i},${i % 2 ? 'hcm' : 'hn'}${extra ? ',x' : ''}`);
  return lines.join('\n') + '\n';
}

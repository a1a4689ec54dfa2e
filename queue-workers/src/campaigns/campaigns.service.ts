/**
 * `CampaignService`: everything a campaign does, called by the BullMQ handlers (dial, pace, import,
 * outreach, post-call survey), the followers (attempt log -> hub and database; hub event log ->
 * outcomes) and the HTTP API. State transitions go through `CampaignStore` (Redis, atomic); durable
 * rows through `CampaignRepository`.
 */
import { UnrecoverableError, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { CtiEventIn, DomainEvent, LeadCoverage, SiteConfig, SnapshotDTO } from '../../../realtime/src/contracts/index.ts';
import { apiFail, type ApiFail } from '../../../realtime/src/contracts/api-errors.ts';
import type { CampaignJobs } from '../../../realtime/src/contracts/jobs.campaigns.ts';
import type { CampaignRepository } from './campaign.repository.ts';
import { leadIdOf } from './campaign.repository.ts';
import { countryOfZone, customerIdOfNumber, e164 } from '../../../realtime/src/storage/customer-id.ts';
import { hash01, SimulatedCarrier, type DialerPort, type DialRequest } from './carrier.ts';
import { campaignClock, type CampaignClock } from './clock.ts';
import { importLeads, type ImportResult } from './lead-import.ts';
import { DROP_RATE_WINDOW_HOURS, type Campaign, type DialResult, type LeadStatus, type SurveyQuestion } from './model.ts';
import { paceAlert, paceWhy, type PaceAlert, type PaceAlertArgs, type PaceWhy } from './pace-reasons.ts';
import { checkWindow, governor, GOVERNOR_NOT_CHECKED, nextStep, planDials, quotaState, type GovernorState, type PacingPlan } from './policy.ts';
import type { ComplaintPort, HubPort } from './ports.ts';
import { callIdOf, parseCallId, type CampaignStore, type LogEntry } from './store.ts';

/** Seconds an agent is held beyond the ring, for the connected call's offer to reach the hub. */
const HOLD_MARGIN_SEC = 10;
/** The ring of a carrier that does not say how long it rings (a no-answer timeout). */
const UNKNOWN_RING_SEC = 40;

export type Jobs = CampaignJobs;
export type JobName = keyof Jobs;

export interface ServiceDeps {
  store: CampaignStore;
  repo: CampaignRepository;
  carrier: DialerPort;
  hub: HubPort;
  config: SiteConfig;
  logger: Logger;
  dialQueue: Queue;
  controlQueue: Queue;
  complaints?: ComplaintPort;
  /** Demo: a simulated respondent answers every survey question of a completed survey call. */
  simulateRespondents?: boolean;
  /** Claimed leads without a dial job are enqueued again after this long. @defaultValue 30000 */
  recoverAfterMs?: number;
  now?: () => number;
  /** The hub's clock, scaled with `CALLBOARD_SPEED` (pacing cycles, drop deadlines). @defaultValue the wall clock (or `now`) */
  clock?: CampaignClock;
  /** A stopped or completed campaign's per-lead keys leave Redis this long after it finished (clock ms). @defaultValue 60000 */
  finalizeAfterMs?: number;
}

export interface Coverage extends LeadCoverage {
  byStatus: Record<string, number>;
}

/**
 * One pacing cycle's account (`progress.pacing`): why, in English (`why`) and as `whyCode` + `whyArgs`;
 * the alerts in English (`alerts`) and as codes with arguments (`alertDetails`, in the same order).
 */
export type PaceInfo = {
  at: number;
  plan: PacingPlan | null;
  governor: GovernorState;
  alerts: string[];
  alertDetails: PaceAlert[];
} & PaceWhy;

/** Leads read from the database and loaded into Redis per page at a campaign's start. */
const LOAD_PAGE = 2000;

const DIAL_JOB_OPTS = { attempts: 5, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 3600, count: 20000 }, removeOnFail: { age: 7 * 86400 } } as const;

export class CampaignService {
  readonly store: CampaignStore;
  readonly repo: CampaignRepository;
  private readonly d: ServiceDeps;
  private readonly cfgCache = new Map<string, { at: number; c: Campaign | null }>();
  private snap: { at: number; p: Promise<SnapshotDTO> } | undefined;
  private readonly governors = new Map<string, GovernorState>();
  private readonly agentTeam = new Map<string, string>();
  private readonly offline = new Map<string, number>();
  private readonly lastReassign = new Map<string, number>();
  private watchingSince: number | undefined;
  readonly clock: CampaignClock;

  constructor(d: ServiceDeps) {
    this.d = d;
    this.clock = d.clock ?? campaignClock(d.now ? { now: d.now } : {});
    this.store = d.store;
    this.repo = d.repo;
    for (const a of d.config.agents) if (a.teamId) this.agentTeam.set(a.id, a.teamId);
  }

  now(): number {
    return this.clock.now();
  }

  // ================================================================================= campaigns
  async save(c: Campaign): Promise<void> {
    await this.repo.upsertCampaign(c);
    await this.store.putCampaign(c);
    this.cfgCache.delete(c.id);
  }

  /** The campaign as the workers see it (Redis, cached 500 ms; else the database). */
  async campaign(id: string): Promise<Campaign | null> {
    const hit = this.cfgCache.get(id);
    const now = Date.now();
    if (hit && now - hit.at < 500) return hit.c;
    let c = await this.store.getCampaign(id);
    if (!c) {
      c = await this.repo.getCampaign(id);
      if (c) await this.store.putCampaign(c);
    }
    this.cfgCache.set(id, { at: now, c });
    return c;
  }

  /** The cached campaign when it is fresh (no await on the dial path); undefined otherwise. */
  private cachedCampaign(id: string): Campaign | undefined {
    const hit = this.cfgCache.get(id);
    return hit?.c && Date.now() - hit.at < 500 ? hit.c : undefined;
  }

  async setStatus(id: string, status: Campaign['status']): Promise<Campaign> {
    const c = await this.repo.getCampaign(id);
    if (!c) throw new NotFound(apiFail('unknown_campaign', { campaignId: id }));
    c.status = status;
    // A start loads the leads into Redis page by page: the campaign runs once the first page is there
    // (pacing claims what is loaded; it completes the campaign only once every page is), so dialing
    // begins while the rest loads. setStatus returns when every lead is loaded.
    let rest: Promise<unknown> | undefined;
    if (status === 'running' && !(await this.store.isLoaded(id))) {
      const now = this.now();
      const pages = this.repo.workableLeadPages(id, LOAD_PAGE);
      const first = await pages.next();
      if (!first.done) await this.store.loadLeads(id, first.value, now, false);
      rest = (async () => {
        if (!first.done) for await (const page of pages) await this.store.loadLeads(id, page, now, false);
        await this.store.markLoaded(id);
      })().then(
        () => undefined,
        (err: unknown) => ({ err }),
      );
    }
    const loaded = async () => {
      const r = (await rest) as { err: unknown } | undefined;
      if (r) throw r.err;
    };
    try {
      await this.setStatusLoaded(c, id, status);
    } finally {
      await loaded();
    }
    return c;
  }

  /**
   * `start`, `pause` or `stop` from the API. A completed campaign has nothing left to dial (every lead
   * finished, its end date passed or its quota was reached): a start would complete it again at once, so
   * start and pause are refused (`Conflict`, 409), and so is stop, except for a scheduled campaign, whose
   * stop ends its next outreach rounds (`outreach` skips a stopped campaign). Those rounds are how a
   * completed campaign runs again: `outreach` works its leads again and calls `setStatus` itself.
   *
   * A draft has never dialed: there is nothing to pause or stop, so both are refused (409) rather than
   * marking it stopped. A scheduled draft's stop is taken all the same: its first outreach round would start
   * it, and the stop is the one way to call those rounds off.
   */
  async control(id: string, action: 'start' | 'pause' | 'stop'): Promise<Campaign> {
    const c = await this.repo.getCampaign(id);
    if (!c) throw new NotFound(apiFail('unknown_campaign', { campaignId: id }));
    if (c.status === 'draft' && action !== 'start' && !(action === 'stop' && c.settings.schedule)) {
      throw new Conflict(apiFail('campaign_not_started', { campaignId: id, action }));
    }
    if (c.status === 'stopped' && action === 'pause') throw new Conflict(apiFail('campaign_stopped_pause', { campaignId: id }));
    if (c.status === 'completed' && !(action === 'stop' && c.settings.schedule)) {
      const campaignId = id;
      throw new Conflict(
        action !== 'start'
          ? apiFail('campaign_completed', { campaignId, action })
          : apiFail(c.settings.schedule ? 'campaign_completed_start_scheduled' : 'campaign_completed_start', { campaignId }),
      );
    }
    return this.setStatus(id, action === 'start' ? 'running' : action === 'pause' ? 'paused' : 'stopped');
  }

  private async setStatusLoaded(c: Campaign, id: string, status: Campaign['status']): Promise<void> {
    await this.repo.setStatus(id, status);
    await this.store.putCampaign(c);
    this.cfgCache.delete(id);
    // A finished campaign's lead records leave Redis once its last calls are over (`finalize`).
    if (status === 'stopped' || status === 'completed') await this.store.redis.zadd(this.store.k.finishing(), 'NX', this.now(), id);
    else await this.store.redis.zrem(this.store.k.finishing(), id);
    if (status === 'running') {
      await this.d.controlQueue.upsertJobScheduler(`pace:${id}`, { every: this.clock.real(c.settings.pacingMs, 100) }, { name: 'campaign:pace', data: { campaignId: id } satisfies Jobs['campaign:pace'] });
    } else {
      await this.d.controlQueue.removeJobScheduler(`pace:${id}`);
    }
  }

  /** Schedules (or unschedules) a proactive campaign's runs. */
  async schedule(c: Campaign): Promise<void> {
    if (c.settings.schedule) {
      await this.d.controlQueue.upsertJobScheduler(
        `outreach:${c.id}`,
        { pattern: c.settings.schedule.pattern, ...(c.settings.schedule.tz ? { tz: c.settings.schedule.tz } : { tz: this.d.config.timeZone }) },
        { name: 'campaign:outreach', data: { campaignId: c.id } satisfies Jobs['campaign:outreach'] },
      );
    } else await this.d.controlQueue.removeJobScheduler(`outreach:${c.id}`);
  }

  async outreach(campaignId: string): Promise<void> {
    const c = await this.repo.getCampaign(campaignId);
    if (!c || c.status === 'stopped') return;
    // A new round: every lead not barred (DNC, invalid) is worked again (a greeting is sent each time).
    // Round r numbers its attempts from r·maxAttempts + 1, so no attempt key of an earlier round is reused.
    c.settings.round = (c.settings.round ?? 0) + 1;
    const base = c.settings.round * c.maxAttempts;
    await this.repo.upsertCampaign(c);
    await this.d.repo.db.execute(
      (await import('drizzle-orm')).sql`update leads set status = 'pending', attempts = ${base}, next_at = null where campaign_id = ${campaignId} and status in ('done', 'exhausted', 'quota', 'pending', 'retry')`,
    );
    this.cfgCache.delete(campaignId);
    await this.store.redis.del(this.store.k.loaded(campaignId), this.store.k.cnt(campaignId));
    const keys = await this.store.redis.keys(`${this.store.k.leadPrefix(campaignId)}*`);
    for (let i = 0; i < keys.length; i += 1000) await this.store.redis.del(...keys.slice(i, i + 1000));
    await this.setStatus(campaignId, 'running');
  }

  // ===================================================================================== leads
  async importFile(campaignId: string, input: Parameters<typeof importLeads>[0], importId: number, bytesTotal?: number, onProgress?: (pct: number) => void | Promise<void>): Promise<ImportResult> {
    const c = await this.repo.getCampaign(campaignId);
    if (!c) throw new NotFound(apiFail('unknown_campaign', { campaignId }));
    try {
      const r = await importLeads(input, this.repo, {
        campaignId,
        importId,
        defaultTimeZone: c.settings.timeZone,
        agents: new Set(this.d.config.agents.map((a) => a.id)),
        teams: new Set(this.d.config.teams.map((t) => t.id)),
        ...(bytesTotal !== undefined ? { bytesTotal } : {}),
        onProgress: async (p) => {
          await this.repo.updateImport(importId, { bytesRead: p.bytesRead, rowsRead: p.rowsRead, inserted: p.inserted, merged: p.merged, rejected: p.rejected });
          if (onProgress && bytesTotal) await onProgress(Math.min(99, Math.floor((100 * p.bytesRead) / bytesTotal)));
        },
      });
      await this.repo.updateImport(importId, {
        status: 'done',
        bytesRead: r.bytesRead,
        rowsRead: r.rowsRead,
        inserted: r.inserted,
        merged: r.merged,
        rejected: r.rejected,
        errors: r.errors,
        finishedAt: new Date(),
      });
      // A campaign already loaded in Redis gets its new leads at once.
      if (await this.store.isLoaded(campaignId)) await this.store.loadLeads(campaignId, await this.repo.workableLeads(campaignId, importId), this.now());
      return r;
    } catch (err) {
      await this.repo.updateImport(importId, { status: 'failed', errors: [{ row: 0, reason: (err as Error).message }], finishedAt: new Date() });
      throw err;
    }
  }

  /** Enqueues the import of a CSV file already written to `path` (the file is deleted after). */
  async importJob(campaignId: string, importId: number, path: string): Promise<void> {
    const data: Jobs['campaign:import-leads'] = { campaignId, importId, path, deleteAfter: true };
    await this.d.controlQueue.add('campaign:import-leads', data, { jobId: `import|${importId}`, attempts: 1, removeOnComplete: { age: 86400 }, removeOnFail: { age: 7 * 86400 } });
  }

  async addDnc(scope: string, phones: string[], reason: string | null, by: string | null): Promise<void> {
    await this.repo.addDnc(scope, phones, reason, by);
    if (phones.length) await this.store.redis.sadd(this.store.k.dnc(scope), ...phones);
  }
  async removeDnc(scope: string, phone: string): Promise<void> {
    await this.repo.removeDnc(scope, phone);
    await this.store.redis.srem(this.store.k.dnc(scope), phone);
  }
  /** Mirrors the do-not-call lists into Redis (at start). */
  async loadDnc(): Promise<void> {
    const rows = await this.repo.dnc();
    const by = new Map<string, string[]>();
    for (const r of rows) (by.get(r.scope) ?? by.set(r.scope, []).get(r.scope)!).push(r.phone);
    for (const [scope, phones] of by) for (let i = 0; i < phones.length; i += 5000) await this.store.redis.sadd(this.store.k.dnc(scope), ...phones.slice(i, i + 5000));
  }

  /** Assigns leads to an agent or a team (or back to the pool): database, history and the hot state. */
  async assign(campaignId: string, leadIds: string[], agentId: string | null, teamId: string | null, reason: string, by: string | null): Promise<number> {
    await this.repo.assign(campaignId, leadIds, agentId, teamId, reason, by);
    let moved = 0;
    for (const l of leadIds) {
      const lk = this.store.k.lead(campaignId, l);
      const h = await this.store.redis.hmget(lk, 'st', 'ag', 'tm');
      if (!h[0]) continue;
      await this.store.redis.hset(lk, 'ag', agentId ?? '', 'tm', teamId ?? '');
      if (agentId) await this.store.redis.sadd(this.store.k.personal(campaignId), agentId);
      if (h[0] === 'pending' || h[0] === 'retry') {
        const from = this.store.dueKeyOf(campaignId, { ag: h[1] || null, tm: h[2] || null });
        const to = this.store.dueKeyOf(campaignId, { ag: agentId, tm: teamId });
        const score = await this.store.redis.zscore(from, l);
        if (score !== null && from !== to) {
          await this.store.redis.multi().zrem(from, l).zadd(to, score, l).exec();
          moved++;
        }
      }
    }
    return moved;
  }

  // ====================================================================================== dial
  /** The `campaign:dial` job: one attempt, idempotent by (campaign, lead, attempt). */
  async dial(job: Jobs['campaign:dial']): Promise<string> {
    const { campaignId: c, leadId: l, attempt: n } = job;
    const camp = this.cachedCampaign(c) ?? (await this.campaign(c));
    // A lead this process claimed, on the simulated carrier, a running campaign, inside its window: the
    // whole dial is one script. Anything else (or anything the script finds unusual) goes the long way.
    const claimed = this.store.takeClaimed(c, l, n);
    const carrier = this.d.carrier;
    const sim = carrier instanceof SimulatedCarrier && carrier.prefix === this.store.prefix ? carrier : undefined;
    if (claimed && sim && camp?.status === 'running' && camp.type !== 'survey' && !job.agentId && checkWindow(this.now(), claimed.timeZone, camp.settings.window).open) {
      const r = await this.record(job, camp, claimed, sim, true);
      if (r !== undefined) return r;
    }
    const prep = await this.store.prepare(c, l, n);
    if (!camp || !prep) return 'gone';
    const { lead, phase: b } = prep;
    if (b === 'done' || b === 'stale') return b;
    const now = this.now();
    const dueKey = this.store.dueKeyOf(c, lead);
    if (camp.status !== 'running' && !(camp.dialingMode === 'preview' && job.agentId && camp.status !== 'stopped')) {
      await this.store.release(c, l, n, dueKey, now);
      await this.store.redis.hdel(this.store.k.att(c, l, n), 'ph');
      return 'not running';
    }
    // Compliance, right before the dial: do-not-call (global and the campaign's), the call window in
    // the callee's time zone, and the survey quota.
    if (prep.dnc) {
      await this.store.setStatus({ c, l, status: 'dnc', entry: { k: 'lead', c, l, at: now, st: 'dnc', n: n - 1, why: 'do-not-call' } });
      await this.store.redis.hset(this.store.k.att(c, l, n), 'ph', 'done', 'r', 'dnc');
      throw new UnrecoverableError('do-not-call: the number is on a do-not-call list');
    }
    const w = checkWindow(now, lead.timeZone, camp.settings.window);
    if (!w.open) {
      await this.store.release(c, l, n, dueKey, w.next);
      await this.store.redis.hdel(this.store.k.att(c, l, n), 'ph');
      return 'outside window';
    }
    if (camp.type === 'survey') {
      const q = await this.quota(camp);
      if (q.totalReached || (lead.segment && q.fullSegments.includes(lead.segment))) {
        await this.store.setStatus({ c, l, status: 'quota', entry: { k: 'lead', c, l, at: now, st: 'quota', n: n - 1, why: 'quota reached' } });
        await this.store.redis.hset(this.store.k.att(c, l, n), 'ph', 'done', 'r', 'quota');
        return 'quota';
      }
    }
    return (await this.record(job, camp, lead, sim, false))!;
  }

  /**
   * Places the call and records its result. With the simulated carrier (`sim`) the placement is part of
   * the recording script. `once`: the one-script path, which answers undefined when the long way must
   * be taken.
   */
  private async record(job: Jobs['campaign:dial'], camp: Campaign, lead: NonNullable<Awaited<ReturnType<CampaignStore['getLead']>>>, sim: SimulatedCarrier | undefined, once: boolean): Promise<string | undefined> {
    const { campaignId: c, leadId: l, attempt: n } = job;
    const dueKey = this.store.dueKeyOf(c, lead);
    const callId = callIdOf(c, l, n);
    const req: DialRequest = { key: callId, campaignId: c, leadId: l, attempt: n, to: lead.phone, rates: camp.settings.carrier };
    // The simulated network lives in this Redis: the placement goes into the result's script (one round
    // trip less). Any other carrier places the call first, then the result is recorded.
    let fused = sim;
    let result: DialResult;
    // A lead assigned to an agent (or previewed by one): the hub keeps that agent free while it rings, so the
    // callee who answers finds them (docs/CAMPAIGNS.md, Assignment).
    const holder = job.agentId ?? lead.assignedAgentId ?? undefined;
    const held = holder !== undefined && (await this.holdAgent(holder, HOLD_MARGIN_SEC + (req.rates.ringSec || UNKNOWN_RING_SEC), callId));
    if (fused) {
      if (req.rates.ringSec > 0) await fused.ring(req);
      result = fused.draw(req);
    } else result = (await this.d.carrier.dial(req)).result;
    // Not connected: the agent takes other calls again at once (connected: the hub's offer ends the hold).
    if (held && result !== 'connected') await this.holdAgent(holder, 0, callId);
    for (;;) {
      const at = this.now();
      let status: LeadStatus;
      let due: number | undefined;
      if (result === 'connected') status = 'connected';
      else {
        const step = nextStep(result, { attempts: inRound(camp, n), maxAttempts: camp.maxAttempts, now: at, tz: lead.timeZone, settings: camp.settings });
        status = step.status === 'done' ? 'done' : step.status;
        if (step.status === 'retry') due = step.dueAt;
      }
      const entry: LogEntry = { k: 'dial', c, l, n, callId, phone: lead.phone, result, at, st: status, q: camp.queueId, pr: camp.priority };
      if (due !== undefined) entry.due = due;
      if (lead.name) entry.nm = lead.name;
      if (job.agentId ?? lead.assignedAgentId) entry.ag = (job.agentId ?? lead.assignedAgentId)!;
      if (camp.settings.offer) entry.offer = camp.settings.offer;
      // The agent's desk shows a connected call's attributes: the script goes with it ({lead} filled in).
      if (result === 'connected' && camp.script) entry.script = camp.script.replaceAll('{lead}', lead.name ?? '').slice(0, 1000);
      if (result === 'connected') entry.cn = camp.name.slice(0, 200);
      const args = { c, l, n, result, status, dueKey, ...(due !== undefined ? { due } : {}), callId, dropDeadline: at + this.clock.span(camp.settings.dropAfterSec * 1000, 1000), entry };
      if (once) {
        const r = await this.store.dialOnce({ ...args, place: fused!.placement(), lead });
        if (r === 1) return result;
        if (r === 0) return 'done';
        if (r === -1) return 'stale';
        return undefined; // -3, or placed before with another result: the long way
      }
      const r = await this.store.finish({ ...args, ...(fused ? { place: fused.placement() } : {}) });
      // The network had placed this call already with another result (its rates changed): record that one.
      if (typeof r === 'string') {
        result = r as DialResult;
        fused = undefined;
        continue;
      }
      return result;
    }
  }

  /** Best effort: a hold the hub refuses (agent offline) or cannot take (hub down) never stops the dial. */
  private async holdAgent(agentId: string, sec: number, ref: string): Promise<boolean> {
    if (!this.d.hub.hold) return false;
    try {
      return await this.d.hub.hold(agentId, Math.min(sec, 120), ref);
    } catch (err) {
      this.d.logger.warn({ agentId, err: (err as Error).message }, 'could not hold the agent for a personal dial');
      return false;
    }
  }

  async quota(camp: Campaign): Promise<ReturnType<typeof quotaState>> {
    const st = await this.store.redis.hgetall(this.store.k.st(camp.id));
    const bySegment: Record<string, number> = {};
    for (const [k, v] of Object.entries(st)) if (k.startsWith('q:seg:')) bySegment[k.slice(6)] = Number(v);
    return quotaState(camp.settings.quota, { total: Number(st['q:total'] ?? 0), bySegment });
  }

  // ====================================================================================== pace
  private liveSnapshot(): Promise<SnapshotDTO> {
    const now = Date.now();
    if (!this.snap || now - this.snap.at > 400) this.snap = { at: now, p: this.d.hub.snapshot() };
    return this.snap.p;
  }

  /**
   * One pacing cycle of a running campaign: one at a time per campaign (a lock, so cycles never overlap and
   * over-dial), and one at a time across campaigns, whose agents may be the same people: a cycle counts the
   * dials the others have in flight for them (`claimedElsewhere`), which it can only do once their cycles
   * have claimed. Campaigns' job schedulers fire on the same ticks, so a cycle waits a little for the other's.
   */
  async pace(campaignId: string): Promise<PaceInfo | null> {
    const lock = this.store.k.paceLock(campaignId);
    const token = `${process.pid}:${Math.random()}`;
    if ((await this.store.redis.set(lock, token, 'PX', 10_000, 'NX')) !== 'OK') return null;
    try {
      const pool = this.store.k.pacePoolLock();
      let held = false;
      for (let i = 0; i < 40 && !held; i++) {
        held = (await this.store.redis.set(pool, token, 'PX', 10_000, 'NX')) === 'OK';
        if (!held) await new Promise((r) => setTimeout(r, 25));
      }
      if (!held) return null; // the next tick paces it
      try {
        return await this.paceLocked(campaignId);
      } finally {
        await this.store.unlock(pool, token);
      }
    } finally {
      await this.store.unlock(lock, token);
    }
  }

  /**
   * Of a campaign's free agents, how many other work will take first: calls already waiting on the other
   * lines they take (inbound callers, other campaigns' connected calls) and the dials other running
   * campaigns on those lines have in flight (each brings an agent a call if it connects). Each line counts
   * at most as many as the free agents who take it. Without this, two campaigns sharing a team each dial
   * for every free agent, and the connects that find nobody are dropped.
   */
  private async claimedElsewhere(camp: Campaign, free: readonly SnapshotDTO['agents'][number][], snap: SnapshotDTO): Promise<number> {
    const takers = new Map<string, number>(); // another line -> free agents of this campaign who take it
    for (const a of free) for (const q of a.queues) if (q !== camp.queueId) takers.set(q, (takers.get(q) ?? 0) + 1);
    if (takers.size === 0) return 0;
    const demand = new Map<string, number>();
    for (const q of snap.queues) if (takers.has(q.id)) demand.set(q.id, q.live.inQueue);
    // The other running campaigns and their dials in flight, read side by side (the cycle holds the pool lock).
    const others = (await this.store.running()).filter((id) => id !== camp.id);
    const found = await Promise.all(others.map(async (id) => [await this.campaign(id), await this.store.redis.zcard(this.store.k.fly(id))] as const));
    for (const [other, inFlight] of found) {
      if (other && takers.has(other.queueId)) demand.set(other.queueId, (demand.get(other.queueId) ?? 0) + inFlight);
    }
    let n = 0;
    for (const [q, d] of demand) n += Math.min(d, takers.get(q) ?? 0);
    return Math.min(n, free.length);
  }

  private lastRecover = new Map<string, number>();

  private async paceLocked(campaignId: string): Promise<PaceInfo | null> {
    const camp = await this.campaign(campaignId);
    if (!camp) return null;
    const now = this.now();
    const base: Omit<PaceInfo, keyof PaceWhy> = { at: now, plan: null, governor: { ...GOVERNOR_NOT_CHECKED, queues: [] }, alerts: [], alertDetails: [] };
    const alert = <K extends keyof PaceAlertArgs>(code: K, args: PaceAlertArgs[K]) => {
      const a = paceAlert(code, args);
      base.alerts.push(a.text);
      base.alertDetails.push(a.detail);
    };
    const save = async (why: PaceWhy): Promise<PaceInfo> => {
      const info: PaceInfo = { ...base, ...why };
      await this.store.redis.set(this.store.k.pace(campaignId), JSON.stringify(info), 'EX', 3600);
      return info;
    };
    if (camp.status !== 'running') {
      await this.d.controlQueue.removeJobScheduler(`pace:${campaignId}`);
      return save(paceWhy('notRunning', { status: camp.status }));
    }
    if (camp.endAt !== null && now >= camp.endAt) {
      await this.setStatus(campaignId, 'completed');
      return save(paceWhy('ended', { endAt: camp.endAt }));
    }
    if (camp.startAt !== null && now < camp.startAt) {
      return save(paceWhy('notStarted', { startAt: camp.startAt }));
    }
    if (now - (this.lastRecover.get(campaignId) ?? 0) > 5000) {
      this.lastRecover.set(campaignId, now);
      await this.recoverInflight(camp, now, this.d.recoverAfterMs ?? 30_000);
    }
    // What the cycle reads, in one round trip (auto-pipelined): a short cycle refills the dial queue
    // before it runs dry, and a cycle that finds the previous one's lock still held is one lost.
    const r = this.store.redis;
    const [counts, loaded, tzs, inflight, waiting, st, personalIds] = await Promise.all([
      this.store.counts(campaignId),
      this.store.isLoaded(campaignId),
      r.smembers(this.store.k.tzs(campaignId)),
      r.zcard(this.store.k.fly(campaignId)),
      r.zcard(this.store.k.conn(campaignId)),
      this.store.stats(campaignId),
      r.smembers(this.store.k.personal(campaignId)),
    ]);
    const open = (counts.pending ?? 0) + (counts.retry ?? 0) + (counts.dialing ?? 0) + (counts.connected ?? 0);
    if (open === 0 && loaded) {
      await this.setStatus(campaignId, 'completed');
      return save(paceWhy('allDone', {}));
    }
    let fullSegments: string[] = [];
    if (camp.type === 'survey') {
      const q = await this.quota(camp);
      if (q.totalReached) {
        await this.setStatus(campaignId, 'completed');
        return save(paceWhy('quotaReached', { quota: camp.settings.quota.total ?? null }));
      }
      fullSegments = q.fullSegments;
      if (fullSegments.length) alert('segmentQuota', { segments: fullSegments });
    }
    // Some time zone of the campaign's leads must be inside its call window.
    if (tzs.length && !tzs.some((tz) => checkWindow(now, tz, camp.settings.window).open)) {
      return save(paceWhy('outsideWindow', { start: camp.settings.window.start, end: camp.settings.window.end }));
    }

    const snap = await this.liveSnapshot();
    const q = snap.queues.find((x) => x.id === camp.queueId);
    const shared = camp.settings.sharedQueues
      .map((id) => snap.queues.find((x) => x.id === id))
      .filter((x) => x !== undefined)
      .map((x) => ({ id: x.id, serviceLevelPct: x.last30.serviceLevelPct, targetPct: x.slTargetPct, inQueue: x.live.inQueue }));
    const gov = governor(shared, this.governors.get(campaignId), camp.settings.governorMarginPct);
    this.governors.set(campaignId, gov);
    base.governor = gov;
    await this.reassignAbsent(camp, snap, now);

    const ahtMs = (q?.today.ahtSec ?? 180) * 1000;
    const prefix = `out:${campaignId}:`;
    const campaignAgents = snap.agents.filter((a) => a.queues.includes(camp.queueId));
    const soon = campaignAgents.filter((a) => a.state === 'onCall' && a.callId?.startsWith(prefix) && now - a.since > ahtMs - 15_000).length;
    const available = campaignAgents.filter((a) => a.state === 'available');
    const free = available.length - (await this.claimedElsewhere(camp, available, snap));
    // The cap is held over a window (24 h by default), not the campaign's life: clean past days must not
    // pay for a bad hour today. A campaign saved before the setting existed has none: the default.
    const windowHours = camp.settings.dropRateWindowHours ?? DROP_RATE_WINDOW_HOURS;
    const win = await this.store.windowCounts(campaignId, now, windowHours * 3_600_000, { attempts: st.attempts ?? 0, connected: st.connected ?? 0, dropped: st.dropped ?? 0 });
    const plan = planDials({
      mode: camp.dialingMode,
      freeAgents: free,
      agentsFreeingSoon: soon,
      inflight,
      waitingConnected: waiting,
      attempts: win.attempts,
      connected: win.connected,
      dropped: win.dropped,
      windowHours,
      dropRateCapPct: camp.settings.dropRateCapPct,
      maxDialRatio: camp.settings.maxDialRatio,
      governor: gov.factor,
    });
    base.plan = plan;
    const why: PaceWhy = gov.backingOff ? paceWhy('backingOff', { factor: gov.factor, queues: gov.queues }) : { why: plan.why, whyCode: plan.whyCode, whyArgs: plan.whyArgs } as PaceWhy;

    // Personal leads first (progressive and predictive alike): one dial for an agent who is free now and
    // has no personal call of theirs already ringing or waiting (the hub holds that call for them, with
    // `preferredAgentId`). That agent is then taken: team and pool leads go to the other free agents.
    let budget = plan.dials;
    const claimed: [string, number][] = [];
    const taken = new Set<string>();
    const personal = new Set(personalIds);
    if (personal.size && budget > 0) {
      for (const a of await this.personalAgentsBusy(campaignId)) taken.add(a);
      for (const a of campaignAgents) {
        if (budget <= 0) break;
        if (a.state !== 'available' || !personal.has(a.id) || taken.has(a.id)) continue;
        const got = await this.store.claim(campaignId, this.store.k.dueAgent(campaignId, a.id), now, 1, fullSegments);
        if (!got.length) continue;
        taken.add(a.id);
        claimed.push(...got);
        budget -= got.length;
      }
    }
    // Leads of a team go to that team's other free agents, then the pool.
    const freeByTeam = new Map<string, number>();
    for (const a of campaignAgents) if (a.state === 'available' && a.teamId && !taken.has(a.id)) freeByTeam.set(a.teamId, (freeByTeam.get(a.teamId) ?? 0) + 1);
    for (const [team, n] of freeByTeam) {
      if (budget <= 0) break;
      const got = await this.store.claim(campaignId, this.store.k.dueTeam(campaignId, team), now, Math.min(n, budget), fullSegments);
      claimed.push(...got);
      budget -= got.length;
    }
    if (budget > 0) claimed.push(...(await this.store.claim(campaignId, this.store.k.due(campaignId), now, budget, fullSegments)));
    await this.enqueueDials(campaignId, claimed);

    const runOut = await this.runOutAlert(camp, now, st.attempts ?? 0, (counts.pending ?? 0) + (counts.retry ?? 0));
    if (runOut) alert('runningOut', runOut);
    return save(why);
  }

  /** Running out of leads: the leads left at the dial rate of the last 15 minutes (see `CampaignStore.recentDials`). */
  async runOutAlert(camp: Campaign, now: number, attempts: number, left: number): Promise<PaceAlertArgs['runningOut'] | undefined> {
    const recent = await this.store.recentDials(camp.id, now, attempts);
    if (recent <= 0) return undefined;
    const minutesLeft = left / (recent / 15);
    if (minutesLeft < camp.settings.runOutAlertMin) return { leadsLeft: left, minutesLeft: Math.round(minutesLeft) };
    return undefined;
  }

  /** Agents with a personal lead being dialed or connected and waiting for them (read when the campaign has personal leads). */
  private async personalAgentsBusy(campaignId: string): Promise<Set<string>> {
    const [fly, conn] = await Promise.all([this.store.redis.zrange(this.store.k.fly(campaignId), 0, -1), this.store.redis.zrange(this.store.k.conn(campaignId), 0, -1)]);
    const ids = [...fly, ...conn.map((callId) => parseCallId(callId)?.leadId).filter((x) => x !== undefined)];
    const busy = new Set<string>();
    if (!ids.length) return busy;
    const p = this.store.redis.pipeline();
    for (const l of ids) p.hmget(this.store.k.lead(campaignId, l), 'ag', 'pv');
    for (const [, v] of (await p.exec()) ?? []) {
      const [ag, pv] = (v ?? []) as (string | null)[];
      if (pv) busy.add(pv);
      else if (ag) busy.add(ag);
    }
    return busy;
  }

  async enqueueDials(campaignId: string, claimed: readonly [string, number][], agentId?: string): Promise<void> {
    if (!claimed.length) return;
    await this.d.dialQueue.addBulk(
      claimed.map(([leadId, attempt]) => {
        const data: Jobs['campaign:dial'] = { campaignId, leadId, attempt };
        if (agentId) data.agentId = agentId;
        return { name: 'campaign:dial', data, opts: { ...DIAL_JOB_OPTS, jobId: dialJobId(campaignId, leadId, attempt) } };
      }),
    );
  }

  /**
   * A lead claimed for a dial whose job is gone (the process died between the claim and the enqueue,
   * or the job failed for good) is enqueued again under the same job id: no lead is left behind, and
   * the attempt record makes sure a dial that did happen is not repeated.
   */
  async recoverInflight(camp: Campaign, now: number, olderThanMs = 30_000): Promise<number> {
    const ids = await this.store.redis.zrangebyscore(this.store.k.fly(camp.id), '-inf', now - olderThanMs, 'LIMIT', 0, 500);
    let n = 0;
    for (const l of ids) {
      const h = await this.store.redis.hmget(this.store.k.lead(camp.id, l), 'st', 'n');
      if (h[0] !== 'dialing') {
        await this.store.redis.zrem(this.store.k.fly(camp.id), l);
        continue;
      }
      const attempt = Number(h[1]);
      const jobId = dialJobId(camp.id, l, attempt);
      const job = await this.d.dialQueue.getJob(jobId);
      const state = job ? await job.getState() : 'missing';
      if (state === 'missing' || state === 'completed' || state === 'failed' || state === 'unknown') {
        if (job) await job.remove().catch(() => undefined);
        await this.enqueueDials(camp.id, [[l, attempt]]);
        n++;
      }
      await this.store.redis.zadd(this.store.k.fly(camp.id), now, l);
    }
    if (n) this.d.logger.warn({ campaign: camp.id, n }, 'claimed leads without a dial job enqueued again');
    return n;
  }

  /** Personal leads of an agent offline longer than `reassignAfterMin` go to the agent's team (or the pool). */
  private async reassignAbsent(camp: Campaign, snap: SnapshotDTO, now: number): Promise<void> {
    // Absence counts from when these workers began watching: after a restart (or at the demo's start, before
    // the shift's agents have signed in) a night offline is not yet "absent for reassignAfterMin".
    this.watchingSince ??= now;
    for (const a of snap.agents) {
      if (a.state === 'offline') {
        if (!this.offline.has(a.id)) this.offline.set(a.id, Math.max(a.since, this.watchingSince));
      } else this.offline.delete(a.id);
    }
    // Per campaign: one campaign's cycles must not take every other campaign's turn.
    if (now - (this.lastReassign.get(camp.id) ?? 0) < 10_000) return;
    this.lastReassign.set(camp.id, now);
    const limit = camp.settings.reassignAfterMin * 60_000;
    for (const [agentId, since] of this.offline) {
      if (now - since < limit) continue;
      const key = this.store.k.dueAgent(camp.id, agentId);
      const ids = await this.store.redis.zrange(key, 0, 999);
      if (!ids.length) continue;
      const team = this.agentTeam.get(agentId) ?? null;
      await this.assign(camp.id, ids, null, team, 'absent', 'system');
      this.d.logger.info({ campaign: camp.id, agentId, leads: ids.length }, 'leads of an absent agent reassigned');
    }
  }

  // ================================================================================== finalize
  /**
   * A stopped or completed campaign, once no call of it is being dialed or connected and the database
   * follower has passed the attempt log: its leads' final states (Redis is ahead of the log: claims
   * turned to quota, releases, assignments) are written to the database, and its per-lead keys (lead
   * hashes, attempt records, due sets, calls in flight) are deleted. The campaign's figures (`c:C:st`,
   * results) and its configuration stay; coverage is then read from the database. Returns `later` while
   * it cannot be done yet.
   */
  async finalize(campaignId: string, dbLogPos?: string | null): Promise<'done' | 'later' | 'skip'> {
    const { store } = this;
    const k = store.k;
    const camp = await this.repo.getCampaign(campaignId);
    if (!camp || (camp.status !== 'stopped' && camp.status !== 'completed')) return 'skip';
    if (!(await store.isLoaded(campaignId))) return 'done';
    const now = this.now();
    const since = Number(await store.redis.zscore(k.finishing(), campaignId));
    if (since && now - since < (this.d.finalizeAfterMs ?? 60_000)) return 'later';
    const counts = await store.counts(campaignId);
    if ((counts.dialing ?? 0) > 0 || (counts.connected ?? 0) > 0) {
      // Claimed leads of a stopped campaign go back when their dial job runs; one without a job
      // (a crash between claim and enqueue) gets it again.
      await this.recoverInflight(camp, now, this.d.recoverAfterMs ?? 30_000);
      return 'later';
    }
    // Everything the dial and outcome scripts wrote is in the database first.
    const last = (await store.redis.xrevrange(k.log(), '+', '-', 'COUNT', 1))[0]?.[0];
    const pos = dbLogPos === undefined ? await store.redis.get(k.pos('db')) : dbLogPos;
    if (last && (!pos || streamIdLess(pos, last))) return 'later';
    const token = `${process.pid}:${Math.random()}`;
    if ((await store.redis.set(k.finalizeLock(campaignId), token, 'PX', 120_000, 'NX')) !== 'OK') return 'later';
    try {
      let leads = 0;
      const leadPrefix = k.leadPrefix(campaignId);
      for await (const keys of store.scanKeys(`${leadPrefix}*`)) {
        const p = store.redis.pipeline();
        for (const key of keys) p.hmget(key, 'st', 'n', 'lr', 'ag', 'tm');
        const hs = ((await p.exec()) ?? []).map((r) => (r[1] ?? []) as (string | null)[]);
        const due = store.redis.pipeline();
        keys.forEach((key, i) => due.zscore(store.dueKeyOf(campaignId, { ag: hs[i]![3] || null, tm: hs[i]![4] || null }), key.slice(leadPrefix.length)));
        const scores = ((await due.exec()) ?? []).map((r) => r[1] as string | null);
        const rows = keys.flatMap((key, i) => {
          const [st, n, lr, ag, tm] = hs[i]!;
          if (!st) return [];
          const at = scores[i] !== null && (st === 'pending' || st === 'retry') ? Number(scores[i]) : null;
          return [{ id: key.slice(leadPrefix.length), status: st, attempts: Number(n ?? 0), next_at: at === null ? null : new Date(at).toISOString(), last_result: lr ?? null, assigned_agent_id: ag || null, assigned_team_id: tm || null }];
        });
        await this.repo.saveLeadStates(campaignId, rows);
        leads += rows.length;
      }
      // Coverage moves to the database first, then the per-lead keys go.
      await store.redis.del(k.loaded(campaignId), k.cnt(campaignId));
      let deleted = 2;
      for (const pattern of [`${leadPrefix}*`, `${store.prefix}:att:${campaignId}:*`, `${k.due(campaignId)}:*`]) {
        for await (const keys of store.scanKeys(pattern)) deleted += await store.redis.unlink(...keys);
      }
      deleted += await store.redis.unlink(k.due(campaignId), k.fly(campaignId), k.conn(campaignId), k.dialTimes(campaignId), k.dialsByMinute(campaignId), k.dropWindow(campaignId), k.personal(campaignId), k.tzs(campaignId));
      await store.redis.zrem(k.finishing(), campaignId);
      this.d.logger.info({ campaign: campaignId, leads, keys: deleted }, 'finished campaign: lead states in the database, lead keys out of Redis');
      // Started again meanwhile: its workable leads come back from the database.
      const again = await this.repo.getCampaign(campaignId);
      if (again?.status === 'running' && !(await store.isLoaded(campaignId))) await store.loadLeads(campaignId, await this.repo.workableLeads(campaignId), this.now());
      return 'done';
    } finally {
      if ((await store.redis.get(k.finalizeLock(campaignId))) === token) await store.redis.del(k.finalizeLock(campaignId));
    }
  }

  /** Finalizes the finished campaigns that are due (a timer of the workers). */
  async finalizeDue(): Promise<number> {
    let n = 0;
    for (const id of await this.store.redis.zrange(this.store.k.finishing(), 0, 99)) {
      const r = await this.finalize(id);
      if (r === 'skip') await this.store.redis.zrem(this.store.k.finishing(), id);
      if (r === 'done') n++;
    }
    return n;
  }

  // =================================================================================== preview
  /** Preview mode: the agent's next lead (their own, their team's, then the pool), reserved for them. */
  async previewNext(campaignId: string, agentId: string): Promise<{ lead: NonNullable<Awaited<ReturnType<CampaignStore['getLead']>>>; attempt: number; script: string } | null> {
    const camp = await this.campaign(campaignId);
    if (!camp || camp.status !== 'running') return null;
    const now = this.now();
    const team = this.agentTeam.get(agentId);
    const keys = [this.store.k.dueAgent(campaignId, agentId), ...(team ? [this.store.k.dueTeam(campaignId, team)] : []), this.store.k.due(campaignId)];
    for (const k of keys) {
      const [got] = await this.store.claim(campaignId, k, now, 1);
      if (got) {
        const lead = (await this.store.getLead(campaignId, got[0]))!;
        await this.store.redis.hset(this.store.k.lead(campaignId, got[0]), 'pv', agentId);
        return { lead, attempt: got[1], script: camp.script };
      }
    }
    return null;
  }

  async previewDecide(campaignId: string, leadId: string, agentId: string, action: 'dial' | 'skip'): Promise<boolean> {
    const h = await this.store.redis.hmget(this.store.k.lead(campaignId, leadId), 'st', 'n', 'pv', 'ag', 'tm');
    if (h[0] !== 'dialing' || h[2] !== agentId) return false;
    const n = Number(h[1]);
    if (action === 'dial') {
      // The call goes to this agent (preferredAgentId): dial only while they are free, or the callee waits.
      const me = (await this.liveSnapshot()).agents.find((a) => a.id === agentId);
      if (me && me.state !== 'available') throw new BadRequest(apiFail('agent_not_free_to_dial', { agentId, state: me.state }));
      await this.enqueueDials(campaignId, [[leadId, n]], agentId);
    }
    else await this.store.release(campaignId, leadId, n, this.store.dueKeyOf(campaignId, { ag: h[3] || null, tm: h[4] || null }), this.now() + 15 * 60_000);
    return true;
  }

  // ================================================================================= outcomes
  /** Connected calls no agent answered in time are dropped: the dialer hangs up (and says so to the hub). */
  async sweepDrops(now = this.now()): Promise<number> {
    let n = 0;
    for (const c of await this.store.running()) {
      const due = await this.store.redis.zrangebyscore(this.store.k.conn(c), '-inf', now, 'LIMIT', 0, 200);
      const camp = due.length ? await this.campaign(c) : null;
      for (const callId of due) {
        const p = parseCallId(callId);
        if (!p || !camp) continue;
        const lead = await this.store.getLead(c, p.leadId);
        if (!lead) continue;
        const step = nextStep('dropped', { attempts: inRound(camp, p.attempt), maxAttempts: camp.maxAttempts, now, tz: lead.timeZone, settings: camp.settings });
        const st: LeadStatus = step.status === 'done' ? 'done' : step.status;
        const due2 = step.status === 'retry' ? step.dueAt : undefined;
        const entry: LogEntry = { k: 'drop', c, l: p.leadId, n: p.attempt, callId, at: now, st, ...(due2 !== undefined ? { due: due2 } : {}) };
        const r = await this.store.resolve({ kind: 'drop', c, l: p.leadId, n: p.attempt, callId, status: st, dueKey: this.store.dueKeyOf(c, lead), ...(due2 !== undefined ? { due: due2 } : {}), stats: { dropped: 1 }, entry });
        if (r === 1) {
          await this.store.redis.hset(this.store.k.att(c, p.leadId, p.attempt), 'drop', '1');
          n++;
        }
      }
    }
    return n;
  }

  private readonly inboundFrom = new Map<string, { from: string; queue: string }>();

  /** Applies the hub's events that concern campaign calls (and inbound calls due a post-call survey). */
  async onHubEvents(events: readonly DomainEvent[], postCallQueues: ReadonlyMap<string, string>): Promise<void> {
    // Events of one call in order; different calls side by side (the follower's throughput).
    const byCall = new Map<string, DomainEvent[]>();
    for (const e of events) {
      const id = 'callId' in e ? e.callId : '';
      (byCall.get(id) ?? byCall.set(id, []).get(id)!).push(e);
    }
    const groups = [...byCall.values()];
    for (let i = 0; i < groups.length; i += 64) await Promise.all(groups.slice(i, i + 64).map((g) => this.onCallEvents(g, postCallQueues)));
  }

  private async onCallEvents(events: readonly DomainEvent[], postCallQueues: ReadonlyMap<string, string>): Promise<void> {
    for (const e of events) {
      if (e.type === 'call.offered' && e.direction === 'inbound' && e.from && postCallQueues.has(e.queue)) {
        this.inboundFrom.set(e.callId, { from: e.from, queue: e.queue });
        if (this.inboundFrom.size > 50_000) this.inboundFrom.delete(this.inboundFrom.keys().next().value!);
        continue;
      }
      if (e.type !== 'call.answered' && e.type !== 'call.abandoned' && e.type !== 'call.ended' && e.type !== 'call.outcome') continue;
      const p = parseCallId(e.callId);
      if (!p) {
        if (e.type === 'call.ended') {
          const inbound = this.inboundFrom.get(e.callId);
          const survey = inbound ? postCallQueues.get(inbound.queue) : undefined;
          // Only calls of the last hour: a follower catching up on old history does not survey it.
          if (inbound && survey && this.now() - e.at < 3_600_000) {
            this.inboundFrom.delete(e.callId);
            const data: Jobs['campaign:post-call-survey'] = { campaignId: survey, callId: e.callId, queue: inbound.queue, phone: inbound.from, at: e.at };
            await this.d.controlQueue.add('campaign:post-call-survey', data, { jobId: `pcs|${e.callId.replace(/:/g, '|')}`, removeOnComplete: { age: 86400 }, removeOnFail: { age: 7 * 86400 } });
          }
        }
        continue;
      }
      const { campaignId: c, leadId: l, attempt: n } = p;
      const camp = await this.campaign(c);
      const lead = camp ? await this.store.getLead(c, l) : null;
      if (!camp || !lead) continue;
      const callId = e.callId;
      const dueKey = this.store.dueKeyOf(c, lead);
      if (e.type === 'call.answered') {
        const team = this.agentTeam.get(e.agentId);
        await this.store.resolve({ kind: 'answer', c, l, n, callId, stats: { answered: 1, [`a:${e.agentId}:answered`]: 1, ...(team ? { [`t:${team}:answered`]: 1 } : {}) }, entry: { k: 'answer', c, l, n, callId, agent: e.agentId, at: e.at } });
        await this.store.redis.hset(this.store.k.att(c, l, n), 'agent', e.agentId);
      } else if (e.type === 'call.abandoned') {
        // Our own drop coming back through the hub, or the callee hung up before an agent answered.
        await this.sweepOne(camp, lead, callId, e.at);
      } else if (e.type === 'call.ended') {
        await this.store.resolve({ kind: 'ended', c, l, n, callId, status: lead.status === 'connected' ? 'done' : lead.status, entry: { k: 'ended', c, l, n, callId, at: e.at, st: lead.status === 'connected' ? 'done' : lead.status } });
      } else {
        const disposition = e.disposition;
        const agent = (await this.store.redis.hget(this.store.k.att(c, l, n), 'agent')) ?? undefined;
        let st: LeadStatus = 'done';
        let due: number | undefined;
        let success = false;
        if (disposition) {
          const step = nextStep(disposition, { attempts: inRound(camp, n), maxAttempts: camp.maxAttempts, now: e.at, tz: lead.timeZone, settings: camp.settings });
          st = step.status === 'done' ? 'done' : step.status;
          if (step.status === 'retry') due = step.dueAt;
          success = step.status === 'done' && step.success;
        }
        const team = agent ? this.agentTeam.get(agent) : undefined;
        const stats: Record<string, number> = { handled: 1 };
        if (success) stats.conversions = 1;
        if (e.revenue) stats['f:revenue'] = e.revenue;
        if (agent) {
          stats[`a:${agent}:handled`] = 1;
          if (success) stats[`a:${agent}:conversions`] = 1;
          if (e.revenue) stats[`f:a:${agent}:revenue`] = e.revenue;
        }
        if (team) {
          stats[`t:${team}:handled`] = 1;
          if (success) stats[`t:${team}:conversions`] = 1;
          if (e.revenue) stats[`f:t:${team}:revenue`] = e.revenue;
        }
        if (camp.type === 'survey' && success) {
          stats['q:total'] = 1;
          if (lead.segment) stats[`q:seg:${lead.segment}`] = 1;
        }
        const entry: LogEntry = { k: 'outcome', c, l, n, callId, at: e.at, st, success, ...(due !== undefined ? { due } : {}), ...(disposition ? { disposition } : {}), ...(e.revenue !== undefined ? { revenue: e.revenue } : {}), ...(agent ? { agent } : {}), ...(e.surveyScore !== undefined ? { score: e.surveyScore } : {}) };
        const r = await this.store.resolve({ kind: 'outcome', c, l, n, callId, status: st, dueKey, ...(due !== undefined ? { due } : {}), stats, entry });
        // The demo's simulated respondent gives a score when the agent's outcome carries none.
        const score = e.surveyScore ?? (this.d.simulateRespondents && success ? simulatedScore(callId) : undefined);
        if (r === 1 && camp.type === 'survey' && score !== undefined) await this.recordSurvey(camp, lead, callId, score, e.at, agent ?? null, null);
      }
    }
  }

  private async sweepOne(camp: Campaign, lead: { id: string; timeZone: string; assignedAgentId: string | null; assignedTeamId: string | null }, callId: string, at: number): Promise<void> {
    const p = parseCallId(callId)!;
    const step = nextStep('dropped', { attempts: inRound(camp, p.attempt), maxAttempts: camp.maxAttempts, now: at, tz: lead.timeZone, settings: camp.settings });
    const st: LeadStatus = step.status === 'done' ? 'done' : step.status;
    const due = step.status === 'retry' ? step.dueAt : undefined;
    const r = await this.store.resolve({
      kind: 'drop',
      c: camp.id,
      l: lead.id,
      n: p.attempt,
      callId,
      status: st,
      dueKey: this.store.dueKeyOf(camp.id, lead),
      ...(due !== undefined ? { due } : {}),
      stats: { dropped: 1 },
      entry: { k: 'drop', c: camp.id, l: lead.id, n: p.attempt, callId, at, st, ...(due !== undefined ? { due } : {}) },
    });
    if (r === 1) await this.store.redis.hset(this.store.k.att(camp.id, lead.id, p.attempt), 'drop', '1');
  }

  /**
   * Stores a survey's answers. The hub's `surveyScore` (0-10) answers the first NPS question (or the
   * first CSAT question, scaled to 1-5); with `simulateRespondents` (the demo) a simulated respondent
   * answers the others consistently with it. A low score opens a complaint.
   */
  async recordSurvey(camp: Campaign, lead: { id: string; customerId: string; segment: string | null }, callId: string, score: number, at: number, agentId: string | null, queueId: string | null): Promise<void> {
    const rows = surveyAnswerRows(camp, lead, callId, score, at, queueId, this.d.simulateRespondents === true);
    await this.repo.addAnswers(rows);
    const low = rows.find((r) => (r.kind === 'nps' && r.score !== null && r.score !== undefined && r.score <= camp.settings.complaintBelow.nps) || (r.kind === 'csat' && r.score !== null && r.score !== undefined && r.score <= camp.settings.complaintBelow.csat));
    if (low && this.d.complaints) {
      const comment = rows.find((r) => r.kind === 'text')?.text;
      await this.d.complaints.open({
        siteId: camp.siteId,
        callId,
        campaignId: camp.id,
        queueId,
        agentId,
        teamId: this.teamOf(agentId),
        customerRef: lead.customerId,
        surveyScore: low.score!,
        scale: low.kind === 'csat' ? '1-5' : '0-10',
        // The respondent's own words, if any (the console words the score itself in the page's language).
        ...(comment ? { description: comment } : {}),
      });
    }
  }

  /**
   * A campaign's past dials as its dialer would have left them (another dialer's history, or the demo's
   * past days). The dials of one number are one lead's attempts, in time order; a completed survey call
   * gets its answers (`surveyAnswerRows`); the campaign's results (attempts, connected, drops, handled,
   * conversions, revenue, per agent and team) count them as the live dialer counts its own. A past lead
   * ends finished and is never dialed again: done when an attempt was handled with a disposition that
   * finishes a lead (`nextStep`: a sale, or one without a retry rule) or its last attempt was handled,
   * else exhausted; a low past score opens no complaint (it would be opened now, not when it was given).
   * Skipped: a dial whose call is already recorded (a second import adds nothing) and a number that is
   * already a lead of the campaign (its attempts are the dialer's own). The rows go to the database in one
   * transaction, then the figures to Redis; an import that failed in between has its figures added by the
   * next one (`settlePastFigures`). Answers how many dials were added and skipped.
   */
  async importPastDials(campaignId: string, dials: readonly PastDial[]): Promise<{ added: number; skipped: number }> {
    const camp = await this.repo.getCampaign(campaignId);
    if (!camp) throw new NotFound(apiFail('unknown_campaign', { campaignId }));
    const tz = this.d.config.timeZone;
    const country = countryOfZone(tz);
    // An earlier import that failed after writing its rows: its calls are skipped below, its figures added here.
    await this.settlePastFigures(campaignId);
    const known = new Set(await this.repo.attemptCallIds(dials.map((d) => d.callId)));
    const byPhone = new Map<string, PastDial[]>();
    let skipped = 0;
    for (const d of dials) {
      const phone = e164(d.phone, country);
      if (!phone || known.has(d.callId)) {
        skipped++;
        continue;
      }
      known.add(d.callId);
      const list = byPhone.get(phone) ?? [];
      if (!list.length) byPhone.set(phone, list);
      list.push(d);
    }
    for (const phone of await this.repo.leadPhones(campaignId, [...byPhone.keys()])) {
      skipped += byPhone.get(phone)!.length;
      byPhone.delete(phone);
    }
    const leads: Parameters<CampaignRepository['addPastDials']>[0][number][] = [];
    const attempts: Parameters<CampaignRepository['addPastDials']>[1][number][] = [];
    const answers: Parameters<CampaignRepository['addAnswers']>[0] = [];
    const stats: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    const add = (k: string, n = 1) => (stats[k] = (stats[k] ?? 0) + n);
    for (const [phone, list] of byPhone) {
      list.sort((x, y) => x.dialedAt - y.dialedAt);
      const first = list[0]!;
      const leadId = first.leadId;
      const segment = first.segment ?? null;
      const customerId = customerIdOfNumber(phone) ?? phone;
      let handled = false;
      // Finished as the live dialer finishes a lead (`nextStep`): by a handled call whose disposition
      // ends it (a sale, or a disposition without a retry rule), whatever attempts a past record has after
      // it. A disposition with a retry rule (callback) does not: the dialer calls again.
      let finished = false;
      let lastDisposition: string | null = null;
      for (const [i, d] of list.entries()) {
        const connected = d.result === 'connected';
        const agent = connected && !d.dropped ? d.agentId : undefined;
        const team = agent ? this.agentTeam.get(agent) : undefined;
        handled = agent !== undefined && d.disposition !== undefined;
        const success = handled && camp.settings.successDispositions.includes(d.disposition!);
        if (handled) {
          lastDisposition = d.disposition!;
          if (nextStep(d.disposition!, { attempts: i + 1, maxAttempts: camp.maxAttempts, now: d.endedAt ?? d.dialedAt, tz, settings: camp.settings }).status === 'done') finished = true;
        }
        attempts.push({
          campaignId, leadId, attempt: i + 1, callId: d.callId, phone, result: d.result, dialedAt: new Date(d.dialedAt),
          connection: connected ? (d.dropped ? 'dropped' : agent ? 'answered' : null) : null, agentId: agent ?? null, teamId: team ?? null,
          disposition: handled ? d.disposition! : null, revenue: handled ? (d.revenue ?? null) : null, endedAt: d.endedAt !== undefined ? new Date(d.endedAt) : null,
        });
        add('attempts');
        add(`r:${d.result}`);
        if (connected) add('connected');
        if (connected && d.dropped) add('dropped');
        if (agent) {
          for (const k of ['', `a:${agent}:`, ...(team ? [`t:${team}:`] : [])]) {
            add(`${k}answered`);
            if (!handled) continue;
            add(`${k}handled`);
            if (success) add(`${k}conversions`);
            if (d.revenue) add(`f:${k}revenue`, d.revenue);
          }
        }
        if (camp.type === 'survey' && success) {
          add('q:total');
          if (segment) add(`q:seg:${segment}`);
          if (d.surveyScore !== undefined) answers.push(...surveyAnswerRows(camp, { id: leadId, customerId, segment }, d.callId, d.surveyScore, d.endedAt ?? d.dialedAt, null, this.d.simulateRespondents === true));
        }
      }
      const last = list[list.length - 1]!;
      // A past lead is never dialed again: a last attempt that was handled finishes it too.
      const status: LeadStatus = finished || handled ? 'done' : 'exhausted';
      statuses[status] = (statuses[status] ?? 0) + 1;
      // The last disposition given, as the live dialer keeps it (attempts without one leave it).
      leads.push({ campaignId, id: leadId, phone, name: first.name ?? null, customerId, timeZone: tz, segment, status, attempts: list.length, lastResult: last.result, lastDisposition });
    }
    if (leads.length) {
      // The figures are noted in Redis as pending before the rows are written, and added after: a failure
      // in between leaves them pending, and the next import adds them (above) though it skips the calls.
      const probe = attempts[0]!.callId;
      await this.store.redis.hset(this.store.k.pastPending(campaignId), probe, JSON.stringify({ stats, statuses }));
      await this.repo.addPastDials(leads, attempts, answers);
      await this.store.addPast(campaignId, stats, statuses, probe);
    }
    return { added: attempts.length, skipped };
  }

  /**
   * Settles the pending figures of earlier past imports: those whose rows reached the database are added
   * to the results, the others (the rows were never written) dropped.
   */
  private async settlePastFigures(campaignId: string): Promise<void> {
    const pending = await this.store.redis.hgetall(this.store.k.pastPending(campaignId));
    const probes = Object.keys(pending);
    if (!probes.length) return;
    const recorded = new Set(await this.repo.attemptCallIds(probes));
    for (const probe of probes) {
      if (!recorded.has(probe)) await this.store.redis.hdel(this.store.k.pastPending(campaignId), probe);
      else {
        const { stats, statuses } = JSON.parse(pending[probe]!) as { stats: Record<string, number>; statuses: Record<string, number> };
        await this.store.addPast(campaignId, stats, statuses, probe);
      }
    }
  }

  /** Answers entered by an agent (or an IVR) for a lead's survey call. */
  async submitAnswers(campaignId: string, leadId: string, callId: string | null, answers: { questionId: string; score?: number; text?: string }[], agentId: string | null): Promise<number> {
    const camp = await this.campaign(campaignId);
    if (!camp) throw new NotFound(apiFail('unknown_campaign', { campaignId }));
    const lead = await this.store.getLead(campaignId, leadId);
    const customerId = lead?.customerId ?? leadId;
    const rows: Parameters<CampaignRepository['addAnswers']>[0] = [];
    for (const a of answers) {
      const q = camp.questions.find((x) => x.id === a.questionId);
      if (!q) throw new BadRequest(apiFail('unknown_question', { questionId: a.questionId }));
      const okScore =
        (q.kind === 'nps' && a.score !== undefined && Number.isInteger(a.score) && a.score >= 0 && a.score <= 10) ||
        (q.kind === 'csat' && a.score !== undefined && Number.isInteger(a.score) && a.score >= 1 && a.score <= 5) ||
        (q.kind === 'yes_no' && (a.score === 0 || a.score === 1)) ||
        (q.kind === 'text' && typeof a.text === 'string');
      if (!okScore) throw new BadRequest(apiFail('answer_out_of_range', { questionId: q.id, kind: q.kind }));
      rows.push({ campaignId, leadId, customerId, callId, queueId: null, segment: lead?.segment ?? null, questionId: q.id, kind: q.kind, score: q.kind === 'text' ? null : a.score!, text: a.text ?? null, answeredAt: new Date(this.now()) });
    }
    const n = await this.repo.addAnswers(rows);
    const low = rows.find((r) => (r.kind === 'nps' && (r.score ?? 99) <= camp.settings.complaintBelow.nps) || (r.kind === 'csat' && (r.score ?? 99) <= camp.settings.complaintBelow.csat));
    const comment = rows.find((r) => r.kind === 'text')?.text;
    if (low && this.d.complaints)
      await this.d.complaints.open({ siteId: camp.siteId, callId: callId ?? `lead:${leadId}`, campaignId, queueId: null, agentId, teamId: this.teamOf(agentId), customerRef: customerId, surveyScore: low.score!, scale: low.kind === 'csat' ? '1-5' : '0-10', ...(comment ? { description: comment } : {}) });
    return n;
  }

  /** `campaign:post-call-survey`: the caller of an inbound call becomes a lead of the survey campaign. */
  async postCallSurvey(job: Jobs['campaign:post-call-survey']): Promise<void> {
    const camp = await this.repo.getCampaign(job.campaignId);
    if (!camp) return;
    const { parsePhoneNumberFromString } = await import('libphonenumber-js');
    const pn = parsePhoneNumberFromString(job.phone, 'VN');
    if (!pn?.isValid()) return;
    const phone = pn.number;
    const id = leadIdOf(camp.id, phone);
    const customerId = customerIdOfNumber(phone) ?? phone;
    await this.repo.upsertLeads([{ campaignId: camp.id, id, phone, name: null, customerId, timeZone: camp.settings.timeZone, segment: job.queue, attributes: { callId: job.callId, queue: job.queue }, assignedAgentId: null, assignedTeamId: null, importId: null }]);
    if (await this.store.isLoaded(camp.id)) {
      // Surveyed a few minutes after the call, not during the wrap-up.
      await this.store.loadLeads(camp.id, [{ id, phone, timeZone: camp.settings.timeZone, segment: job.queue, customerId, name: null, status: 'pending', attempts: 0, nextAt: job.at + 5 * 60_000, assignedAgentId: null, assignedTeamId: null }], this.now());
    }
  }

  // ================================================================================= read side
  async coverage(campaignId: string): Promise<Coverage> {
    const raw = (await this.store.isLoaded(campaignId)) ? await this.store.counts(campaignId) : await this.repo.leadCounts(campaignId);
    // Redis keeps zeroed counters; the database has only the statuses that occur.
    const byStatus = Object.fromEntries(Object.entries(raw).filter(([, n]) => n !== 0));
    const g = (k: string) => Math.max(0, byStatus[k] ?? 0);
    const cov: Coverage = {
      leadsPending: g('pending'),
      leadsRetryWaiting: g('retry'),
      leadsExhausted: g('exhausted'),
      leadsDone: g('done'),
      leadsInProgress: g('dialing') + g('connected'),
      leadsDnc: g('dnc'),
      leadsInvalid: g('invalid'),
      leadsQuota: g('quota'),
      total: 0,
      byStatus,
    };
    cov.total = Object.values(byStatus).reduce((a, b) => a + Math.max(0, b), 0);
    return cov;
  }

  /** Results with the names and formulas of shared/spec/metrics.md, for the campaign, its teams and agents. */
  async results(campaignId: string): Promise<Record<string, unknown>> {
    const camp = await this.campaign(campaignId);
    if (!camp) throw new NotFound(apiFail('unknown_campaign', { campaignId }));
    const st = await this.store.stats(campaignId);
    const pct = (a: number, b: number) => (b > 0 ? (100 * a) / b : null);
    const attempts = st.attempts ?? 0;
    const connected = st.connected ?? 0;
    const dropped = Math.max(0, st.dropped ?? 0);
    const handled = st.handled ?? 0;
    const conversions = st.conversions ?? 0;
    const out: Record<string, unknown> = {
      campaignId,
      attempts,
      connected,
      dropped,
      answered: st.answered ?? 0,
      handled,
      conversions,
      connectivityRatePct: pct(connected, attempts),
      dropRatePct: pct(dropped, connected),
      conversionRatePct: pct(conversions, handled),
      revenue: st.revenue ?? 0,
      byResult: Object.fromEntries(Object.entries(st).filter(([k]) => k.startsWith('r:')).map(([k, v]) => [k.slice(2), v])),
      formulas: {
        connectivityRatePct: '100 · dialed with result connected / attempts',
        dropRatePct: '100 · connected calls abandoned before an agent answered / connected calls',
        conversionRatePct: '100 · outcomes with a success disposition / connected calls handled',
        npsScore: '% promoters (9–10) − % detractors (0–6)',
        csatPct: '100 · answers of 4 or 5 / answers',
        surveyResponseRatePct: '100 · surveys answered / surveys sent (customers dialed by the survey)',
      },
    };
    const group = (p: 'a' | 't') => {
      const g: Record<string, { answered: number; handled: number; conversions: number; revenue: number; conversionRatePct: number | null }> = {};
      for (const [k, v] of Object.entries(st)) {
        const m = /^(?:f:)?([at]):(.+):(answered|handled|conversions|revenue)$/.exec(k);
        if (!m || m[1] !== p) continue;
        const o = (g[m[2]!] ??= { answered: 0, handled: 0, conversions: 0, revenue: 0, conversionRatePct: null });
        o[m[3] as 'answered'] += v;
      }
      for (const o of Object.values(g)) o.conversionRatePct = pct(o.conversions, o.handled);
      return g;
    };
    out.byAgent = group('a');
    out.byTeam = group('t');
    if (camp.type === 'survey' || camp.questions.length) {
      const answers = await this.repo.answers(campaignId);
      const nps = answers.filter((a) => a.kind === 'nps' && a.score !== null).map((a) => a.score!);
      const csat = answers.filter((a) => a.kind === 'csat' && a.score !== null).map((a) => a.score!);
      // Customers dialed and, of them, those who answered: as the CX report counts them.
      const reach = await this.repo.surveyReach(campaignId);
      out.surveysSent = reach.sent;
      out.surveysAnswered = reach.answered;
      out.surveyResponseRatePct = pct(reach.answered, reach.sent);
      out.npsScore = nps.length ? pct(nps.filter((s) => s >= 9).length, nps.length)! - pct(nps.filter((s) => s <= 6).length, nps.length)! : null;
      out.csatPct = pct(csat.filter((s) => s >= 4).length, csat.length);
      out.answers = answers.length;
      const quota = await this.quota(camp);
      out.quota = { ...camp.settings.quota, completed: st['q:total'] ?? 0, ...quota };
    }
    return out;
  }

  /** An agent's team in the site configuration (null for none, or no agent). */
  private teamOf(agentId: string | null | undefined): string | null {
    return (agentId && this.d.config.agents.find((a) => a.id === agentId)?.teamId) || null;
  }

  async progress(campaignId: string): Promise<Record<string, unknown>> {
    const camp = await this.campaign(campaignId);
    if (!camp) throw new NotFound(apiFail('unknown_campaign', { campaignId }));
    const pace = await this.store.redis.get(this.store.k.pace(campaignId));
    const [inflight, waiting] = await Promise.all([this.store.redis.zcard(this.store.k.fly(campaignId)), this.store.redis.zcard(this.store.k.conn(campaignId))]);
    return { campaignId, status: camp.status, mode: camp.dialingMode, coverage: await this.coverage(campaignId), inflight, waitingForAgent: waiting, pacing: pace ? JSON.parse(pace) : null };
  }

  // ================================================================================ followers
  /** Hub events for a run of attempt-log entries (ids derived from the call id: the hub drops repeats). */
  static hubEventsOf(entries: readonly LogEntry[]): CtiEventIn[] {
    const out: CtiEventIn[] = [];
    for (const e of entries) {
      if (e.k === 'dial') {
        out.push({ id: `${e.callId}:dialed`, type: 'call.dialed', at: e.at, source: 'dialer', callId: e.callId, campaignId: e.c, leadId: e.l, to: e.phone, result: e.result as 'connected' });
        if (e.result === 'connected') {
          const attributes: Record<string, string> = { campaign: e.c };
          if (e.cn) attributes.campaignName = e.cn;
          if (e.nm) attributes.lead = e.nm;
          if (e.ag) attributes.assignedAgent = e.ag;
          if (e.offer) attributes.offer = e.offer.slice(0, 1000);
          if (e.script) attributes.script = e.script;
          // The lead's own agent (or the agent who previewed it) gets the call first: the hub holds it
          // for them up to the line's preferredAgentWaitSec.
          out.push({ id: `${e.callId}:offered`, type: 'call.offered', at: e.at, source: 'dialer', callId: e.callId, queue: e.q, direction: 'outbound', to: e.phone, priority: e.pr, campaignId: e.c, leadId: e.l, attributes, ...(e.ag ? { preferredAgentId: e.ag } : {}) });
        }
      } else if (e.k === 'drop') {
        out.push({ id: `${e.callId}:dropped`, type: 'call.abandoned', at: e.at, source: 'dialer', callId: e.callId });
      }
    }
    return out;
  }
}

/** The attempt's number within the campaign's current outreach round (rounds restart the count). */
export function inRound(camp: Campaign, n: number): number {
  return n - (camp.settings.round ?? 0) * camp.maxAttempts;
}

/**
 * One past dial of a campaign (`importPastDials`) and how it went. The dials of one number are one lead,
 * whose id is the first dial's `leadId`.
 */
export interface PastDial {
  leadId: string;
  /** The number dialed (E.164 or national). */
  phone: string;
  name?: string;
  segment?: string;
  callId: string;
  dialedAt: number;
  result: DialResult;
  /** Connected, and the callee hung up before an agent took the call. */
  dropped?: boolean;
  /** The agent who took the connected call. */
  agentId?: string;
  endedAt?: number;
  /** The agent's outcome (with `agentId`). */
  disposition?: string;
  revenue?: number;
  /** A survey call's score (0-10): answers the campaign's main question, as `recordSurvey` does. */
  surveyScore?: number;
}

/**
 * A survey's answer rows for a call scored `score` (0-10): the score answers the first NPS question (or
 * the first CSAT question, scaled to 1-5); with `simulateRespondents` (the demo) a simulated respondent
 * answers the others consistently with it.
 */
export function surveyAnswerRows(camp: Campaign, lead: { id: string; customerId: string; segment: string | null }, callId: string, score: number, at: number, queueId: string | null, simulateRespondents: boolean): Parameters<CampaignRepository['addAnswers']>[0] {
  const rows: Parameters<CampaignRepository['addAnswers']>[0] = [];
  const base = { campaignId: camp.id, leadId: lead.id, customerId: lead.customerId, callId, queueId, segment: lead.segment, answeredAt: new Date(at) };
  const qs: SurveyQuestion[] = camp.questions.length ? camp.questions : [{ id: 'nps', kind: 'nps', text: 'NPS' }];
  const main = qs.find((q) => q.kind === 'nps') ?? qs.find((q) => q.kind === 'csat');
  for (const q of qs) {
    const u = hash01(`${callId}:${q.id}`);
    if (q === main) rows.push({ ...base, questionId: q.id, kind: q.kind, score: q.kind === 'nps' ? Math.round(score) : Math.max(1, Math.min(5, Math.round(1 + (score / 10) * 4))) });
    else if (!simulateRespondents) continue;
    else if (q.kind === 'nps') rows.push({ ...base, questionId: q.id, kind: q.kind, score: Math.max(0, Math.min(10, Math.round(score + (u - 0.5) * 3))) });
    else if (q.kind === 'csat') rows.push({ ...base, questionId: q.id, kind: q.kind, score: Math.max(1, Math.min(5, Math.round(1 + (score / 10) * 4 + (u - 0.5)))) });
    else if (q.kind === 'yes_no') rows.push({ ...base, questionId: q.id, kind: q.kind, score: score >= 6 ? (u < 0.85 ? 1 : 0) : u < 0.3 ? 1 : 0 });
    else if (u < 0.4) rows.push({ ...base, questionId: q.id, kind: q.kind, text: score >= 8 ? 'Nhân viên tư vấn nhiệt tình, chu đáo.' : score >= 6 ? 'Thời gian chờ hơi lâu.' : 'Chưa hài lòng, phải gọi nhiều lần.' });
  }
  return rows;
}

/** A 0-10 score of a simulated respondent: 70% promoters, 20% passives, 10% detractors (NPS about +60). */
export function simulatedScore(callId: string): number {
  const u = hash01(`${callId}:score`);
  return u < 0.1 ? Math.floor(u * 40) : u < 0.3 ? 7 + Math.round(u * 3) : 9 + (u < 0.75 ? 0 : 1);
}

/** `a` < `b` for Redis stream ids (`ms-seq`). */
export function streamIdLess(a: string, b: string): boolean {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  return Number(am) < Number(bm) || (am === bm && Number(as) < Number(bs));
}

/** BullMQ job ids may not contain `:`. */
export const dialJobId = (c: string, l: string, n: number) => `dial|${c}|${l}|${n}`;

/** A refusal of a request: a sentence, or a reason with params that the console words (`contracts/api-errors.ts`). */
abstract class CampaignRefusal extends Error {
  readonly fail: ApiFail | undefined;
  constructor(why: string | ApiFail) {
    super(typeof why === 'string' ? why : why.message);
    this.fail = typeof why === 'string' ? undefined : why;
  }
}
export class NotFound extends CampaignRefusal {
  override name = 'NotFound';
}
export class BadRequest extends CampaignRefusal {
  override name = 'BadRequest';
}
/** The campaign's state forbids the request (a completed campaign cannot be started, a draft stopped): HTTP 409. */
export class Conflict extends CampaignRefusal {
  override name = 'Conflict';
}

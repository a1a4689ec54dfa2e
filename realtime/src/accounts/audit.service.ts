/**
 * `AuditTrail`: the hub hands it entries and goes on (`record` returns at once); a background loop
 * writes them to the chain in batches. A database outage only delays them: the batch that failed is
 * kept, in order, and retried with backoff (100 ms doubling to 5 s).
 *
 * With a spool (Redis), every entry is also appended to this process's list
 * `callboard:{site}:audit:spool:{id}` and trimmed off once it is in the database, and the process keeps
 * `callboard:{site}:audit:alive:{id}` fresh. If the process dies with entries not yet written (a database
 * outage), another trail (any hub, or the next start) finds the spool of a process that is no longer
 * alive, claims it (RENAME) and writes its entries: at least once (a crash between the database commit and
 * the trim writes those entries twice).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { safeErrorMessage } from '../storage/database.ts';
import { writeAnchor, type AnchorSinks } from './audit-anchor.ts';
import type { AuditDraft, AuditRepository } from './audit.repository.ts';

export interface AuditTrailOptions {
  repo: AuditRepository;
  siteId: string;
  logger: Logger;
  /** Wait this long for more entries before writing. @defaultValue 50 */
  batchDelayMs?: number;
  /** @defaultValue 100 */
  retryMinMs?: number;
  /** @defaultValue 5000 */
  retryMaxMs?: number;
  /** Keep queued entries in Redis too, so a crash does not lose them (see above). */
  spool?: {
    redis: Redis;
    /** A process is dead when its alive key is older than this. @defaultValue 30000 */
    aliveMs?: number;
  };
  /**
   * Where the chain head is anchored outside the table (audit-anchor.ts): after every append, and
   * every `anchorEveryMs` from the table (a fresh Redis forgets the key).
   */
  anchor?: AnchorSinks;
  /** @defaultValue 60000 */
  anchorEveryMs?: number;
}

export interface AuditStats {
  queued: number;
  written: number;
  retries: number;
  lastError?: string;
  state: 'idle' | 'writing' | 'retrying' | 'closed';
}

export class AuditTrail {
  readonly stats: AuditStats = { queued: 0, written: 0, retries: 0, state: 'idle' };
  private readonly queue: AuditDraft[] = [];
  private recorded = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private closed = false;
  private readonly id = randomUUID();
  private heartbeat: NodeJS.Timeout | undefined;
  private anchorTimer: NodeJS.Timeout | undefined;
  private anchorFailed = false;
  private spoolFailed = false;

  constructor(private readonly opts: AuditTrailOptions) {}

  private spoolKey(id: string): string {
    return `callboard:${this.opts.siteId}:audit:spool:${id}`;
  }
  private aliveKey(id: string): string {
    return `callboard:${this.opts.siteId}:audit:alive:${id}`;
  }

  /**
   * Starts the spool: marks this process alive (refreshed every third of `aliveMs`) and takes over the
   * spools of dead processes now and at every refresh.
   * @returns the number of entries taken over now
   */
  async start(): Promise<number> {
    const anchor = this.opts.anchor;
    if (anchor && (anchor.redis || anchor.file)) {
      // The Redis anchor keeps the highest seq, so re-anchoring the table's head never hides a
      // truncation that an earlier anchor saw; it only restores a forgotten key.
      const reanchor = async () => {
        const head = await this.opts.repo.head(this.opts.siteId);
        if (head) await this.anchor(head);
      };
      await reanchor().catch(() => undefined);
      this.anchorTimer = setInterval(() => void reanchor().catch(() => undefined), this.opts.anchorEveryMs ?? 60_000);
      this.anchorTimer.unref();
    }
    const sp = this.opts.spool;
    if (!sp) return 0;
    const aliveMs = sp.aliveMs ?? 30_000;
    await sp.redis.set(this.aliveKey(this.id), '1', 'PX', aliveMs);
    this.heartbeat = setInterval(() => {
      sp.redis.set(this.aliveKey(this.id), '1', 'PX', aliveMs).catch(() => undefined);
      this.recover().catch((err: unknown) => this.opts.logger.warn({ err: safeErrorMessage(err) }, 'audit spool recovery failed'));
    }, Math.max(50, Math.floor(aliveMs / 3)));
    this.heartbeat.unref();
    return this.recover();
  }

  /** Takes over the spools of processes that are no longer alive. @returns entries taken over */
  async recover(): Promise<number> {
    const sp = this.opts.spool;
    if (!sp || this.closed) return 0;
    const prefix = this.spoolKey('');
    let n = 0;
    let cursor = '0';
    do {
      const [next, keys] = await sp.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
      cursor = next;
      for (const key of keys) {
        const owner = key.slice(prefix.length);
        if (owner === this.id || (await sp.redis.exists(this.aliveKey(owner)))) continue;
        // Claim it: only one trail wins the rename.
        const mine = this.spoolKey(`${this.id}.taken-${randomUUID()}`);
        try {
          await sp.redis.rename(key, mine);
        } catch {
          continue;
        }
        const items = await sp.redis.lrange(mine, 0, -1);
        for (const raw of items) {
          const e = JSON.parse(raw) as AuditDraft & { at: string };
          this.record({ ...e, at: new Date(e.at) });
        }
        // They are in this process's spool now (record appends them there).
        await sp.redis.del(mine);
        n += items.length;
        this.opts.logger.warn({ entries: items.length }, 'audit entries of a stopped process taken over');
      }
    } while (cursor !== '0');
    return n;
  }

  /** Queues an entry; never throws, never waits. */
  record(entry: Omit<AuditDraft, 'siteId' | 'at'> & { at?: Date }): void {
    if (this.closed) {
      this.opts.logger.warn({ action: entry.action }, 'audit entry after close: not written');
      return;
    }
    const draft: AuditDraft = { ...entry, siteId: this.opts.siteId, at: entry.at ?? new Date() };
    this.queue.push(draft);
    this.opts.spool?.redis.rpush(this.spoolKey(this.id), JSON.stringify(draft)).catch((err: unknown) => {
      if (!this.spoolFailed) this.opts.logger.warn({ err: safeErrorMessage(err) }, 'audit spool (Redis) unavailable: entries kept in memory only');
      this.spoolFailed = true;
    });
    this.recorded++;
    this.stats.queued = this.queue.length;
    this.schedule(this.opts.batchDelayMs ?? 50);
  }

  /** Resolves once every entry recorded before the call is in the database. */
  flush(): Promise<void> {
    if (this.stats.written >= this.recorded) return Promise.resolve();
    const upTo = this.recorded;
    const p = new Promise<void>((resolve) => this.waiters.push({ upTo, resolve }));
    this.schedule(0);
    return p;
  }

  /** Flushes (at most `timeoutMs`) and stops. */
  async close(timeoutMs = 5000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise((r) => (t = setTimeout(r, timeoutMs)))]);
    clearTimeout(t);
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    clearInterval(this.anchorTimer);
    this.stats.state = 'closed';
    const sp = this.opts.spool;
    if (this.queue.length) {
      if (sp) this.opts.logger.warn({ queued: this.queue.length }, 'audit entries not written at close (database unreachable): left in the Redis spool for the next start');
      else this.opts.logger.error({ lost: this.queue.length }, 'audit entries not written at close (database unreachable)');
    } else if (sp) {
      await sp.redis.del(this.spoolKey(this.id)).catch(() => undefined);
    }
    // Without the alive key the spool's entries (if any) are taken over by the next trail.
    await sp?.redis.del(this.aliveKey(this.id)).catch(() => undefined);
  }

  /** Records the head outside the table; a failure is logged once per outage, never retried here (the next append or the timer writes a newer head). */
  private async anchor(head: { seq: number; hash: string }): Promise<void> {
    const sinks = this.opts.anchor;
    if (!sinks || (!sinks.redis && !sinks.file)) return;
    try {
      await writeAnchor(sinks, { siteId: this.opts.siteId, ...head });
      this.anchorFailed = false;
    } catch (err) {
      if (!this.anchorFailed) this.opts.logger.warn({ err: safeErrorMessage(err) }, 'audit chain anchor could not be written');
      this.anchorFailed = true;
    }
  }

  private schedule(ms: number): void {
    if (this.running || this.closed) return;
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.drain().finally(() => {
        this.running = undefined;
        // An entry recorded while the drain was finishing found it still running and was not scheduled.
        if (this.queue.length && !this.closed) this.schedule(this.waiters.length ? 0 : (this.opts.batchDelayMs ?? 50));
      });
    }, ms);
  }

  private async drain(): Promise<void> {
    let delay = this.opts.retryMinMs ?? 100;
    while (this.queue.length && !this.closed) {
      const batch = this.queue.slice(0, 500);
      this.stats.state = 'writing';
      let head: { seq: number; hash: string | null };
      try {
        head = await this.opts.repo.append(this.opts.siteId, batch);
      } catch (err) {
        this.stats.retries++;
        this.stats.state = 'retrying';
        const msg = safeErrorMessage(err);
        if (this.stats.lastError === undefined || this.stats.retries % 10 === 1) this.opts.logger.warn({ err: msg, queued: this.queue.length }, 'audit log: database write failed; retrying');
        this.stats.lastError = msg;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.opts.retryMaxMs ?? 5000);
        continue;
      }
      delay = this.opts.retryMinMs ?? 100;
      this.queue.splice(0, batch.length);
      // Written: off the spool (the same order as the queue: one connection, commands in order).
      this.opts.spool?.redis.ltrim(this.spoolKey(this.id), batch.length, -1).catch(() => undefined);
      if (head.hash) await this.anchor({ seq: head.seq, hash: head.hash });
      this.stats.written += batch.length;
      this.stats.queued = this.queue.length;
      delete this.stats.lastError;
      this.waiters = this.waiters.filter((w) => (w.upTo <= this.stats.written ? (w.resolve(), false) : true));
    }
    this.stats.state = this.closed ? 'closed' : 'idle';
  }
}

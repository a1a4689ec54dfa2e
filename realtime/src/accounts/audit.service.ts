/**
 * `AuditTrail`: the hub hands it entries and goes on (`record` returns at once); a background loop
 * writes them to the chain in batches. A database outage only delays them: the batch that failed is
 * kept, in order, and retried with backoff (100 ms doubling to 5 s), so no entry is dropped while the
 * process lives. Entries still queued when the process dies are lost: `close()` flushes first.
 */
import type { Logger } from 'pino';
import { safeErrorMessage } from '../storage/database.ts';
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

  constructor(private readonly opts: AuditTrailOptions) {}

  /** Queues an entry; never throws, never waits. */
  record(entry: Omit<AuditDraft, 'siteId' | 'at'> & { at?: Date }): void {
    if (this.closed) {
      this.opts.logger.warn({ action: entry.action }, 'audit entry after close: not written');
      return;
    }
    this.queue.push({ ...entry, siteId: this.opts.siteId, at: entry.at ?? new Date() });
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
    this.stats.state = 'closed';
    if (this.queue.length) this.opts.logger.error({ lost: this.queue.length }, 'audit entries not written at close (database unreachable)');
  }

  private schedule(ms: number): void {
    if (this.running || this.closed) return;
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.drain().finally(() => (this.running = undefined));
    }, ms);
  }

  private async drain(): Promise<void> {
    let delay = this.opts.retryMinMs ?? 100;
    while (this.queue.length && !this.closed) {
      const batch = this.queue.slice(0, 500);
      this.stats.state = 'writing';
      try {
        await this.opts.repo.append(this.opts.siteId, batch);
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
      this.stats.written += batch.length;
      this.stats.queued = this.queue.length;
      delete this.stats.lastError;
      this.waiters = this.waiters.filter((w) => (w.upTo <= this.stats.written ? (w.resolve(), false) : true));
    }
    this.stats.state = this.closed ? 'closed' : 'idle';
  }
}

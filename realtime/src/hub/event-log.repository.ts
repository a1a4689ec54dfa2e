/**
 * The append-only event log in a Redis Stream: every accepted telephony event and every hub decision,
 * in the order they were applied. One stream entry holds one applied batch (field `e`: JSON array),
 * so an ingest request costs one XADD however many events it carries (group commit).
 */
import type { Redis } from 'ioredis';
import type { DomainEvent } from '../contracts/index.ts';

export interface EventLog {
  append(events: readonly DomainEvent[]): Promise<void>;
  /** Reads the whole log in order, a chunk of batches at a time. */
  readAll(onEvents: (events: DomainEvent[]) => void, onProgress?: (entries: number) => void): Promise<number>;
  length(): Promise<number>;
}

export class RedisEventLog implements EventLog {
  constructor(
    private readonly redis: Redis,
    /** Stream key. @defaultValue `callboard:{site}:events` */
    readonly key: string,
  ) {}

  async append(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.redis.xadd(this.key, '*', 'e', JSON.stringify(events));
  }

  async readAll(onEvents: (events: DomainEvent[]) => void, onProgress?: (entries: number) => void): Promise<number> {
    let start = '-';
    let entries = 0;
    for (;;) {
      const chunk = (await this.redis.xrange(this.key, start, '+', 'COUNT', 2000)) as [string, string[]][];
      if (chunk.length === 0) break;
      for (const [, fields] of chunk) {
        const i = fields.indexOf('e');
        if (i >= 0 && fields[i + 1] !== undefined) onEvents(JSON.parse(fields[i + 1]!) as DomainEvent[]);
      }
      entries += chunk.length;
      onProgress?.(entries);
      start = '(' + chunk[chunk.length - 1]![0];
    }
    return entries;
  }

  length(): Promise<number> {
    return this.redis.xlen(this.key);
  }
}

/** An in-memory log for benchmarks and the in-process replay; not durable. */
export class MemoryEventLog implements EventLog {
  readonly batches: DomainEvent[][] = [];
  async append(events: readonly DomainEvent[]): Promise<void> {
    if (events.length) this.batches.push([...events]);
  }
  async readAll(onEvents: (events: DomainEvent[]) => void): Promise<number> {
    for (const b of this.batches) onEvents(b);
    return this.batches.length;
  }
  async length(): Promise<number> {
    return this.batches.length;
  }
}

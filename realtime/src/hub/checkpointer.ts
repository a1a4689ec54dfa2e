/**
 * Takes hub checkpoints on a timer and on shutdown, and trims the event log behind them: entries
 * older than the retention AND covered by the checkpoint go; nothing after the checkpoint ever does.
 * A restart then loads the checkpoint and replays only the log after it (seconds, however long the
 * hub has run), and Redis memory stays bounded by the retention.
 */
import type { Logger } from 'pino';
import type { EventLog } from './event-log.repository.ts';
import type { CheckpointResult, Hub } from './hub.service.ts';

export interface CheckpointerOptions {
  hub: Hub;
  log: EventLog;
  logger: Logger;
  /** Time between checkpoints. 0 = only on shutdown. @defaultValue 300_000 (5 min) */
  everyMs?: number;
  /**
   * Log entries younger than this are kept even when a checkpoint covers them, for the log's other
   * readers (the record writer, campaign workers) and for audits. 0 = never trim. @defaultValue 7 days
   */
  retentionMs?: number;
  /** For tests. @defaultValue Date.now */
  now?: () => number;
}

export interface Checkpointer {
  /** Takes a checkpoint now (and trims). Concurrent calls share one run. */
  run(): Promise<CheckpointResult | null>;
  /** Stops the timer and takes a last checkpoint. */
  stop(): Promise<void>;
}

/** The ms part of a stream id `1712345678901-3`. */
const idMs = (id: string) => Number(id.split('-')[0]);

export function startCheckpointer(o: CheckpointerOptions): Checkpointer {
  const everyMs = o.everyMs ?? 300_000;
  const retentionMs = o.retentionMs ?? 7 * 86_400_000;
  const now = o.now ?? Date.now;
  let running: Promise<CheckpointResult | null> | undefined;

  const once = async (): Promise<CheckpointResult | null> => {
    const r = await o.hub.checkpoint();
    if (!r) return null;
    let trimmed = 0;
    if (retentionMs > 0 && o.log.trimBefore) {
      const minMs = Math.min(idMs(r.id), now() - retentionMs);
      trimmed = await o.log.trimBefore(`${minMs}-0`);
    }
    o.logger.info({ ...r, trimmed }, 'checkpoint written');
    return r;
  };
  const run = () =>
    (running ??= once()
      .catch((err: unknown) => {
        o.logger.error({ err }, 'checkpoint failed (the full log is kept; the next one retries)');
        return null;
      })
      .finally(() => (running = undefined)));

  const timer = everyMs > 0 ? setInterval(() => void run(), everyMs) : undefined;
  timer?.unref();
  return {
    run,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      await run();
    },
  };
}

/**
 * `CALLBOARD_CHECKPOINT_SEC` (default 300) and `CALLBOARD_LOG_RETENTION_DAYS` (default 7; 0 keeps the
 * whole log) as `createApp` options.
 */
export function checkpointOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): { checkpointEveryMs?: number; logRetentionMs?: number } {
  const out: { checkpointEveryMs?: number; logRetentionMs?: number } = {};
  const sec = Number(env.CALLBOARD_CHECKPOINT_SEC);
  if (env.CALLBOARD_CHECKPOINT_SEC && Number.isFinite(sec) && sec >= 0) out.checkpointEveryMs = sec * 1000;
  const days = Number(env.CALLBOARD_LOG_RETENTION_DAYS);
  if (env.CALLBOARD_LOG_RETENTION_DAYS && Number.isFinite(days) && days >= 0) out.logRetentionMs = days * 86_400_000;
  return out;
}

/**
 * ioredis reconnects by itself, and without an `error` listener it prints "[ioredis] Unhandled error
 * event" for every failed attempt (several a second while Redis is away). This says it once per outage,
 * for a group of connections, in the service's own log: lost, then back.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export function reportOutages(clients: readonly Redis[], logger: Logger, what: string): void {
  let down = false;
  for (const c of clients) {
    c.on('error', (err: Error) => {
      if (down) return;
      down = true;
      logger.warn({ err: err.message }, `${what}: Redis connection lost; reconnecting`);
    });
    c.on('ready', () => {
      if (!down) return;
      down = false;
      logger.info(`${what}: Redis connection back`);
    });
  }
}

/**
 * Revocation across hub processes, through Redis. Each user has a token version
 * (`callboard:{site}:auth:ver:{userId}`, mirrored from `users.token_version`); a token issued under an
 * older version is refused on REST and on (re)connect. A revocation raises the version and publishes the
 * user id on `callboard:{site}:auth:revoked`: every hub drops that user's live sockets.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export class Revocations {
  private readonly sub: Redis;
  private readonly listeners = new Set<(userId: string) => void>();
  private readonly channel: string;

  private constructor(
    /** The command connection (also used by the login throttle). */
    readonly redis: Redis,
    private readonly siteId: string,
    private readonly logger: Logger,
  ) {
    this.channel = `callboard:${siteId}:auth:revoked`;
    this.sub = redis.duplicate();
  }

  /** Connects (a command and a subscriber connection) and subscribes. */
  static async open(redisUrl: string, siteId: string, logger: Logger): Promise<Revocations> {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
    await redis.connect();
    const r = new Revocations(redis, siteId, logger);
    r.sub.on('message', (channel: string, message: string) => {
      if (channel !== r.channel) return;
      for (const fn of r.listeners) {
        try {
          fn(message);
        } catch (err) {
          logger.error({ err }, 'revocation listener failed');
        }
      }
    });
    await r.sub.subscribe(r.channel);
    return r;
  }

  private key(userId: string): string {
    return `callboard:${this.siteId}:auth:ver:${userId}`;
  }

  /** The user's current token version (0: never revoked). */
  async current(userId: string): Promise<number> {
    const v = await this.redis.get(this.key(userId));
    return v === null ? 0 : Number(v);
  }

  /** Sets the version unless Redis already has a higher one (restoring from the database at start). */
  async raiseTo(userId: string, version: number): Promise<void> {
    await this.redis.eval(
      "local v = tonumber(redis.call('get', KEYS[1]) or '0'); if tonumber(ARGV[1]) > v then redis.call('set', KEYS[1], ARGV[1]) end; return 0",
      1,
      this.key(userId),
      String(version),
    );
  }

  /** Raises the version and tells every hub to drop the user's sockets. */
  async revoke(userId: string, version: number): Promise<void> {
    await this.raiseTo(userId, version);
    await this.redis.publish(this.channel, userId);
  }

  onRevoked(fn: (userId: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.sub.unsubscribe().catch(() => undefined);
    await Promise.allSettled([this.sub.quit(), this.redis.quit()]);
    this.logger.debug('revocations closed');
  }
}

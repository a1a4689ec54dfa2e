/**
 * Revocation across hub processes, through Redis. Each user has a token version
 * (`callboard:{site}:auth:ver:{userId}`, mirrored from `users.token_version`); a token issued under an
 * older version is refused on REST and on (re)connect. A revocation raises the version and publishes the
 * user id on `callboard:{site}:auth:revoked`: every hub drops that user's live sockets. One token (a
 * script's, by its `jti`) is revoked with `callboard:{site}:auth:jti:{jti}` (until it expires) and
 * `jti:{jti}:{subject}` on the same channel: the hubs drop the sockets in the room `token:{jti}`.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { reportOutages } from '../hub/redis-outage.ts';

export class Revocations {
  private readonly sub: Redis;
  private readonly listeners = new Set<(userId: string, jti?: string) => void>();
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
    reportOutages([redis], logger, 'revocations');
    await redis.connect();
    const r = new Revocations(redis, siteId, logger);
    reportOutages([r.sub], logger, 'revocations (subscriber)');
    r.sub.on('message', (channel: string, message: string) => {
      if (channel !== r.channel) return;
      // `{userId}` for a user's sessions; `jti:{jti}:{subject}` for one token (user ids have no ':').
      const one = message.startsWith('jti:') ? /^jti:([^:]+):(.*)$/.exec(message) : null;
      for (const fn of r.listeners) {
        try {
          if (one) fn(one[2]!, one[1]!);
          else fn(message);
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

  private tokenKey(jti: string): string {
    return `callboard:${this.siteId}:auth:jti:${jti}`;
  }

  /** The user's current token version (0: never revoked). */
  async current(userId: string): Promise<number> {
    const v = await this.redis.get(this.key(userId));
    return v === null ? 0 : Number(v);
  }

  /** The user's current token version and whether the token `jti` was revoked, in one round trip. */
  async state(userId: string, jti: string): Promise<{ version: number; tokenRevoked: boolean }> {
    const [v, r] = await this.redis.mget(this.key(userId), this.tokenKey(jti));
    return { version: v === null || v === undefined ? 0 : Number(v), tokenRevoked: r !== null && r !== undefined };
  }

  /**
   * Marks one token revoked until it expires (then it is refused anyway) and tells every hub to drop
   * the sockets that use it.
   */
  async revokeToken(jti: string, subject: string, expiresAt: Date): Promise<void> {
    await this.markTokenRevoked(jti, expiresAt);
    await this.redis.publish(this.channel, `jti:${jti}:${subject}`);
  }

  /** The mark alone (restoring from the database at start). */
  async markTokenRevoked(jti: string, expiresAt: Date): Promise<void> {
    const ttl = Math.max(1000, expiresAt.getTime() - Date.now() + 60_000);
    await this.redis.set(this.tokenKey(jti), '1', 'PX', ttl);
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

  /** `fn(userId)` for a user's sessions, `fn(subject, jti)` for one token. */
  onRevoked(fn: (userId: string, jti?: string) => void): () => void {
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

/**
 * Failed logins per (user name, client address) in Redis, so every hub process counts the same: after
 * `max` failures within `windowSec` the pair is refused without checking the password until the window
 * ends. Keyed by the address too, so a stranger cannot lock a user out from everywhere.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly siteId: string,
    /** @defaultValue 10 */
    private readonly max = 10,
    /** @defaultValue 900 */
    private readonly windowSec = 900,
  ) {}

  private key(username: string, from: string | undefined): string {
    // Hashed: a user name may be a mistyped password.
    const id = createHash('sha256').update(`${username}\n${from ?? ''}`).digest('hex').slice(0, 32);
    return `callboard:${this.siteId}:auth:fail:${id}`;
  }

  async blocked(username: string, from: string | undefined): Promise<boolean> {
    const n = await this.redis.get(this.key(username, from));
    return n !== null && Number(n) >= this.max;
  }

  async failed(username: string, from: string | undefined): Promise<void> {
    const k = this.key(username, from);
    const n = await this.redis.incr(k);
    if (n === 1) await this.redis.expire(k, this.windowSec);
  }

  async succeeded(username: string, from: string | undefined): Promise<void> {
    await this.redis.del(this.key(username, from));
  }
}

/** vitest global setup: one Redis for the whole run (REDIS_URL, or a private redis-server). */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { ensureRedis, type RedisHandle } from '../lib/redis.ts';

let handle: RedisHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
  handle = await ensureRedis();
  project.provide('redisUrl', handle.url);
}

export async function teardown(): Promise<void> {
  await handle?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

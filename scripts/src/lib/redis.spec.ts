/**
 * The private Redis of `npm start` keeps its data folder: stopped and started again it has its data; left
 * running by a process that was killed (`kill -9` leaves it, in its own process group), the next start uses
 * it instead of starting a second server on the same files.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRedis, type RedisHandle } from './redis.ts';

const dir = mkdtempSync(join(tmpdir(), 'callboard-redis-spec-'));
const given = process.env.REDIS_URL;
const handles: RedisHandle[] = [];

async function withRedis<T>(url: string, f: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await f(r);
  } finally {
    r.disconnect();
  }
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(() => {
  delete process.env.REDIS_URL; // the private one is what is tested
});
afterAll(async () => {
  for (const h of handles) await h.stop();
  if (given !== undefined) process.env.REDIS_URL = given;
  rmSync(dir, { recursive: true, force: true });
});

describe('a private Redis with a kept data folder', () => {
  it('given one started on the folder, when a second start finds it running then it is used again (no second server), and after a stop a new one has the data', async () => {
    const said: string[] = [];
    const first = await ensureRedis((s) => said.push(s), { dataDir: dir });
    handles.push(first);
    const owner = JSON.parse(readFileSync(join(dir, 'callboard-redis.json'), 'utf8')) as { port: number; pid: number };
    expect(first.url).toBe(`redis://127.0.0.1:${owner.port}`);
    await withRedis(first.url, (r) => r.set('callboard:spec:kept', 'yes'));

    // As after a kill -9 of the process that started it: the server is still running; the next start adopts it.
    const second = await ensureRedis((s) => said.push(s), { dataDir: dir });
    handles.push(second);
    expect(second.url).toBe(first.url);
    expect(said.at(-1)).toMatch(/using the private redis-server still running/);

    await second.stop();
    expect(alive(owner.pid)).toBe(false);
    const third = await ensureRedis((s) => said.push(s), { dataDir: dir });
    handles.push(third);
    expect(said.at(-1)).toMatch(/started a private redis-server/);
    expect(await withRedis(third.url, (r) => r.get('callboard:spec:kept'))).toBe('yes');
  });
});

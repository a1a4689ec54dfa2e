/**
 * Finds the Redis that Callboard uses: `REDIS_URL` when given; otherwise a private `redis-server`
 * on a free port with a temporary directory, stopped on exit. Without one installed it says what
 * to install.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisHandle {
  url: string;
  /** True when we started it (and stop it on `stop`). */
  private: boolean;
  stop(): Promise<void>;
}

export class RedisUnavailable extends Error {}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function ping(url: string, timeoutMs: number): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export async function ensureRedis(say: (msg: string) => void = () => undefined): Promise<RedisHandle> {
  const given = process.env.REDIS_URL;
  if (given) {
    if (!(await ping(given, 3000))) throw new RedisUnavailable(`REDIS_URL=${given} does not answer PING. Start that Redis, or unset REDIS_URL to let Callboard start a private one.`);
    return { url: given, private: false, stop: async () => undefined };
  }
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = which.stdout.trim();
  if (!bin) {
    throw new RedisUnavailable(
      'Redis is needed and REDIS_URL is not set, and no redis-server is installed to start a private one.\n' +
        '  Debian/Ubuntu: sudo apt-get install redis-server\n  macOS: brew install redis\n' +
        '  or point REDIS_URL at a running Redis (redis://host:6379).',
    );
  }
  const port = await freePort();
  const dir = process.env.REDIS_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'callboard-redis-'));
  const keep = process.env.REDIS_DATA_DIR !== undefined;
  const child: ChildProcess = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'],
    // Its own process group: Ctrl+C in the terminal reaches `npm start`, which stops the hub and the
    // workers first and this Redis last (`stop`); sharing the group, Redis would die under a closing hub.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await ping(url, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new RedisUnavailable(`the private redis-server (${bin}) did not start on port ${port}: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  say(`started a private redis-server on ${url} (data in ${dir})`);
  const cleanup = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', cleanup);
  return {
    url,
    private: true,
    stop: async () => {
      process.removeListener('exit', cleanup);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Finds the Redis that Callboard uses: `REDIS_URL` when given; otherwise a private `redis-server`
 * on a free port, stopped on exit, with a temporary directory or a data folder that outlives it
 * (`npm start`: `.data/redis`, so a restart finds its event log and campaigns again). Without one
 * installed it says what to install.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

export interface EnsureRedisOptions {
  /**
   * The private Redis's data folder, kept when it stops (append-only file). A server still running on
   * it (its process outlived a `kill -9` of ours) is used again instead of a second one on the same files.
   * @defaultValue `REDIS_DATA_DIR`, else a temporary directory deleted on stop
   */
  dataDir?: string;
}

/** Where a private Redis with a kept data folder says which port and process it is. */
const OWNER_FILE = 'callboard-redis.json';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Whether `pid` is a redis-server (where /proc tells; after a reboot the number may be another program's). */
function isRedis(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');
  } catch {
    return !existsSync('/proc/self');
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The handle of a private server: `stop` (or this process's exit) ends it; `running`, `kill` and `exited`
 * say how, `after` runs once it is gone.
 */
function stoppable(url: string, running: () => boolean, kill: () => void, exited: () => Promise<unknown>, after: () => void = () => undefined): RedisHandle {
  const cleanup = () => {
    if (running()) kill();
  };
  process.once('exit', cleanup);
  return {
    url,
    private: true,
    stop: async () => {
      process.removeListener('exit', cleanup);
      if (running()) {
        const gone = exited();
        kill();
        await Promise.race([gone, sleep(5000)]);
      }
      after();
    },
  };
}

/** The handle of a private Redis we did not spawn in this process (left running by an earlier one). */
function adopted(url: string, pid: number): RedisHandle {
  return stoppable(
    url,
    () => alive(pid),
    () => process.kill(pid, 'SIGTERM'),
    async () => {
      while (alive(pid)) await sleep(50);
    },
  );
}

/** A server left running on `dir` by an earlier process (its owner file names a live redis-server that answers). */
async function leftRunning(dir: string): Promise<{ url: string; pid: number } | undefined> {
  const file = join(dir, OWNER_FILE);
  if (!existsSync(file)) return undefined;
  let owner: { port?: unknown; pid?: unknown };
  try {
    owner = JSON.parse(readFileSync(file, 'utf8')) as typeof owner;
  } catch {
    return undefined;
  }
  const { port, pid } = owner;
  if (typeof port !== 'number' || typeof pid !== 'number' || !alive(pid) || !isRedis(pid)) return undefined;
  const url = `redis://127.0.0.1:${port}`;
  if (await ping(url, 1000)) return { url, pid };
  // A live process that does not answer: a second server on the same files would corrupt them.
  throw new RedisUnavailable(`a redis-server (pid ${pid}) still holds ${dir} but does not answer on port ${port}; stop it (kill ${pid}) and start again.`);
}

export async function ensureRedis(say: (msg: string) => void = () => undefined, options: EnsureRedisOptions = {}): Promise<RedisHandle> {
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
  const kept = options.dataDir ?? process.env.REDIS_DATA_DIR;
  if (kept !== undefined) {
    mkdirSync(kept, { recursive: true });
    const left = await leftRunning(kept);
    if (left) {
      say(`using the private redis-server still running on ${left.url} (data in ${kept})`);
      return adopted(left.url, left.pid);
    }
  }
  const port = await freePort();
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'callboard-redis-'));
  const keep = kept !== undefined;
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
    await sleep(100);
  }
  if (keep && child.pid !== undefined) writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ port, pid: child.pid }) + '\n');
  say(`started a private redis-server on ${url} (data in ${dir})`);
  return stoppable(
    url,
    () => child.exitCode === null,
    () => child.kill('SIGTERM'),
    () => new Promise((r) => child.once('exit', r)),
    () => {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  );
}

/**
 * Builds the SvelteKit console when `console/build` is missing or older than its sources, so
 * `npm install && npm start` works on a fresh clone and `npm test` tests what the sources say.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSOLE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const BUILD_DIR = join(CONSOLE_DIR, 'build');
const ROOT = join(CONSOLE_DIR, '..');

/** Sources whose change needs a new build (the contracts the console imports included). */
const SOURCES = [
  join(CONSOLE_DIR, 'src'),
  join(CONSOLE_DIR, 'svelte.config.js'),
  join(CONSOLE_DIR, 'vite.config.ts'),
  join(CONSOLE_DIR, 'package.json'),
  join(ROOT, 'realtime', 'src', 'contracts'),
];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    // Tests do not change what is shipped.
    if (/\.(spec|e2e)\.ts$/.test(e.name)) continue;
    m = Math.max(m, newest(join(path, e.name)));
  }
  return m;
}

/** Why the build is stale, or `undefined` when it is current. */
export function staleReason(): string | undefined {
  const marker = join(BUILD_DIR, 'handler.js');
  if (!existsSync(marker)) return 'no build yet';
  const built = statSync(marker).mtimeMs;
  const src = Math.max(...SOURCES.map(newest));
  return src > built ? 'sources changed since the last build' : undefined;
}

/** Runs `vite build` in console/ when the build is stale; `say` gets progress lines. */
export async function ensureConsoleBuild(say: (s: string) => void = () => undefined): Promise<void> {
  if (!staleReason()) return;
  // One build at a time (npm start and npm test may both find the build stale).
  const lock = join(CONSOLE_DIR, '.build.lock');
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // A lock older than 5 minutes belongs to a build that died.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new Error(`another console build holds ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    await build(say);
  } finally {
    rmSync(lock, { force: true });
  }
}

async function build(say: (s: string) => void): Promise<void> {
  const why = staleReason();
  if (!why) return;
  say(`building the console (${why})…`);
  const started = Date.now();
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const out: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const p = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: CONSOLE_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
    p.stdout.on('data', (b: Buffer) => out.push(b.toString()));
    p.stderr.on('data', (b: Buffer) => out.push(b.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`console build failed (exit ${code}):\n${out.join('').slice(-4000)}`))));
  });
  say(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

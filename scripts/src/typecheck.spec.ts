/**
 * The type check is part of `npm test` (and so of CI): the tests run TypeScript through esbuild, which strips
 * types without checking them, so a type error in the hub, the workers or the console would otherwise pass.
 * Each check runs the same command as `npm run typecheck` and fails with the compiler's own messages.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command in the repository; resolves with its exit code and output (never rejects on a non-zero exit). */
function run(cmd: string, args: string[], cwd = root): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, maxBuffer: 64 << 20, timeout: 240_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** The error lines only, so a failure reads like the compiler's report. */
const errors = (output: string, match: RegExp) =>
  output.split('\n').filter((l) => match.test(l)).slice(0, 40).join('\n') || output.slice(-4000);

describe('type check', () => {
  it('tsc finds no type error in realtime/, queue-workers/ and scripts/', { timeout: 300_000 }, async () => {
    const { code, output } = await run(process.execPath, [
      fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)),
      '-p', 'tsconfig.json', '--noEmit',
    ]);
    expect(code, errors(output, /error TS\d+/)).toBe(0);
  });

  it('svelte-check finds no type error in console/', { timeout: 300_000 }, async () => {
    const { code, output } = await run(
      process.execPath,
      [fileURLToPath(new URL('../../node_modules/svelte-check/bin/svelte-check', import.meta.url)),
        '--tsconfig', './tsconfig.json', '--output', 'machine', '--threshold', 'error'],
      fileURLToPath(new URL('../../console', import.meta.url)),
    );
    // Machine output: "<time> ERROR <file> <line:col> <message>", then "<time> COMPLETED n FILES n ERRORS ...".
    expect(code, errors(output, / ERROR /)).toBe(0);
    expect(output).toMatch(/COMPLETED \d+ FILES 0 ERRORS/);
  });
});

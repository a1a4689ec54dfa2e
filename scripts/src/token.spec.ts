/**
 * `npm run token` as a user runs it: a recorded token (its jti in `issued_tokens`) into a fresh PGlite
 * folder; and, while another process holds that folder (a running `npm start`), still a working token,
 * said on stderr to be unrecorded.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { jwtSecret, verifyCredential } from '../../realtime/src/hub/auth.ts';
import { openDatabase } from '../../realtime/src/storage/index.ts';
import { issuedTokens } from '../../realtime/src/storage/schema.accounts.ts';

const run = promisify(execFile);
const SCRIPT = new URL('./token.ts', import.meta.url).pathname;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cb-token-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function token(args: string[]): Promise<{ out: string; err: string }> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { env: { ...process.env, CALLBOARD_JWT_SECRET: '' }, timeout: 60_000 });
  return { out: stdout.trim(), err: stderr };
}

describe('npm run token', () => {
  it('given a free database folder, when a telephony token is minted, then it carries a jti that is recorded', async () => {
    const dir = tmp();
    const { out, err } = await token(['--role', 'telephony', '--label', 'PBX A', '--data-dir', dir]);
    const cred = verifyCredential(jwtSecret(), out);
    expect(cred.session.role).toBe('telephony');
    expect(cred.jti).toBeTruthy();
    expect(err).toContain(`token ${cred.jti} recorded`);
    const db = await openDatabase({ dataDir: dir });
    try {
      const rows = await db.db.select({ jti: issuedTokens.jti, label: issuedTokens.label }).from(issuedTokens);
      expect(rows).toEqual([{ jti: cred.jti, label: 'PBX A' }]);
    } finally {
      await db.close();
    }
  }, 90_000);

  it('given the folder held by a running hub, when a token is minted, then the script still gets a valid token and is told it is not recorded', async () => {
    const dir = tmp();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'callboard.lock'), String(holder.pid));
      const { out, err } = await token(['--role', 'telephony', '--data-dir', dir]);
      const cred = verifyCredential(jwtSecret(), out);
      expect(cred.session.role).toBe('telephony');
      expect(cred.jti).toBeUndefined();
      expect(err).toMatch(/not recorded \(the embedded database is in use by a running hub/);
    } finally {
      holder.kill();
    }
  }, 90_000);
});

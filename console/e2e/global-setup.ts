/** vitest global setup of the e2e project: the console is built (when stale) before any test runs. */
import { ensureConsoleBuild } from '../server/build.ts';

export async function setup(): Promise<void> {
  await ensureConsoleBuild((s) => process.stdout.write(`[e2e] ${s}\n`));
}

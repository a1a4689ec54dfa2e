import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
/** The console's import aliases (svelte.config.js), for its tests outside SvelteKit's own build. */
const consoleAlias = {
  $lib: here('./console/src/lib'),
  $contracts: here('./realtime/src/contracts'),
  '$env/dynamic/public': here('./console/src/test/env-public.ts'),
};

export default defineConfig({
  test: {
    expect: { requireAssertions: true },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one Redis; each uses its own keys, so files may run in parallel.
    fileParallelism: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['realtime/src/**/*.spec.ts', 'queue-workers/src/**/*.spec.ts', 'scripts/src/**/*.spec.ts'],
          // Vitest's default is one worker fewer than the CPUs: a single one on CI's 2 cores, which left a
          // third of the CPU idle while these files wait on Redis, sockets and PGlite. Two share them well.
          maxWorkers: 2,
          // A project with its own worker count runs as its own group (after the console's and the e2e's).
          sequence: { groupOrder: 1 },
          globalSetup: ['scripts/src/test/global-setup.ts'],
        },
      },
      {
        // Pure console logic (thresholds, wrap-up rules, figures): plain node.
        extends: true,
        resolve: { alias: consoleAlias },
        test: { name: 'console', include: ['console/src/**/*.spec.ts'], exclude: ['console/src/**/*.svelte.spec.ts'] },
      },
      {
        // Components in Chromium (the system's /usr/bin/chromium through playwright-core; never downloaded).
        extends: true,
        plugins: [svelte({ configFile: false })],
        resolve: { alias: consoleAlias },
        test: {
          name: 'console-browser',
          include: ['console/src/**/*.svelte.spec.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: process.env.CALLBOARD_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        // Playwright against the built console served by the real hub with real Redis.
        extends: true,
        test: {
          name: 'e2e',
          include: ['console/e2e/**/*.e2e.ts'],
          globalSetup: ['scripts/src/test/global-setup.ts', 'console/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['realtime/src/**/*.spec.ts', 'queue-workers/src/**/*.spec.ts', 'scripts/src/**/*.spec.ts'],
    expect: { requireAssertions: true },
    globalSetup: ['scripts/src/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one Redis; each uses its own keys, so files may run in parallel.
    fileParallelism: true,
  },
});

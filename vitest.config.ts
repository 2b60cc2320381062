import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/process-reaper.ts', 'test/support/build-cli.ts', 'test/support/global-setup.ts'],
    // Real ZooKeeper JVMs share two cores with the tests: keep parallelism modest.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // Hang guard: a test that leaves a handle open fails the run instead of stalling CI.
    teardownTimeout: 20_000,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * The slow half of the reliability suite (`npm run test:chaos`): the fault matrix on a real
 * ensemble and the parsers under 100,000 generated replies each. Same shared ensembles as
 * `npm test`; must finish within ~10 minutes on a 2-core machine.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    globalSetup: ['test/support/process-reaper.ts', 'test/support/build-cli.ts', 'test/support/global-setup.ts'],
    maxWorkers: 2,
    testTimeout: 300_000,
    hookTimeout: 90_000,
    teardownTimeout: 20_000,
  },
});

import { defineConfig } from 'vitest/config';

// Projects: `unit` (pure, fast), `integration` (real Docker daemon and
// kernel). Each project has its own `sequence.groupOrder` (run one after
// the other; required when their worker counts differ). Integration suites fail instead of skipping when
// PODNET_REQUIRE_DOCKER=1 (set by .ci/run) and Docker is missing.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // Labs are heavy on two cores: a few files at a time.
          maxWorkers: 2,
          fileParallelism: true,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

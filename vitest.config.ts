import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

// Projects: `unit` (pure, fast: no process is started), `tools` (logic run
// against this machine's own tools: sh, ssh-keygen, iptables-restore --test), `component` (renderer pieces in jsdom),
// `integration` (real Docker daemon and kernel), `e2e` (the app in real
// Chromium against `podnet serve` on a real Docker daemon). Each project has
// its own `sequence.groupOrder` (run one after the other; required when
// their worker counts differ). Integration and e2e suites fail instead of
// skipping when PODNET_REQUIRE_DOCKER=1 (set by .ci/run) and Docker (or, for
// e2e, Chromium) is missing.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/unit/setup-pure.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // Pure logic against this machine's own tools (sh, bash, ssh-keygen, iptables-restore --test,
          // a second process for the locks): no Docker, no lab.
          name: 'tools',
          include: ['test/tools/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        plugins: [svelte({ configFile: resolve('svelte.config.js'), compilerOptions: { dev: true } }), svelteTesting()],
        test: {
          name: 'component',
          include: ['test/component/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['test/component/setup.ts'],
          sequence: { groupOrder: 1 },
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
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // The node image (shared with integration), then the built app.
          globalSetup: ['test/integration/global-setup.ts', 'test/e2e/global-setup.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // One browser and one lab at a time.
          maxWorkers: 1,
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});

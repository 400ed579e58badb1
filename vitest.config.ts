import { configDefaults, defineConfig } from 'vitest/config';

/** The fast tier: workflow logic with stubbed activities, no dev server or database (`npx vitest run test/workflow-fast`). */
const FAST_TIER = 'test/workflow-fast/**/*.test.ts';

export default defineConfig({
  test: {
    // Temporal's native worker and test servers need real processes, not threads.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for a page or a server that is busy with other test files (default: 1 s).
    expect: { poll: { timeout: 10_000 } },
    // Two cores: more parallel files only make the servers compete.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'full-stack',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, FAST_TIER],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-runtime.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'workflow-fast',
          include: [FAST_TIER],
          globalSetup: ['test/workflow-fast/global-setup.ts'],
          setupFiles: ['test/workflow-fast/setup-runtime.ts'],
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    env: { TZ: 'UTC' },
    // Ceilings, not budgets: tests wait on conditions, and a loaded machine (other test files,
    // other work on two cores) can slow a child-process start or a Slack round trip many times over.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

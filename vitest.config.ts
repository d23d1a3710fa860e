import { defineConfig } from 'vitest/config';

/**
 * One vitest run over every package. Workspace packages resolve to their TypeScript sources
 * through the `source` export condition, so tests never need a build of their dependencies.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['**/src/**/*.test.ts', '**/src/**/*.test.tsx', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['./test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    pool: 'forks',
  },
});

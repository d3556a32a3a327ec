import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'bench/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file builds its own in-process server and database; two workers match the 2-core machine.
    maxWorkers: 2,
    // CI (.ci/run) also writes machine-readable results to count every runner's tests.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/ci/vitest.json' }]] : ['default'],
  },
});

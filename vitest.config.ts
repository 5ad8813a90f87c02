import { configDefaults, defineConfig } from 'vitest/config';

const exclude = [...configDefaults.exclude, 'web/**', 'dist/**'];

export default defineConfig({
  test: {
    // web/ is browser code, built by Vite and tested through Chromium by test/web.
    exclude,
    testTimeout: 120_000,
    setupFiles: ['test/setup/fast-check.ts'],
    globalSetup: ['test/setup/temp-root.ts'],
    hookTimeout: 120_000,
    // DuckDB work is CPU-bound and the machine has two cores: run files two at a time.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'main', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: [...exclude, '**/*.timing.test.ts'], sequence: { groupOrder: 0 } } },
      // Tests that hold the server to a latency (events in a profile within 2 s of their 200) run
      // last and alone: beside a dozen other files on two cores they measure the machine, not us.
      { extends: true, test: { name: 'timing', include: ['test/**/*.timing.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});

import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // web/ is browser code, built by Vite and tested through Chromium by test/web.
    exclude: [...configDefaults.exclude, 'web/**', 'dist/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // DuckDB work is CPU-bound and the machine has two cores: run files two at a time.
    maxWorkers: 2,
  },
});

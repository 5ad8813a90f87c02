import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { filesOpeningProfileStores } from './test/setup/isolated-files.js';

const exclude = [...configDefaults.exclude, 'web/**', 'dist/**'];
const timing = '**/*.timing.test.ts';
const isolated = filesOpeningProfileStores(fileURLToPath(new URL('.', import.meta.url)));

export default defineConfig({
  test: {
    // web/ is browser code, built by Vite and tested through Chromium by test/web.
    exclude,
    testTimeout: 120_000,
    setupFiles: ['test/setup/fast-check.ts', 'test/setup/unstub-env.ts'],
    globalSetup: ['test/setup/temp-root.ts'],
    hookTimeout: 120_000,
    // DuckDB work is CPU-bound and the machine has two cores: run files two at a time.
    maxWorkers: 2,
    projects: [
      // Most files share their worker process, their modules loaded once: a fresh process per file
      // spent ~2 s importing (327 s of a 1,148 s run). So a file leaves the process as it found it:
      // env set with vi.stubEnv (test/setup/unstub-env.ts puts it back), spies restored, servers and stores closed, and no
      // command calls process.exit. Files that may open a profile store keep a fresh process each
      // (test/setup/isolated-files.ts says why); both groups run side by side.
      { extends: true, test: { name: 'main', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: [...exclude, timing, ...isolated], isolate: false, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'isolated', include: isolated, exclude: [...exclude, timing], isolate: true, sequence: { groupOrder: 0 } } },
      // Tests that hold the server to a latency (events in a profile within 2 s of their 200) run
      // last and alone: beside a dozen other files on two cores they measure the machine, not us.
      { extends: true, test: { name: 'timing', include: [timing], fileParallelism: false, isolate: true, sequence: { groupOrder: 1 } } },
    ],
  },
});

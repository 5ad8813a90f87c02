// Every folder a test run makes (datamarts, event logs, browser profiles, ClickHouse servers of the
// tests, generated files) goes under one folder of its own, removed when the run ends. Tests
// removed their folders one by one and many did not: 15 GB of them had piled up in /tmp on a
// developer's machine after a few days of runs. TMPDIR is what os.tmpdir() reads, in the workers
// vitest starts after this and in the processes the tests start, Chromium included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARK = 'FIDELIS_TEST_TEMP_ROOT';

export default function setup(): () => void {
  // Vitest runs a global setup once per project, in one process: the first makes the folder, the
  // others use it. Nested, the paths outgrew the 108 bytes of a Unix socket's path (Chromium's
  // SingletonSocket under its profile folder refused to start).
  if (process.env[MARK] !== undefined && process.env[MARK] === process.env.TMPDIR) return () => undefined;
  const root = mkdtempSync(join(tmpdir(), 'fidelis-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  process.env[MARK] = root;
  return () => {
    delete process.env[MARK];
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    // Kept when asked, to look at what a failed run left behind.
    if (process.env.FIDELIS_KEEP_TEST_FILES) console.log(`test files kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}

// Which test files run in a fresh process each (vitest's `isolate`), read from their sources when
// the configuration loads, so no hand-kept list drifts from the tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * What can open a profile store (LMDB) in the test's own process: a pipeline run (its
 * profile_documents step), a server or app (its profile reader), the CLI, or the store itself.
 * Two files doing so one after the other in one process failed reads with LMDB's MDB_BAD_RSLOT
 * (a reader slot freed under an open store), in one run of two: such files keep a process each.
 */
const OPENS_A_PROFILE_STORE = /\b(runPipeline|runSteps|startServer|createApp|runCli|ProfileReader|ProfileStore|profileDocumentsStep)\b/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Whether `file`, or a module under test/ it imports (transitively), names one of those entry points. */
function opensAProfileStore(file: string, testRoot: string, seen: Map<string, boolean>): boolean {
  const known = seen.get(file);
  if (known !== undefined) return known;
  seen.set(file, false); // an import cycle adds nothing
  const source = readFileSync(file, 'utf8');
  const imports = [...source.matchAll(/from '(\.[^']+)'/g)].map((m) => resolve(dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts')));
  const opens =
    OPENS_A_PROFILE_STORE.test(source) || imports.some((path) => path.startsWith(testRoot) && existsSync(path) && opensAProfileStore(path, testRoot, seen));
  seen.set(file, opens);
  return opens;
}

/** The test files (relative to `root`) that may open a profile store in their own process. */
export function filesOpeningProfileStores(root: string): string[] {
  const testRoot = join(root, 'test');
  const seen = new Map<string, boolean>();
  return [...testFiles(join(root, 'src')), ...testFiles(testRoot)]
    .filter((file) => opensAProfileStore(file, testRoot, seen))
    .map((file) => relative(root, file))
    .sort();
}

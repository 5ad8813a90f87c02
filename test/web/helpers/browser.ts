// Debian's chromium driven by playwright-core. In CI a missing browser fails the run; elsewhere
// the browser tests are skipped with a message saying how to get it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'vite';
import { chromium, type Browser } from 'playwright-core';
import { tempDir } from '../../helpers/fixtures.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

if (!HAVE_CHROMIUM) {
  if (IN_CI) throw new Error(`CI=true but no chromium at ${CHROMIUM}: .ci/run installs it with apt-get (or set CHROMIUM_PATH)`);
  process.stderr.write(`\n[test/web] skipped: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)\n\n`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WEB = join(ROOT, 'web');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/** A hash of the files' names and contents (a missing file counts as such), after `salt`. */
function hashOf(files: readonly string[], salt = ''): string {
  const hash = createHash('sha256').update(`${salt}\0`);
  for (const file of files) hash.update(`${file}\0`).update(existsSync(file) ? readFileSync(file) : 'missing').update('\0');
  return hash.digest('hex').slice(0, 20);
}

/** What a kept build read outside node_modules (web/ and anything it imports from the rest of the repository). */
interface BuildInputs {
  readonly files: readonly string[];
  readonly hash: string;
}

function keptBuildIsCurrent(dir: string): boolean {
  if (!existsSync(join(dir, 'index.html')) || !existsSync(`${dir}.inputs.json`)) return false;
  const inputs = JSON.parse(readFileSync(`${dir}.inputs.json`, 'utf8')) as BuildInputs;
  return hashOf(inputs.files) === inputs.hash;
}

/**
 * Builds web/ with Vite: the tests see the sources as they are, not a stale dist/web. The build is
 * kept in the temp folder under a hash of this repository's path, web/ and package-lock.json, with
 * the list of files it read and their hash, and reused while they are unchanged: each browser test
 * file built the same dashboard again (4 s each).
 */
export async function buildDashboard(): Promise<string> {
  const kept = join(tmpdir(), `fidelis-web-build-${hashOf([...filesUnder(WEB), join(ROOT, 'package-lock.json')], ROOT)}`);
  if (keptBuildIsCurrent(kept)) return kept;
  const outDir = tempDir('fidelis-web-dist-');
  const read = new Set<string>();
  const recordInputs: Plugin = {
    name: 'fidelis-test-build-inputs',
    buildEnd() {
      for (const id of this.getModuleIds()) {
        const file = id.split('?')[0] ?? '';
        if (isAbsolute(file) && !file.includes('/node_modules/') && existsSync(file)) read.add(file);
      }
    },
  };
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true }, plugins: [recordInputs] });
  const files = [...new Set([...read, ...filesUnder(WEB)])].sort();
  try {
    // Another test file may have kept the same build meanwhile: then this one is used once, from where it is.
    renameSync(outDir, kept);
  } catch {
    return outDir;
  }
  // Written whole then renamed: a test file checking the kept build meanwhile never reads half of it.
  writeFileSync(`${outDir}.inputs.json`, JSON.stringify({ files, hash: hashOf(files) } satisfies BuildInputs));
  renameSync(`${outDir}.inputs.json`, `${kept}.inputs.json`);
  return kept;
}

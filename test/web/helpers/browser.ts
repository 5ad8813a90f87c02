// Debian's chromium driven by playwright-core. In CI a missing browser fails the run; elsewhere
// the browser tests are skipped with a message saying how to get it.
import { existsSync } from 'node:fs';
import { build } from 'vite';
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

/** Builds web/ into a fresh folder: the tests see the sources as they are, not a stale dist/web. */
export async function buildDashboard(): Promise<string> {
  const outDir = tempDir('fidelis-web-dist-');
  await build({ configFile: new URL('../../../web/vite.config.ts', import.meta.url).pathname, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../helpers/fixtures.js';
import { waitFor } from './wait.js';

/**
 * DuckDB takes 80% of the machine's memory by default, in each process; tests run several
 * servers and stores side by side, so theirs is capped (the OOM killer would end one with SIGKILL).
 */
export const TEST_DUCKDB = { memoryLimit: '1GB' } as const;

const CHILD = fileURLToPath(new URL('./fidelis-child.ts', import.meta.url));

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `fidelis serve --port 0` as a child process and waits for its "listening on" line;
 * `settings` go into its configuration file besides the DuckDB memory cap.
 */
export async function startServerProcess(
  db: string,
  env: Record<string, string> = {},
  args: string[] = [],
  settings: Record<string, unknown> = {},
  // A server on ClickHouse migrates through one HTTP round trip per DDL statement: slower to listen.
  startTimeoutMs = 30_000,
): Promise<ServerProcess> {
  const config = join(tempDir('fidelis-serve-config-'), 'fidelis.config.json');
  writeFileSync(config, JSON.stringify({ duckdb: TEST_DUCKDB, ...settings }));
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'serve', '--port', '0', '--db', db, '--config', config, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // 'close': the process has exited and its output is read to the end (the refusal's message).
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // An exit ends the wait at once: a refused start (the server says why and exits) used to be
  // retried until the timeout, 30 s per refusal, since waitFor takes a throw for "not yet".
  const started = await waitFor(
    'the server to listen',
    () => (child.exitCode !== null || child.signalCode !== null ? { exited: true as const } : /listening on (http:\/\/\S+)/.exec(stdout)?.[1]),
    startTimeoutMs,
  );
  if (typeof started !== 'string') {
    await closed;
    throw new Error(`server exited with ${child.exitCode ?? child.signalCode}: ${stderr}`);
  }
  const url = started;
  return {
    child,
    url,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

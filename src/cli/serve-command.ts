import { Command, Option } from 'commander';
import type { Config } from '../config/index.js';
import { compactDatabase, compactionPending } from '../privacy/index.js';
import { startServer } from '../server/index.js';
import { displayDbLocation } from '../config/index.js';
import { cliActor } from './privacy-command.js';
import { configFrom, configOption, dbOption, integer, type StoreOptions } from './options.js';

interface ServeOptions extends StoreOptions {
  port?: number;
  host?: string;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * An erasure through the API leaves the erased rows in the database file's freed blocks until the
 * file is rewritten, which needs it closed: done when the server stops, or at the next start
 * after a crash (docs/privacy.md).
 */
async function compactAfterErasure(config: Config): Promise<void> {
  if (!compactionPending(config.db)) return;
  const report = await compactDatabase(config.db, cliActor());
  process.stderr.write(`fidelis: rewrote ${config.db} after an erasure (${(report.ms / 1000).toFixed(1)} s)\n`);
}

/**
 * Listens for SIGINT and SIGTERM from now on; `stopped` resolves on the first. A second one, while
 * the rest of the log loads, stops at once: what is acknowledged is in the log, and the next
 * start loads it.
 *
 * Installed before the server says it listens: a supervisor (or test) that signals the instant it
 * reads "listening on" must find the handler there, or the signal's default action kills the
 * process before it loads the log and closes the datamart.
 */
function stopSignals(): { stopped: Promise<string>; dispose(): void } {
  let received: string | null = null;
  let resolveStopped: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (resolveStopped = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== null) {
      process.stderr.write(`fidelis: ${signal} again, stopping now; the log keeps what is not loaded yet\n`);
      process.exit(1);
    }
    received = signal;
    resolveStopped(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return { stopped, dispose: () => STOP_SIGNALS.forEach((signal) => process.off(signal, onSignal)) };
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('start the HTTP server: event collection (Segment HTTP Tracking API) and the APIs, until Ctrl-C')
    .addOption(new Option('--port <port>', 'port to listen on (0: any free port; default 7878)').argParser(integer))
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (options: ServeOptions) => {
      const config = configFrom(options);
      const trace = process.env.FIDELIS_TRACE_LOADS === '1';
      const signals = stopSignals();
      try {
        await compactAfterErasure(config);
        const server = await startServer({
          config,
          ...(options.host !== undefined ? { host: options.host } : {}),
          ...(options.port !== undefined ? { port: options.port } : {}),
          ...(trace ? { trace: (what, p) => process.stderr.write(`${what} ${p.segment}:${p.offset}\n`) } : {}),
        });
        // Scripts and tests wait for this line (with the real port when --port 0).
        process.stdout.write(`fidelis: listening on ${server.url} (datamart ${displayDbLocation(config.db)})\n`);
        if (server.profiles.state.reason) process.stderr.write(`fidelis: profiles are read live: ${server.profiles.state.reason}\n`);
        const signal = await signals.stopped;
        process.stderr.write(`fidelis: ${signal}, loading the rest of the log and stopping\n`);
        await server.close();
        await compactAfterErasure(config);
      } finally {
        signals.dispose();
      }
    });
}

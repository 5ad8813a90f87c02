import { Command, Option } from 'commander';
import { startServer } from '../server/index.js';
import { configFrom, configOption, dbOption, integer, type StoreOptions } from './options.js';

interface ServeOptions extends StoreOptions {
  port?: number;
  host?: string;
}

/** Resolves on SIGINT or SIGTERM. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
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
      const server = await startServer({
        config,
        ...(options.host !== undefined ? { host: options.host } : {}),
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(trace ? { trace: (what, p) => process.stderr.write(`${what} ${p.segment}:${p.offset}\n`) } : {}),
      });
      // Scripts and tests wait for this line (with the real port when --port 0).
      process.stdout.write(`fidelis: listening on ${server.url} (datamart ${config.db})\n`);
      const signal = await stopSignal();
      process.stderr.write(`fidelis: ${signal}, loading the rest of the log and stopping\n`);
      await server.close();
    });
}

import { Command } from 'commander';
import { clvCommand } from './clv-command.js';
import { reportError } from './report-error.js';

/**
 * `fidelis clv` on its own: bin/fidelis.js starts here for that command, so a scoring run loads
 * the value modules and DuckDB but not the server, dashboard, pipeline and collection modules
 * every other command brings (about 0.6 s of CPU before any work: measured in docs/value.md).
 * Same program name, options and errors as the full CLI (main.ts).
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = new Command('fidelis').exitOverride().configureOutput({ writeErr: (text) => process.stderr.write(text) });
    program.addCommand(clvCommand().exitOverride());
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

import { Command } from 'commander';
import { audiencesCommand } from './audiences-command.js';
import { clvCommand } from './clv-command.js';
import { customerCommand } from './customer-command.js';
import { demoCommand } from './demo-command.js';
import { eventsCommand } from './events-command.js';
import { generateCommand } from './generate-command.js';
import { identityCommand } from './identity-command.js';
import { importCommand } from './import-command.js';
import { keysCommand } from './keys-command.js';
import { pressureCommand } from './pressure-command.js';
import { privacyCommand } from './privacy-command.js';
import { runCommand } from './run-command.js';
import { segmentsCommand } from './segments-command.js';
import { sendCommand } from './send-command.js';
import { serveCommand } from './serve-command.js';
import { statusCommand } from './status-command.js';
import { usersCommand } from './users-command.js';
import { planCommand } from './plan-command.js';
import { campaignsCommand } from './campaigns-command.js';
import { reportError } from './report-error.js';

/**
 * Every command of the tree throws instead of calling process.exit (on --help, a usage error...),
 * so `main` reports and returns the exit code. Commander passes this on only to subcommands made
 * with `.command()`, not to those built apart and added: `fidelis privacy audit --help` used to
 * exit the process from inside the parser, which ended the test worker that ran it.
 */
function throwInsteadOfExit(command: Command): Command {
  command.exitOverride();
  for (const sub of command.commands) throwInsteadOfExit(sub);
  return command;
}

export function buildProgram(): Command {
  const program = new Command('fidelis')
    .description('Fidelis: one-to-one marketing on customer value, from your raw customer data')
    .version('0.1.0')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const command of [
    generateCommand(), importCommand(), runCommand(), statusCommand(), segmentsCommand(), customerCommand(), demoCommand(), clvCommand(), serveCommand(), keysCommand(), usersCommand(), identityCommand(), eventsCommand(), privacyCommand(),
    pressureCommand(), sendCommand(), planCommand(), campaignsCommand(), audiencesCommand(),
  ]) {
    program.addCommand(command);
  }
  return throwInsteadOfExit(program);
}

/** Runs the CLI and returns the exit code; every error is reported here, once. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

import { CommanderError } from 'commander';
import { ERROR_CODES, FidelisError } from '../errors.js';

/** The exit code of an error, reported once on stderr: 2 for what the user must fix, 1 otherwise. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (or the help, which is a success).
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  }
  if (error instanceof FidelisError) {
    process.stderr.write(`fidelis: ${error.message}\n`);
    return ERROR_CODES[error.code]?.exit ?? 1;
  }
  process.stderr.write(`fidelis: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

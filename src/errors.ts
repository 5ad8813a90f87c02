/**
 * Typed errors carry what a user needs to fix the input. The CLI (and later the server) turns
 * them into messages and exit codes in one place.
 */
export class FidelisError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found in an input file, located precisely enough to fix it. */
export interface InputProblem {
  readonly file: string;
  /** Line in the file (CSV: counting the header as line 1; JSON Lines: 1-based), or row for Parquet. */
  readonly line?: number;
  readonly column?: string;
  readonly value?: string | null;
  readonly problem: string;
  readonly expected?: string;
}

export function describeProblem(p: InputProblem): string {
  const where = [p.file, p.line !== undefined ? `line ${p.line}` : null, p.column ? `column ${p.column}` : null]
    .filter(Boolean)
    .join(', ');
  const value = p.value !== undefined && p.value !== null ? ` ${JSON.stringify(p.value)}` : '';
  const expected = p.expected ? `; expected ${p.expected}` : '';
  return `${where}: ${p.problem}${value}${expected}`;
}

export class InputValidationError extends FidelisError {
  constructor(
    readonly problems: readonly InputProblem[],
    /** How many problems were found in all (problems lists the first ones). */
    readonly total: number = problems.length,
  ) {
    const shown = problems.map((p) => `  - ${describeProblem(p)}`).join('\n');
    const more = total > problems.length ? `\n  ... and ${total - problems.length} more` : '';
    super(
      'invalid_input',
      `Import refused, nothing was written: ${total} problem${total === 1 ? '' : 's'} found\n${shown}${more}`,
    );
  }
}

export class ConfigError extends FidelisError {
  constructor(message: string) {
    super('invalid_config', message);
  }
}

export class UsageError extends FidelisError {
  constructor(message: string) {
    super('usage', message);
  }
}

/** What was asked for does not exist (a customer id, a snapshot...). */
export class NotFoundError extends FidelisError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/**
 * The datamart's engine cannot do what was asked (a command or step built on DuckDB's own
 * readers, run against ClickHouse). Names the command and the engine, and what to use instead.
 */
export class UnsupportedOnEngineError extends FidelisError {
  constructor(
    readonly what: string,
    readonly engine: string,
    reason: string,
  ) {
    super('unsupported_engine', `${what} does not run on ${engine} yet: ${reason}`);
  }
}

/** The datamart's server cannot be reached or refused the login (the message never holds the password). */
export class DatabaseUnavailableError extends FidelisError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('db_unavailable', message, options);
  }
}

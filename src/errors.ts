/**
 * Typed errors carry what a user needs to fix the input. The CLI (and later the server) turns
 * them into messages and exit codes in one place.
 */
export class FidelisError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.details = options?.details ?? {};
  }

  /** Fields a client can act on (the parameter at fault...), sent beside the message by the API. */
  readonly details: Record<string, unknown>;
}

/**
 * What each error code means at both ends: the HTTP status the API answers with and the CLI's exit
 * code (2: the input or the request must change; 1: the run failed). The one table both read, so a
 * domain throws a code and never an HTTP error. A code not listed is a failure: 500, exit 1.
 */
export const ERROR_CODES: Readonly<Record<string, { readonly status: 400 | 404 | 409 | 501 | 503; readonly exit: 1 | 2 }>> = {
  invalid_input: { status: 400, exit: 2 },
  invalid_request: { status: 400, exit: 2 },
  invalid_audience: { status: 400, exit: 2 },
  usage: { status: 400, exit: 2 },
  invalid_config: { status: 400, exit: 2 },
  not_found: { status: 404, exit: 2 },
  conflict: { status: 409, exit: 2 },
  not_analysed: { status: 503, exit: 1 },
  // What the datamart's engine cannot do yet (privacy erase on ClickHouse): the server's limit, not the request's fault.
  unsupported_engine: { status: 501, exit: 1 },
};

/** A request a query cannot answer as asked (parameters that go together, a date with no snapshot...). */
export class InvalidRequestError extends FidelisError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('invalid_request', message, { details });
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
 * A pipeline step needs what the engine lacks (its `requires`): refused before the run starts,
 * so the datamart is not left half-updated. `missing` names the capabilities.
 */
export class StepRequirementError extends FidelisError {
  constructor(
    readonly step: string,
    readonly engine: string,
    readonly missing: readonly string[],
  ) {
    super('unsupported_engine', `the pipeline step ${step} does not run on ${engine}: it needs ${missing.join(', ')}, which ${engine} lacks; run the pipeline on an engine that has them`, {
      details: { step, engine, missing },
    });
  }
}

/** The datamart's server cannot be reached or refused the login (the message never holds the password). */
export class DatabaseUnavailableError extends FidelisError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('db_unavailable', message, options);
  }
}

import { FidelisError } from '../../errors.js';

/** Where in the text form a problem is: offset from 0, line and column from 1. */
export interface TextPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * A definition Fidelis refuses: bad syntax, an unknown field, a value of the wrong type. It names
 * where (a position in the text, or the path of the node in the JSON tree) and what was expected.
 */
export class AudienceFilterError extends FidelisError {
  constructor(
    readonly problem: string,
    readonly expected: string,
    readonly where: { readonly position: TextPosition } | { readonly path: string },
    readonly found?: string,
  ) {
    const at =
      'position' in where
        ? `line ${where.position.line}, column ${where.position.column} (offset ${where.position.offset})`
        : `at ${where.path || '(root)'}`;
    super('invalid_audience', `${at}: ${problem}${found === undefined ? '' : ` ${found}`}; expected ${expected}`);
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, problem: this.problem, expected: this.expected, ...this.where, ...(this.found === undefined ? {} : { found: this.found }) };
  }
}

/** An audience name that is not there (show, delete, export). */
export class AudienceNotFoundError extends FidelisError {
  constructor(readonly audience: string) {
    super('not_found', `no audience named ${JSON.stringify(audience)}; see \`fidelis audiences list\``);
  }
}

export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { offset, line, column: offset - start + 1 };
}

/**
 * Tokens of the text form. Strings are JSON strings (so the printer's JSON.stringify always reads
 * back); a number directly followed by h, d or w is a duration.
 */
import { AudienceFilterError, positionAt } from './errors.js';

export type TokenKind = 'name' | 'string' | 'number' | 'duration' | 'op' | 'punct' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (for names lower-cased keywords are compared on this). */
  readonly text: string;
  readonly offset: number;
  /** The decoded value of a string, number or duration amount. */
  readonly value?: string | number;
  readonly unit?: string;
}

/** Longest accepted text: a definition is written by a person. */
export const MAX_TEXT = 20_000;

const NAME = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const DURATION_UNIT = /[hdw](?![A-Za-z0-9_])/y;
// Raw control characters are refused inside strings, as JSON does.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const OPERATOR = /!=|<=|>=|=|<|>/y;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fail(text: string, offset: number, problem: string, expected: string, found?: string): never {
  throw new AudienceFilterError(problem, expected, { position: positionAt(text, offset) }, found);
}

function match(re: RegExp, text: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0] : null;
}

export function tokenize(text: string): Token[] {
  if (text.length > MAX_TEXT) fail(text, MAX_TEXT, 'the definition is too long', `at most ${MAX_TEXT} characters`);
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const ch = text[at] as string;
    if (/\s/.test(ch)) {
      at++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, offset: at });
      at++;
      continue;
    }
    const name = match(NAME, text, at);
    if (name !== null) {
      tokens.push({ kind: 'name', text: name, offset: at });
      at += name.length;
      continue;
    }
    const number = match(NUMBER, text, at);
    if (number !== null) {
      const value = Number(number);
      if (!Number.isFinite(value)) fail(text, at, 'number out of range', 'a finite number', number.slice(0, 40));
      const unit = match(DURATION_UNIT, text, at + number.length);
      if (unit !== null) {
        if (!/^[1-9][0-9]{0,5}$/.test(number)) fail(text, at, 'bad duration', 'a whole number of hours, days or weeks from 1 to 999999, such as 7d', number);
        tokens.push({ kind: 'duration', text: number + unit, offset: at, value, unit });
        at += number.length + 1;
        continue;
      }
      if (/[A-Za-z_]/.test(text[at + number.length] ?? '')) {
        fail(text, at + number.length, 'unexpected letter after a number', 'a duration unit h, d or w, or a space');
      }
      tokens.push({ kind: 'number', text: number, offset: at, value: value === 0 ? 0 : value });
      at += number.length;
      continue;
    }
    if (ch === '"') {
      const raw = match(STRING, text, at);
      if (raw === null) fail(text, at, 'unterminated or malformed string', 'a double-quoted string with \\" \\\\ \\n \\uXXXX escapes and no raw control characters');
      const value = JSON.parse(raw) as string;
      if (value.includes('\u0000')) fail(text, at, 'string holds a NUL character', 'text without NUL');
      if (LONE_SURROGATE.test(value)) fail(text, at, 'string holds a lone surrogate', 'well-formed Unicode text');
      tokens.push({ kind: 'string', text: raw, offset: at, value });
      at += raw.length;
      continue;
    }
    const op = match(OPERATOR, text, at);
    if (op !== null) {
      tokens.push({ kind: 'op', text: op, offset: at });
      at += op.length;
      continue;
    }
    fail(text, at, 'unexpected character', 'a field name, a value, an operator (= != < <= > >=), a parenthesis or a comma', JSON.stringify(ch));
  }
  tokens.push({ kind: 'end', text: '', offset: text.length });
  return tokens;
}

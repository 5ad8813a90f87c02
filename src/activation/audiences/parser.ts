/**
 * The text form, parsed by recursive descent. Hand-written rather than with chevrotain or peggy:
 * the grammar is a dozen lines (or/and/not over predicates), errors must name the exact offset and
 * what was expected in our own words and types, and a hand-written parser needs no generated code
 * or new dependency for that.
 *
 *   filter    := or
 *   or        := and ("or" and)*
 *   and       := unary ("and" unary)*
 *   unary     := "not" unary | "(" or ")" | call | predicate
 *   call      := "contacted_within" "(" DURATION ("," STRING)? ")"
 *   predicate := NAME ( CMP value | "in" list | "not" "in" list | "is" "not"? "null" )?
 *   list      := "(" value ("," value)* ")"
 *   value     := STRING | NUMBER | "true" | "false"
 */
import { AudienceFilterError, positionAt } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { MAX_DEPTH, MAX_LIST, type AudienceFilter, type Comparison, type DurationUnit, type FilterValue } from './tree.js';

/** Offsets in the text of a node's parts, so that the checker can point at what is wrong. */
export interface NodeOffsets {
  readonly node: number;
  readonly values?: readonly number[];
}

export interface ParsedFilter {
  readonly tree: AudienceFilter;
  readonly offsets: WeakMap<AudienceFilter, NodeOffsets>;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'true', 'false']);
const describe = (t: Token): string => (t.kind === 'end' ? 'the end of the text' : JSON.stringify(t.text.length > 40 ? `${t.text.slice(0, 40)}...` : t.text));

class Parser {
  private at = 0;
  private depth = 0;
  readonly offsets = new WeakMap<AudienceFilter, NodeOffsets>();

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  private get token(): Token {
    return this.tokens[this.at] as Token;
  }

  private fail(token: Token, expected: string, problem = 'unexpected'): never {
    throw new AudienceFilterError(problem, expected, { position: positionAt(this.text, token.offset) }, describe(token));
  }

  private isKeyword(word: string, token = this.token): boolean {
    return token.kind === 'name' && token.text.toLowerCase() === word;
  }

  private expectPunct(ch: string, expected: string): Token {
    const t = this.token;
    if (t.kind !== 'punct' || t.text !== ch) this.fail(t, expected);
    this.at++;
    return t;
  }

  private node<T extends AudienceFilter>(tree: T, offsets: NodeOffsets): T {
    this.offsets.set(tree, offsets);
    return tree;
  }

  parse(): AudienceFilter {
    const tree = this.or();
    if (this.token.kind !== 'end') this.fail(this.token, '"and", "or" or the end of the text');
    return tree;
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) this.fail(t, `at most ${MAX_DEPTH} levels of nesting`, 'nesting too deep at');
  }

  private or(): AudienceFilter {
    return this.chain('or', () => this.and());
  }

  private and(): AudienceFilter {
    return this.chain('and', () => this.unary());
  }

  private chain(word: 'and' | 'or', next: () => AudienceFilter): AudienceFilter {
    const start = this.token.offset;
    const args = [next()];
    while (this.isKeyword(word)) {
      this.at++;
      if (args.length >= MAX_LIST) this.fail(this.token, `at most ${MAX_LIST} terms joined by "${word}"`, 'too many terms at');
      args.push(next());
    }
    if (args.length === 1) return args[0] as AudienceFilter;
    // a and (b and c) reads back as a flat and: one tree per meaning, so text -> tree -> text is stable.
    const flat = args.flatMap((a) => (a.kind === word ? a.args : [a]));
    return this.node({ kind: word, args: flat }, { node: start });
  }

  private unary(): AudienceFilter {
    const t = this.token;
    this.enter(t);
    try {
      if (this.isKeyword('not')) {
        this.at++;
        return this.node({ kind: 'not', arg: this.unary() }, { node: t.offset });
      }
      if (t.kind === 'punct' && t.text === '(') {
        this.at++;
        const inner = this.or();
        this.expectPunct(')', '")", "and" or "or"');
        return inner;
      }
      if (t.kind === 'name' && t.text.toLowerCase() === 'contacted_within') return this.call();
      return this.predicate();
    } finally {
      this.depth--;
    }
  }

  private call(): AudienceFilter {
    const start = this.token;
    this.at++;
    this.expectPunct('(', '"(" after contacted_within');
    const duration = this.token;
    if (duration.kind !== 'duration') this.fail(duration, 'a duration such as 16h, 7d or 2w');
    this.at++;
    let channel: string | undefined;
    const values = [duration.offset];
    if (this.token.kind === 'punct' && this.token.text === ',') {
      this.at++;
      const c = this.token;
      if (c.kind !== 'string') this.fail(c, 'a channel name in double quotes, such as "email"');
      channel = c.value as string;
      values.push(c.offset);
      this.at++;
    }
    this.expectPunct(')', channel === undefined ? '")" or "," and a channel' : '")"');
    const tree: AudienceFilter = { kind: 'contacted_within', amount: duration.value as number, unit: duration.unit as DurationUnit, ...(channel === undefined ? {} : { channel }) };
    return this.node(tree, { node: start.offset, values });
  }

  private predicate(): AudienceFilter {
    const t = this.token;
    if (t.kind !== 'name' || KEYWORDS.has(t.text.toLowerCase())) this.fail(t, 'a field name, "not", "(" or contacted_within(...)');
    this.at++;
    const field = t.text;
    const next = this.token;
    if (next.kind === 'op') {
      this.at++;
      const value = this.value();
      return this.node({ kind: 'compare', field, op: next.text as Comparison, value: value.value }, { node: t.offset, values: [value.offset] });
    }
    if (this.isKeyword('in')) {
      this.at++;
      return this.list(field, t.offset);
    }
    if (this.isKeyword('not') && this.isKeyword('in', this.tokens[this.at + 1])) {
      this.at += 2;
      return this.node({ kind: 'not', arg: this.list(field, t.offset) }, { node: t.offset });
    }
    if (this.isKeyword('is')) {
      this.at++;
      const negated = this.isKeyword('not');
      if (negated) this.at++;
      if (!this.isKeyword('null')) this.fail(this.token, negated ? '"null"' : '"null" or "not null"');
      this.at++;
      return this.node({ kind: 'null', field, negated }, { node: t.offset });
    }
    return this.node({ kind: 'flag', field }, { node: t.offset });
  }

  private list(field: string, start: number): AudienceFilter {
    this.expectPunct('(', '"(" opening the list of values');
    const values: FilterValue[] = [];
    const offsets: number[] = [];
    for (;;) {
      if (values.length >= MAX_LIST) this.fail(this.token, `at most ${MAX_LIST} values`, 'too many values at');
      const v = this.value();
      values.push(v.value);
      offsets.push(v.offset);
      const t = this.token;
      if (t.kind === 'punct' && t.text === ',') {
        this.at++;
        continue;
      }
      this.expectPunct(')', '"," or ")"');
      break;
    }
    return this.node({ kind: 'in', field, values }, { node: start, values: offsets });
  }

  private value(): { value: FilterValue; offset: number } {
    const t = this.token;
    if (t.kind === 'string' || t.kind === 'number') {
      this.at++;
      return { value: t.value as string | number, offset: t.offset };
    }
    if (this.isKeyword('true') || this.isKeyword('false')) {
      this.at++;
      return { value: t.text.toLowerCase() === 'true', offset: t.offset };
    }
    this.fail(t, 'a value: a "string", a number, true or false');
  }
}

/** Parses the text form; the offsets let the checker name positions in the text. */
export function parseFilter(text: string): ParsedFilter {
  const parser = new Parser(text, tokenize(text));
  const tree = parser.parse();
  return { tree, offsets: parser.offsets };
}

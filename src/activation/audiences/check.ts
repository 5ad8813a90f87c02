/**
 * Checks a tree against the catalogue: every field known, every value of the field's type. The
 * error points at the text (when the tree was parsed from text) or at the node's JSON path.
 */
import { CONTACT_CHANNELS } from '../../store/index.js';
import { fieldNamed, type FieldSpec } from './catalogue.js';
import { AudienceFilterError, positionAt } from './errors.js';
import type { NodeOffsets } from './parser.js';
import { depthOf, MAX_DEPTH, type AudienceFilter, type FilterValue } from './tree.js';

export interface Source {
  readonly text?: string;
  readonly offsets?: WeakMap<AudienceFilter, NodeOffsets>;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ORDERED = new Set(['number', 'integer', 'date', 'trait']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A date value as the compiler binds it. */
export function dateValue(value: string): Date {
  return new Date(value.length === 10 ? `${value}T00:00:00Z` : value.replace(' ', 'T'));
}

function typeError(spec: FieldSpec, value: FilterValue): { problem: string; expected: string } | null {
  const found = typeof value;
  // The text form cannot carry these (the lexer refuses them); a JSON tree must not either.
  if (found === 'string' && ((value as string).includes('\u0000') || LONE_SURROGATE.test(value as string))) {
    return { problem: 'text with a NUL character or a lone surrogate:', expected: 'well-formed Unicode text without NUL' };
  }
  switch (spec.type) {
    case 'number':
    case 'integer':
      return found === 'number' ? null : { problem: `${spec.name} is a number, not a ${found}:`, expected: 'a number such as 0.5 (no quotes)' };
    case 'boolean':
      return found === 'boolean' ? null : { problem: `${spec.name} is true or false, not a ${found}:`, expected: 'true or false' };
    case 'date':
      if (found !== 'string' || !ISO_DATE.test(value as string) || Number.isNaN(dateValue(value as string).getTime())) {
        return { problem: `${spec.name} is a date, not`, expected: 'an ISO date in quotes, such as "2024-05-01"' };
      }
      return null;
    case 'enum':
      if (found !== 'string' || !(spec.values ?? []).includes(value as string)) {
        return { problem: `${spec.name} has no value`, expected: `one of ${(spec.values ?? []).map((v) => JSON.stringify(v)).join(', ')}` };
      }
      return null;
    case 'string':
    case 'set':
      return found === 'string' ? null : { problem: `${spec.name} is text, not a ${found}:`, expected: 'a "string" in double quotes' };
    case 'trait':
      return null;
  }
}

class Checker {
  constructor(private readonly source: Source) {}

  private fail(node: AudienceFilter, path: string, problem: string, expected: string, found?: string, valueIndex?: number): never {
    const offsets = this.source.offsets?.get(node);
    if (offsets && this.source.text !== undefined) {
      const offset = valueIndex === undefined ? offsets.node : (offsets.values?.[valueIndex] ?? offsets.node);
      throw new AudienceFilterError(problem, expected, { position: positionAt(this.source.text, offset) }, found);
    }
    throw new AudienceFilterError(problem, expected, { path: valueIndex === undefined ? path : `${path}${path ? '.' : ''}value${valueIndex}` }, found);
  }

  private field(node: AudienceFilter & { field: string }, path: string): FieldSpec {
    const spec = fieldNamed(node.field);
    if (!spec) this.fail(node, path, 'unknown field', 'a field of `fidelis audiences fields` (or trait.<name> for a custom trait)', JSON.stringify(node.field));
    return spec;
  }

  check(node: AudienceFilter, path: string): void {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.args.forEach((a, i) => this.check(a, `${path}${path ? '.' : ''}args.${i}`));
        return;
      case 'not':
        this.check(node.arg, `${path}${path ? '.' : ''}arg`);
        return;
      case 'flag': {
        const spec = this.field(node, path);
        if (spec.type !== 'boolean') this.fail(node, path, `${spec.name} is not true or false on its own`, `a comparison such as ${spec.name} = ..., or a boolean field such as consent.email`);
        return;
      }
      case 'null':
        this.field(node, path);
        return;
      case 'compare': {
        const spec = this.field(node, path);
        if (node.op !== '=' && node.op !== '!=' && !ORDERED.has(spec.type)) {
          this.fail(node, path, `${spec.name} cannot be compared with ${node.op}`, '= , != or in (...)');
        }
        if (spec.type === 'trait' && node.op !== '=' && node.op !== '!=' && typeof node.value !== 'number') {
          this.fail(node, path, `a trait compared with ${node.op} needs a number, not`, 'a number', JSON.stringify(node.value), 0);
        }
        const wrong = typeError(spec, node.value);
        if (wrong) this.fail(node, path, wrong.problem, wrong.expected, JSON.stringify(node.value), 0);
        return;
      }
      case 'in': {
        const spec = this.field(node, path);
        if (spec.type === 'boolean') this.fail(node, path, `${spec.name} is true or false`, `${spec.name} or not ${spec.name}`);
        node.values.forEach((v, i) => {
          const wrong = typeError(spec, v);
          if (wrong) this.fail(node, path, wrong.problem, wrong.expected, JSON.stringify(v), i);
        });
        return;
      }
      case 'contacted_within':
        if (node.channel !== undefined && !(CONTACT_CHANNELS as readonly string[]).includes(node.channel)) {
          this.fail(node, path, 'unknown channel', `one of ${CONTACT_CHANNELS.join(', ')}`, JSON.stringify(node.channel), 1);
        }
        return;
    }
  }
}

/** Throws an AudienceFilterError at the first problem. */
export function checkFilter(tree: AudienceFilter, source: Source = {}): void {
  if (depthOf(tree) > MAX_DEPTH) throw new AudienceFilterError('nesting too deep', `at most ${MAX_DEPTH} levels`, { path: '' });
  new Checker(source).check(tree, '');
}

/**
 * An audience definition from either form, checked and compiled: the text form (CLI) and the JSON
 * tree (API, dashboard) end as the same tree, the same canonical text and the same SQL.
 */
import type { CompileContext } from './catalogue.js';
import { compileFilter, type CompiledFilter } from './compile.js';
import { AudienceFilterError } from './errors.js';
import { parseFilter } from './parser.js';
import { printFilter } from './print.js';
import { audienceFilterSchema, MAX_DEPTH, type AudienceFilter } from './tree.js';

export interface AudienceDefinition {
  readonly tree: AudienceFilter;
  /** The canonical text form of the tree. */
  readonly text: string;
  readonly compiled: CompiledFilter;
}

export function definitionFromText(text: string, ctx: CompileContext): AudienceDefinition {
  const parsed = parseFilter(text);
  const compiled = compileFilter(parsed.tree, ctx, { text, offsets: parsed.offsets });
  return { tree: parsed.tree, text: printFilter(parsed.tree), compiled };
}

/** Depth of arbitrary JSON, measured without recursion, so that a hostile body cannot overflow the stack. */
function jsonDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, d);
    if (max > limit) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** The JSON tree, validated (zod) then checked; errors name the node's path. */
export function definitionFromTree(input: unknown, ctx: CompileContext): AudienceDefinition {
  // A node is two JSON levels (object, then its args array).
  if (jsonDepth(input, 2 * MAX_DEPTH + 2) > 2 * MAX_DEPTH + 1) {
    throw new AudienceFilterError('nesting too deep', `at most ${MAX_DEPTH} levels of and/or/not`, { path: '' });
  }
  const parsed = audienceFilterSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AudienceFilterError(issue?.message ?? 'invalid tree', 'a node of the audience tree (see docs/activation.md, Audiences)', { path: (issue?.path ?? []).join('.') });
  }
  const compiled = compileFilter(parsed.data, ctx);
  return { tree: parsed.data, text: printFilter(parsed.data), compiled };
}

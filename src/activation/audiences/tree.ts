/**
 * An audience definition as a tree: the form the API and the dashboard exchange (JSON), and what
 * the text form parses to. Types come from the zod schema so validation and type cannot disagree.
 */
import { z } from 'zod';

export const COMPARISONS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type Comparison = (typeof COMPARISONS)[number];
export const DURATION_UNITS = ['h', 'd', 'w'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** Longest list of an `in`, and deepest nesting: a definition is written by a person, not a flood. */
export const MAX_LIST = 1000;
export const MAX_DEPTH = 64;

// -0 prints as 0: normalised so that a tree survives text -> tree -> text -> tree unchanged.
const number = z.number().finite().transform((n) => (n === 0 ? 0 : n));
const value = z.union([z.string().max(10_000), number, z.boolean()]);
export type FilterValue = string | number | boolean;

export type AudienceFilter =
  | { readonly kind: 'and'; readonly args: readonly AudienceFilter[] }
  | { readonly kind: 'or'; readonly args: readonly AudienceFilter[] }
  | { readonly kind: 'not'; readonly arg: AudienceFilter }
  | { readonly kind: 'compare'; readonly field: string; readonly op: Comparison; readonly value: FilterValue }
  | { readonly kind: 'in'; readonly field: string; readonly values: readonly FilterValue[] }
  | { readonly kind: 'null'; readonly field: string; readonly negated: boolean }
  | { readonly kind: 'flag'; readonly field: string }
  | { readonly kind: 'contacted_within'; readonly amount: number; readonly unit: DurationUnit; readonly channel?: string };

const fieldName = z.string().min(1).max(200);

export const audienceFilterSchema: z.ZodType<AudienceFilter, unknown> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('and'), args: z.array(audienceFilterSchema).min(1).max(MAX_LIST) }).strict(),
    z.object({ kind: z.literal('or'), args: z.array(audienceFilterSchema).min(1).max(MAX_LIST) }).strict(),
    z.object({ kind: z.literal('not'), arg: audienceFilterSchema }).strict(),
    z.object({ kind: z.literal('compare'), field: fieldName, op: z.enum(COMPARISONS), value }).strict(),
    z.object({ kind: z.literal('in'), field: fieldName, values: z.array(value).min(1).max(MAX_LIST) }).strict(),
    z.object({ kind: z.literal('null'), field: fieldName, negated: z.boolean() }).strict(),
    z.object({ kind: z.literal('flag'), field: fieldName }).strict(),
    z
      .object({
        kind: z.literal('contacted_within'),
        amount: z.number().int().min(1).max(100_000),
        unit: z.enum(DURATION_UNITS),
        channel: z.string().max(20).optional(),
      })
      .strict(),
  ]),
);

/** Depth of a tree (a leaf is 1): checked before anything recurses over a tree from outside. */
export function depthOf(node: AudienceFilter, limit = MAX_DEPTH + 1): number {
  // Iterative so that a hostile tree cannot overflow the stack while being measured.
  let max = 0;
  const stack: [AudienceFilter, number][] = [[node, 1]];
  while (stack.length > 0) {
    const [n, d] = stack.pop() as [AudienceFilter, number];
    max = Math.max(max, d);
    if (max > limit) return max;
    if (n.kind === 'and' || n.kind === 'or') for (const a of n.args) stack.push([a, d + 1]);
    else if (n.kind === 'not') stack.push([n.arg, d + 1]);
  }
  return max;
}

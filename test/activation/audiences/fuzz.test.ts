// Fuzzing the audience compiler (fast-check, seeded): texts and JSON trees, hostile strings
// included. Never a crash, never injected SQL (the canary table survives, the SQL is one
// statement whose text comes from the catalogue alone), every refusal a typed error with a position.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AudienceFilterError, audiencePersons, definitionFromText, definitionFromTree, FIELDS, parseFilter, printFilter, type AudienceFilter,
} from '../../../src/activation/audiences/index.js';
import { compile, CONTACT_CHANNELS, sql, type Engine } from '../../../src/store/index.js';
import { AS_OF, audienceFixture } from './fixture.js';

const SEED = 20261203;
let engine: Engine;
beforeAll(async () => {
  engine = await audienceFixture();
  await engine.exec('CREATE TABLE canary (alive BOOLEAN); INSERT INTO canary VALUES (true)');
});
afterAll(async () => engine.close());

const HOSTILE = [
  `'`, `"`, `\\`, `;`, `--`, `/*`, `*/`, `'; DROP TABLE canary; --`, `" OR 1=1 --`, `\u0000`, `\ud800`, `\udfff`, `)`, `(`, `,`,
  `1e999`, `-1e400`, `9`.repeat(400), `0x10`, `NaN`, `Infinity`, ` and `, ` or `, `not `, `in (`, `is null`, `contacted_within(`, `7d`,
  `tier`, `consent.email`, `trait.x`, `=`, `!=`, `<=`, `\n`, `\t`, `é`, `𝄞`, `$.x`, `%`, `_`,
];
const hostile = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ maxLength: 12 }));
const hostileText = fc.array(hostile, { maxLength: 12 }).map((parts) => parts.join(''));

async function canaryAlive(): Promise<boolean> {
  const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM canary WHERE alive`);
  return Number(row?.n) === 1;
}

/** Runs a compiled definition; its SQL text must be one statement (values travel as parameters). */
async function execute(def: ReturnType<typeof definitionFromText>): Promise<void> {
  const query = sql`SELECT count(*) AS n FROM (${audiencePersons(def.compiled)}) AS m`;
  // Our own SQL holds literals (the ';' interests are split on); outside them, no statement separator.
  expect(compile(query, engine.dialect).text.replace(/'(?:[^']|'')*'/g, "''")).not.toContain(';');
  await engine.query(query);
}

function expectTypedRefusal(error: unknown, textLength?: number): void {
  if (!(error instanceof AudienceFilterError)) throw error;
  expect(error.code).toBe('invalid_audience');
  expect(error.expected.length).toBeGreaterThan(0);
  if ('position' in error.where) {
    expect(textLength).toBeDefined();
    expect(error.where.position.offset).toBeGreaterThanOrEqual(0);
    expect(error.where.position.offset).toBeLessThanOrEqual(textLength ?? 0);
    expect(error.where.position.line).toBeGreaterThanOrEqual(1);
    expect(error.where.position.column).toBeGreaterThanOrEqual(1);
  } else {
    expect(typeof error.where.path).toBe('string');
  }
}

// A tree of known fields with values of the right type, strings hostile.
const scalarFields = FIELDS.filter((f) => f.type !== 'trait');
const valueFor = (type: string, values?: readonly string[]): fc.Arbitrary<string | number | boolean> => {
  switch (type) {
    case 'enum': return fc.constantFrom(...(values ?? ['x']));
    case 'number':
    case 'integer': return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean': return fc.boolean();
    case 'date': return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    default: return hostile.filter((s) => !s.includes('\u0000') && !/[\ud800-\udfff]/.test(s));
  }
};
const leaf: fc.Arbitrary<AudienceFilter> = fc.oneof(
  fc.constantFrom(...scalarFields).chain((f) => {
    if (f.type === 'boolean') return fc.constant<AudienceFilter>({ kind: 'flag', field: f.name });
    const ops = f.type === 'number' || f.type === 'integer' || f.type === 'date' ? (['=', '!=', '<', '<=', '>', '>='] as const) : (['=', '!='] as const);
    return fc.oneof(
      fc.record({ kind: fc.constant('compare' as const), field: fc.constant(f.name), op: fc.constantFrom(...ops), value: valueFor(f.type, f.values) }),
      fc.record({ kind: fc.constant('in' as const), field: fc.constant(f.name), values: fc.array(valueFor(f.type, f.values), { minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('null' as const), field: fc.constant(f.name), negated: fc.boolean() }),
    );
  }),
  fc.record({
    kind: fc.constant('compare' as const),
    field: fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/).map((n) => `trait.${n}`),
    op: fc.constantFrom('=' as const, '!=' as const),
    value: fc.oneof(fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), valueFor('string')),
  }),
  fc.record(
    { kind: fc.constant('contacted_within' as const), amount: fc.integer({ min: 1, max: 100_000 }), unit: fc.constantFrom('h' as const, 'd' as const, 'w' as const), channel: fc.constantFrom(...CONTACT_CHANNELS) },
    { requiredKeys: ['kind', 'amount', 'unit'] },
  ),
);
const tree: fc.Arbitrary<AudienceFilter> = fc.letrec<{ node: AudienceFilter }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant('and' as const), args: fc.array(tie('node'), { minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant('or' as const), args: fc.array(tie('node'), { minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant('not' as const), arg: tie('node') }),
  ),
})).node;

describe('audience compiler fuzz', () => {
  test('hostile texts: a definition that runs, or a typed refusal at a position', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (text) => {
        let def;
        try {
          def = definitionFromText(text, { asOf: AS_OF });
        } catch (error) {
          expectTypedRefusal(error, text.length);
          return;
        }
        await execute(def);
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(await canaryAlive()).toBe(true);
  });

  test('valid trees with hostile values run, and survive tree -> text -> tree', async () => {
    await fc.assert(
      fc.asyncProperty(tree, async (generated) => {
        const def = definitionFromTree(generated, { asOf: AS_OF });
        const again = parseFilter(def.text).tree;
        expect(again).toEqual(definitionFromTree(JSON.parse(JSON.stringify(again)), { asOf: AS_OF }).tree);
        expect(printFilter(again)).toBe(def.text);
        // A tree that reads back flatter (a and (b and c)) prints the same text: compare through it.
        expect(parseFilter(printFilter(again)).tree).toEqual(again);
        await execute(def);
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(await canaryAlive()).toBe(true);
  });

  test('arbitrary JSON is a definition or a typed refusal with a path, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 6 }), tree.map((t) => JSON.parse(JSON.stringify(t)) as unknown), fc.anything()), (input) => {
        try {
          definitionFromTree(input, { asOf: AS_OF });
        } catch (error) {
          expectTypedRefusal(error);
        }
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  test('deep nesting and huge inputs are refused, not overflowed', () => {
    const deep = `${'('.repeat(100_000)}consent.email${')'.repeat(100_000)}`;
    expect(() => definitionFromText(deep, { asOf: AS_OF })).toThrowError(AudienceFilterError);
    const nots = `${'not '.repeat(2000)}consent.email`;
    expect(() => definitionFromText(nots, { asOf: AS_OF })).toThrowError(/nesting too deep/);
    let json: unknown = { kind: 'flag', field: 'consent.email' };
    for (let i = 0; i < 100_000; i++) json = { kind: 'not', arg: json };
    expect(() => definitionFromTree(json, { asOf: AS_OF })).toThrowError(/nesting too deep/);
    expect(() => definitionFromText(`clv > ${'9'.repeat(400)}`, { asOf: AS_OF })).toThrowError(/a finite number/);
    expect(() => definitionFromTree({ kind: 'compare', field: 'city', op: '=', value: 'a\u0000b' }, { asOf: AS_OF })).toThrowError(/without NUL/);
  });
});

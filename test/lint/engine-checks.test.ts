import { pathToFileURL } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

interface ConfigBlock {
  readonly files?: readonly string[];
  readonly ignores?: readonly string[];
  readonly rules?: Record<string, unknown>;
}

// The project's own rule, read from eslint.config.js, so this test fails when the rule is weakened.
const configUrl = pathToFileURL(`${process.cwd()}/eslint.config.js`).href;
const blocks = ((await import(configUrl)) as { default: readonly ConfigBlock[] }).default;
const engineChecks = blocks.find((b) => b.files?.includes('src/**/*.ts') && b.ignores?.includes('src/store/**') && b.rules?.['no-restricted-syntax']);

function problems(code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: engineChecks?.rules as Linter.RulesRecord }],
    'src/value/example.ts',
  );
  return messages.map((m) => m.message);
}

describe('the engine-check lint rule (engine differences live in src/store)', () => {
  it('applies to src outside src/store', () => {
    expect(engineChecks).toBeDefined();
  });

  it.each([
    ["engine.dialect.name === 'duckdb'", "if (engine.dialect.name === 'duckdb') run();"],
    ['dialect.name read to branch', "const type = dialect.name === 'duckdb' ? 'A' : 'B';"],
    ['an engine name compared under another name', "if (d.kind !== 'clickhouse') run();"],
    ['a switch on the engine name', "switch (kind) { case 'duckdb': run(); }"],
    ['instanceof an engine', 'if (engine instanceof DuckDbEngine) run();'],
    ['instanceof a dialect', 'if (d instanceof ClickHouseDialect) run();'],
  ])('refuses %s', (_name, code) => {
    // One problem or two (`dialect.name === 'duckdb'` matches the read and the comparison), all this rule's.
    const found = problems(code);
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found)).toEqual(new Set([expect.stringContaining('Engine checks belong in src/store')]));
  });

  it('lets engine-neutral code through: capability flags, dialect methods, other names', () => {
    expect(problems("if (engine.dialect.supportsCte) run(engine.dialect.castToNullable(value, 'int'), campaign.name, d.name === 'x');")).toEqual([]);
  });
});

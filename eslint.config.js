import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.dependency-cruiser.cjs', 'dist/', 'node_modules/', 'web/dist/', 'bench/out/', 'test-artifacts/', 'test-results/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.check.json', './web/tsconfig.json', './test/web/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Engine differences live in src/store (a dialect method or capability flag says what differs),
    // so a query is written once; a check of which engine runs anywhere else is refused.
    files: ['src/**/*.ts'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          // engine.dialect.name, dialect.name: read only to branch on the engine.
          "MemberExpression[property.name='name'][object.property.name='dialect']",
          "MemberExpression[property.name='name'][object.name='dialect']",
          // x === 'duckdb', case 'clickhouse': whatever names the engine.
          "BinaryExpression[operator=/^[!=]==?$/] > Literal[value=/^(duckdb|clickhouse)$/]",
          "SwitchCase > Literal.test[value=/^(duckdb|clickhouse)$/]",
          "BinaryExpression[operator='instanceof'][right.name=/^(DuckDbEngine|ClickHouseEngine|DuckDbDialect|ClickHouseDialect)$/]",
        ].map((selector) => ({
          selector,
          message: 'Engine checks belong in src/store: give the Engine or its dialect a method or capability flag that says what differs.',
        })),
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
);

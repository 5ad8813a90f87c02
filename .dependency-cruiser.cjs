// The house is one-way: in (collect) -> store -> kernel -> domains -> schema -> pipeline -> server/cli.
// `npm test` runs these rules (`npm run depcruise`), with no known exception: an import that points
// back up fails the build.
const DOMAINS = 'activation|collect|consent|dashboard|generate|identity|needs|privacy|profiles|segments|value';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle makes the modules of the cycle one module: break it by moving what both need down a layer.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'store-imports-no-domain',
      severity: 'error',
      comment: 'The store is the floor every domain stands on: it may import config and errors only.',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|config)/|^src/errors\\.ts$' },
    },
    {
      name: 'kernel-imports-store-only',
      severity: 'error',
      comment: 'The step kernel sits between the store and the domains.',
      from: { path: '^src/kernel/' },
      to: { path: '^src/', pathNot: '^src/(kernel|store|config)/|^src/errors\\.ts$' },
    },
    {
      name: 'config-imports-nothing',
      severity: 'error',
      comment: 'Configuration is read by every layer and reads none.',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/config/|^src/errors\\.ts$' },
    },
    {
      name: 'no-domain-imports-the-pipeline',
      severity: 'error',
      comment: 'src/pipeline is the list of steps and its runner: domains take what they need from src/kernel.',
      from: { path: `^src/(${DOMAINS}|kernel|store|config)/` },
      to: { path: '^src/pipeline/' },
    },
    {
      name: 'no-domain-imports-the-schema',
      severity: 'error',
      comment: 'src/schema gathers every domain\'s tables and migrations to open a store: a domain importing it would import every other domain (and itself).',
      from: { path: `^src/(${DOMAINS}|kernel|store|config)/` },
      to: { path: '^src/schema/' },
    },
    {
      name: 'schema-sits-below-the-pipeline',
      severity: 'error',
      comment: 'The schema is opened by the pipeline, server and CLI, so it imports none of them.',
      from: { path: '^src/schema/' },
      to: { path: '^src/(pipeline|server|cli)/' },
    },
    {
      name: 'only-the-cli-and-server-import-the-server',
      severity: 'error',
      comment: 'HTTP lives in src/server: domains throw coded errors (src/errors.ts ERROR_CODES), the server turns them into statuses.',
      from: { path: '^src/', pathNot: '^src/(server|cli)/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'src-does-not-import-tests-or-benches',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    // Type-only imports count: a type that points back up is a dependency back up.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

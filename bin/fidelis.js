#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm run build` (run by `npm run demo`, `npm test` uses sources).
// `fidelis clv` (scoring a file, often in a loop or a script) loads only its own modules: see clv-main.ts.
const { main } = await import(process.argv[2] === 'clv' ? '../dist/cli/clv-main.js' : '../dist/cli/main.js');

process.exitCode = await main(process.argv);

#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm run build` (run by `npm run demo`, `npm test` uses sources).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);

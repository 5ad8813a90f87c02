// Runs the fidelis CLI from sources, for tests that need the server as a real process.
import { main } from '../../../src/cli/main.js';

process.exitCode = await main(process.argv);

// The campaign planner's solver at full scale: 1M persons x 10 campaigns x 4 channels, built
// straight into typed arrays (src/activation/planner/synthetic.ts), solved by dual decomposition.
// Reports seconds, the plan's value, the dual upper bound, the gap and the machine's load average.
// Run alone: npx tsx bench/planner.ts [--persons 1000000] [--campaigns 10] [--seed 1]
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { solvePlan } from '../src/activation/planner/solver.js';
import { syntheticProblem } from '../src/activation/planner/synthetic.js';
import { round } from './round.js';

export function benchPlanner(opts: { persons: number; campaigns: number; seed?: number }): Record<string, number> {
  const t0 = performance.now();
  const problem = syntheticProblem({ persons: opts.persons, campaigns: opts.campaigns, seed: opts.seed ?? 1 });
  const buildSeconds = (performance.now() - t0) / 1000;
  const loadBefore = loadavg()[0]!;
  const t1 = performance.now();
  const solution = solvePlan(problem);
  const solveSeconds = (performance.now() - t1) / 1000;
  let contacts = 0;
  for (const j of solution.assignment) if (j >= 0) contacts += 1;
  return {
    persons: opts.persons,
    campaigns: opts.campaigns,
    channels: problem.channels,
    buildSeconds: round(buildSeconds, 2),
    solveSeconds: round(solveSeconds, 2),
    iterations: solution.iterations,
    contacts,
    planValueEur: round(solution.value, 0),
    upperBoundEur: round(solution.upperBound, 0),
    gapPercent: round(solution.gap * 100, 4),
    loadAverage1mBefore: round(loadBefore, 2),
    loadAverage1mAfter: round(loadavg()[0]!, 2),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { persons: { type: 'string' }, campaigns: { type: 'string' }, seed: { type: 'string' } } });
  const result = benchPlanner({
    persons: Number(values.persons ?? 1_000_000),
    campaigns: Number(values.campaigns ?? 10),
    seed: Number(values.seed ?? 1),
  });
  console.log(JSON.stringify(result, null, 2));
}

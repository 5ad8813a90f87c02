// highs ships CommonJS types with an ES default export: the namespace's default is the loader.
import * as highsModule from 'highs';
import { netValue, type PlanProblem } from '../../../src/activation/planner/problem.js';
type LoadHighs = () => Promise<{ solve(lp: string, options: Record<string, unknown>): { Status: string; ObjectiveValue: number } }>;

/**
 * The planning problem written out whole in CPLEX LP format and solved by HiGHS (WebAssembly):
 * the exact optimum the dual decomposition is checked against. `integer` makes it the MIP.
 */
export async function exactOptimum(problem: PlanProblem, integer = false): Promise<number> {
  const { persons: N, campaigns: K, channels: J, constraints, unitCost } = problem;
  const objective: string[] = [];
  const rows: string[] = [];
  const names: string[] = [];
  const byConstraint: string[][] = constraints.map(() => []);
  for (let i = 0; i < N; i += 1) {
    const perChannel: string[][] = Array.from({ length: J }, () => []);
    const all: string[] = [];
    for (let k = 0; k < K; k += 1) {
      const perCampaign: string[] = [];
      for (let j = 0; j < J; j += 1) {
        const v = netValue(problem, i, k, j);
        if (Number.isNaN(v)) continue;
        const x = `x${i}_${k}_${j}`;
        names.push(x);
        objective.push(`${v >= 0 ? '+' : '-'} ${Math.abs(v)} ${x}`);
        perCampaign.push(x);
        perChannel[j]!.push(x);
        all.push(x);
        constraints.forEach((c, g) => {
          if (c.cells[k * J + j]) byConstraint[g]!.push(`+ ${c.kind === 'cost' ? unitCost[i * J + j]! : 1} ${x}`);
        });
      }
      if (perCampaign.length > 1) rows.push(`o${i}_${k}: ${perCampaign.join(' + ')} <= 1`);
    }
    perChannel.forEach((xs, j) => {
      if (xs.length > problem.remaining[i * J + j]!) rows.push(`c${i}_${j}: ${xs.join(' + ')} <= ${problem.remaining[i * J + j]!}`);
    });
    if (all.length > problem.remainingAll[i]!) rows.push(`a${i}: ${all.join(' + ')} <= ${problem.remainingAll[i]!}`);
  }
  constraints.forEach((c, g) => {
    const terms = byConstraint[g]!;
    if (terms.length > 0) rows.push(`g${g}: ${terms.join(' ')} ${c.sense === 'max' ? '<=' : '>='} ${c.rhs}`);
  });
  const lp = [
    'Maximize',
    ` obj: ${objective.join(' ')}`,
    'Subject To',
    ...rows.map((r) => ` ${r}`),
    'Bounds',
    ...names.map((x) => ` 0 <= ${x} <= 1`),
    ...(integer ? ['Binaries', ` ${names.join(' ')}`] : []),
    'End',
  ].join('\n');
  const highs = await (highsModule as unknown as { default: LoadHighs }).default();
  // The LP without presolve: on this many near-identical per-person rows HiGHS's presolve took 34 s
  // of CPU at 20,000 persons, the simplex after it 2 s; without it the same optimum (to the last
  // digit) in 2 s. The MIP keeps it (branch-and-cut needs its reductions).
  const result = highs.solve(lp, { output_flag: false, ...(integer ? { mip_rel_gap: 1e-6 } : { presolve: 'off' }) });
  if (result.Status !== 'Optimal') throw new Error(`HiGHS ended with status ${result.Status}`);
  return result.ObjectiveValue;
}

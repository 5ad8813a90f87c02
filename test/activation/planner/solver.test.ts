import { describe, expect, it } from 'vitest';
import type { PlanProblem } from '../../../src/activation/planner/problem.js';
import { solvePlan } from '../../../src/activation/planner/solver.js';
import { syntheticProblem } from '../../../src/activation/planner/synthetic.js';
import { exactOptimum } from './exact-lp.js';

function checkFeasible(problem: PlanProblem, assignment: Int8Array): void {
  const { persons: N, campaigns: K, channels: J } = problem;
  const usage = new Float64Array(problem.constraints.length);
  for (let i = 0; i < N; i += 1) {
    const load = new Int32Array(J);
    let total = 0;
    for (let k = 0; k < K; k += 1) {
      const j = assignment[i * K + k]!;
      if (j < 0) continue;
      expect(Number.isNaN(problem.responseValue[i * K + k]!)).toBe(false);
      expect(problem.allowed[k * J + j]).toBe(1);
      load[j] = load[j]! + 1;
      total += 1;
      problem.constraints.forEach((c, g) => {
        if (c.cells[k * J + j]) usage[g] = usage[g]! + (c.kind === 'cost' ? problem.unitCost[i * J + j]! : 1);
      });
    }
    for (let j = 0; j < J; j += 1) expect(load[j]).toBeLessThanOrEqual(problem.remaining[i * J + j]!);
    expect(total).toBeLessThanOrEqual(problem.remainingAll[i]!);
  }
  problem.constraints.forEach((c, g) => {
    if (c.sense === 'max') expect(usage[g]).toBeLessThanOrEqual(c.rhs + 1e-6);
    else expect(usage[g]).toBeGreaterThanOrEqual(c.rhs - 1e-6);
  });
}

describe('planner dual decomposition', () => {
  it('matches the exact MIP on a small problem where caps make campaigns compete for channels', async () => {
    const problem = syntheticProblem({ persons: 300, campaigns: 5, seed: 7, budgetShare: 0.4, phoneCapacityShare: 0.03 });
    const solution = solvePlan(problem);
    checkFeasible(problem, solution.assignment);
    const mip = await exactOptimum(problem, true);
    const lp = await exactOptimum(problem, false);
    expect(solution.upperBound).toBeGreaterThanOrEqual(lp - 1e-6);
    expect(solution.value).toBeLessThanOrEqual(mip + 1e-6);
    expect(solution.value).toBeGreaterThan(mip * 0.97);
  });

  it('plans 20k persons within 0.5% of HiGHS exact LP optimum, with a valid dual bound', async () => {
    const problem = syntheticProblem({ persons: 20_000, campaigns: 3, seed: 11 });
    const solution = solvePlan(problem);
    checkFeasible(problem, solution.assignment);
    const lp = await exactOptimum(problem, false);
    expect(solution.upperBound).toBeGreaterThanOrEqual(lp - 1e-6 * Math.abs(lp));
    expect(solution.value).toBeLessThanOrEqual(lp + 1e-6 * Math.abs(lp));
    expect(solution.value / lp).toBeGreaterThan(0.995);
    expect(solution.gap).toBeLessThan(0.01);
  }, 240_000);

  it('meets a feasible minimum count and names the minimum it cannot meet', () => {
    const problem = syntheticProblem({ persons: 2000, campaigns: 2, seed: 3, minimumShare: 0.15 });
    const solution = solvePlan(problem);
    checkFeasible(problem, solution.assignment);
    expect(solution.unmetMinimums).toEqual([]);
    const impossible = syntheticProblem({ persons: 500, campaigns: 2, seed: 3, minimumShare: 5 });
    const unmet = solvePlan(impossible);
    expect(unmet.unmetMinimums).toEqual(['minimum:0']);
  });
});

/**
 * The planner's optimisation problem in typed arrays: N persons, K campaigns, J channels.
 *
 * Typed arrays rather than rows because the dual method solves every person's subproblem tens of
 * times at 1M persons x 10 campaigns x 4 channels (40M cells): row objects would not fit the time
 * nor the memory budget. Person i, campaign k, channel j sit at i*K+k, i*J+j and k*J+j.
 */
export interface PlanProblem {
  readonly persons: number;
  readonly campaigns: number;
  readonly channels: number;
  /** P(response) per person and channel (N*J). */
  readonly pResponse: Float64Array;
  /** Cost of one contact in EUR per person and channel (N*J). */
  readonly unitCost: Float64Array;
  /** Value of a response in EUR per person and campaign (N*K); NaN when the person is not eligible (not in the audience, in the holdout). */
  readonly responseValue: Float64Array;
  /** 1 when campaign k may use channel j (K*J). */
  readonly allowed: Uint8Array;
  /** Contacts still allowed per person and channel by the pressure policy, consent folded in (N*J). */
  readonly remaining: Uint8Array;
  /** Contacts still allowed per person over all channels (N). */
  readonly remainingAll: Uint8Array;
  readonly constraints: readonly GlobalConstraint[];
}

/**
 * One global linear constraint: the sum over the cells it covers of a coefficient per planned
 * contact (its cost, or 1 to count contacts) is at most (max) or at least (min) `rhs`.
 */
export interface GlobalConstraint {
  readonly name: string;
  readonly kind: 'cost' | 'count';
  readonly sense: 'max' | 'min';
  readonly rhs: number;
  /** 1 for each (campaign, channel) cell it covers (K*J). */
  readonly cells: Uint8Array;
}

/** Net expected value of contacting person i for campaign k on channel j (EUR), NaN when not possible. */
export function netValue(problem: PlanProblem, i: number, k: number, j: number): number {
  const { campaigns: K, channels: J } = problem;
  const value = problem.responseValue[i * K + k]!;
  if (Number.isNaN(value) || problem.allowed[k * J + j] === 0 || problem.remaining[i * J + j] === 0) return Number.NaN;
  return problem.pResponse[i * J + j]! * value - problem.unitCost[i * J + j]!;
}

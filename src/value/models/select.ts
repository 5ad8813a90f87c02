/**
 * Choosing the transaction model by measurement (`--model auto`, `value.clv.model: auto`): every
 * candidate is fitted on the same summary, then the one with the lowest holdout error is kept when
 * a calibration/holdout split exists, else the one with the lowest BIC. BG/NBD's P(alive) is 1 for
 * every customer without a repeat purchase (it lets customers drop out only after a repeat
 * purchase), so when it wins by a margin too small to matter, the best model without that flaw is
 * kept instead: see `COMPARABLE_*` and docs/value.md ("Choosing the model").
 */
import { bgNbd } from './bg-nbd.js';
import { ModelFitError, ModelInputError, ModelNumericError } from './errors.js';
import { fitTransactionModel, type FitResult } from './fit.js';
import { fitMbgCnbd, type MbgCnbdParams } from './mbg-cnbd-k.js';
import { mbgNbd } from './mbg-nbd.js';
import { paretoNbd } from './pareto-nbd.js';
import type { CompressedSummary } from './summary.js';
import type { TransactionModel, TransactionModelName } from './transaction-model.js';

export type AnyTransactionModel = TransactionModel<Readonly<Record<string, number>>>;

/** What a user may ask for: one model by name, or the choice by measurement. */
export type ModelRequest = TransactionModelName | 'auto';

export const MODEL_REQUESTS = ['auto', 'bgnbd', 'paretonbd', 'mbgnbd', 'mbgcnbd'] as const satisfies readonly ModelRequest[];

/** The candidates of `auto`, in the order they are reported; MBG/CNBD-k only when litt is known. */
export const AUTO_CANDIDATES: readonly TransactionModelName[] = ['bgnbd', 'paretonbd', 'mbgnbd', 'mbgcnbd'];

/**
 * A model without the P(alive) flaw is "comparable" to BG/NBD when its holdout MAE is at most 2%
 * above BG/NBD's (a difference well inside the sampling noise of a per-customer MAE on a few
 * thousand customers), or, without a holdout, when its BIC is at most 10 above (below 10, Kass &
 * Raftery 1995 do not call the evidence for BG/NBD "very strong").
 */
export const COMPARABLE_HOLDOUT_ERROR_RATIO = 1.02;
export const COMPARABLE_BIC_DIFFERENCE = 10;

/** Models whose P(alive) is 1 by construction for customers without a repeat purchase. */
export function aliveUnknownWithoutRepeat(name: TransactionModelName): boolean {
  return name === 'bgnbd';
}

export interface FittedModel {
  readonly name: TransactionModelName;
  /** Scores customers with `params` (for MBG/CNBD-k, of the chosen order). */
  readonly model: AnyTransactionModel;
  /** Estimates; MBG/CNBD-k's include its order k. */
  readonly params: Record<string, number>;
  readonly standardErrors: Record<string, number>;
  /** Of the purchase timings, so comparable across models (MBG/CNBD-k's includes its (k-1) sum(litt) term). */
  readonly logLikelihood: number;
  readonly parameterCount: number;
  /** -2 ln L + (parameters) ln(customers) (Schwarz 1978). */
  readonly bic: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly customers: number;
  readonly groups: number;
  /** The optimiser's result (for MBG/CNBD-k, of the chosen order). */
  readonly fit: FitResult<Readonly<Record<string, number>>>;
}

const FIXED_ORDER_MODELS: Partial<Record<TransactionModelName, AnyTransactionModel>> = {
  bgnbd: bgNbd as unknown as AnyTransactionModel,
  paretonbd: paretoNbd as unknown as AnyTransactionModel,
  mbgnbd: mbgNbd as unknown as AnyTransactionModel,
};

function bic(logLikelihood: number, parameters: number, customers: number): number {
  return -2 * logLikelihood + parameters * Math.log(customers);
}

/**
 * Fits one model by name. MBG/CNBD-k needs the sum over customers of litt (sum of the log
 * inter-purchase times); without it, it cannot choose its order and is refused.
 */
export function fitNamedModel(
  name: TransactionModelName,
  summary: CompressedSummary,
  sumLitt: number | null,
  /** MBG/NBD fitted on the same summary: MBG/CNBD-k's order 1, reused. */
  mbgNbdFit?: FittedModel,
): FittedModel {
  if (name === 'mbgcnbd') {
    if (sumLitt === null) {
      throw new ModelInputError('mbgcnbd needs the purchase dates (litt, the sum of log inter-purchase times): give --transactions, not --summary');
    }
    const orderOne = mbgNbdFit?.name === 'mbgnbd' ? (mbgNbdFit.fit as unknown as FitResult<MbgCnbdParams>) : undefined;
    const fit = fitMbgCnbd(summary, sumLitt, { orderOne });
    return {
      name,
      model: fit.model as unknown as AnyTransactionModel,
      params: { ...fit.params },
      // Read when asked (fit.ts computes them then): only the chosen model's are.
      get standardErrors() {
        return { ...fit.fit.standardErrors, k: NaN };
      },
      logLikelihood: fit.logLikelihood,
      parameterCount: 5,
      bic: bic(fit.logLikelihood, 5, fit.fit.customers),
      converged: fit.fit.converged,
      iterations: fit.orders.reduce((s, o) => s + o.fit.iterations, 0),
      customers: fit.fit.customers,
      groups: fit.fit.groups,
      fit: fit.fit,
    };
  }
  const model = FIXED_ORDER_MODELS[name];
  if (!model) throw new ModelInputError(`unknown transaction model ${name}`);
  const fit = fitTransactionModel(model, summary);
  const parameterCount = model.parameterNames.length;
  return {
    name,
    model,
    params: { ...fit.params },
    get standardErrors() {
      return { ...fit.standardErrors };
    },
    logLikelihood: fit.logLikelihood,
    parameterCount,
    bic: bic(fit.logLikelihood, parameterCount, fit.customers),
    converged: fit.converged,
    iterations: fit.iterations,
    customers: fit.customers,
    groups: fit.groups,
    fit,
  };
}

/** One candidate's figures, as `--json` `candidates` and `clv_model.candidates` report them. */
export interface Candidate {
  readonly name: TransactionModelName;
  readonly parameters: Record<string, number> | null;
  readonly logLikelihood: number | null;
  readonly bic: number | null;
  /** Mean absolute error of the holdout repeat transactions per customer; null without a holdout. */
  readonly holdoutError: number | null;
  readonly chosen: boolean;
  /** Why the candidate could not be fitted (too little or degenerate data, no litt). */
  readonly error: string | null;
}

/**
 * Why the chosen model was kept: the lowest holdout error or BIC; a model without the P(alive)
 * flaw comparable to BG/NBD's better figure; or simply the one asked for.
 */
export type ChoiceReason = 'requested' | 'lowest_holdout_error' | 'lowest_bic' | 'comparable_without_alive_flaw';

export interface ModelSelection {
  readonly chosen: FittedModel;
  readonly basis: 'holdout' | 'bic' | 'requested';
  readonly reason: ChoiceReason;
  readonly candidates: readonly Candidate[];
}

export interface SelectOptions {
  /** Sum over customers of litt; null when the purchase dates are not known (MBG/CNBD-k is then left out). */
  readonly sumLitt: number | null;
  /** Holdout MAE of a fitted model, when the data has a calibration/holdout split. */
  readonly holdoutError?: ((fitted: FittedModel) => number) | undefined;
  /** Candidates of `auto`; AUTO_CANDIDATES by default. */
  readonly candidates?: readonly TransactionModelName[] | undefined;
}

const isDataError = (error: unknown): error is Error =>
  error instanceof ModelInputError || error instanceof ModelFitError || error instanceof ModelNumericError;

/** Fits the requested model, or every candidate and chooses one (see the file comment). */
export function selectModel(request: ModelRequest, summary: CompressedSummary, options: SelectOptions): ModelSelection {
  if (request !== 'auto') {
    const chosen = fitNamedModel(request, summary, options.sumLitt);
    const holdoutError = options.holdoutError ? options.holdoutError(chosen) : null;
    return { chosen, basis: 'requested', reason: 'requested', candidates: [candidateOf(chosen, holdoutError, true)] };
  }
  const names = (options.candidates ?? AUTO_CANDIDATES).filter((n) => n !== 'mbgcnbd' || options.sumLitt !== null);
  const fitted: { fit: FittedModel; score: number; holdoutError: number | null }[] = [];
  const failed: { name: TransactionModelName; error: Error }[] = [];
  for (const name of names) {
    try {
      const fit = fitNamedModel(name, summary, options.sumLitt, fitted.find((c) => c.fit.name === 'mbgnbd')?.fit);
      const holdoutError = options.holdoutError ? options.holdoutError(fit) : null;
      fitted.push({ fit, holdoutError, score: holdoutError ?? fit.bic });
    } catch (error) {
      // A candidate the data cannot support is reported, not fatal, as long as one fits.
      if (!isDataError(error)) throw error;
      failed.push({ name, error });
    }
  }
  if (fitted.length === 0) throw failed[0]?.error ?? new ModelInputError('no candidate model to fit');
  const basis = options.holdoutError ? 'holdout' : 'bic';
  const decision = decide(fitted.map((c) => ({ name: c.fit.name, score: c.score })), basis);
  const chosen = fitted.find((c) => c.fit.name === decision.name) ?? fitted[0]!;
  const reason = decision.reason;
  const candidates = names.map((name): Candidate => {
    const ok = fitted.find((c) => c.fit.name === name);
    if (ok) return candidateOf(ok.fit, ok.holdoutError, ok === chosen);
    const error = failed.find((f) => f.name === name)?.error.message ?? 'not fitted';
    return { name, parameters: null, logLikelihood: null, bic: null, holdoutError: null, chosen: false, error };
  });
  return { chosen: chosen.fit, basis, reason, candidates };
}

/**
 * The choice among scored candidates (holdout MAE or BIC: lower is better): the best, unless it
 * is BG/NBD and the best model without its P(alive) flaw is comparable (COMPARABLE_*).
 */
export function decide(
  scored: readonly { readonly name: TransactionModelName; readonly score: number }[],
  basis: 'holdout' | 'bic',
): { name: TransactionModelName; reason: ChoiceReason } {
  const lowest = <T extends { score: number }>(list: readonly T[]): T | undefined => list.reduce<T | undefined>((m, c) => (m === undefined || c.score < m.score ? c : m), undefined);
  const best = lowest(scored);
  if (!best) throw new ModelInputError('no candidate model to choose from');
  const reason: ChoiceReason = basis === 'holdout' ? 'lowest_holdout_error' : 'lowest_bic';
  if (!aliveUnknownWithoutRepeat(best.name)) return { name: best.name, reason };
  const alternative = lowest(scored.filter((c) => !aliveUnknownWithoutRepeat(c.name)));
  if (alternative && comparable(basis, alternative.score, best.score)) return { name: alternative.name, reason: 'comparable_without_alive_flaw' };
  return { name: best.name, reason };
}

function comparable(basis: 'holdout' | 'bic', alternative: number, best: number): boolean {
  return basis === 'holdout' ? alternative <= best * COMPARABLE_HOLDOUT_ERROR_RATIO : alternative - best <= COMPARABLE_BIC_DIFFERENCE;
}

function candidateOf(fit: FittedModel, holdoutError: number | null, chosen: boolean): Candidate {
  return { name: fit.name, parameters: fit.params, logLikelihood: fit.logLikelihood, bic: fit.bic, holdoutError, chosen, error: null };
}

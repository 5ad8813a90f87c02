/**
 * Errors of the lifetime-value models. Each has a stable `code` and the numbers needed to see
 * what went wrong, so the CLI and the server can explain it instead of printing NaN.
 */
import { FidelisError } from '../../errors.js';

/** The customer summary cannot be fitted: bad lengths, negative values, t_x > T, no customers. */
export class ModelInputError extends FidelisError {
  constructor(
    message: string,
    /** Index of the first offending customer (or group), when there is one. */
    readonly index?: number,
  ) {
    super('model_input', message);
  }
}

/** The optimiser stopped without converging, or ended on a non-finite log-likelihood. */
export class ModelFitError extends FidelisError {
  constructor(
    readonly model: string,
    message: string,
    readonly iterations: number,
    readonly logLikelihood: number,
    readonly params: Readonly<Record<string, number>>,
  ) {
    super('model_fit', `${model}: ${message}`);
  }
}

/** A special function or a prediction could not be evaluated to a finite number. */
export class ModelNumericError extends FidelisError {
  constructor(
    message: string,
    readonly inputs: Readonly<Record<string, number>>,
  ) {
    super('model_numeric', message);
  }
}

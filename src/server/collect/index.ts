import type { Step } from '../../collect/events/index.js';
import { limitStep } from './limit.js';
import { logStep } from './log.js';
import { parseStep } from './parse.js';
import type { CollectDeps, CollectRequest } from './request.js';
import { validateStep } from './validate.js';

export { collectRequest } from './request.js';
export type { CollectDeps, CollectRequest, Endpoint } from './request.js';

/** The request side of collection, in order: parse -> validate -> limit -> log. */
export function collectSteps(deps: CollectDeps): readonly Step<CollectRequest>[] {
  return [parseStep(deps), validateStep, limitStep(deps), logStep(deps)];
}

/**
 * The vocabulary of collection written as an ordered list of small named steps (the way PostHog's
 * ingestion pipeline is written): in the request `parse -> validate -> limit -> log`, in the loader
 * `read -> dedupe -> map -> stage -> commit -> link identities -> mark profiles`. A step says of
 * what it was given: go on (`ok`), leave it out on purpose (`drop`: a replay, a suppressed person),
 * or set it aside with its reason (`deadLetter`: what cannot be stored, which must never block the
 * rest). The routes and the server only run the lists; the reasons name the step that gave them.
 */

export type Outcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'drop'; readonly reason: string }
  | { readonly kind: 'dead-letter'; readonly reason: string };

export const ok = <T>(value: T): Outcome<T> => ({ kind: 'ok', value });
export const drop = <T = never>(reason: string): Outcome<T> => ({ kind: 'drop', reason });
export const deadLetter = <T = never>(reason: string): Outcome<T> => ({ kind: 'dead-letter', reason });

/** One named step over a state `S` (a request, a chunk of the log). */
export interface Step<S> {
  readonly name: string;
  run(state: S): Outcome<S> | Promise<Outcome<S>>;
}

/** How a list of steps ended: every step passed, or the one that stopped it and why. */
export type StepsResult<S> =
  | { readonly kind: 'ok'; readonly value: S }
  | { readonly kind: 'drop' | 'dead-letter'; readonly step: string; readonly reason: string };

/**
 * Runs the steps in order, each on what the previous one gave; stops at the first that does not
 * say ok. `onStep` is told of each step run and its time in ms (tracing, benches).
 */
export async function runSteps<S>(
  steps: readonly Step<S>[],
  state: S,
  onStep?: (name: string, ms: number) => void,
): Promise<StepsResult<S>> {
  let current = state;
  for (const step of steps) {
    const started = onStep ? performance.now() : 0;
    const outcome = await step.run(current);
    onStep?.(step.name, performance.now() - started);
    if (outcome.kind !== 'ok') return { kind: outcome.kind, step: step.name, reason: outcome.reason };
    current = outcome.value;
  }
  return { kind: 'ok', value: current };
}

/** Where a run of steps over some items stopped: the step and its reason. */
export interface Refusal {
  readonly step: string;
  readonly reason: string;
}

/**
 * Finds the items that fail on their own, given `items` that failed together with `refusal`:
 * tries each half (`trial` must change nothing), and each failing half's halves, down to single
 * items, which are the culprits with the step and reason of their own failure. About twice the
 * work of one run of all the items for one culprit. Returns none when no part fails alone (the
 * items fail only together).
 */
export async function isolate<T>(
  items: readonly T[],
  refusal: Refusal,
  trial: (items: readonly T[]) => Promise<Refusal | null>,
): Promise<{ readonly item: T; readonly step: string; readonly reason: string }[]> {
  const [only] = items;
  if (items.length === 1 && only !== undefined) return [{ item: only, ...refusal }];
  const middle = Math.ceil(items.length / 2);
  const culprits: { item: T; step: string; reason: string }[] = [];
  for (const part of [items.slice(0, middle), items.slice(middle)]) {
    if (part.length === 0) continue;
    const failed = await trial(part);
    if (failed !== null) culprits.push(...(await isolate(part, failed, trial)));
  }
  return culprits;
}

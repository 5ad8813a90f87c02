import type { Context } from 'hono';
import { drop, type EventCollector, type Message, type MessageProblem, type MessageSpan, type MessageType, type Outcome } from '../../collect/events/index.js';
import { ApiError } from '../errors.js';
import type { ApiKey, KeyRing } from '../keys.js';
import type { AppEnv } from '../types.js';

export type Endpoint = 'batch' | MessageType;

/**
 * One collection request as its steps (parse -> validate -> limit -> log) fill it in. A message
 * refused alone goes to `rejected` and the others go on, as Segment does; a step that refuses the
 * whole request keeps its answer in `refusal` and says drop, and the route answers it.
 */
export interface CollectRequest {
  readonly endpoint: Endpoint;
  readonly c: Context<AppEnv>;
  readonly receivedAt: Date;
  /** Why the whole request is refused (status, code, details), when a step refused it. */
  refusal?: ApiError;
  /** parse: the key, the text and the messages (a batch's context merged in). */
  key?: ApiKey;
  text: string;
  messages: unknown[];
  /** Where each message lies in the text, when it is logged as sent (batch-text.ts). */
  spans: MessageSpan[] | null;
  /** Whether the messages need the walk of their values (see storable.ts's TextSigns). */
  walk: boolean;
  batchSentAt?: string;
  /** validate: the messages accepted, by their index in the request, and those refused. */
  accepted: { readonly index: number; readonly raw: unknown; readonly message: Message }[];
  rejected: MessageProblem[];
  /** limit: each accepted message's JSON, within the per-message limit. */
  json: string[];
  /** log: how many lines the log took. */
  logged: number;
}

/** What the steps need of the server. */
export interface CollectDeps {
  readonly keys: KeyRing;
  readonly collector: EventCollector;
  readonly limits: { readonly messageBytes: number; readonly batchBytes: number };
}

/** The request's state before the first step. */
export function collectRequest(c: Context<AppEnv>, endpoint: Endpoint): CollectRequest {
  return { endpoint, c, receivedAt: new Date(), text: '', messages: [], spans: null, walk: true, accepted: [], rejected: [], json: [], logged: 0 };
}

/** The whole request is refused with this answer. */
export function refuse(request: CollectRequest, error: ApiError): Outcome<CollectRequest> {
  request.refusal = error;
  return drop(`${error.code}: ${error.message}`);
}

/** Runs `work`; an ApiError it throws (a helper's refusal: the body, the key) refuses the request. */
export async function refusing(request: CollectRequest, work: () => Promise<Outcome<CollectRequest>>): Promise<Outcome<CollectRequest>> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) return refuse(request, error);
    throw error;
  }
}

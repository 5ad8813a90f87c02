import type { OpenAPIHono } from '@hono/zod-openapi';
import type { EventCollector } from '../collect/events/index.js';
import type { Config } from '../config/index.js';
import type { ProfileReader } from '../profiles/index.js';
import type { Engine } from '../store/index.js';
import type { ApiKey, KeyRing } from './keys.js';

/** What route modules are given. */
export interface AppDeps {
  /** The datamart; safe for concurrent use (calls are serialised with the loader's transactions). */
  readonly engine: Engine;
  readonly config: Config;
  readonly keys: KeyRing;
  /**
   * Read-only queries (profiles, dashboard): a pool of other connections to the same database,
   * so reads run side by side and never wait for the loader's transactions. Default: `engine`.
   */
  readonly reads?: Engine;
  /** Profiles from the run's documents where fresh (default: always read live from `reads`). */
  readonly profiles?: ProfileReader;
  /** The event collector (log and loader); absent in apps that only read. */
  readonly collector?: EventCollector;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    /** Set by requireScope (and by the collection routes) once the key is checked. */
    apiKey: ApiKey;
  };
}

export type App = OpenAPIHono<AppEnv>;

/** A route module adds its routes (and their OpenAPI description) to the app. */
export type RouteModule = (app: App, deps: AppDeps) => void;

import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';
import type { Engine } from '../../store/index.js';

/**
 * 503 with what to do until `fidelis run` has written the dashboard's tables. Once they exist they
 * are only ever replaced inside a run's transaction, so the check is not repeated.
 */
export function whenReady(engine: Engine): MiddlewareHandler<AppEnv> {
  let ready = false;
  return async (_c, next) => {
    if (!ready) {
      const found = await engine.query(engine.dialect.existingTables(['dashboard_overview', 'customer_list']));
      ready = found.length === 2;
      if (!ready) throw new ApiError(503, 'not_analysed', 'No dashboard data yet: run `fidelis run` on this datamart (its dashboard step writes them).');
    }
    await next();
  };
}

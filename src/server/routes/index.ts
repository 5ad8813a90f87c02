import type { RouteModule } from '../types.js';
import { collectRoutes } from './collect.js';
import { profileRoutes } from './profiles.js';

/** Every route module of the server, mounted in this order by createApp. Add a module here. */
export const ROUTES: readonly RouteModule[] = [collectRoutes, profileRoutes];

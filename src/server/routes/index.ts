import { sessionRoutes } from '../session.js';
import { dashboardAssets } from '../static.js';
import type { RouteModule } from '../types.js';
import { audienceRoutes } from './audiences.js';
import { auditRoutes } from './audit.js';
import { collectRoutes } from './collect.js';
import { dashboardRoutes } from './dashboard.js';
import { planRoutes } from './plans.js';
import { pressureRoutes } from './pressure.js';
import { privacyRoutes } from './privacy.js';
import { profileRoutes } from './profiles.js';
import { unsubscribeRoutes } from './unsubscribe.js';

/**
 * Every route module of the server, mounted in this order by createApp. Add a module here.
 * sessionRoutes comes first (its guards must run before any /api handler), the dashboard's
 * assets last (it answers every other GET with the app's shell).
 */
export const ROUTES: readonly RouteModule[] = [sessionRoutes, collectRoutes, profileRoutes, privacyRoutes, auditRoutes, unsubscribeRoutes, audienceRoutes, planRoutes, dashboardRoutes, pressureRoutes, dashboardAssets];

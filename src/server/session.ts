import { timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { authorize, presentedKey } from './auth.js';
import { ApiError, badRequest, errorSchema, forbidden, unauthorized } from './errors.js';
import { LoginLimiter } from './login-limiter.js';
import { SessionStore, type Session } from './session-store.js';
import type { App, AppDeps, AppEnv } from './types.js';
import { keyPermissions, permissionsOf, ROLES, type Permissions } from './roles.js';
import { decoyPasswordHash, findUser, verifyPassword, type Role } from './users.js';

export const SESSION_COOKIE = 'fidelis_session';
export const CSRF_HEADER = 'X-CSRF-Token';
/** Largest body a dashboard /api request may carry. */
export const API_BODY_BYTES = 16 * 1024;

/** Who is calling the /api routes: a dashboard user by his session cookie, or an API key. */
export type Viewer =
  | { readonly kind: 'session'; readonly user: string; readonly role: Role; readonly session: Session }
  | { readonly kind: 'key'; readonly keyId: string; readonly role: Role };

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by requireReader / requireAdmin. */
    viewer: Viewer;
  }
}

interface Dashboard {
  readonly sessions: SessionStore;
  readonly limiter: LoginLimiter;
}

const dashboards = new WeakMap<AppDeps, Dashboard>();

/** The sessions and login limiter of an app (one per createApp). */
function dashboardOf(deps: AppDeps): Dashboard {
  let dashboard = dashboards.get(deps);
  if (!dashboard) {
    const settings = deps.config.server.dashboard;
    dashboard = { sessions: new SessionStore(deps.engine, settings.sessionHours), limiter: new LoginLimiter(deps.engine, settings.login) };
    dashboards.set(deps, dashboard);
  }
  return dashboard;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The session the request's cookie opens, or null. */
async function sessionOf(c: Context<AppEnv>): Promise<{ token: string; session: Session } | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const session = await dashboardOf(c.get('deps')).sessions.find(token);
  return session ? { token, session } : null;
}

/**
 * The caller: an Authorization header means an API key, checked alone (a read or admin key; 401
 * when unknown, 403 for a write key); otherwise the session cookie. Null when neither.
 */
async function viewerOf(c: Context<AppEnv>): Promise<Viewer | null> {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const key = await authorize(c.get('deps').keys, presentedKey(header), 'read');
    c.set('apiKey', key);
    return { kind: 'key', keyId: key.keyId, role: key.scope === 'admin' ? 'admin' : 'read' };
  }
  const found = await sessionOf(c);
  return found ? { kind: 'session', user: found.session.user, role: found.session.role, session: found.session } : null;
}

function sameToken(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const [a, b] = [Buffer.from(presented), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The dashboard's data routes: a valid session cookie, or a read or admin API key in
 * Authorization; 401 JSON otherwise. The viewer is then in `c.get('viewer')`.
 * sessionRoutes applies it to every /api/* route but /api/session, so a route module under
 * /api needs nothing more (replace any `requireScope('read')` there: it refuses session cookies).
 */
export const requireReader: MiddlewareHandler<AppEnv> = async (c, next) => {
  const viewer = await viewerOf(c);
  if (!viewer) throw unauthorized('log in (POST /api/session) or send a read API key');
  c.set('viewer', viewer);
  await next();
};

/** As requireReader, and the user or key must be admin (403 otherwise). */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const viewer = await viewerOf(c);
  if (!viewer) throw unauthorized('log in (POST /api/session) or send an admin API key');
  if (viewer.role !== 'admin') throw forbidden('an admin user or key is needed');
  c.set('viewer', viewer);
  await next();
};

/**
 * What the viewer may do: a user's role's row of roles.ts ROLE_MATRIX; for an API key, its scope's
 * (roles.ts KEY_PERMISSIONS: a read key sees identifiers, as GET /v1/customers/{id} gives them to
 * it, but does not export).
 */
export function viewerPermissions(viewer: Viewer): Permissions {
  return viewer.kind === 'key' ? keyPermissions(viewer.role === 'admin' ? 'admin' : 'read') : permissionsOf(viewer.role);
}

/**
 * Routes that hand out personal data in bulk (a segment's customers as CSV...): marketer and
 * admin users, admin keys (roles.ts). An analyst (or read) user or key sees the dashboard's
 * figures without identifiers, and no more. Runs after requireReader (sessionRoutes' guard) or
 * checks the caller itself.
 */
export const requireExporter: MiddlewareHandler<AppEnv> = async (c, next) => {
  const viewer = c.var.viewer ?? (await viewerOf(c));
  if (!viewer) throw unauthorized('log in (POST /api/session) or send an admin API key');
  if (!viewerPermissions(viewer).export) {
    const why =
      viewer.kind === 'session'
        ? `user "${viewer.user}" has the ${viewer.role} role, which may view the dashboard's figures but neither export customers nor see their identifiers; an admin can grant it: fidelis users role ${viewer.user} marketer`
        : `key ${viewer.keyId} has the read role, which may read profiles but not export customers in bulk; use an admin key`;
    throw new ApiError(403, 'forbidden', `exporting personal data needs the marketer or admin role; ${why}`, { role: viewer.role, needs: ['marketer', 'admin'] });
  }
  c.set('viewer', viewer);
  await next();
};

/**
 * CSRF: a state-changing request whose cookie opens a live session must carry that session's
 * token in X-CSRF-Token (403 otherwise), whatever else it carries: an Authorization header does
 * not exempt it, since the browser attached the cookie on its own and the request may be forged
 * around it. A request without the cookie (an API key alone) needs no token; nor does a cookie
 * that opens no session (expired, forged), which authenticates nothing. The login is exempt: no
 * cookie authenticates it, and it requires a JSON body, which a cross-site form cannot send.
 */
const csrfCheck: MiddlewareHandler<AppEnv> = async (c, next) => {
  const exempt = !STATE_CHANGING.has(c.req.method) || (c.req.path === '/api/session' && c.req.method === 'POST');
  if (!exempt) {
    const found = await sessionOf(c);
    if (found && !sameToken(c.req.header(CSRF_HEADER), found.session.csrfToken)) {
      throw new ApiError(403, 'csrf', `this request carries the session cookie, so it needs the session's CSRF token in the ${CSRF_HEADER} header`);
    }
  }
  await next();
};

/**
 * A 401 with `WWW-Authenticate: Basic` makes a browser open its own password dialog (and a
 * headless one wait for it forever); the dashboard shows its login page instead.
 */
const noBasicChallenge: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.status === 401) c.res.headers.delete('WWW-Authenticate');
};

/** requireReader on every /api route but the session's own. */
const guardApi: MiddlewareHandler<AppEnv> = async (c, next) => (c.req.path === '/api/session' ? next() : requireReader(c, next));

/** The client's address as the socket sees it (a proxy's X-Forwarded-For is not trusted). */
function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // in-process requests (app.request) have no socket
  }
}

function isHttps(c: Context<AppEnv>): boolean {
  return c.get('deps').config.server.dashboard.secureCookies || new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

const loginSchema = z.object({ user: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).openapi('Login');
const permissionsSchema = z
  .object({
    identifiers: z.boolean().openapi({ description: 'Sees names, e-mails, phones, street addresses and record ids (masked otherwise).' }),
    export: z.boolean().openapi({ description: 'Exports persons (segment and audience files), saves and deletes audiences.' }),
    admin: z.boolean().openapi({ description: 'Reads the audit log; everything else.' }),
  })
  .openapi('Permissions', { description: 'What the role may do (docs/dashboard-ui.md "Roles").' });
const sessionSchema = z
  .object({ authenticated: z.literal(true), user: z.string(), role: z.enum(ROLES), permissions: permissionsSchema, csrfToken: z.string(), expiresAt: z.string() })
  .openapi('Session');
const noSessionSchema = z.object({ authenticated: z.literal(false) }).openapi('NoSession');
const sessionJson = (s: Session): z.infer<typeof sessionSchema> => ({
  authenticated: true,
  user: s.user,
  role: s.role,
  permissions: permissionsOf(s.role),
  csrfToken: s.csrfToken,
  expiresAt: s.expiresAt.toISOString(),
});
const errorContent = { 'application/json': { schema: errorSchema } };

/**
 * Login, session and logout for the dashboard, and the guards of every /api route. Mounted first
 * in ROUTES so its middleware runs before any /api handler.
 */
export function sessionRoutes(app: App): void {
  // The dashboard's bodies are a login or a few settings: a larger one is refused before it is read whole.
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: API_BODY_BYTES,
      onError: () => {
        throw badRequest('request_too_large', `the request body is over ${API_BODY_BYTES / 1024} KB; the dashboard's requests are small JSON objects`, { limit: API_BODY_BYTES });
      },
    }),
  );
  app.use('/api/*', noBasicChallenge);
  app.use('/api/*', csrfCheck);
  app.use('/api/*', guardApi);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/session',
      tags: ['dashboard'],
      summary: 'Log in to the dashboard',
      description: 'Sets an HTTP-only, SameSite=Strict session cookie. Failed logins are limited per (user name, address) and per address, with waits that double (429 with Retry-After).',
      request: { body: { required: true, content: { 'application/json': { schema: loginSchema } } } },
      responses: {
        200: { description: 'Logged in; send csrfToken in X-CSRF-Token with every state-changing request.', content: { 'application/json': { schema: sessionSchema } } },
        401: { description: 'Wrong user name or password (with Retry-After when the next try must wait).', content: errorContent },
        429: { description: 'Too many failed logins for this name from this address, or from this address: Retry-After says when to try again.', content: errorContent },
      },
    }),
    async (c) => {
      const { user: name, password } = c.req.valid('json');
      const deps = c.get('deps');
      const { sessions, limiter } = dashboardOf(deps);
      const address = clientAddress(c);
      const gate = await limiter.admit(name, address);
      if (gate.retryAfter > 0) {
        c.header('Retry-After', String(gate.retryAfter));
        const why = gate.reason === 'busy' ? 'another login for this name from this address is being checked' : 'too many failed logins';
        throw new ApiError(429, 'too_many_logins', `${why}; try again in ${gate.retryAfter} s`, { retryAfter: gate.retryAfter });
      }
      let user: Awaited<ReturnType<typeof findUser>>;
      try {
        user = await findUser(deps.engine, name);
        // An unknown name costs a hash check too, so timing does not tell which names exist.
        const good = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
        if (!user || !good) {
          const wait = await limiter.fail(name, address);
          if (wait > 0) c.header('Retry-After', String(wait));
          throw new ApiError(401, 'unauthorized', 'wrong user name or password', wait > 0 ? { retryAfter: wait } : {});
        }
        await limiter.succeed(name, address);
      } finally {
        gate.release();
      }
      const { token, session } = await sessions.open(user.name, user.role);
      setCookie(c, SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'Strict',
        secure: isHttps(c),
        maxAge: Math.round(deps.config.server.dashboard.sessionHours * 3600),
      });
      return c.json(sessionJson(session), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/session',
      tags: ['dashboard'],
      summary: 'The current session',
      description: 'Always 200, so a browser that is not logged in learns it without an error: `{"authenticated": false}` then.',
      responses: {
        200: { description: 'The session, or `{"authenticated": false}`.', content: { 'application/json': { schema: z.union([sessionSchema, noSessionSchema]) } } },
      },
    }),
    async (c) => {
      const found = await sessionOf(c);
      return c.json(found ? sessionJson(found.session) : { authenticated: false as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/session',
      tags: ['dashboard'],
      summary: 'Log out',
      description: `Needs the ${CSRF_HEADER} header of the session.`,
      responses: { 204: { description: 'Logged out (also when there was no session).' }, 403: { description: 'Missing or wrong CSRF token.', content: errorContent } },
    }),
    async (c) => {
      const found = await sessionOf(c);
      if (found) await dashboardOf(c.get('deps')).sessions.close(found.token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );
}

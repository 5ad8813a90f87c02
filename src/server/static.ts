import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, MiddlewareHandler } from 'hono';
import type { App, AppDeps, AppEnv } from './types.js';

/** dist/web of the package: this file is src/server/static.ts or dist/server/static.js, two levels down either way. */
export const DEFAULT_ASSETS = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths that belong to the APIs: never answered with the SPA shell. */
const API_PATHS = /^\/(api|v1)(\/|$)|^\/(openapi\.json|health)$/;

/**
 * The page may run only our own scripts and talk only to our own origin. Styles allow inline
 * values because ECharts and the charts' tooltips set them.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
};

function fileIn(root: string, path: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = resolve(root, normalize(`.${decoded}`));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

function send(c: Context<AppEnv>, file: string, cache: string): Response {
  const headers: Record<string, string> = {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': cache,
    ...SECURITY_HEADERS,
  };
  return c.req.method === 'HEAD' ? c.body(null, 200, headers) : c.body(readFileSync(file), 200, headers);
}

/**
 * The built dashboard (vite build into dist/web): files as they are, hashed ones under /assets/
 * cached for a year, index.html for every other GET that is not an API path (client routes).
 * Mounted last in ROUTES.
 */
export function dashboardAssets(app: App, deps: AppDeps): void {
  const root = resolve(deps.config.server.dashboard.assets ?? DEFAULT_ASSETS);
  const index = join(root, 'index.html');
  // Middleware rather than a route: createApp adds /health and /openapi.json after the modules.
  const serve: MiddlewareHandler<AppEnv> = async (c, next) => {
    const path = c.req.path;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || API_PATHS.test(path)) return next();
    const file = path === '/' ? null : fileIn(root, path);
    if (file) return send(c, file, path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (path.startsWith('/assets/') || extname(path) !== '') {
      return c.json({ error: { code: 'not_found', message: `no file ${path}` } }, 404);
    }
    if (!existsSync(index)) return c.text(`The dashboard is not built (no ${index}): run npm run build.\n`, 404);
    return send(c, index, 'no-cache');
  };
  app.use('*', serve);
}

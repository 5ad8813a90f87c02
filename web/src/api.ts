/** Calls to the server's /api: the session cookie goes by itself; state-changing calls carry the CSRF token. */

export class Unauthorized extends Error {}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds to wait before trying again (a 429's Retry-After), or null. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

/** What the role may do (src/server/roles.ts): the server enforces it, pages only reflect it. */
export interface Permissions {
  readonly identifiers: boolean;
  readonly export: boolean;
  readonly admin: boolean;
}

export interface SessionInfo {
  readonly authenticated: true;
  readonly user: string;
  readonly role: 'admin' | 'marketer' | 'analyst' | 'read';
  readonly permissions: Permissions;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

let csrfToken: string | null = null;
let role: SessionInfo['role'] | null = null;
let permissions: Permissions | null = null;

/** The logged-in user's role (null when logged out): pages hide what it may not do. */
export function currentRole(): SessionInfo['role'] | null {
  return role;
}

/** What the logged-in user may do (nothing when logged out). */
export function can(permission: keyof Permissions): boolean {
  return permissions?.[permission] ?? false;
}

async function failure(response: Response): Promise<ApiFailure> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiFailure(response.status, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (response.status === 401 && path !== '/api/session') throw new Unauthorized('not logged in');
  if (!response.ok) throw await failure(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** The current session, or null when not logged in. */
export async function currentSession(): Promise<SessionInfo | null> {
  const session = await api<SessionInfo | { authenticated: false }>('/api/session');
  if (!session.authenticated) return null;
  csrfToken = session.csrfToken;
  role = session.role;
  permissions = session.permissions;
  return session;
}

export async function logIn(user: string, password: string): Promise<SessionInfo> {
  const session = await api<SessionInfo>('/api/session', { method: 'POST', body: { user, password } });
  csrfToken = session.csrfToken;
  role = session.role;
  permissions = session.permissions;
  return session;
}

export async function logOut(): Promise<void> {
  await api<void>('/api/session', { method: 'DELETE' });
  csrfToken = null;
  role = null;
  permissions = null;
}

/** A query string from the defined values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Hash routing (#/customers/C1?tab=x): links are shareable and the server needs no route of its own.
 */
export interface Route {
  /** Path segments, decoded: ['customers', 'C1']. */
  readonly path: readonly string[];
  readonly query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?', 2);
  return {
    path: path
      .split('/')
      .filter((part) => part !== '')
      .map((part) => decodeURIComponent(part)),
    query: new URLSearchParams(search),
  };
}

/** The href of a route. */
export function href(path: readonly string[], query: Record<string, string | number | undefined | null> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return `#/${path.map((part) => encodeURIComponent(part)).join('/')}${text ? `?${text}` : ''}`;
}

export function navigate(path: readonly string[], query: Record<string, string | number | undefined | null> = {}): void {
  location.hash = href(path, query);
}

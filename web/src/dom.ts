/** A tiny element builder: enough for a dashboard without a framework. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (name === 'value' && (element instanceof HTMLInputElement || element instanceof HTMLSelectElement)) element.value = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === 'string' || typeof child === 'number') parent.appendChild(document.createTextNode(String(child)));
    else if (child instanceof Node) parent.appendChild(child);
    else append(parent, child);
  }
}

/** Replaces an element's content. */
export function mount(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A card: a titled panel. */
export function card(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}

/** A table from headers and rows of cells. */
export function table(headers: readonly Child[], rows: readonly (readonly Child[])[], attrs: Attrs = {}): HTMLTableElement {
  return h(
    'table',
    { class: 'table', ...attrs },
    h('thead', null, h('tr', null, headers.map((header) => h('th', null, header)))),
    h('tbody', null, rows.map((row) => h('tr', null, row.map((cell) => h('td', null, cell))))),
  );
}

/** Hands a fetched file to the browser as a download named `file`. */
export function saveBlob(blob: Blob, file: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: file });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the blob once the click is handled; the URL is freed after it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

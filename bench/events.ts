// The events the ingest, loader and soak benches send: a Segment-like mix of identify (10%),
// Order Completed (10%), page (30%) and Product Viewed (50%) messages, over 37 userIds and 53
// anonymousIds, with "@MID@" where each copy puts a unique messageId and "@ID@" a unique order id.

/** Messages of one batch, with "@MID@" and "@ID@" placeholders. */
export function benchMessages(size: number, at = new Date()): Record<string, unknown>[] {
  const timestamp = at.toISOString();
  return Array.from({ length: size }, (_, i) => {
    const kind = i % 10;
    const common = { messageId: '@MID@', userId: `user-${i % 37}`, anonymousId: `anon-${i % 53}`, timestamp, context: { library: { name: 'bench', version: '1' }, ip: '10.0.0.1', page: { path: '/products/chair' } } };
    if (kind === 0) return { ...common, type: 'identify', traits: { email: `user${i}@example.com`, firstName: 'Ana', address: { city: 'Lyon', country: 'FR' } } };
    if (kind === 1) return { ...common, type: 'track', event: 'Order Completed', properties: { order_id: '@ID@', products: [{ sku: 'SKU-1', name: 'Chair', price: 49.9, quantity: 1 }, { sku: 'SKU-2', price: 15, quantity: 2 }] } };
    if (kind < 5) return { ...common, type: 'page', name: 'Product', properties: { path: '/products/chair', url: 'https://shop.example/products/chair', title: 'Chair' } };
    return { ...common, type: 'track', event: 'Product Viewed', properties: { product_id: 'SKU-1', name: 'Chair', price: 49.9, category: 'home' } };
  });
}

/** A batch request body cut at its placeholders; `messageIds` lists the placeholders (1-based) that are messageIds. */
export interface BatchTemplate {
  readonly parts: readonly string[];
  readonly messageIds: readonly number[];
}

export function batchTemplate(size: number): BatchTemplate {
  const pieces = JSON.stringify({ batch: benchMessages(size), sentAt: new Date().toISOString() }).split(/@(MID|ID)@/);
  // split with a capture group: text, kind, text, kind, ... text
  const parts: string[] = [];
  const messageIds: number[] = [];
  pieces.forEach((piece, i) => {
    if (i % 2 === 0) parts.push(piece);
    else if (piece === 'MID') messageIds.push(parts.length);
  });
  return { parts, messageIds };
}

/** The i-th placeholder (1-based) of a batch becomes `${prefix}${i}`: unique across batches with distinct prefixes. */
export function fillTemplate(template: BatchTemplate, prefix: string): string {
  const { parts } = template;
  let body = parts[0] ?? '';
  for (let i = 1; i < parts.length; i++) body += `${prefix}${i}${parts[i] ?? ''}`;
  return body;
}

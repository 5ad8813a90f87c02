import type { Engine, TableSpec } from '../../store/index.js';
import type { ImportTables } from './import-tables.js';
import { ORDER_CHANNELS, sql, tableSpec, type Sql } from '../../store/index.js';
import { mergeInto, type MergeCounts } from './merge.js';

/**
 * A plain sales export: one row per sale (or per order line when order_id repeats). Only
 * customer, date and amount are required; the rest fills in products, margin and channel.
 */
export const TRANSACTIONS_SPEC: TableSpec = {
  name: 'transactions',
  doc: 'A sales export: one row per sale or order line. Fans out into customers, products, orders and order_lines.',
  key: [],
  columns: [
    { name: 'customer_id', type: 'string', required: true, doc: 'Customer id in the export.' },
    { name: 'date', type: 'timestamp', required: true, doc: 'Date or date-time of the sale.' },
    { name: 'amount', type: 'money', required: true, min: 0, doc: 'Amount paid for the row (after discount).' },
    { name: 'order_id', type: 'string', doc: 'Order or receipt id; rows sharing it are lines of one order. Without it each row is its own order.' },
    { name: 'sku', type: 'string', doc: 'Product reference.' },
    { name: 'product', type: 'string', doc: 'Product name.' },
    { name: 'category', type: 'string', doc: 'Product category.' },
    { name: 'cost', type: 'money', min: 0, doc: 'Cost of goods for the row, for margin.' },
    { name: 'quantity', type: 'int', min: 1, doc: 'Units (default 1).' },
    { name: 'channel', type: 'string', values: ORDER_CHANNELS, doc: 'store, web, phone or app (default store).' },
    { name: 'store_id', type: 'string', doc: 'Store.' },
  ],
};

export interface FanOutCounts {
  readonly byTable: Record<string, MergeCounts>;
}

/**
 * Derives customers, products, orders and lines from typed transactions. Ids of orders without
 * an order_id are a hash of the row's content and its rank among identical rows, so the same file
 * imported twice yields the same ids, and two identical sales stay two sales.
 */
export async function fanOutTransactions(
  engine: Engine,
  tables: ImportTables,
  typedTable: string,
  provided: readonly string[],
): Promise<FanOutCounts> {
  const { dialect } = engine;
  const has = (c: string): boolean => provided.includes(c);
  // Read under names of their own first (on ClickHouse an output alias `sku` would stand for the
  // input column `sku` in the same SELECT); an absent column is a NULL of its declared type, so
  // COALESCE and aggregates type-check.
  const input = (c: string): Sql => sql.id(`in_${c}`);
  const inputs = TRANSACTIONS_SPEC.columns.map(({ name, type }) =>
    sql`${has(name) ? sql.id(name) : sql`CAST(NULL AS ${sql.raw(dialect.columnType(type, true))})`} AS ${input(name)}`,
  );
  const scratch = async (name: string, query: Sql): Promise<void> => {
    for (const statement of dialect.scratchTable(name, query)) await engine.exec(statement);
  };
  await scratch('tx_input', sql`SELECT __record, ${sql.join(inputs)} FROM ${sql.id(typedTable)}`);
  const skuExpr = sql`coalesce(${input('sku')}, 'CAT:' || ${input('category')}, 'UNSPECIFIED')`;
  const rowFingerprint = dialect.concatSkippingNulls('|', [input('customer_id'), dialect.nullableText(input('date')), dialect.nullableText(input('amount')), skuExpr, dialect.nullableText(input('quantity'))]);
  const generatedId = sql`'TX-' || ${dialect.md5Hex(sql`${rowFingerprint} || '#' || ${dialect.nullableText(sql`__copy`)}`)}`;
  await scratch('tx_rows', sql`SELECT
      __record, ${input('customer_id')} AS customer_id, ${input('date')} AS ${sql.id('date')}, ${input('amount')} AS amount,
      ${has('order_id') ? sql`coalesce(${input('order_id')}, ${generatedId})` : generatedId} AS order_id,
      ${skuExpr} AS sku,
      ${input('product')} AS product, ${input('category')} AS category,
      ${input('cost')} AS cost, coalesce(${input('quantity')}, 1) AS quantity,
      coalesce(${input('channel')}, 'store') AS channel, ${input('store_id')} AS store_id
    FROM (${dialect.numberWithin('tx_input', rowFingerprint, '__record', '__copy')}) AS numbered`);

  await scratch('tx_customers', sql`SELECT DISTINCT customer_id, 'transactions' AS source FROM tx_rows`);
  await scratch('tx_products', sql`SELECT p_sku AS sku, coalesce(${dialect.anyValue(sql`p_product`)}, p_sku) AS name,
      coalesce(${dialect.anyValue(sql`p_category`)}, 'unknown') AS category
    FROM (SELECT sku AS p_sku, product AS p_product, category AS p_category FROM tx_rows) AS p GROUP BY p_sku`);
  await scratch('tx_orders', sql`SELECT o_order AS order_id, min(o_customer) AS customer_id, min(o_date) AS ordered_at,
      min(o_channel) AS channel, min(o_store) AS store_id
    FROM (SELECT order_id AS o_order, customer_id AS o_customer, ${sql.id('date')} AS o_date, channel AS o_channel, store_id AS o_store FROM tx_rows) AS o
    GROUP BY o_order`);
  await scratch('tx_lines', sql`SELECT order_id, line_no, sku, quantity,
      ${dialect.cast(sql`amount / quantity`, 'money')} AS unit_price, ${dialect.cast(sql`0`, 'money')} AS discount,
      ${dialect.cast(sql`cost / quantity`, 'money')} AS unit_cost
    FROM (${dialect.numberWithin('tx_rows', sql`order_id`, '__record', 'line_no')}) AS numbered`);

  const byTable: Record<string, MergeCounts> = {
    customers: await mergeInto(engine, tables, tableSpec('customers'), 'tx_customers', ['customer_id', 'source'], 'insertMissing'),
    products: await mergeInto(engine, tables, tableSpec('products'), 'tx_products', ['sku', 'name', 'category'], 'insertMissing'),
    orders: await mergeInto(engine, tables, tableSpec('orders'), 'tx_orders', ['order_id', 'customer_id', 'ordered_at', 'channel', 'store_id']),
    order_lines: await mergeInto(engine, tables, tableSpec('order_lines'), 'tx_lines', ['order_id', 'line_no', 'sku', 'quantity', 'unit_price', 'discount', 'unit_cost']),
  };
  for (const table of ['tx_input', 'tx_rows', 'tx_customers', 'tx_products', 'tx_orders', 'tx_lines']) {
    await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(table)}`);
  }
  return { byTable };
}

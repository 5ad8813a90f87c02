import type { Engine, TableSpec } from '../../store/index.js';
import type { ImportTables } from './import-tables.js';
import { ORDER_CHANNELS, sql, tableSpec } from '../../store/index.js';
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
  const t = sql.id(typedTable);
  const has = (c: string): boolean => provided.includes(c);
  // An absent column is a NULL of its declared type, so COALESCE and aggregates type-check.
  const col = (c: string) => {
    if (has(c)) return sql`${sql.id(c)}`;
    const type = TRANSACTIONS_SPEC.columns.find((spec) => spec.name === c)?.type ?? 'string';
    return sql`CAST(NULL AS ${sql.raw(engine.dialect.columnType(type, true))})`;
  };
  const skuExpr = has('sku')
    ? sql`coalesce(sku, ${has('category') ? sql`'CAT:' || category` : sql`NULL`}, 'UNSPECIFIED')`
    : has('category')
      ? sql`coalesce('CAT:' || category, 'UNSPECIFIED')`
      : sql`'UNSPECIFIED'`;
  const rowFingerprint = sql`concat_ws('|', customer_id, CAST(date AS VARCHAR), CAST(amount AS VARCHAR), ${skuExpr}, CAST(${col('quantity')} AS VARCHAR))`;
  await engine.exec(sql`CREATE OR REPLACE TEMP TABLE tx_rows AS SELECT
      __record, customer_id, date, amount,
      ${has('order_id') ? sql`coalesce(order_id, 'TX-' || md5(${rowFingerprint} || '#' || CAST(row_number() OVER (PARTITION BY ${rowFingerprint} ORDER BY __record) AS VARCHAR)))` : sql`'TX-' || md5(${rowFingerprint} || '#' || CAST(row_number() OVER (PARTITION BY ${rowFingerprint} ORDER BY __record) AS VARCHAR))`} AS order_id,
      ${skuExpr} AS sku,
      ${col('product')} AS product, ${col('category')} AS category,
      ${col('cost')} AS cost, coalesce(${col('quantity')}, 1) AS quantity,
      coalesce(${col('channel')}, 'store') AS channel, ${col('store_id')} AS store_id
    FROM ${t}`);

  await engine.exec(sql`CREATE OR REPLACE TEMP TABLE tx_customers AS
    SELECT DISTINCT customer_id, 'transactions' AS source FROM tx_rows`);
  await engine.exec(sql`CREATE OR REPLACE TEMP TABLE tx_products AS
    SELECT sku, coalesce(any_value(product), sku) AS name,
      coalesce(any_value(category), 'unknown') AS category
    FROM tx_rows GROUP BY sku`);
  await engine.exec(sql`CREATE OR REPLACE TEMP TABLE tx_orders AS
    SELECT order_id, min(customer_id) AS customer_id, min(date) AS ordered_at,
      min(channel) AS channel, min(store_id) AS store_id
    FROM tx_rows GROUP BY order_id`);
  await engine.exec(sql`CREATE OR REPLACE TEMP TABLE tx_lines AS
    SELECT order_id, row_number() OVER (PARTITION BY order_id ORDER BY __record) AS line_no, sku, quantity,
      CAST(amount / quantity AS DECIMAL(18, 4)) AS unit_price, CAST(0 AS DECIMAL(18, 4)) AS discount,
      CAST(cost / quantity AS DECIMAL(18, 4)) AS unit_cost
    FROM tx_rows`);

  const byTable: Record<string, MergeCounts> = {
    customers: await mergeInto(engine, tables, tableSpec('customers'), 'tx_customers', ['customer_id', 'source'], 'insertMissing'),
    products: await mergeInto(engine, tables, tableSpec('products'), 'tx_products', ['sku', 'name', 'category'], 'insertMissing'),
    orders: await mergeInto(engine, tables, tableSpec('orders'), 'tx_orders', ['order_id', 'customer_id', 'ordered_at', 'channel', 'store_id']),
    order_lines: await mergeInto(engine, tables, tableSpec('order_lines'), 'tx_lines', ['order_id', 'line_no', 'sku', 'quantity', 'unit_price', 'discount', 'unit_cost']),
  };
  for (const table of ['tx_rows', 'tx_customers', 'tx_products', 'tx_orders', 'tx_lines']) {
    await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(table)}`);
  }
  return { byTable };
}

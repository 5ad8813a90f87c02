import { sql, type Engine } from '../store/index.js';
import { toCustomerRow, ROW_COLUMNS, type CustomerRow } from './customers.js';
import type { DashboardDimension } from './dimensions.js';
import { text } from './text.js';

/** The export's columns, in order (the list's, id first). */
export const EXPORT_COLUMNS: readonly (keyof CustomerRow)[] = [
  'id', 'name', 'email', 'phone', 'city', 'orders', 'revenue', 'gross_margin', 'net_contribution', 'clv', 'predicted_value', 'p_alive',
  'last_purchase', 'value_tier', 'value_column', 'grid', 'rfm_segment', 'rfm_cell', 'digital_type', 'online_move',
];

/** Rows read per query: keyset pages on the person id, so memory stays flat whatever the segment's size. */
const BATCH = 5000;

/** Text a spreadsheet would run as a formula (OWASP CSV injection); phones and signed numbers are left alone. */
const FORMULA = /^(?:[=@\t\r]|[+-](?![\d\s().]+$))/;

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? String(Math.round(value * 1e4) / 1e4) : text(value);
  if (typeof value === 'string' && FORMULA.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const line = (fields: readonly unknown[]): string => `${fields.map(csvField).join(',')}\r\n`;

/** A segment's customers as CSV lines (header first), read and encoded one batch at a time. */
export function segmentCsv(engine: Engine, dimension: DashboardDimension, value: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: string | null = null;
  let header = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (header) {
        header = false;
        controller.enqueue(encoder.encode(line(EXPORT_COLUMNS)));
        return;
      }
      const next = after === null ? sql`` : sql`AND person_id > ${after}`;
      const rows = await engine.query(sql`SELECT ${ROW_COLUMNS} FROM customer_list WHERE ${sql.id(dimension)} = ${value} ${next}
        ORDER BY person_id LIMIT ${sql.raw(String(BATCH))}`);
      if (rows.length > 0) {
        const customers = rows.map(toCustomerRow);
        controller.enqueue(encoder.encode(customers.map((c) => line(EXPORT_COLUMNS.map((k) => c[k]))).join('')));
        after = customers.at(-1)?.id ?? null;
      }
      if (rows.length < BATCH) controller.close();
    },
  });
}

import type { ColumnSpec, Dialect } from '../../store/index.js';
import { sql, type Sql } from '../../store/index.js';
import type { KindMapping } from './mapping.js';

/** What a well-formed value of each type looks like, for messages. */
export function expectedFor(column: ColumnSpec, mapping: KindMapping): string {
  switch (column.type) {
    case 'int':
      return 'a whole number such as 3';
    case 'money':
    case 'float':
      return mapping.decimalSeparator === ','
        ? 'a number such as 1 234,50 (decimal comma)'
        : 'a number such as 1234.50 (decimal point)';
    case 'date':
      return mapping.dateFormat ? `a date written ${mapping.dateFormat}` : 'a date such as 2024-03-31';
    case 'timestamp':
      return mapping.timestampFormat
        ? `a date-time written ${mapping.timestampFormat}`
        : 'a date-time such as 2024-03-31 14:05:00 or 2024-03-31T14:05:00+02:00';
    case 'bool':
      return 'true or false';
    case 'string':
      return 'text';
  }
}

/**
 * The SQL expression that turns the raw text `raw` into the column's type, NULL when the text
 * does not parse (the validator then reports it) or is blank. The conversions are the dialect's,
 * which accept the same texts on every engine (src/store/dialect/ tryDate...).
 */
export function typedExpression(column: ColumnSpec, raw: Sql, mapping: KindMapping, dialect: Dialect): Sql {
  const text = sql`NULLIF(${dialect.trim(raw)}, '')`;
  switch (column.type) {
    case 'string': {
      if (!column.values) return sql`CASE WHEN ${dialect.trim(raw)} = '' THEN NULL ELSE ${raw} END`;
      // Allowed values are matched whatever their case, then stored in their canonical spelling.
      const cases = column.values.map((v) => sql`WHEN ${v.toLowerCase()} THEN ${v}`);
      return sql`CASE lower(${text}) ${sql.join(cases, ' ')} ELSE ${text} END`;
    }
    case 'int':
      return dialect.tryInteger(text);
    case 'money':
      return dialect.tryMoney(numberText(text, mapping, dialect));
    case 'float':
      return dialect.tryDouble(numberText(text, mapping, dialect));
    case 'date':
      return mapping.dateFormat ? dialect.dateOf(dialect.tryStrptime(text, mapping.dateFormat)) : dialect.tryDate(text);
    case 'timestamp':
      return mapping.timestampFormat ? dialect.tryStrptime(text, mapping.timestampFormat) : dialect.tryTimestamp(text);
    case 'bool':
      return sql`CASE WHEN lower(${text}) IN ('true', 't', '1', 'yes', 'y') THEN ${true}
        WHEN lower(${text}) IN ('false', 'f', '0', 'no', 'n') THEN ${false} END`;
  }
}

function numberText(text: Sql, mapping: KindMapping, dialect: Dialect): Sql {
  if (mapping.decimalSeparator === '.') return dialect.replaceAll(text, ' ', '');
  // "1 234,56" or "1.234,56": drop grouping spaces (plain and no-break) and dots, then the comma is the point.
  let cleaned = text;
  for (const grouping of [' ', '\u00a0', '.']) cleaned = dialect.replaceAll(cleaned, grouping, '');
  return dialect.replaceAll(cleaned, ',', '.');
}

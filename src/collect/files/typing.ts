import type { ColumnSpec } from '../../store/index.js';
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
 * does not parse (the validator then reports it) or is blank.
 */
export function typedExpression(column: ColumnSpec, raw: Sql, mapping: KindMapping): Sql {
  const text = sql`NULLIF(trim(${raw}), '')`;
  switch (column.type) {
    case 'string': {
      if (!column.values) return sql`CASE WHEN trim(${raw}) = '' THEN NULL ELSE ${raw} END`;
      // Allowed values are matched whatever their case, then stored in their canonical spelling.
      const cases = column.values.map((v) => sql`WHEN ${v.toLowerCase()} THEN ${v}`);
      return sql`CASE lower(${text}) ${sql.join(cases, ' ')} ELSE ${text} END`;
    }
    case 'int':
      return sql`TRY_CAST(${text} AS BIGINT)`;
    case 'money':
      return sql`TRY_CAST(${numberText(text, mapping)} AS DECIMAL(18, 4))`;
    case 'float':
      return sql`TRY_CAST(${numberText(text, mapping)} AS DOUBLE)`;
    case 'date':
      return mapping.dateFormat
        ? sql`CAST(try_strptime(${text}, ${mapping.dateFormat}) AS DATE)`
        : sql`COALESCE(TRY_CAST(${text} AS DATE), CAST(TRY_CAST(${text} AS TIMESTAMP) AS DATE))`;
    case 'timestamp':
      return mapping.timestampFormat
        ? sql`CAST(try_strptime(${text}, ${mapping.timestampFormat}) AS TIMESTAMP)`
        : sql`CAST(TRY_CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP)`;
    case 'bool':
      return sql`CASE WHEN lower(${text}) IN ('true', 't', '1', 'yes', 'y') THEN TRUE
        WHEN lower(${text}) IN ('false', 'f', '0', 'no', 'n') THEN FALSE END`;
  }
}

function numberText(text: Sql, mapping: KindMapping): Sql {
  if (mapping.decimalSeparator === '.') return sql`replace(${text}, ' ', '')`;
  // "1 234,56" or "1.234,56": drop grouping spaces and dots, then the comma is the point.
  return sql`replace(replace(replace(replace(${text}, ' ', ''), chr(160), ''), '.', ''), ',', '.')`;
}

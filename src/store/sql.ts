/**
 * A tagged-template SQL builder: values are kept apart from the text and bound by the dialect
 * (prepared parameters on DuckDB, one typed escaping function where the engine has none).
 */

export type SqlValue = string | number | bigint | boolean | null | Date;

type Part = { kind: 'text'; text: string } | { kind: 'value'; value: SqlValue } | { kind: 'ident'; name: string };

export class Sql {
  constructor(readonly parts: readonly Part[]) {}
}

type Interpolation = SqlValue | Sql;

/** `sql\`select * from ${sql.id('orders')} where customer_id = ${id}\``: values are bound. */
export function sql(strings: TemplateStringsArray, ...values: Interpolation[]): Sql {
  const parts: Part[] = [];
  strings.forEach((text, i) => {
    if (text) parts.push({ kind: 'text', text });
    if (i < values.length) {
      const v = values[i] as Interpolation;
      if (v instanceof Sql) parts.push(...v.parts);
      else parts.push({ kind: 'value', value: v });
    }
  });
  return new Sql(parts);
}

/** An identifier (table or column name), quoted by the dialect. */
sql.id = (name: string): Sql => new Sql([{ kind: 'ident', name }]);

/** Trusted SQL text, such as a keyword chosen by code. Never pass user input here. */
sql.raw = (text: string): Sql => new Sql([{ kind: 'text', text }]);

sql.join = (items: readonly Sql[], separator = ', '): Sql => {
  const parts: Part[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push({ kind: 'text', text: separator });
    parts.push(...item.parts);
  });
  return new Sql(parts);
};

export interface CompiledSql {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

export interface SqlCompiler {
  quoteIdent(name: string): string;
  /** Placeholder for the n-th bound parameter (1-based), or null to inline an escaped literal. */
  placeholder(index: number): string | null;
  literal(value: SqlValue): string;
}

export function compile(query: Sql | string, compiler: SqlCompiler): CompiledSql {
  if (typeof query === 'string') return { text: query, params: [] };
  let text = '';
  const params: SqlValue[] = [];
  for (const part of query.parts) {
    if (part.kind === 'text') text += part.text;
    else if (part.kind === 'ident') text += compiler.quoteIdent(part.name);
    else {
      const placeholder = compiler.placeholder(params.length + 1);
      if (placeholder === null) text += compiler.literal(part.value);
      else {
        params.push(part.value);
        // Dates travel as ISO text: the cast keeps them timestamps wherever they are used.
        text += part.value instanceof Date ? `CAST(${placeholder} AS TIMESTAMP)` : placeholder;
      }
    }
  }
  return { text, params };
}

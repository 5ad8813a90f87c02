import { SNAPSHOT_TABLE, SYSTEM_TABLES, TABLES, type ColumnSpec, type TableSpec } from './schema.js';

const TYPE_NAMES: Record<ColumnSpec['type'], string> = {
  string: 'text',
  int: 'integer',
  money: 'money (exact decimal, 4 places)',
  float: 'number',
  date: 'date',
  timestamp: 'timestamp (UTC)',
  bool: 'boolean',
};

function constraints(c: ColumnSpec): string {
  const parts: string[] = [];
  if (c.required) parts.push('required');
  if (c.values) parts.push(`one of ${c.values.map((v) => `\`${v}\``).join(', ')}`);
  if (c.min !== undefined) parts.push(`>= ${c.min}`);
  if (c.max !== undefined) parts.push(`<= ${c.max}`);
  if (c.references) parts.push(`-> ${c.references.table}.${c.references.column}`);
  return parts.join('; ');
}

function tableSection(t: TableSpec, fileKind = true): string {
  const rows = t.columns.map(
    (c) => `| \`${c.name}\` | ${TYPE_NAMES[c.type]} | ${constraints(c)} | ${c.doc.replaceAll('|', '\\|')} |`,
  );
  return [
    `### \`${t.name}\``,
    '',
    t.doc,
    '',
    `Natural key: ${t.key.length > 0 ? t.key.map((k) => `\`${k}\``).join(' + ') : '(none)'}.${fileKind ? ` File kind: \`${t.name}\`.` : ''}`,
    '',
    '| column | type | constraints | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/**
 * docs/data-model.md, rendered from the table specs (a test keeps the file in step). `derived`:
 * tables `fidelis run` writes that other parts of Fidelis are meant to read (not importable).
 */
export function renderDataModel(extra: readonly TableSpec[] = [], derived: readonly TableSpec[] = [], activation: readonly TableSpec[] = []): string {
  return [
    '# Data model',
    '',
    '<!-- Generated from src/store/schema.ts by `npm run docs`; do not edit by hand. -->',
    '',
    'Fidelis keeps one customer datamart. Every table below is also a file kind for `fidelis import`:',
    'a file named after the table (`orders.csv`, `order_lines.parquet`, `web_events.jsonl`...) or',
    'imported with `--kind`. Amounts are in the one configured currency (`currency`, default EUR) and',
    'stored as exact decimals; times are stored in UTC (an offset in the input is converted).',
    '',
    'A natural key identifies a record: re-importing a record with the same key replaces it when it',
    'changed and leaves it alone otherwise, so importing the same file twice changes nothing. A file',
    'that lacks an optional column leaves that column as it was stored.',
    '',
    '`customers` holds one record per source system (store loyalty file, web accounts, call centre...):',
    'the records of one person are linked through their `identifiers` by identity resolution.',
    'Revenue of a line is `quantity x unit_price - discount`; its margin is revenue minus',
    '`quantity x unit_cost` (the product\'s unit cost when the line has none).',
    '',
    '## Tables',
    '',
    ...[...TABLES, ...extra].map((t: TableSpec) => tableSection(t)),
    '## Bookkeeping tables',
    '',
    ...[...SYSTEM_TABLES, SNAPSHOT_TABLE].map((t) => tableSection(t)),
    ...(derived.length > 0 ? ['## Derived tables', '', 'Written by `fidelis run` from the tables above; read, never imported.', '', ...derived.map((t) => tableSection(t, false))] : []),
    ...(activation.length > 0
      ? ['## Activation tables', '', 'Written by saved audiences, the contact-pressure policy, the campaign planner and delivery (docs/activation.md); read, never imported.', '', ...activation.map((t) => tableSection(t, false))]
      : []),
  ].join('\n');
}

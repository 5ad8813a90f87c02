import type { AudienceFilter, FilterValue } from './tree.js';

/** A value as the text form writes it: strings as JSON strings, which the lexer reads back exactly. */
export function printValue(value: FilterValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * The shape the parser gives: an and/or of one term is that term, and an and inside an and is one
 * and. A JSON tree may be written otherwise; printed in this shape, its text reads back as it.
 */
function canonical(node: AudienceFilter): AudienceFilter {
  if (node.kind === 'not') return { kind: 'not', arg: canonical(node.arg) };
  if (node.kind !== 'and' && node.kind !== 'or') return node;
  const args = node.args.map(canonical).flatMap((a) => (a.kind === node.kind ? a.args : [a]));
  return args.length === 1 ? (args[0] as AudienceFilter) : { kind: node.kind, args };
}

const grouped = (node: AudienceFilter, kinds: readonly string[]): string => (kinds.includes(node.kind) ? `(${print(node)})` : print(node));

/** The compact text form of a (checked) tree, with the parentheses its structure needs and no more. */
export function printFilter(node: AudienceFilter): string {
  return print(canonical(node));
}

function print(node: AudienceFilter): string {
  switch (node.kind) {
    case 'or':
      return node.args.map((a) => grouped(a, ['or'])).join(' or ');
    case 'and':
      return node.args.map((a) => grouped(a, ['and', 'or'])).join(' and ');
    case 'not':
      return `not ${grouped(node.arg, ['and', 'or'])}`;
    case 'compare':
      return `${node.field} ${node.op} ${printValue(node.value)}`;
    case 'in':
      return `${node.field} in (${node.values.map(printValue).join(', ')})`;
    case 'null':
      return `${node.field} is ${node.negated ? 'not ' : ''}null`;
    case 'flag':
      return node.field;
    case 'contacted_within':
      return `contacted_within(${node.amount}${node.unit}${node.channel === undefined ? '' : `, ${JSON.stringify(node.channel)}`})`;
  }
}

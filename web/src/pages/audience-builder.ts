import { h } from '../dom';
import { currentLang, t } from '../i18n';
import type { MessageKey } from '../messages';

/** A field of the catalogue, as GET /api/audiences/fields gives it. */
export interface AudienceField {
  readonly name: string;
  readonly type: 'enum' | 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'set' | 'trait';
  readonly values: readonly string[] | null;
  readonly description: { readonly en: string; readonly fr: string };
}

/** The JSON tree of src/activation/audiences/tree.ts (the server validates it). */
export type Tree =
  | { kind: 'and' | 'or'; args: Tree[] }
  | { kind: 'not'; arg: Tree }
  | { kind: 'compare'; field: string; op: string; value: string | number | boolean }
  | { kind: 'in'; field: string; values: (string | number)[] }
  | { kind: 'null'; field: string; negated: boolean }
  | { kind: 'flag'; field: string }
  | { kind: 'contacted_within'; amount: number; unit: 'd' };

/** A pseudo-field of the builder for contacted_within(Nd). */
const CONTACTED = 'contacted_within';

const OPS: Record<string, readonly string[]> = {
  number: ['>=', '>', '<=', '<', '=', '!=', 'null', 'not_null'],
  integer: ['>=', '>', '<=', '<', '=', '!=', 'null', 'not_null'],
  date: ['>=', '>', '<=', '<', 'null', 'not_null'],
  enum: ['=', '!=', 'in', 'not_in', 'null', 'not_null'],
  string: ['=', '!=', 'in', 'not_in', 'null', 'not_null'],
  set: ['=', '!=', 'in', 'null', 'not_null'],
  trait: ['=', '!=', '>=', '<=', 'null', 'not_null'],
  boolean: ['true', 'false'],
  [CONTACTED]: ['yes', 'no'],
};
const OP_LABEL: Record<string, MessageKey | null> = {
  null: 'opIsNull', not_null: 'opIsNotNull', true: 'opIsTrue', false: 'opIsFalse', in: 'opIn', not_in: 'opNotIn', yes: 'opYes', no: 'opNo',
};

export interface Condition {
  field: string;
  op: string;
  value: string;
}

function typeOf(fields: readonly AudienceField[], name: string): string {
  if (name === CONTACTED) return CONTACTED;
  return fields.find((f) => f.name === name)?.type ?? 'string';
}

const scalar = (type: string, text: string): string | number => {
  const trimmed = text.trim();
  if ((type === 'number' || type === 'integer' || type === 'trait') && trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return trimmed;
};

/** One condition as a tree node. */
function conditionTree(fields: readonly AudienceField[], c: Condition): Tree {
  const type = typeOf(fields, c.field);
  if (type === CONTACTED) {
    const node: Tree = { kind: 'contacted_within', amount: Math.max(1, Math.trunc(Number(c.value) || 7)), unit: 'd' };
    return c.op === 'no' ? { kind: 'not', arg: node } : node;
  }
  if (type === 'boolean') return c.op === 'false' ? { kind: 'not', arg: { kind: 'flag', field: c.field } } : { kind: 'flag', field: c.field };
  if (c.op === 'null' || c.op === 'not_null') return { kind: 'null', field: c.field, negated: c.op === 'not_null' };
  if (c.op === 'in' || c.op === 'not_in') {
    const node: Tree = { kind: 'in', field: c.field, values: c.value.split(',').map((v) => scalar(type, v)).filter((v) => v !== '') };
    return c.op === 'not_in' ? { kind: 'not', arg: node } : node;
  }
  return { kind: 'compare', field: c.field, op: c.op, value: scalar(type, c.value) };
}

export function builderTree(fields: readonly AudienceField[], match: 'and' | 'or', conditions: readonly Condition[]): Tree | null {
  if (conditions.length === 0) return null;
  const args = conditions.map((c) => conditionTree(fields, c));
  return args.length === 1 ? (args[0] as Tree) : { kind: match, args };
}

/** A condition row: field, operator, value; `changed` after any edit. */
export function conditionRow(fields: readonly AudienceField[], condition: Condition, index: number, changed: (redraw: boolean) => void, remove: () => void): HTMLElement {
  const lang = currentLang();
  const fieldSelect = h(
    'select',
    { class: 'audience-field', 'data-index': index, 'aria-label': t('audienceField') },
    h('option', { value: CONTACTED, title: t('audienceContactedWithin') }, `contacted_within — ${t('audienceContactedWithin')}`),
    fields
      .filter((f) => f.type !== 'trait')
      .map((f) => h('option', { value: f.name, title: f.description[lang] }, f.name)),
  );
  fieldSelect.value = condition.field;
  const type = typeOf(fields, condition.field);
  const ops = OPS[type] ?? OPS.string ?? [];
  if (!ops.includes(condition.op)) condition.op = ops[0] ?? '=';
  const opSelect = h(
    'select',
    { class: 'audience-op', 'data-index': index, 'aria-label': t('audienceOperator') },
    ops.map((op) => h('option', { value: op }, OP_LABEL[op] ? t(OP_LABEL[op]) : op)),
  );
  opSelect.value = condition.op;
  const spec = fields.find((f) => f.name === condition.field);
  const needsValue = !['null', 'not_null', 'true', 'false'].includes(condition.op) && type !== 'boolean';
  let valueInput: HTMLInputElement | HTMLSelectElement | null = null;
  if (needsValue) {
    if (spec?.values && (condition.op === '=' || condition.op === '!=') && spec.type === 'enum') {
      valueInput = h('select', { class: 'audience-value', 'data-index': index, 'aria-label': t('audienceValue') }, spec.values.map((v) => h('option', { value: v }, v)));
      if (!spec.values.includes(condition.value)) condition.value = spec.values[0] ?? '';
      valueInput.value = condition.value;
    } else {
      const placeholder = condition.op === 'in' || condition.op === 'not_in' ? t('audienceValuesHint') : type === 'date' ? '2025-01-31' : '';
      valueInput = h('input', {
        class: 'audience-value', 'data-index': index, 'aria-label': t('audienceValue'), placeholder,
        type: type === 'number' || type === 'integer' || type === CONTACTED ? 'number' : 'text', step: 'any', value: condition.value,
      });
    }
  }
  fieldSelect.addEventListener('change', () => {
    condition.field = fieldSelect.value;
    condition.op = '';
    condition.value = fieldSelect.value === CONTACTED ? '7' : '';
    changed(true);
  });
  opSelect.addEventListener('change', () => {
    condition.op = opSelect.value;
    changed(true);
  });
  valueInput?.addEventListener(valueInput instanceof HTMLSelectElement ? 'change' : 'input', () => {
    condition.value = valueInput.value;
    // The value alone: the rows are not drawn again, so the input keeps its focus.
    changed(false);
  });
  return h(
    'div',
    { class: 'audience-condition', 'data-index': index, title: spec?.description[lang] ?? t('audienceContactedWithin') },
    fieldSelect,
    opSelect,
    valueInput,
    h('button', { type: 'button', class: 'secondary audience-remove', onclick: remove }, t('audienceRemove')),
  );
}

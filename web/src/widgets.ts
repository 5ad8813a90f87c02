import { h } from './dom';
import { className, currentLang, setLang, t, type Lang } from './i18n';

export function languageSwitch(): HTMLElement {
  const select = h('select', { id: 'lang-switch', 'aria-label': t('language') }, h('option', { value: 'en' }, 'English'), h('option', { value: 'fr' }, 'Français'));
  select.value = currentLang();
  select.addEventListener('change', () => setLang(select.value as Lang));
  return select;
}

/** A select of a dimension's values, with "All" first. */
export function valueSelect(attrs: Record<string, string>, values: readonly string[], selected: string | null, label: (value: string) => string = className): HTMLSelectElement {
  const select = h('select', attrs, h('option', { value: '' }, t('allValues')), values.map((value) => h('option', { value }, label(value))));
  select.value = selected ?? '';
  return select;
}

/** A KPI: a label, a big figure and a line under it. */
export function stat(label: string, value: string, note?: string, attrs: Record<string, string> = {}): HTMLElement {
  return h('div', { class: 'stat', ...attrs }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value), note ? h('div', { class: 'stat-note' }, note) : null);
}

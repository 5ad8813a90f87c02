import { api } from '../api';
import { card, h, mount, table } from '../dom';
import { className, currentLang, fmt, t, type Lang } from '../i18n';
import type { MessageKey } from '../messages';
import { href, navigate, type Route } from '../router';
import { stat } from '../widgets';

// The shapes of GET /api/pressure and /api/pressure/persons/{id} (src/dashboard/pressure-schemas.ts).
interface PressureWindow {
  scope: string;
  days: number;
  max: number;
  rows: { tier: string; contacts: number; persons: number }[];
  overCap: { tier: string; persons: number }[];
  everOverCap: number;
}
interface PressureReport {
  asOf: string;
  persons: number;
  windows: PressureWindow[];
  overCapPersons: number;
  overCapExamples: string[];
  neverContacted: { tier: string; persons: number }[];
  withoutConsent: { fidelis: number; imported: number };
  verdicts: { channel: string; allowed: number; blocked: Record<string, number> }[];
}
interface PressureExplanation {
  personId: string;
  asOf: string;
  verdicts: { channel: string; used: number; cap: number | null; remaining: number; blockedReason: string | null; text: Record<Lang, string> }[];
}

const scopeName = (scope: string): string => (scope === 'all' ? t('pressureAllChannels') : t(`channel_${scope}` as MessageKey));
const reasonName = (key: string): string => t(`pressure_${key.replace('pressure.', '')}` as MessageKey);

function distribution(r: PressureReport): HTMLElement {
  const rows = r.windows.flatMap((w) =>
    [...new Set(w.rows.map((x) => x.tier))].map((tier) => {
      const persons = (pick: (n: number) => boolean) => fmt.number(w.rows.filter((x) => x.tier === tier && pick(x.contacts)).reduce((s, x) => s + x.persons, 0));
      const over = w.overCap.find((o) => o.tier === tier)?.persons ?? 0;
      return [scopeName(w.scope), t('pressureWindow', { max: w.max, days: w.days }), className(tier), persons((n) => n === 0), persons((n) => n === 1), persons((n) => n === 2), persons((n) => n >= 3),
        h('span', { class: over > 0 ? 'warning' : null, 'data-over': `${w.scope}/${w.days}/${tier}` }, fmt.number(over))];
    }),
  );
  return card(
    t('pressureDistribution'),
    h('p', { class: 'hint' }, t('pressureDistributionHint')),
    table([t('pressureChannel'), t('pressureCap'), t('pressureTier'), '0', '1', '2', '3+', t('pressureOverCap')], rows, { 'data-table': 'pressure-distribution' }),
  );
}

function overCaps(r: PressureReport): HTMLElement {
  return card(
    t('pressureOverCaps'),
    h('p', { class: 'hint' }, t('pressureOverCapsHint')),
    table(
      [t('pressureChannel'), t('pressureCap'), t('pressureOverNow'), t('pressureEverOver')],
      r.windows.map((w) => [scopeName(w.scope), t('pressureWindow', { max: w.max, days: w.days }), fmt.number(w.overCap.reduce((s, o) => s + o.persons, 0)), h('span', { 'data-ever': `${w.scope}/${w.days}` }, fmt.number(w.everOverCap))]),
      { 'data-table': 'pressure-over' },
    ),
    r.overCapExamples.length > 0
      ? h('p', null, `${t('pressureExamples')} `, r.overCapExamples.map((id) => h('a', { href: href(['pressure'], { person: id }), class: 'chip', 'data-person': id }, id)))
      : null,
  );
}

function verdicts(r: PressureReport): HTMLElement {
  const reasons = [...new Set(r.verdicts.flatMap((v) => Object.keys(v.blocked)))].sort();
  return card(
    t('pressureVerdicts'),
    h('p', { class: 'hint' }, t('pressureVerdictsHint')),
    table(
      [t('pressureChannel'), t('pressureAllowed'), ...reasons.map(reasonName)],
      r.verdicts.map((v) => [scopeName(v.channel), fmt.number(v.allowed), ...reasons.map((k) => fmt.number(v.blocked[k] ?? 0))]),
      { 'data-table': 'pressure-verdicts' },
    ),
  );
}

async function personPanel(route: Route, isCurrent: () => boolean): Promise<HTMLElement> {
  const id = route.query.get('person') ?? '';
  const input = h('input', { id: 'pressure-person', type: 'search', value: id, placeholder: t('pressurePersonPlaceholder'), 'aria-label': t('pressurePerson') });
  const form = h('form', { id: 'pressure-person-form', class: 'inline-form' }, input, h('button', { type: 'submit', id: 'pressure-explain' }, t('pressureExplain')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(['pressure'], { person: input.value.trim() });
  });
  let body: HTMLElement | null = null;
  if (id !== '') {
    try {
      const e = await api<PressureExplanation>(`/api/pressure/persons/${encodeURIComponent(id)}`);
      if (!isCurrent()) return h('div');
      const lang = currentLang();
      body = table(
        [t('pressureChannel'), t('pressureRemaining'), t('pressureWhy')],
        e.verdicts.map((v) => [scopeName(v.channel), fmt.number(v.remaining), h('span', { 'data-reason': v.blockedReason ?? 'allowed' }, v.text[lang])]),
        { 'data-table': 'pressure-person', 'data-person': e.personId },
      );
    } catch (error) {
      body = h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
    }
  }
  return card(t('pressurePerson'), form, body);
}

export async function renderPressure(main: HTMLElement, route: Route, isCurrent: () => boolean): Promise<void> {
  const r = await api<PressureReport>('/api/pressure');
  if (!isCurrent()) return;
  const person = await personPanel(route, isCurrent);
  if (!isCurrent()) return;
  const never = r.neverContacted.reduce((s, x) => s + x.persons, 0);
  mount(
    main,
    h('div', { class: 'page-title' }, h('h1', null, t('pressure')), h('span', { class: 'as-of' }, t('asOf', { date: fmt.date(r.asOf) }))),
    h(
      'div',
      { class: 'stats' },
      stat(t('pressurePersons'), fmt.number(r.persons), undefined, { id: 'pressure-persons', 'data-value': String(r.persons) }),
      stat(t('pressureOverCapNow'), fmt.number(r.overCapPersons), t('ofBase', { share: fmt.percent(r.persons > 0 ? r.overCapPersons / r.persons : 0, 1) }), { id: 'pressure-over-cap', 'data-value': String(r.overCapPersons) }),
      stat(t('pressureNeverContacted'), fmt.number(never), r.neverContacted.map((x) => `${className(x.tier)} ${fmt.number(x.persons)}`).join(' · '), { id: 'pressure-never', 'data-value': String(never) }),
      stat(t('pressureWithoutConsentFidelis'), fmt.number(r.withoutConsent.fidelis), t('pressureMustBeZero'), { id: 'pressure-consent-fidelis', 'data-value': String(r.withoutConsent.fidelis) }),
      stat(t('pressureWithoutConsentImported'), fmt.number(r.withoutConsent.imported), t('pressureImportedHint'), { id: 'pressure-consent-imported', 'data-value': String(r.withoutConsent.imported) }),
    ),
    person,
    distribution(r),
    overCaps(r),
    verdicts(r),
  );
}

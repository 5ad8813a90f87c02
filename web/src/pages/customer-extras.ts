// Parts of the customer 360 added for issue 16: his engagement with marketing, his path over the
// snapshots, and a timeline that filters by kind and shows more on demand. Their words live here,
// in both languages, beside the code that shows them.
import { card, h, mount, table } from '../dom';
import { className, currentLang, fmt, t } from '../i18n';
import type { MessageKey } from '../messages';
import type { Customer360 } from '../types';
import { stat } from '../widgets';
import { systemName } from '../profile-labels';

const CONTACT_CHANNELS = new Set(['email', 'sms', 'mail', 'push']);
/** A timeline entry's channel by its name: a contact channel (e-mail, SMS...) or where he ordered (store, web, phone, app). */
const channelLabel = (channel: string): string => (CONTACT_CHANNELS.has(channel) ? t(`channel_${channel}` as MessageKey) : systemName(channel));

type Text = { readonly en: string; readonly fr: string };
const say = (text: Text, params: Record<string, string | number> = {}): string =>
  text[currentLang()].replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));

const TEXT = {
  engagement: { en: 'Engagement', fr: 'Engagement' },
  engagementHint: {
    en: 'Marketing contacts sent to him before {date} (the last analysis), and his reactions to every e-mail sent to him.',
    fr: 'Contacts marketing qui lui ont été envoyés avant le {date} (dernière analyse), et ses réactions à tous les e-mails reçus.',
  },
  contacts30: { en: 'Contacts, last 30 days', fr: 'Contacts, 30 derniers jours' },
  contacts90: { en: 'Contacts, last 90 days', fr: 'Contacts, 90 derniers jours' },
  openRate: { en: 'E-mails opened ({emails} sent)', fr: 'E-mails ouverts ({emails} envoyés)' },
  clickRate: { en: 'E-mails clicked', fr: 'E-mails cliqués' },
  path: { en: 'Path over the snapshots', fr: 'Parcours au fil des photos' },
  pathHint: { en: 'His classes at each analysis date, oldest first.', fr: 'Ses classes à chaque date d’analyse, de la plus ancienne à la plus récente.' },
  date: { en: 'Date', fr: 'Date' },
  allKinds: { en: 'All', fr: 'Tout' },
  kindFilter: { en: 'Show in the timeline', fr: 'Afficher dans l’historique' },
  more: { en: 'Show {n} more ({left} left)', fr: 'En afficher {n} de plus ({left} restants)' },
} as const satisfies Record<string, Text>;


/** Contacts in the last 30 and 90 days, open and click rates of his e-mails. */
export function engagementCard(c: Customer360): HTMLElement {
  const e = c.engagement;
  return card(
    say(TEXT.engagement),
    h('p', { class: 'hint' }, say(TEXT.engagementHint, { date: fmt.date(e.asOf) })),
    h(
      'div',
      { class: 'stats', 'data-card': 'engagement' },
      stat(say(TEXT.contacts30), fmt.number(e.contacts30), undefined, { 'data-field': 'contacts-30' }),
      stat(say(TEXT.contacts90), fmt.number(e.contacts90), undefined, { 'data-field': 'contacts-90' }),
      stat(say(TEXT.openRate, { emails: fmt.number(e.emails) }), fmt.percent(e.openRate), undefined, { 'data-field': 'open-rate' }),
      stat(say(TEXT.clickRate), fmt.percent(e.clickRate), undefined, { 'data-field': 'click-rate' }),
    ),
  );
}

const PATH_DIMENSIONS = ['value_tier', 'value_column', 'grid', 'digital_type', 'rfm_segment'] as const;

/** His classes at every snapshot (the API's `path`), oldest first; null when he is in none. */
export function pathCard(c: Customer360): HTMLElement | null {
  const path = c.path ?? [];
  if (path.length === 0) return null;
  const cell = (v: unknown): string => (typeof v === 'string' && v !== '' ? className(v) : '–');
  return card(
    say(TEXT.path),
    h('p', { class: 'hint' }, say(TEXT.pathHint)),
    table(
      [say(TEXT.date), ...PATH_DIMENSIONS.map((d) => className(d))],
      path.map((s) => [fmt.date(typeof s.as_of === 'string' ? s.as_of : null), ...PATH_DIMENSIONS.map((d) => cell(s[d]))]),
      { 'data-table': 'path' },
    ),
  );
}

const PAGE = 20;

/** The timeline, newest first, PAGE entries at a time, filtered by kind. */
export function timelineView(c: Customer360): HTMLElement {
  const kinds = [...new Set(c.timeline.map((e) => e.kind))];
  let kind: string | null = null;
  let shown = PAGE;
  const list = h('ol', { class: 'timeline', 'data-list': 'timeline' });
  const more = h('button', { type: 'button', class: 'more', 'data-action': 'timeline-more' });
  const draw = (): void => {
    const entries = c.timeline.filter((e) => kind === null || e.kind === kind);
    mount(
      list,
      entries.slice(0, shown).map((e) =>
        h(
          'li',
          { 'data-kind': e.kind },
          h('span', { class: `badge kind-${e.kind}` }, t(`kind_${e.kind}` as MessageKey)),
          h('time', null, fmt.dateTime(e.at)),
          h('span', { class: 'label', 'data-message': e.message.key }, e.message.text[currentLang()]),
          e.amount !== undefined ? h('span', { class: 'amount' }, fmt.money(e.amount, 2)) : null,
          e.channel ? h('span', { class: 'channel', 'data-channel': e.channel }, channelLabel(e.channel)) : null,
        ),
      ),
    );
    const left = entries.length - Math.min(shown, entries.length);
    more.textContent = say(TEXT.more, { n: Math.min(PAGE, left), left });
    more.hidden = left === 0;
  };
  more.addEventListener('click', () => {
    shown += PAGE;
    draw();
  });
  const filter = h(
    'select',
    {
      'aria-label': say(TEXT.kindFilter),
      'data-filter': 'timeline-kind',
      onchange: (event: Event) => {
        const value = (event.target as HTMLSelectElement).value;
        kind = value === '' ? null : value;
        shown = PAGE;
        draw();
      },
    },
    h('option', { value: '' }, say(TEXT.allKinds)),
    kinds.map((k) => h('option', { value: k }, t(`kind_${k}` as MessageKey))),
  );
  draw();
  return h('div', null, h('div', { class: 'filters' }, h('label', null, say(TEXT.kindFilter), ' ', filter)), list, more);
}

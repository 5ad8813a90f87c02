import { api, ApiFailure, can } from '../api';
import { card, h, mount, saveBlob, table } from '../dom';
import { fmt, t } from '../i18n';
import type { MessageKey } from '../messages';
import { href } from '../router';
import { dialectSelect } from './segment-export';
import { builderTree, conditionRow, type AudienceField, type Condition, type Tree } from './audience-builder';

interface Member {
  person_id: string;
  first_name: string | null;
  last_name: string | null;
  city: string | null;
  value_tier: string | null;
  clv: number | null;
  p_alive: number | null;
}
interface Preview {
  text: string;
  tree: Tree;
  count: number;
  members: Member[];
}
interface Saved {
  name: string;
  text: string;
  count: number;
}

const CHANNELS = ['email', 'sms', 'mail', 'phone', 'push'] as const;
/** Time the builder waits after an edit before counting: typing a value sends one request, not one a key. */
const DEBOUNCE_MS = 250;

function membersTable(members: readonly Member[]): HTMLElement {
  if (members.length === 0) return h('p', { class: 'hint' }, t('audienceNoMembers'));
  return table(
    [t('id'), t('name'), t('city'), 'Tier', t('clv'), t('pAlive')],
    members.map((m) => [
      h('a', { class: 'customer-link', 'data-id': m.person_id, href: href(['customers', m.person_id]) }, m.person_id),
      [m.first_name, m.last_name].filter(Boolean).join(' '),
      m.city ?? '',
      m.value_tier ?? '',
      m.clv === null ? '' : fmt.money(m.clv),
      m.p_alive === null ? '' : fmt.number(m.p_alive, 2),
    ]),
    { 'data-table': 'audience-members' },
  );
}

async function errorText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    return body.error?.message ?? `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

/** Export of a saved audience: fetched (to read the X-Fidelis-* headers), then handed over as a blob. */
function exportControl(name: () => string | null): HTMLElement {
  const admin = can('export');
  const channel = h('select', { id: 'audience-export-channel', 'aria-label': t('exportFor') }, CHANNELS.map((c) => h('option', { value: c }, t(`channel_${c}` as MessageKey))));
  const format = h('select', { id: 'audience-export-format', 'aria-label': t('audienceFormat') }, h('option', { value: 'csv' }, 'CSV'), h('option', { value: 'jsonl' }, 'JSON Lines'));
  const summary = h('p', { id: 'audience-export-summary', class: 'hint', 'aria-live': 'polite' }, admin ? t('exportRule') : t('audienceAdminOnly'));
  const dialect = dialectSelect('audience-export-dialect');
  const button = h('button', { type: 'button', id: 'audience-export', 'aria-disabled': admin ? null : 'true', disabled: !admin }, t('audienceExport'));
  button.addEventListener('click', () => {
    const audience = name();
    if (audience === null) {
      summary.textContent = t('audienceExportPick');
      return;
    }
    void (async () => {
      button.disabled = true;
      try {
        const response = await fetch(`/api/audiences/${encodeURIComponent(audience)}/export?channel=${channel.value}&format=${format.value}&dialect=${dialect.value}`, { credentials: 'same-origin' });
        if (!response.ok) {
          summary.textContent = `${t('error')}: ${await errorText(response)}`;
          return;
        }
        const blob = await response.blob();
        const count = (header: string): string => fmt.number(Number(response.headers.get(header) ?? 0));
        summary.textContent = t('audienceExportSummary', {
          exported: count('x-fidelis-exported'), channel: t(`channel_${channel.value}` as MessageKey), leftOut: count('x-fidelis-left-out'),
          optedOut: count('x-fidelis-left-out-opted-out'), unknown: count('x-fidelis-left-out-unknown'), pressure: count('x-fidelis-left-out-pressure'),
        });
        summary.dataset.exported = response.headers.get('x-fidelis-exported') ?? '';
        saveBlob(blob, `${audience}-${channel.value}.${format.value}`);
      } finally {
        button.disabled = false;
      }
    })();
  });
  return h('div', { class: 'export-control' }, h('div', { class: 'export-row' }, channel, format, dialect, button), summary);
}

/** The Audiences page: a builder over the field catalogue with a live count and preview, save, saved list, export. */
export async function renderAudiences(main: HTMLElement, isCurrent: () => boolean): Promise<void> {
  const [{ fields }, { audiences }] = await Promise.all([
    api<{ fields: AudienceField[] }>('/api/audiences/fields'),
    api<{ audiences: Saved[] }>('/api/audiences'),
  ]);
  if (!isCurrent()) return;
  const admin = can('export');
  const conditions: Condition[] = [{ field: 'tier', op: 'in', value: 'CPP, CCM' }, { field: 'consent.email', op: 'true', value: '' }];
  let match: 'and' | 'or' = 'and';
  let savedName: string | null = null;
  let request = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const rows = h('div', { id: 'audience-conditions' });
  const matchSelect = h('select', { id: 'audience-match', 'aria-label': t('audienceMatch') }, h('option', { value: 'and' }, t('audienceMatchAll')), h('option', { value: 'or' }, t('audienceMatchAny')));
  const text = h('textarea', { id: 'audience-text', rows: 2, spellcheck: 'false', 'aria-label': t('audienceText') });
  const problem = h('p', { id: 'audience-error', class: 'error', role: 'alert', hidden: true });
  const count = h('p', { id: 'audience-count', class: 'kpi-value', 'aria-live': 'polite' }, '…');
  const members = h('div', { id: 'audience-members' });
  const nameInput = h('input', { id: 'audience-name', 'aria-label': t('audienceName'), placeholder: t('audienceName'), disabled: !admin });
  const saveNote = h('p', { id: 'audience-save-note', class: 'hint', 'aria-live': 'polite' }, admin ? '' : t('audienceAdminOnly'));
  const saveButton = h('button', { type: 'button', id: 'audience-save', disabled: !admin, 'aria-disabled': admin ? null : 'true' }, t('audienceSave'));
  const savedList = h('div', { id: 'audience-saved' });

  /** Counts and previews the current definition: the builder's tree, or the text when it was edited last. */
  const refresh = (body: { definition: Tree } | { where: string } | null): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const mine = ++request;
      if (body === null) {
        count.textContent = '';
        mount(members);
        return;
      }
      main.removeAttribute('data-counted');
      api<Preview>('/api/audiences/preview?limit=10', { method: 'POST', body })
        .then((preview) => {
          if (mine !== request || !isCurrent()) return;
          problem.hidden = true;
          count.textContent = t('audienceCount', { count: fmt.number(preview.count) });
          count.dataset.count = String(preview.count);
          if (!('where' in body)) text.value = preview.text;
          mount(members, membersTable(preview.members));
          main.setAttribute('data-counted', 'true');
        })
        .catch((error: unknown) => {
          if (mine !== request || !isCurrent()) return;
          problem.hidden = false;
          problem.textContent = error instanceof ApiFailure ? error.message : String(error);
          main.setAttribute('data-counted', 'error');
        });
    }, DEBOUNCE_MS);
  };
  const fromBuilder = (): void => {
    const tree = builderTree(fields, match, conditions);
    refresh(tree === null ? null : { definition: tree });
  };
  const drawRows = (): void => {
    mount(
      rows,
      conditions.map((c, i) =>
        conditionRow(fields, c, i, (redraw) => {
          if (redraw) drawRows();
          fromBuilder();
        }, () => {
          conditions.splice(i, 1);
          drawRows();
          fromBuilder();
        }),
      ),
    );
  };
  const drawSaved = (list: readonly Saved[]): void => {
    mount(
      savedList,
      list.length === 0
        ? h('p', { class: 'hint' }, t('audienceNone'))
        : table(
            [t('audienceName'), t('segmentSize'), t('audienceWhere'), ''],
            list.map((a) => [
              a.name,
              fmt.number(a.count),
              h('code', null, a.text),
              h('button', { type: 'button', class: 'secondary audience-open', 'data-name': a.name, onclick: () => {
                savedName = a.name;
                nameInput.value = a.name;
                text.value = a.text;
                refresh({ where: a.text });
              } }, t('audienceOpen')),
            ]),
            { 'data-table': 'audiences' },
          ),
    );
  };

  matchSelect.addEventListener('change', () => {
    match = matchSelect.value === 'or' ? 'or' : 'and';
    fromBuilder();
  });
  text.addEventListener('input', () => refresh(text.value.trim() === '' ? null : { where: text.value }));
  saveButton.addEventListener('click', () => {
    void (async () => {
      try {
        const saved = await api<Saved>('/api/audiences', { method: 'POST', body: { name: nameInput.value.trim(), where: text.value } });
        savedName = saved.name;
        saveNote.textContent = t('audienceSaved', { name: saved.name });
        drawSaved((await api<{ audiences: Saved[] }>('/api/audiences')).audiences);
      } catch (error) {
        saveNote.textContent = `${t('error')}: ${error instanceof Error ? error.message : String(error)}`;
      }
    })();
  });

  drawRows();
  drawSaved(audiences);
  mount(
    main,
    h('h1', null, t('audiences')),
    card(
      t('audienceBuilder'),
      h('div', { class: 'audience-match' }, h('span', null, t('audienceMatch')), ' ', matchSelect),
      rows,
      h('button', { type: 'button', id: 'audience-add', class: 'secondary', onclick: () => {
        conditions.push({ field: 'p_alive', op: '>=', value: '0.5' });
        drawRows();
        fromBuilder();
      } }, t('audienceAdd')),
      h('h3', null, t('audienceText')),
      text,
      h('p', { class: 'hint' }, t('audienceTextHint')),
      problem,
    ),
    card(t('audienceMembers'), count, members),
    card(t('audienceSave'), h('div', { class: 'export-row' }, nameInput, saveButton), saveNote, exportControl(() => savedName)),
    card(t('audienceSavedList'), savedList),
  );
  fromBuilder();
}

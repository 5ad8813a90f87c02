import { Command, Option } from 'commander';
import { LANGUAGES, type Language } from '../activation/index.js';
import { customerCard, localiseCard, type CustomerCard } from '../profiles/index.js';
import { formatMoney } from '../segments/index.js';
import { renderNextOrderMessage } from '../value/next-order-messages.js';
import { formatDate, formatNumber, table } from './format.js';
import { configOption, dbOption, jsonOption, printJson, withStore } from './options.js';

export function customerCommand(): Command {
  return new Command('customer')
    .description("print a customer's full card: profile, value, classes with their reasons, affinities and next best offers")
    .argument('<id>', 'person id or any of his customer record ids')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(new Option('--lang <lang>', 'language of the explanations (also of `reasons` and `explanation` in --json)').choices(LANGUAGES).default('en'))
    .action(async (id: string, options: { db?: string; config?: string; json?: boolean; lang: Language }) => {
      const { card, currency } = await withStore(options, async (engine, config) => ({
        card: localiseCard(await customerCard(engine, id, config), options.lang),
        currency: config.currency,
      }));
      if (options.json) printJson(card);
      else printCard(card, currency, options.lang);
    });
}

const text = (v: unknown): string => {
  if (v === null || v === undefined) return '-';
  if (v instanceof Date) return formatDate(v);
  if (typeof v === 'number') return formatNumber(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
};

const NOT_ESTIMABLE: Record<Language, string> = {
  en: 'not estimable (BG/NBD counts a customer without a repeat purchase as alive by construction)',
  fr: 'non estimable (BG/NBD tient par construction pour actif un client sans second achat)',
};

/** His P(alive), or why the model cannot estimate it. */
function pAliveText(value: Record<string, unknown>, lang: Language): string {
  const p = num(value.p_alive);
  if (p === null) return value.p_alive_reason ? NOT_ESTIMABLE[lang] : '-';
  return `${Math.round(100 * p)}%`;
}

/** His churn risk and expected next order, and why his CLV contradicts his RFM segment when it does. */
function printOutlook(card: CustomerCard, lang: Language): void {
  const o = card.outlook;
  const label = (field: string): string => o.definitions.find((d) => d.field === field)?.label[lang] ?? field;
  const next = o.nextOrder.date !== null ? `${o.nextOrder.date} (${renderNextOrderMessage(lang, 'value.next_order.if_alive', {})})` : (o.nextOrder.text?.[lang] ?? '-');
  console.log(`  ${label('churn_risk')}: ${o.churnRisk.text[lang]}; ${label('next_order')}: ${next}`);
  if (o.clvExplanation) console.log(`  ${o.clvExplanation.text[lang]}`);
}

function printCard(card: CustomerCard, currency: string, lang: Language): void {
  const c = card.value ?? {};
  const p = (field: string): string => text(card.profile[field]?.value);
  console.log(`Customer ${card.id}  (records: ${card.records.join(', ')})`);
  console.log(`\nProfile\n  ${[p('first_name'), p('last_name')].join(' ')}; born ${p('birth_date')}; ${p('gender')}; household ${p('household_size')}, children ${p('children')}; ${p('city')} ${p('country')}`);
  console.log(`  ${p('socio_professional_category')}, income ${p('income_band')}; interests ${p('interests')}`);
  if (card.identifiers.length > 0) console.log(`  identifiers: ${card.identifiers.map((i) => `${i.type} ${i.value} (${i.source ?? '?'})`).join('; ')}`);
  console.log(`  consent now: ${card.currentConsents.map((k) => (k.at === null ? `${k.channel} unknown (no consent)` : `${k.channel} ${k.status} (${formatDate(new Date(k.at))}, ${k.source ?? '?'}, record ${k.record ?? '?'})`)).join('; ')}`);
  if (card.consents.length > 0) console.log(`  consent history: ${card.consents.map((k) => `${k.channel} ${k.status} (${formatDate(new Date(k.at))}, ${k.source})`).join('; ')}`);
  console.log('\nValue');
  console.log(`  ${text(c.orders)} orders, revenue ${formatMoney(num(c.revenue), currency)}, gross margin ${formatMoney(num(c.gross_margin), currency)}, net contribution ${formatMoney(num(c.net_contribution), currency)}`);
  console.log(`  first purchase ${text(c.first_purchase)}, last ${text(c.last_purchase)}; predicted CLV ${formatMoney(num(c.clv), currency)}, P(alive) ${pAliveText(c, lang)}`);
  printValueFigures(card, currency, lang);
  printOutlook(card, lang);
  console.log('\nClasses');
  for (const reason of card.classes) {
    console.log(`  ${reason.dimension}: ${reason.value}`);
    for (const line of reason.messages?.map((m) => m.text[lang]) ?? reason.reasons) console.log(`    - ${line}`);
  }
  if (card.channels) {
    console.log(`\nChannels (response = ${card.channels.response})`);
    console.log(`  ${card.channels.explanation.text[lang]}`);
    console.log(table(['channel', 'contacts', 'responses', 'P(response)', 'value', 'cost', 'expected', 'consent', ''], card.channels.channels.map((c) => [
      c.channel, c.contacts, c.responses, c.p_response === null ? '-' : `${(100 * c.p_response).toFixed(1)}%`, money(c.response_value), money(c.unit_cost),
      money(c.expected_value), c.consented ? 'yes' : 'no', c.is_preferred ? 'preferred' : '',
    ])));
    for (const c of card.channels.channels) console.log(`  - ${c.evidence.text[lang]}${c.value ? `; ${c.value.text[lang]}` : ''}`);
  }
  if (card.affinities.length > 0) {
    console.log('\nAffinities');
    for (const a of card.affinities) console.log(`  - ${a.explanation}`);
  }
  if (card.nextBestOffers.length > 0) {
    console.log('\nNext best offers');
    for (const o of card.nextBestOffers) console.log(`  ${o.rank}. [${o.kind}] ${o.explanation}`);
  }
  if (card.path.length > 1) {
    console.log('\nPath over snapshots');
    console.log(table(['as of', 'tier', 'column', 'grid', 'RFM', 'CLV'], card.path.map((s) => [
      text(s.as_of), text(s.value_tier), text(s.value_column), text(s.grid), text(s.rfm_segment), Math.round(num(s.clv) ?? 0),
    ])));
  }
}

/** Both values, the net value, referral value and satisfaction, each under its label (horizon, basis, discounting) in the card's language. */
function printValueFigures(card: CustomerCard, currency: string, lang: Language): void {
  const c = card.value ?? {};
  for (const d of card.valueDefinitions) {
    if (d.field === 'clv_lifetime' && card.valueDefinitions.some((o) => o.field === 'clv' && o.key === d.key)) continue;
    const v = num(c[d.field]);
    const shown = ['referred', 'latest_nps', 'latest_csat', 'complaints'].includes(d.field) ? (v === null ? '-' : formatNumber(v)) : formatMoney(v, currency);
    console.log(`  ${d.label[lang]}: ${shown}`);
  }
}

const money = (v: number | null): string => (v === null ? '-' : v.toFixed(2));

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

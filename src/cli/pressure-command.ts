import { Command, Option } from 'commander';
import { defaultPressureAsOf, explainPressure, pressureReport, type PressureExplanation, type PressureReport } from '../activation/pressure/index.js';
import { formatDate, table } from './format.js';
import { configOption, dbOption, isoDate, jsonOption, printJson, withStore } from './options.js';

interface PressureOptions {
  db?: string;
  config?: string;
  json?: boolean;
  asOf?: Date;
  person?: string;
  lang: 'en' | 'fr';
}

export function pressureCommand(): Command {
  return new Command('pressure')
    .description('contact pressure: contacts per person per window by tier and channel, persons over a cap (now and ever), never contacted, contacts without consent, and the policy\'s verdict per channel; or one person\'s verdict in words (--person)')
    .option('--as-of <date>', 'judge at this date (default: the as-of date of the latest run, else now)', isoDate)
    .option('--person <id>', "explain one person's verdict per channel instead of the report")
    .addOption(new Option('--lang <lang>', 'language of the explanation').choices(['en', 'fr']).default('en'))
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: PressureOptions) => {
      const result = await withStore(options, async (engine, config) => {
        const asOf = options.asOf ?? (await defaultPressureAsOf(engine));
        return options.person === undefined
          ? { report: await pressureReport(engine, config, asOf) }
          : { explanation: await explainPressure(engine, config, options.person, asOf) };
      });
      if (options.json) printJson(result.report ?? result.explanation);
      else if (result.report) printReport(result.report);
      else if (result.explanation) printExplanation(result.explanation, options.lang);
    });
}

function printExplanation(e: PressureExplanation, lang: 'en' | 'fr'): void {
  console.log(`${lang === 'fr' ? 'Pression de contact de' : 'Contact pressure of'} ${e.personId} (${formatDate(new Date(e.asOf))})`);
  for (const v of e.verdicts) console.log(`  ${v.channel.padEnd(6)} ${lang === 'fr' ? 'reste' : 'remaining'} ${v.remaining}: ${v.text[lang]}`);
}

function printReport(r: PressureReport): void {
  console.log(`Contact pressure as of ${formatDate(new Date(r.asOf))}: ${r.persons} persons; planned and sent contacts count, cancelled ones do not.`);
  console.log('\nPersons by number of contacts in the window ending at the as-of date');
  const rows: (string | number)[][] = [];
  for (const w of r.windows) {
    const tiers = [...new Set(w.rows.map((x) => x.tier))];
    for (const tier of tiers) {
      const of = (pick: (contacts: number) => boolean): number => w.rows.filter((x) => x.tier === tier && pick(x.contacts)).reduce((s, x) => s + x.persons, 0);
      const over = w.overCap.find((o) => o.tier === tier)?.persons ?? 0;
      rows.push([w.scope, `${w.days} d`, w.max, tier, of((c) => c === 0), of((c) => c === 1), of((c) => c === 2), of((c) => c >= 3), over]);
    }
  }
  console.log(table(['channel', 'window', 'cap', 'tier', '0', '1', '2', '3+', 'over cap'], rows));
  console.log(`\nOver a cap now: ${r.overCapPersons} persons${r.overCapExamples.length > 0 ? ` (e.g. ${r.overCapExamples.join(', ')})` : ''}`);
  console.log(`Ever over a cap in the history: ${r.windows.map((w) => `${w.scope} ${w.max}/${w.days} d: ${w.everOverCap}`).join('; ')}`);
  console.log(`Never contacted: ${r.neverContacted.map((x) => `${x.tier} ${x.persons}`).join(', ') || 'none'}`);
  console.log(`Contacts without consent at their send time: planned by Fidelis ${r.withoutConsent.fidelis} (must be 0), imported history ${r.withoutConsent.imported}`);
  console.log('\nVerdict now (persons)');
  const reasons = [...new Set(r.verdicts.flatMap((v) => Object.keys(v.blocked)))].sort();
  console.log(table(['channel', 'allowed', ...reasons.map((k) => k.replace('pressure.', ''))], r.verdicts.map((v) => [v.channel, v.allowed, ...reasons.map((k) => v.blocked[k] ?? 0)])));
}

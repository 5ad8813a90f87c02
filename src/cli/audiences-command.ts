import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command, Option } from 'commander';
import {
  createAudience, audienceDefinition, definitionFromText, deleteAudience, fieldListing, getAudience, listAudiences, type SavedAudience,
} from '../activation/audiences/index.js';
import { AUDIENCE_EXPORT_FORMATS, startAudienceExport, type AudienceExportFormat } from '../dashboard/audience-export.js';
import { CSV_DIALECTS, type CsvDialectName } from '../dashboard/csv-dialect.js';
import { CONTACT_CHANNELS } from '../store/index.js';
import type { ContactChannel } from '../consent/index.js';
import { table } from './format.js';
import { configOption, dbOption, isoDate, jsonOption, printJson, withStore } from './options.js';
import { cliActor } from './privacy-command.js';

interface Common {
  db?: string;
  config?: string;
  json?: boolean;
  asOf?: Date;
}

const asOfOption = (): Option => new Option('--as-of <date>', 'instant that durations such as contacted_within(7d) count back from (default: now)').argParser(isoDate);
const ctx = (options: Common) => ({ asOf: options.asOf ?? new Date() });

/** Adds the options every subcommand takes. */
function common(command: Command): Command {
  return command.addOption(dbOption()).addOption(configOption()).addOption(jsonOption()).addOption(asOfOption());
}

function printAudience(a: SavedAudience): void {
  console.log(`${a.name}: ${a.count} persons`);
  console.log(`  where ${a.text}`);
  console.log(`  created ${a.created_at} by ${a.created_by}, updated ${a.updated_at}`);
}

export function audiencesCommand(): Command {
  const audiences = new Command('audiences').description('define, count and export audiences: filters over every attribute, score and class of a person');
  audiences.addCommand(
    new Command('fields')
      .description('list the fields a filter can use, with their types and descriptions')
      .addOption(jsonOption())
      .addOption(new Option('--lang <lang>', 'language of the descriptions').choices(['en', 'fr']).default('en'))
      .action((options: { json?: boolean; lang: 'en' | 'fr' }) => {
        const fields = fieldListing();
        if (options.json) printJson({ fields });
        else console.log(table(['field', 'type', 'values', 'description'], fields.map((f) => [f.name, f.type, f.values?.join(', ') ?? '', f.description[options.lang]])));
      }),
  );

  audiences.addCommand(
    common(new Command('create').description('save an audience under a name').argument('<name>', 'name of the audience').requiredOption('--where <text>', 'the filter, e.g. \'tier in ("CPP","CCM") and consent.email\''))
      .action(async (name: string, options: Common & { where: string }) => {
        const saved = await withStore(options, (engine) => {
          const definition = definitionFromText(options.where, ctx(options));
          return createAudience(engine, { name, definition, actor: cliActor() }, ctx(options));
        });
        if (options.json) printJson(saved);
        else printAudience(saved);
      }),
  );

  audiences.addCommand(
    common(new Command('list').description('list the saved audiences with their counts now')).action(async (options: Common) => {
      const all = await withStore(options, (engine) => listAudiences(engine, ctx(options)));
      if (options.json) printJson({ audiences: all });
      else console.log(all.length === 0 ? 'no audience saved yet' : table(['name', 'persons', 'where'], all.map((a) => [a.name, a.count, a.text])));
    }),
  );

  audiences.addCommand(
    common(new Command('show').description('show an audience and its count now').argument('<name>', 'name of the audience')).action(async (name: string, options: Common) => {
      const audience = await withStore(options, (engine) => getAudience(engine, name, ctx(options)));
      if (options.json) printJson(audience);
      else printAudience(audience);
    }),
  );

  audiences.addCommand(
    common(new Command('delete').description('delete a saved audience').argument('<name>', 'name of the audience')).action(async (name: string, options: Common) => {
      await withStore(options, (engine) => deleteAudience(engine, name));
      if (options.json) printJson({ deleted: name });
      else console.log(`deleted audience ${name}`);
    }),
  );

  audiences.addCommand(
    common(
      new Command('export')
        .description('write the audience\'s persons opted in on a channel, whom the contact-pressure policy allows a contact, to a file; says how many were left out and why')
        .argument('<name>', 'name of the audience')
        .addOption(new Option('--channel <channel>', 'channel the file is for: only persons opted in on it are written').choices([...CONTACT_CHANNELS]).makeOptionMandatory())
        .requiredOption('--out <file>', 'file to write')
        .addOption(new Option('--format <format>', 'file format').choices([...AUDIENCE_EXPORT_FORMATS]).default('csv'))
        .addOption(
          new Option('--dialect <dialect>', 'CSV dialect: plain (RFC 4180, comma, ISO dates) or excel-fr (UTF-8 BOM, semicolon, decimal comma, dd/mm/yyyy hh:mm in server.dashboard.exportTimeZone)')
            .choices([...CSV_DIALECTS])
            .default('plain'),
        ),
    ).action(async (name: string, options: Common & { channel: ContactChannel; out: string; format: AudienceExportFormat; dialect: CsvDialectName }) => {
      const tally = await withStore(options, async (engine, config) => {
        const definition = await audienceDefinition(engine, name, ctx(options));
        const started = await startAudienceExport(engine, config, { name, compiled: definition.compiled, channel: options.channel, format: options.format, dialect: options.dialect, actor: cliActor(), asOf: ctx(options).asOf });
        await pipeline(Readable.fromWeb(started.file), createWriteStream(options.out));
        return started.tally;
      });
      if (options.json) printJson({ audience: name, channel: options.channel, format: options.format, dialect: options.dialect, file: options.out, ...tally });
      else {
        console.log(`wrote ${tally.exported} persons of ${tally.members} in audience ${name} to ${options.out} (${options.format}, opted in on ${options.channel})`);
        console.log(`left out: ${tally.leftOut} (${tally.optedOut} opted out and ${tally.unknown} without any consent event on ${options.channel}; ${tally.pressure} held back by the contact-pressure policy)`);
      }
    }),
  );
  return audiences;
}

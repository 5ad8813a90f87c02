import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { listDeadLetters, resetLogPosition, retryDeadLetters, type DeadLetter } from '../collect/events/index.js';
import { logFolder } from '../server/serve.js';
import { table } from './format.js';
import { configOption, dbOption, jsonOption, printJson, withStore, type StoreOptions } from './options.js';

const EXCERPT = 100;

/** What a dead letter's message is about, in a line: type, event, ids, then its JSON cut short. */
export function excerpt(line: string): string {
  let text = line;
  try {
    const entry = JSON.parse(line) as { message?: Record<string, unknown> };
    if (entry.message !== undefined) text = JSON.stringify(entry.message);
  } catch {
    // Not JSON: the line itself.
  }
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
}

function printLetters(letters: readonly DeadLetter[]): void {
  if (letters.length === 0) {
    console.log('no dead letters: every line of the log was loaded or dropped as a replay');
    return;
  }
  console.log(
    table(
      ['position', 'messageId', 'step', 'reason', 'failed at', 'message'],
      letters.map((l) => [`${l.segment}:${l.offset}`, l.messageId ?? '', l.step, l.reason.replace(/\s+/g, ' ').slice(0, 120), l.failedAt.toISOString(), excerpt(l.line)]),
    ),
  );
  console.log(`${letters.length} dead letter${letters.length === 1 ? '' : 's'}; after a fix, \`fidelis events retry-dead-letters\` loads them again`);
}

export function eventsCommand(): Command {
  const events = new Command('events').description('the event log and its loader: dead letters, log position');
  events
    .command('dead-letters')
    .description('list the log lines the loader set aside (position segment:offset, step, reason, the message)')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: StoreOptions & { json?: boolean }) => {
      const letters = await withStore(options, (engine) => listDeadLetters(engine));
      if (options.json) printJson(letters);
      else printLetters(letters);
    });
  events
    .command('retry-dead-letters')
    .description('load the dead letters again after a fix (checked, mapped, committed); those still refused stay with their new reason. Stop the server first')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: StoreOptions & { json?: boolean }) => {
      // Staging files in a folder of their own: the log folder is the server's, and may be absent.
      const stagingFolder = mkdtempSync(join(tmpdir(), 'fidelis-retry-'));
      const report = await withStore(options, (engine, config) => retryDeadLetters(engine, { keyPages: config.server.keyPages, stagingFolder })).finally(() =>
        rmSync(stagingFolder, { recursive: true, force: true }),
      );
      if (options.json) {
        printJson(report);
        return;
      }
      console.log(`${report.loaded} loaded, ${report.alreadyStored} already stored, ${report.stillFailing.length} still failing`);
      for (const l of report.stillFailing) console.log(`  ${l.segment}:${l.offset} ${l.messageId ?? ''} ${l.step}: ${l.reason.replace(/\s+/g, ' ').slice(0, 160)}`);
    });
  events
    .command('reset-log-position')
    .description(
      'acknowledge that the event log folder is not the log the database loaded (removed, replaced, or server.log.folder changed) or lost segments: ' +
        'load this folder from its start; events of the old log not loaded yet are lost. Stop the server first',
    )
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (options: StoreOptions) => {
      const { reset, folder } = await withStore(options, async (engine, config) => {
        const folder = logFolder(config);
        return { reset: await resetLogPosition(engine, folder), folder };
      });
      if (!reset.changed) {
        console.log(`nothing to reset: the log in ${folder} (log ${reset.logId}) is the one the database loads, and nothing it has not loaded is missing`);
        return;
      }
      const previous = reset.previous;
      console.log(
        `the database now loads log ${reset.logId} in ${folder} from segment ${reset.from.segment}, byte ${reset.from.offset}.` +
          (previous
            ? ` It had loaded ${previous.logId ? `log ${previous.logId}` : 'the previous log'} up to segment ${previous.segment}, byte ${previous.offset}: ` +
              'whatever that log held after that point and was not loaded is lost (nothing, if the server had stopped cleanly).'
            : ''),
      );
    });
  return events;
}

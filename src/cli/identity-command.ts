import { Command, Option } from 'commander';
import { explainIdentity, splitPerson, type IdentityExplanation, type SplitResult } from '../identity/index.js';
import { formatDate } from './format.js';
import { configOption, dbOption, jsonOption, printJson, withStore } from './options.js';

export function identityCommand(): Command {
  const command = new Command('identity').description('why records are one person, and undoing a wrong merge');
  command
    .command('explain')
    .description('print why a person is one person: his records, the chain of identifiers that joined them, the links refused')
    .argument('<id>', 'person id, an id that redirects, or any of his record or link ids')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (id: string, options: { db?: string; config?: string; json?: boolean }) => {
      const explanation = await withStore(options, (engine) => explainIdentity(engine, id));
      if (options.json) printJson(explanation);
      else printExplanation(explanation);
    });
  command
    .command('split')
    .description('undo a wrong merge: block an identifier from merging and regroup the person\'s records (ids handed out keep resolving)')
    .argument('<id>', 'person id, or any of his record ids')
    .addOption(new Option('--identifier <TYPE:VALUE>', 'the identifier that wrongly joined them, e.g. email:jo@x.fr').makeOptionMandatory())
    .addOption(new Option('--reason <text>', 'why, kept with the block').default('split'))
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (id: string, options: { identifier: string; reason: string; db?: string; config?: string; json?: boolean }) => {
      const result = await withStore(options, (engine, config) => splitPerson(engine, config, id, options.identifier, options.reason));
      if (options.json) printJson(result);
      else printSplit(result);
    });
  return command;
}

const when = (d: Date | null): string => (d ? formatDate(d) : '-');

function printExplanation(e: IdentityExplanation): void {
  const redirect = e.redirected ? ` (${e.requested} was merged into it and redirects here)` : e.requested !== e.personId ? ` (holding ${e.requested})` : '';
  console.log(`Person ${e.personId}${redirect}: ${e.nodes.length} node${e.nodes.length === 1 ? '' : 's'}`);
  for (const n of e.nodes) console.log(`  ${n.nodeId}  ${n.kind} ${n.source ?? '-'}, first seen ${when(n.firstSeenAt)}`);
  if (e.chain.length > 0) {
    console.log('\nWhy one person');
    for (const link of e.chain) {
      console.log(`  ${link.to} joined ${link.from} by ${link.type} ${link.value} (seen by ${link.source ?? '-'}, ${when(link.seenAt)})`);
    }
  }
  if (e.refused.length > 0) {
    console.log('\nLinks refused');
    for (const link of e.refused) console.log(`  ${link.from} - ${link.to} by ${link.type} ${link.value}: ${link.reason}`);
  }
  const unused = e.identifiers.filter((i) => i.status !== 'linked');
  if (unused.length > 0) {
    console.log('\nIdentifiers not used to merge');
    for (const i of unused) console.log(`  ${i.type} ${i.value} on ${i.nodeId}: ${i.status.replace('_', ' ')}`);
  }
}

function printSplit(r: SplitResult): void {
  console.log(`Blocked ${r.blocked.type} ${r.blocked.value}; person ${r.personId}'s records now make ${r.parts.length} person${r.parts.length === 1 ? '' : 's'}:`);
  for (const part of r.parts) console.log(`  ${part.personId}: ${part.nodes.join(', ')}`);
  console.log('Value and classes follow at the next `fidelis run`.');
}

import { Command, Option } from 'commander';
import { createKey, listKeys, revokeKey, SCOPES, type Scope } from '../server/index.js';
import { table } from './format.js';
import { configOption, dbOption, jsonOption, printJson, withStore, type StoreOptions } from './options.js';

export function keysCommand(): Command {
  const keys = new Command('keys').description('manage the API keys of the HTTP server (stored hashed)');
  keys
    .command('create')
    .description('create a key; it is printed once, alone on the last line')
    .addOption(new Option('--scope <scope>', 'write (collection), read (profiles) or admin (both)').choices(SCOPES).makeOptionMandatory())
    .option('--name <name>', 'a label, such as the site or app that uses it')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (options: StoreOptions & { scope: Scope; name?: string }) => {
      const { key, apiKey } = await withStore(options, (engine) => createKey(engine, options.scope, options.name));
      process.stdout.write(`created ${apiKey.scope} key ${apiKey.keyId}${apiKey.name ? ` (${apiKey.name})` : ''}; keep it, it is not shown again:\n`);
      process.stdout.write(`${key}\n`);
    });
  keys
    .command('list')
    .description('list keys (ids, scopes, names; never secrets)')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: StoreOptions & { json?: boolean }) => {
      const list = await withStore(options, (engine) => listKeys(engine));
      if (options.json) printJson(list);
      else
        console.log(
          table(
            ['key id', 'scope', 'name', 'created', 'revoked'],
            list.map((k) => [k.keyId, k.scope, k.name ?? '', k.createdAt.toISOString(), k.revokedAt?.toISOString() ?? '']),
          ),
        );
    });
  keys
    .command('revoke')
    .description('revoke a key: it is refused from then on')
    .argument('<key-id>', 'the key id shown by keys list (or the whole key)')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (keyId: string, options: StoreOptions) => {
      await withStore(options, (engine) => revokeKey(engine, keyId));
      console.log(`revoked ${keyId}`);
    });
  return keys;
}

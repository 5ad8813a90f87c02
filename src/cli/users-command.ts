import { Argument, Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { addUser, generatePassword, listUsers, permissionsOf, removeUser, ROLE_HELP, ROLES, setRole, type Role } from '../server/index.js';
import { table } from './format.js';
import { configOption, dbOption, jsonOption, printJson, withStore, type StoreOptions } from './options.js';

/** The whole of stdin, less one trailing newline (what `echo secret |` adds). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function usersCommand(): Command {
  const users = new Command('users').description('manage the users of the web dashboard (passwords stored as salted scrypt hashes)');
  users
    .command('add')
    .description('add a user; without --password-stdin a password is generated and printed once, alone on the last line')
    .argument('<name>', 'login name')
    .addOption(new Option('--role <role>', ROLE_HELP).choices(ROLES).makeOptionMandatory())
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (name: string, options: StoreOptions & { role: Role; passwordStdin?: boolean }) => {
      const password = options.passwordStdin ? await readStdin() : generatePassword();
      if (options.passwordStdin && password === '') throw new UsageError('no password on standard input');
      const user = await withStore(options, (engine) => addUser(engine, name, options.role, password));
      if (options.passwordStdin) {
        process.stdout.write(`added ${user.role} user ${user.name}\n`);
      } else {
        process.stdout.write(`added ${user.role} user ${user.name}; the password is not shown again:\n${password}\n`);
      }
    });
  users
    .command('list')
    .description('list users (names, roles; never passwords)')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: StoreOptions & { json?: boolean }) => {
      const list = await withStore(options, (engine) => listUsers(engine));
      if (options.json) printJson(list.map((u) => ({ ...u, permissions: permissionsOf(u.role) })));
      else {
        const yes = (b: boolean): string => (b ? 'yes' : 'no');
        console.log(
          table(
            ['name', 'role', 'identifiers', 'export', 'created'],
            list.map((u) => [u.name, u.role, yes(permissionsOf(u.role).identifiers), yes(permissionsOf(u.role).export), u.createdAt.toISOString()]),
          ),
        );
      }
    });
  users
    .command('role')
    .description('give a user another role, e.g. grant an analyst personal data: fidelis users role NAME marketer (ends his sessions)')
    .argument('<name>', 'login name')
    .addArgument(new Argument('<role>', ROLE_HELP).choices(ROLES))
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (name: string, role: Role, options: StoreOptions & { json?: boolean }) => {
      const user = await withStore(options, (engine) => setRole(engine, name, role));
      if (options.json) printJson({ ...user, permissions: permissionsOf(user.role) });
      else console.log(`${user.name} is now ${user.role}; his sessions are ended`);
    });
  users
    .command('remove')
    .description('remove a user and end his sessions')
    .argument('<name>', 'login name')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (name: string, options: StoreOptions) => {
      await withStore(options, (engine) => removeUser(engine, name));
      console.log(`removed ${name}`);
    });
  return users;
}

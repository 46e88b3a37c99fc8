// `mathakine user create`: make an account with any role (the first archiviste, staff accounts).
import { Command } from 'commander';
import { createAccount } from '../ops/accounts/users.js';
import { databaseCommand, output, type CommonOptions } from './context.js';

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('user accounts');
  databaseCommand<CommonOptions & { username: string; email: string; password?: string; passwordStdin?: boolean; role: string; fullName?: string }>(
    user
      .command('create')
      .description('create an account with any role; the password is hashed as at registration')
      .requiredOption('--username <name>', 'unique, case-insensitively')
      .requiredOption('--email <email>', 'unique, case-insensitively')
      .option('--password <password>', 'at least 8 characters (or --password-stdin, which keeps it out of the process list)')
      .option('--password-stdin', 'read the password from standard input')
      .requiredOption('--role <role>', 'padawan, maitre, gardien or archiviste')
      .option('--full-name <name>', 'display name'),
    async (database, _config, options) => {
      if (Boolean(options.password) === Boolean(options.passwordStdin)) throw new Error('give the password with either --password or --password-stdin');
      const password = options.password ?? (await readStdin());
      const account = await createAccount(database, {
        username: options.username,
        email: options.email,
        password,
        role: options.role,
        full_name: options.fullName,
      });
      output(options, account, (a) => `created ${a.role} ${a.username} <${a.email}> (id ${a.id})`);
    },
  );
}

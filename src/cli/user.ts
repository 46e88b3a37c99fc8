// `mathakine user create`: make an account with any role (the first archiviste, staff accounts);
// `user export` and `user erase`: a learner's request answered by an administrator.
import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { eraseAccountById, writeAccountExport } from '../ops/accounts/account-data.js';
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

  databaseCommand<CommonOptions & { out?: string }>(
    user
      .command('export')
      .description("write everything stored about an account as one JSON document (the API's GET /api/users/me/export), in bounded memory")
      .argument('<id>', 'the account id', userId)
      .option('--out <file>', 'write to this file (created readable by its owner only) instead of standard output'),
    async (database, _config, options, [id]) => {
      const out = options.out;
      // stdout stays open for what follows; a file is created only once the account is found, never over another
      await writeAccountExport(database, Number(id), () => (out ? fs.createWriteStream(out, { mode: 0o600, flags: 'wx' }) : process.stdout));
      if (options.out) process.stderr.write(`exported account ${id} to ${options.out} (${fs.statSync(options.out).size} bytes)\n`);
    },
  );

  databaseCommand<CommonOptions & { yes?: boolean }>(
    user
      .command('erase')
      .description('erase an account and its personal data for good, as DELETE /api/users/:id does (a restore of an older backup erases it again)')
      .argument('<id>', 'the account id', userId)
      .option('--yes', 'confirm: this cannot be undone'),
    async (database, config, options, [id]) => {
      if (!options.yes) throw new Error(`erasing account ${id} cannot be undone: pass --yes to confirm`);
      const erased = await eraseAccountById(database, Number(id), config.ERASURE_KEY);
      output(options, erased, (e) => `erased account ${e.user_id} (${e.legacy_rows} legacy row(s) with it)`);
    },
  );
}

function userId(value: string): string {
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new InvalidArgumentError('an account id is a positive integer');
  return value;
}

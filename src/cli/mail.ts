// `mathakine mail last`: the mails a server without SMTP_URL kept in its outbox (development),
// newest first, so that a developer can follow a reset or verification link.
import { Command, Option } from 'commander';
import { mailModeOf, outboxDirOf, DEFAULT_OUTBOX_DIR } from '../mail/mailer.js';
import { readOutbox, type OutboxEntry } from '../mail/outbox.js';
import { runCommand } from './actions.js';
import { cliConfig, jsonOption, output, type CommonOptions } from './context.js';

function human(entries: OutboxEntry[], dir: string): string {
  if (entries.length === 0) return `no mail in ${dir}`;
  return entries.map((m) => [`--- ${m.sent_at}  to ${m.to}`, `Subject: ${m.subject}`, '', m.text].join('\n')).join('\n\n');
}

export function registerMailCommands(program: Command): void {
  const mail = program.command('mail').description('outgoing mail');
  mail
    .command('last')
    .description('the last mails written to the outbox by a server without SMTP_URL (development), newest first')
    .addOption(
      new Option('-n, --count <n>', 'how many').default('1').argParser((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error('--count must be 1 to 50');
        return String(n);
      }),
    )
    .option('--to <address>', 'only mails sent to this address')
    .addOption(jsonOption())
    .action((options: CommonOptions & { count: string; to?: string }) =>
      runCommand(options, async () => {
        const config = cliConfig(options);
        if (mailModeOf(config) === 'smtp') process.stderr.write('note: SMTP_URL is set: mails go to the SMTP server, not to the outbox\n');
        const dir = outboxDirOf(config) ?? DEFAULT_OUTBOX_DIR;
        const entries = readOutbox(dir, { count: Number(options.count), to: options.to });
        output(options, entries, (e) => human(e, dir));
      }),
    );
}

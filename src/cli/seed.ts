// `mathakine seed`: the demo content, never duplicated by a second run.
import type { Command } from 'commander';
import { migrationStatus } from '../db/migrate.js';
import { seedDemoContent } from '../ops/seed.js';
import { fail, output, withDatabase, type CommonOptions } from './context.js';

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('add the demo content: exercises of every type and difficulty, logic challenges, demo accounts (not in production)')
    .option('--url <url>', 'database URL (default: DATABASE_URL)')
    .option('--no-demo-users', 'do not create the demo accounts')
    .option('--json', 'machine-readable output')
    .action(async (options: CommonOptions & { demoUsers: boolean }) => {
      const report = await withDatabase(options, async (database, config) => {
        const { pending } = await migrationStatus(database);
        if (pending.length) fail(`the database has ${pending.length} pending migration(s): run \`mathakine db migrate\` first`);
        return seedDemoContent(database, {
          demoUsers: options.demoUsers && config.NODE_ENV !== 'production',
          demoPassword: config.DEMO_PASSWORD,
        });
      });
      output(options, report, (r) => `seeded: ${r.exercises} exercises, ${r.challenges} challenges, ${r.users} demo accounts (existing ones kept)`);
    });
}

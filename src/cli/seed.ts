// `mathakine seed`: the demo content, never duplicated by a second run.
import type { Command } from 'commander';
import { migrationStatus } from '../db/migrate.js';
import { seedDemoContent } from '../ops/seed/index.js';
import { databaseCommand, output, type CommonOptions } from './context.js';

export function registerSeedCommand(program: Command): void {
  databaseCommand<CommonOptions & { demoUsers: boolean }>(
    program
      .command('seed')
      .description('add the demo content: exercises of every type and difficulty, logic challenges, badges, demo accounts (not in production)')
      .option('--no-demo-users', 'do not create the demo accounts'),
    async (database, config, options) => {
      // thrown, not process.exit: the database is closed on the way out
      const { pending } = await migrationStatus(database);
      if (pending.length) throw new Error(`the database has ${pending.length} pending migration(s): run \`mathakine db migrate\` first`);
      const report = await seedDemoContent(database, {
        demoUsers: options.demoUsers && config.NODE_ENV !== 'production',
        demoPassword: config.DEMO_PASSWORD,
      });
      output(
        options,
        report,
        (r) => `seeded: ${r.exercises} exercises, ${r.challenges} challenges, ${r.badges} badges, ${r.users} demo accounts (existing ones kept)`,
      );
    },
  );
}

// What the server does to its database before listening: migrations (always on SQLite, on
// PostgreSQL only with MIGRATE_ON_START) and the demo content on an empty database.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { applyMigrations } from '../db/migrate.js';
import { isDatabaseEmpty, seedDemoContent } from './seed.js';

export async function prepareDatabaseAtStart(database: Database, config: Config, log: Pick<Logger, 'info'>): Promise<void> {
  if (database.dialect === 'sqlite' || config.MIGRATE_ON_START) {
    const applied = await applyMigrations(database);
    log.info({ applied }, applied.length ? 'migrations applied' : 'database schema up to date');
  }
  if (config.SEED_ON_START && (await isDatabaseEmpty(database))) {
    const demoUsers = config.NODE_ENV !== 'production';
    const seeded = await seedDemoContent(database, { demoUsers, demoPassword: config.DEMO_PASSWORD });
    log.info({ seeded }, demoUsers ? 'empty database: demo content and accounts added (see README)' : 'empty database: demo content added');
  }
}

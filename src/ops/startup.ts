// What the server does to its database before listening: migrations (safe migrate on SQLite, on
// PostgreSQL only with MIGRATE_ON_START, loudly reported when pending) and the demo content on an empty database.
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { migrateOnStart, type StartLogger } from './migrations/migrate-on-start.js';
import { isDatabaseEmpty, seedDemoContent } from './seed/index.js';

export async function prepareDatabaseAtStart(database: Database, config: Config, log: StartLogger): Promise<void> {
  await migrateOnStart(database, config, log);
  if (config.SEED_ON_START && (await isDatabaseEmpty(database))) {
    const demoUsers = config.NODE_ENV !== 'production';
    const seeded = await seedDemoContent(database, { demoUsers, demoPassword: config.DEMO_PASSWORD });
    log.info({ seeded }, demoUsers ? 'empty database: demo content and accounts added (see README)' : 'empty database: demo content added');
  }
}

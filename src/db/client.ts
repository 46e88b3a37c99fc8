// openDatabase(): the Database (see database.ts) for a DATABASE_URL, on either dialect.
import type { Database, OpenDatabaseOptions } from './database.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';
import { parseDatabaseUrl, type DatabaseTarget } from './url.js';

export type * from './database.js';
export { postgresConnectionConfig } from './postgres.js';

export function openDatabase(urlOrTarget: string | DatabaseTarget, options: OpenDatabaseOptions = {}): Database {
  const target = typeof urlOrTarget === 'string' ? parseDatabaseUrl(urlOrTarget) : urlOrTarget;
  if (!target) throw new Error(`Not a database URL: ${String(urlOrTarget)}`);
  return target.dialect === 'sqlite' ? openSqlite(target, options) : openPostgres(target, options);
}

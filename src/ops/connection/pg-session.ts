// A dedicated PostgreSQL session for maintenance statements that cannot run in a transaction
// (CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM) and may outlast the API's statement_timeout.
// Behind a transaction pooler its SET would stay on a server connection the API then gets: with
// DATABASE_DIRECT_URL the session goes to the database itself instead.
import pg from 'pg';
import { postgresConnectionConfig, type PostgresDatabase } from '../../db/client.js';

export async function withMaintenanceSession<T>(database: PostgresDatabase, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (database.directUrl) {
    const client = new pg.Client({ ...postgresConnectionConfig(database.directUrl), application_name: 'mathakine-maintenance' });
    client.on('error', () => {}); // a lost connection rejects the statement in flight; never crash
    await client.connect();
    try {
      await client.query('set statement_timeout = 0');
      return await fn(client);
    } finally {
      await client.end();
    }
  }
  const client = await database.pool.connect();
  try {
    await client.query('set statement_timeout = 0');
    return await fn(client);
  } finally {
    // discarded, not returned: its session settings must never reach an API request
    client.release(true);
  }
}

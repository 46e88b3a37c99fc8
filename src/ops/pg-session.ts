// A dedicated PostgreSQL session for maintenance statements that cannot run in a transaction
// (CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM) and may outlast the API's statement_timeout.
import type pg from 'pg';
import type { PostgresDatabase } from '../db/client.js';

export async function withMaintenanceSession<T>(database: PostgresDatabase, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await database.pool.connect();
  try {
    await client.query('set statement_timeout = 0');
    return await fn(client);
  } finally {
    // discarded, not returned: its session settings must never reach an API request
    client.release(true);
  }
}

// openDatabase() with the settings of the parsed Config: what the server, CLI and tests use.
import type { Config } from '../config.js';
import { openDatabase, type Database, type OpenDatabaseOptions } from './client.js';
import type { QueryLogger } from './query-log.js';

export function openConfiguredDatabase(config: Config, logger?: OpenDatabaseOptions['logger'] & Partial<QueryLogger>): Database {
  return openDatabase(config.database, {
    logger,
    queryLogger: config.DB_LOG_QUERIES !== 'false' && logger?.info ? (logger as QueryLogger) : undefined,
    sqliteBusyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS,
    pool: {
      max: config.PG_POOL_MAX,
      min: config.PG_POOL_MIN,
      idleTimeoutMillis: config.PG_IDLE_TIMEOUT_MS,
      connectionTimeoutMillis: config.PG_CONNECTION_TIMEOUT_MS,
      maxLifetimeSeconds: config.PG_MAX_LIFETIME_SECONDS,
      statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
      applicationName: config.PG_APPLICATION_NAME,
      namedStatements: config.PG_NAMED_STATEMENTS,
    },
    directUrl: config.DATABASE_DIRECT_URL,
    replicas: { urls: config.DATABASE_REPLICA_URLS, maxLagSeconds: config.REPLICA_MAX_LAG_SECONDS, checkIntervalMs: config.REPLICA_CHECK_INTERVAL_MS },
  });
}

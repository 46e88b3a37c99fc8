// PostgreSQL: a pg.Pool with the SSL mode, timeouts and type parsers the app needs.
import { logPostgresQueries } from './query-log.js';
import pg from 'pg';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as pgSchema from './schema/pg.js';
import type { AppDb, OpenDatabaseOptions, PostgresDatabase } from './database.js';
import { beginOnLiveConnection, keepWarm, resendOnLostConnection } from './pg-pool.js';
import { ReplicaSet } from './replicas.js';
import { sendStatementsUnnamed } from './prepared.js';

/** An error the error plugin classifies as 'unavailable' (503): the database did not answer in time. */
function timeoutError(message: string) {
  return Object.assign(new Error(message), { code: 'ETIMEDOUT' });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** pg's `ssl` option from the URL's sslmode, as libpq reads it: `require` encrypts, `verify-*` also checks the certificate. */
export function postgresConnectionConfig(url: string): { connectionString: string; ssl: pg.ClientConfig['ssl'] } {
  const parsed = new URL(url);
  const mode = parsed.searchParams.get('sslmode') ?? (parsed.searchParams.get('ssl') === 'true' ? 'require' : 'disable');
  parsed.searchParams.delete('sslmode');
  parsed.searchParams.delete('ssl');
  const ssl = mode === 'disable' || mode === 'allow' ? false : { rejectUnauthorized: mode === 'verify-ca' || mode === 'verify-full' };
  return { connectionString: parsed.toString(), ssl };
}

// count(*) is bigint and avg() numeric in PostgreSQL; our figures fit a JS number. This applies to
// queries sent through pool.query only: drizzle's session passes pg's global parsers per query, so
// drizzle results keep them as text unless the query maps them (count(), .mapWith(Number)).
const NUMBER_TYPE_IDS = new Set([20, 1700]);
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    NUMBER_TYPE_IDS.has(oid) ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export function openPostgres(target: { dialect: 'postgres'; url: string }, options: OpenDatabaseOptions): PostgresDatabase {
  const settings = options.pool ?? {};
  const statementTimeout = settings.statementTimeoutMs ?? 15_000;
  const poolOptions = (url: string): pg.PoolConfig => ({
    ...postgresConnectionConfig(url),
    max: settings.max ?? 30,
    idleTimeoutMillis: settings.idleTimeoutMillis ?? 30_000,
    connectionTimeoutMillis: settings.connectionTimeoutMillis ?? 5_000,
    maxLifetimeSeconds: settings.maxLifetimeSeconds ?? 300,
    application_name: settings.applicationName ?? 'mathakine-api',
    statement_timeout: statementTimeout || undefined,
    // the client gives up a little after the server would, so a vanished server never hangs a request
    query_timeout: statementTimeout ? statementTimeout + 2_000 : undefined,
    keepAlive: true,
    types: pgTypes,
  });
  // kept open even when idle (pg-pool does not open them: warmUp() does)
  const pool = new pg.Pool({ ...poolOptions(target.url), min: Math.min(settings.min ?? 0, settings.max ?? 30) });
  // An idle client whose server went away errors on the pool; pg drops it. Log, never crash.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle PostgreSQL connection lost'));
  // pg-pool listens for errors on idle clients only. A checked-out client (a transaction between
  // two queries) that loses its connection would emit an 'error' nobody handles, which kills the
  // process. With this listener the loss reaches the transaction through its next query (a 503).
  pool.on('connect', (client) => client.on('error', () => {}));

  if (options.queryLogger) logPostgresQueries(pool, options.queryLogger);
  resendOnLostConnection(pool, options.logger);
  let warm: ReturnType<typeof keepWarm> | undefined;

  const named = settings.namedStatements ?? true;
  const pgDb = drizzlePg({ client: pool, schema: pgSchema });
  if (!named) sendStatementsUnnamed(pgDb);
  // One drizzle instance per pooled connection, made at its first transaction (making one costs
  // about 0.3 ms: too much for every request).
  const transactionDbs = new WeakMap<pg.PoolClient, NodePgDatabase<typeof pgSchema>>();
  const drizzleOn = (client: pg.PoolClient) => {
    let db = transactionDbs.get(client);
    if (!db) {
      transactionDbs.set(client, (db = drizzlePg({ client, schema: pgSchema })));
      if (!named) sendStatementsUnnamed(db);
    }
    return db;
  };
  const replicas = options.replicas?.urls.length
    ? new ReplicaSet({
        primary: pool,
        urls: options.replicas.urls,
        maxLagSeconds: options.replicas.maxLagSeconds,
        checkIntervalMs: options.replicas.checkIntervalMs,
        // a replica that does not answer quickly is skipped: the primary answers instead
        openPool: (url) => new pg.Pool({ ...poolOptions(url), connectionTimeoutMillis: Math.min(settings.connectionTimeoutMillis ?? 5_000, 1_000) }),
        openDb: (replicaPool) => {
          const db = drizzlePg({ client: replicaPool, schema: pgSchema });
          if (!named) sendStatementsUnnamed(db);
          return db as unknown as AppDb;
        },
        logger: options.logger,
      })
    : null;
  void replicas?.start();
  let closed = false;

  return {
    dialect: 'postgres',
    target,
    db: pgDb,
    pgDb,
    tables: pgSchema,
    pool,
    directUrl: options.directUrl ?? null,
    replicas,
    transaction: async (fn) => {
      // Not drizzle's pgDb.transaction(): when its BEGIN fails (the pooled connection turned out
      // to be dead) it never releases the client, and after a database outage the pool fills
      // with dead clients until the process restarts.
      const client = await beginOnLiveConnection(pool, options.logger);
      let broken: unknown;
      try {
        const result = await fn(drizzleOn(client));
        await client.query('commit');
        return result;
      } catch (error) {
        try {
          await client.query('rollback');
        } catch (rollbackError) {
          broken = rollbackError; // the connection is unusable: the pool must drop it
        }
        throw error;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async query<T>(statement: SQL) {
      const result = await pgDb.execute(statement);
      return result.rows as T[];
    },
    async ping(timeoutMs = 2_000) {
      await withTimeout(pool.query('select 1'), timeoutMs, 'database ping');
    },
    async warmUp() {
      warm ??= keepWarm(pool, pool.options.min ?? 0, undefined, options.logger);
      await warm.ready;
    },
    poolStats: () => ({
      dialect: 'postgres',
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max,
    }),
    async close() {
      if (closed) return;
      closed = true;
      warm?.stop();
      await replicas?.close();
      await pool.end();
    },
  };
}

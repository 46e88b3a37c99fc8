// DB_LOG_QUERIES: every SQL statement with its duration in the log (the guide's SQLAlchemy `echo`).
// It wraps the drivers, not drizzle, because drizzle's logger is called before a query runs and
// never learns how long it took. Off by default; src/config.ts refuses it in production unless forced.
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';

export interface QueryLogger {
  info(obj: object, msg: string): void;
}

const log = (logger: QueryLogger, sql: string, startedAt: number, error?: unknown) =>
  logger.info(
    { sql: sql.replace(/\s+/g, ' ').trim(), duration_ms: Math.round((performance.now() - startedAt) * 100) / 100, ...(error ? { failed: String(error) } : {}) },
    'sql',
  );

/** Logs every statement run through the connections of `pool` (drizzle's promise-style queries, and pool.query's callback ones). */
export function logPostgresQueries(pool: pg.Pool, logger: QueryLogger): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text ?? '');
      const startedAt = performance.now();
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        args[args.length - 1] = (error: unknown, ...rest: unknown[]) => {
          log(logger, text, startedAt, error ?? undefined);
          return (callback as (...a: unknown[]) => unknown)(error, ...rest);
        };
      }
      const result = query(...args);
      if (result instanceof Promise) {
        result.then(
          () => log(logger, text, startedAt),
          (error: unknown) => log(logger, text, startedAt, error),
        );
      }
      return result;
    };
  });
}

const TIMED = new Set(['run', 'get', 'all', 'iterate']);
const CHAINED = new Set(['raw', 'pluck', 'expand', 'safeIntegers', 'bind']);

/** Logs every statement prepared on `db` when it runs (run/get/all/iterate). */
export function logSqliteQueries(db: BetterSqlite3.Database, logger: QueryLogger): void {
  const prepare = db.prepare.bind(db);
  const timed = (statement: BetterSqlite3.Statement): BetterSqlite3.Statement => {
    const proxy: BetterSqlite3.Statement = new Proxy(statement, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (TIMED.has(String(property)))
          return (...args: unknown[]) => {
            const startedAt = performance.now();
            try {
              const result = method.apply(target, args);
              log(logger, target.source, startedAt);
              return result;
            } catch (error) {
              log(logger, target.source, startedAt, error);
              throw error;
            }
          };
        // raw()/pluck()… return the statement itself: keep handing out the timed one
        if (CHAINED.has(String(property))) return (...args: unknown[]) => (method.apply(target, args), proxy);
        return method.bind(target);
      },
    });
    return proxy;
  };
  db.prepare = ((source: string) => timed(prepare(source))) as typeof db.prepare;
}

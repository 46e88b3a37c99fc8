// The PostgreSQL pool as the guide's SQLAlchemy one behaves: a floor of warm connections
// (PG_POOL_MIN, its pool_size) and, like pool_pre_ping, a statement that finds its connection
// dead is sent again on another one — only reads and BEGIN, which are safe to send twice. After a
// network drop every idle connection is dead: each try drops one, so at most the pool's size.
import pg from 'pg';

type Logger = { warn(object: object, message: string): void };

/** The connection died under the statement (reset, closed, terminated): no answer from the server. */
export function connectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as Error & { code?: string; severity?: string };
  if (code === '57P01' || code === '57P02' || code === '57P03') return true; // the server terminated this backend
  if (severity) return false; // the server answered: a real SQL error
  // not "Connection terminated due to connection timeout": a server that does not answer stays so
  return code === 'ECONNRESET' || code === 'EPIPE' || /^Connection terminated unexpectedly|not queryable/.test(error.message);
}

const SAFE_TO_RESEND = /^\s*(select|begin)\b/i;

function statementText(config: unknown): string {
  if (typeof config === 'string') return config;
  return typeof (config as { text?: unknown })?.text === 'string' ? (config as { text: string }).text : '';
}

/** pool.query that sends a read again, once, on a fresh connection when its connection was dead. */
export function resendOnLostConnection(pool: pg.Pool, logger?: Logger): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  pool.query = ((...args: unknown[]) => {
    if (args.some((arg) => typeof arg === 'function')) return query(...args); // callback style: left as is
    const first = query(...args);
    if (!SAFE_TO_RESEND.test(statementText(args[0]))) return first;
    const retry =
      (tries: number) =>
      (error: unknown): Promise<unknown> => {
        if (!connectionLost(error) || tries > pool.options.max) throw error;
        logger?.warn({ err: error }, 'PostgreSQL connection found dead; sending the read again on another one');
        return query(...args).catch(retry(tries + 1));
      };
    return first.catch(retry(1));
  }) as typeof pool.query;
}

/** A checked-out client with BEGIN sent; dead connections are dropped and BEGIN sent again on another one. */
export async function beginOnLiveConnection(pool: pg.Pool, logger?: Logger): Promise<pg.PoolClient> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('begin');
      return client;
    } catch (error) {
      client.release(error as Error); // never reuse it
      if (attempt > pool.options.max || !connectionLost(error)) throw error;
      logger?.warn({ err: error }, 'PostgreSQL connection found dead at BEGIN; trying another one');
    }
  }
}

/**
 * Opens connections until the pool holds `min`, and tops it up every `everyMs` (a connection
 * recycled by PG_MAX_LIFETIME_SECONDS leaves a gap). Returns the stop function.
 */
export function keepWarm(pool: pg.Pool, min: number, everyMs = 10_000, logger?: Logger): { ready: Promise<void>; stop(): void } {
  const fill = async () => {
    // (openPostgres keeps `min` within PG_POOL_MAX)
    if (pool.totalCount >= min || pool.ending || pool.ended) return;
    // hold `min` clients at once: the pool lends its idle ones and opens the rest
    const clients = await Promise.allSettled(Array.from({ length: min }, () => pool.connect()));
    for (const result of clients) if (result.status === 'fulfilled') result.value.release();
    const failed = clients.find((result) => result.status === 'rejected');
    if (failed) logger?.warn({ err: (failed as PromiseRejectedResult).reason }, 'could not open the warm PostgreSQL connections');
  };
  const timer = setInterval(() => void fill(), everyMs);
  timer.unref();
  return { ready: fill(), stop: () => clearInterval(timer) };
}

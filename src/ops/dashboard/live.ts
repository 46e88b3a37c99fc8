// The Connections page: connections against max_connections and the pool, live queries, and
// locks — who blocks whom (pg_blocking_pids) with the lock each waiter wants. Cancel and terminate
// act on one backend of this database. SQLite has one writer: the page says whether another
// connection holds the write lock right now.
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import type { Database, PoolStats } from '../../db/client.js';
import { errorMessage } from '../progress.js';

export interface LiveQuery {
  pid: number;
  user: string | null;
  application: string | null;
  client: string | null;
  state: string | null;
  wait_event: string | null;
  query_start: Date | null;
  xact_start: Date | null;
  duration_ms: number | null;
  query: string;
  blocked_by: number[];
}

export interface BlockedQuery {
  pid: number;
  query: string;
  waiting_ms: number | null;
  lock: string | null;
  blocked_by: { pid: number; state: string | null; query: string; xact_ms: number | null }[];
}

export interface ConnectionsPage {
  dialect: Database['dialect'];
  max_connections: number | null;
  connections: number | null;
  by_state: { state: string; connections: number }[];
  pool: Omit<PoolStats, 'dialect'>;
  queries: LiveQuery[];
  locks: BlockedQuery[];
  sqlite_write_lock: { held: boolean; detail: string } | null;
  notes: string[];
}

type LiveRow = Omit<LiveQuery, 'query_start' | 'xact_start'> & { query_start: string | null; xact_start: string | null; xact_ms: number | null; lock: string | null };

const LIVE_SQL = sql`
  select a.pid, a.usename as user, a.application_name as application, a.client_addr::text as client, a.state,
         case when a.wait_event is null then null else a.wait_event_type || ':' || a.wait_event end as wait_event,
         a.query_start::text as query_start, a.xact_start::text as xact_start,
         (extract(epoch from clock_timestamp() - a.query_start) * 1000)::float8 as duration_ms,
         (extract(epoch from clock_timestamp() - a.xact_start) * 1000)::float8 as xact_ms,
         left(a.query, 1000) as query, pg_blocking_pids(a.pid) as blocked_by,
         (select string_agg(l.mode || ' on ' || coalesce(l.relation::regclass::text, l.locktype), ', ')
            from pg_locks l where l.pid = a.pid and not l.granted) as lock
  from pg_stat_activity a
  where a.datname = current_database() and a.pid <> pg_backend_pid() and a.backend_type = 'client backend'
  order by a.query_start nulls last`;

export async function connectionsPage(database: Database): Promise<ConnectionsPage> {
  const { dialect: _dialect, ...pool } = database.poolStats();
  if (database.dialect === 'sqlite') {
    return {
      dialect: 'sqlite',
      max_connections: null,
      connections: null,
      by_state: [],
      pool,
      queries: [],
      locks: [],
      sqlite_write_lock: probeSqliteWriteLock(database.target.path),
      notes: ['SQLite runs in this process: no server connections or live queries to list. One writer at a time; the probe tells whether another connection holds the write lock.'],
    };
  }
  const [server] = await database.query<{ max_connections: number; connections: number }>(sql`
    select current_setting('max_connections')::int as max_connections, (select count(*)::int from pg_stat_activity) as connections`);
  const byState = await database.query<{ state: string; connections: number }>(sql`
    select coalesce(state, 'background') as state, count(*)::int as connections
    from pg_stat_activity where datname = current_database() group by 1 order by 2 desc, 1`);
  const rows = await database.query<LiveRow>(LIVE_SQL);
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  const queries: LiveQuery[] = rows.map(({ xact_ms: _x, lock: _l, ...r }) => ({
    ...r,
    blocked_by: r.blocked_by.map(Number),
    query_start: r.query_start ? new Date(r.query_start) : null,
    xact_start: r.xact_start ? new Date(r.xact_start) : null,
  }));
  const locks: BlockedQuery[] = rows
    .filter((r) => r.blocked_by.length > 0)
    .map((r) => ({
      pid: r.pid,
      query: r.query,
      waiting_ms: r.duration_ms,
      lock: r.lock,
      blocked_by: r.blocked_by.map(Number).map((pid) => {
        const blocker = byPid.get(pid);
        return { pid, state: blocker?.state ?? null, query: blocker?.query ?? '(another database or a background process)', xact_ms: blocker?.xact_ms ?? null };
      }),
    }));
  return {
    dialect: 'postgres',
    max_connections: server.max_connections,
    connections: server.connections,
    by_state: byState,
    pool,
    queries,
    locks,
    sqlite_write_lock: null,
    notes: [],
  };
}

/** Tries to take the write lock from a fresh connection without waiting: busy means someone holds it. */
export function probeSqliteWriteLock(file: string): { held: boolean; detail: string } {
  const probe = new BetterSqlite3(path.resolve(file), { fileMustExist: true, timeout: 0 });
  try {
    probe.exec('begin immediate');
    probe.exec('rollback');
    return { held: false, detail: 'the write lock is free' };
  } catch (error) {
    return { held: true, detail: `another connection holds the write lock (${errorMessage(error)}): writers wait up to SQLITE_BUSY_TIMEOUT_MS` };
  } finally {
    probe.close();
  }
}

export type BackendAction = 'cancel' | 'terminate';

/**
 * pg_cancel_backend / pg_terminate_backend on a backend of this database (never the caller's own).
 * Returns null when no such backend exists.
 */
export async function signalBackend(database: Database, pid: number, action: BackendAction): Promise<{ pid: number; action: BackendAction; signalled: boolean; query: string } | null> {
  if (database.dialect !== 'postgres') throw new Error('cancel and terminate are PostgreSQL-only');
  const [target] = await database.query<{ query: string }>(sql`
    select left(query, 1000) as query from pg_stat_activity
    where pid = ${pid} and datname = current_database() and pid <> pg_backend_pid()`);
  if (!target) return null;
  const fn = sql.raw(action === 'cancel' ? 'pg_cancel_backend' : 'pg_terminate_backend');
  const [row] = await database.query<{ signalled: boolean }>(sql`select ${fn}(${pid}) as signalled`, { write: true });
  return { pid, action, signalled: row.signalled, query: target.query };
}

// The Connections page: connections against max_connections and the pool (measured by ../measure and
// judged by the health report's own connections check, on the very figures the page shows), live
// queries, and locks — who blocks whom (pg_blocking_pids) with the lock each waiter wants. Cancel and
// terminate act on one backend of this database. SQLite has one writer: the page says whether
// another connection holds the write lock right now.
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { judgedConnections } from '../health/checks.js';
import { connectionsByState, pool as poolOf, serverConnections } from '../measure/server.js';
import { errorMessage } from '../progress.js';
import { overviewCheck, overviewCheckSchema } from './overview.js';
import { dialectSchema } from './shared.js';

export const liveQuerySchema = z.object({
  pid: z.number().int(),
  user: z.string().nullable(),
  application: z.string().nullable(),
  client: z.string().nullable().describe('client address'),
  state: z.string().nullable().describe('active, idle, idle in transaction…'),
  wait_event: z.string().nullable().describe('type:event it waits on'),
  query_start: z.date().nullable(),
  xact_start: z.date().nullable(),
  duration_ms: z.number().nullable().describe('since query_start'),
  query: z.string().describe('first 1000 characters'),
  blocked_by: z.array(z.number().int()).describe('pids holding a lock this backend waits for'),
});
export type LiveQuery = z.infer<typeof liveQuerySchema>;

export const blockedQuerySchema = z.object({
  pid: z.number().int(),
  query: z.string(),
  waiting_ms: z.number().nullable(),
  lock: z.string().nullable().describe('the lock it wants: mode on relation'),
  blocked_by: z.array(z.object({ pid: z.number().int(), state: z.string().nullable(), query: z.string(), xact_ms: z.number().nullable() })),
});
export type BlockedQuery = z.infer<typeof blockedQuerySchema>;

export const connectionsPageSchema = z.object({
  dialect: dialectSchema,
  max_connections: z.number().int().nullable(),
  connections: z.number().int().nullable().describe('every backend of the server'),
  by_state: z.array(z.object({ state: z.string(), connections: z.number().int() })),
  pool: z.object({ total: z.number(), idle: z.number(), waiting: z.number(), max: z.number() }).describe("this instance's pool"),
  check: overviewCheckSchema.describe("the connections check judged on these figures: the overview's Connections line"),
  queries: z.array(liveQuerySchema).describe("this database's client backends but the dashboard's own"),
  locks: z.array(blockedQuerySchema).describe('who blocks whom'),
  sqlite_write_lock: z.object({ held: z.boolean(), detail: z.string() }).nullable(),
  notes: z.array(z.string()),
});
export type ConnectionsPage = z.infer<typeof connectionsPageSchema>;

type LiveRow = Omit<LiveQuery, 'query_start' | 'xact_start'> & {
  query_start: string | null;
  xact_start: string | null;
  xact_ms: number | null;
  lock: string | null;
};

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
  const pool = poolOf(database);
  if (database.dialect === 'sqlite') {
    return {
      dialect: 'sqlite',
      max_connections: null,
      connections: null,
      by_state: [],
      pool,
      check: overviewCheck(judgedConnections({ pool, server: null })),
      queries: [],
      locks: [],
      sqlite_write_lock: probeSqliteWriteLock(database.target.path),
      notes: [
        'SQLite runs in this process: no server connections or live queries to list. One writer at a time; the probe tells whether another connection holds the write lock.',
      ],
    };
  }
  const server = await serverConnections(database);
  const byState = await connectionsByState(database);
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
    max_connections: server.max,
    connections: server.used,
    by_state: byState,
    pool,
    check: overviewCheck(judgedConnections({ pool, server })),
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

export const backendActionSchema = z.enum(['cancel', 'terminate']);
export type BackendAction = z.infer<typeof backendActionSchema>;

export const signalResultSchema = z.object({
  pid: z.number().int(),
  action: backendActionSchema,
  signalled: z.boolean().describe("PostgreSQL's answer: false when the backend was gone, or is not ours to signal"),
  query: z.string().describe('what the backend was running'),
});
export type SignalResult = z.infer<typeof signalResultSchema>;

/**
 * pg_cancel_backend / pg_terminate_backend on a client backend of this database opened by the
 * application's own role (never the caller's own session, never autovacuum, a walsender or another
 * service's session), checked and signalled in ONE statement: the pid cannot be reused by another
 * backend between the check and the signal. Returns null when no such backend exists.
 */
export async function signalBackend(database: Database, pid: number, action: BackendAction): Promise<SignalResult | null> {
  if (database.dialect !== 'postgres') throw new Error('cancel and terminate are PostgreSQL-only');
  const fn = sql.raw(action === 'cancel' ? 'pg_catalog.pg_cancel_backend' : 'pg_catalog.pg_terminate_backend');
  const [row] = await database.query<{ query: string; signalled: boolean }>(
    sql`
      select left(a.query, 1000) as query, ${fn}(a.pid) as signalled
      from pg_catalog.pg_stat_activity a
      where a.pid = ${pid} and a.datname = pg_catalog.current_database() and a.pid <> pg_catalog.pg_backend_pid()
        and a.backend_type = 'client backend' and a.usename = current_user`,
    { write: true },
  );
  if (!row) return null;
  return { pid, action, signalled: row.signalled, query: row.query };
}

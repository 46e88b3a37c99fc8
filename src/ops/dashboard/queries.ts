// The Queries page: pg_stat_statements by total and by mean time (the guide's "mean > 1 s" view),
// and the history from snapshots diffed pairwise (a counter that went down was reset by another
// tool: its current value is the delta). SQLite records no query timing and says so.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, PostgresDatabase } from '../../db/client.js';
import { listSnapshots, type Snapshot } from './snapshots.js';
import { dialectSchema, statementsState } from './shared.js';

/** The guide's threshold for a slow query. */
export const SLOW_MEAN_MS = 1_000;
const LIMIT = 20;

export const queryRowSchema = z.object({
  queryid: z.string(),
  query: z.string().describe('normalized text, first 2000 characters'),
  calls: z.number(),
  total_ms: z.number(),
  mean_ms: z.number(),
  rows: z.number(),
  slow: z.boolean().describe('mean over 1 s'),
});
export type QueryRow = z.infer<typeof queryRowSchema>;

export const queriesPageSchema = z.object({
  dialect: dialectSchema,
  available: z.boolean().describe('false on SQLite, or when pg_stat_statements is not preloaded or created'),
  message: z.string().optional().describe('why not available, and what to do'),
  by_total: z.array(queryRowSchema),
  by_mean: z.array(queryRowSchema),
  history: z
    .array(z.object({ at: z.date(), calls: z.number(), total_ms: z.number(), mean_ms: z.number().nullable() }))
    .describe('calls and time spent since the previous snapshot'),
});
export type QueriesPage = z.infer<typeof queriesPageSchema>;

export const enableStatementsResultSchema = z.object({
  installed: z.boolean(),
  message: z.string().optional().describe('why it could not be created'),
});

const byOrder = (database: PostgresDatabase, order: 'total' | 'mean') =>
  database.query<Omit<QueryRow, 'slow'>>(sql`
    select queryid::text as queryid, left(query, 2000) as query, calls::float8 as calls, total_exec_time::float8 as total_ms,
           mean_exec_time::float8 as mean_ms, rows::float8 as rows
    from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database()) and calls > 0
    order by ${sql.raw(order === 'total' ? 'total_exec_time' : 'mean_exec_time')} desc
    limit ${LIMIT}`);

/** The statements whose mean time is over SLOW_MEAN_MS (the guide's "performance dégradée" query), or how to enable the extension. */
export async function slowStatements(database: PostgresDatabase): Promise<{ available: boolean; message?: string; rows: Omit<QueryRow, 'slow'>[] }> {
  const state = await statementsState(database);
  if (!state.preloaded || !state.installed) return { available: false, message: state.message, rows: [] };
  return { available: true, rows: (await byOrder(database, 'mean')).filter((r) => r.mean_ms > SLOW_MEAN_MS) };
}

/** Calls and time spent between consecutive snapshots (never by resetting the extension). */
export function statementHistory(snapshots: Snapshot[]): QueriesPage['history'] {
  const history: QueriesPage['history'] = [];
  for (let i = 1; i < snapshots.length; i++) {
    const before = new Map((snapshots[i - 1].data.statements ?? []).map((s) => [s.queryid, s]));
    const now = snapshots[i].data.statements;
    if (!now) continue;
    let calls = 0;
    let totalMs = 0;
    for (const s of now) {
      const prev = before.get(s.queryid);
      const reset = !prev || s.calls < prev.calls;
      calls += reset ? s.calls : s.calls - prev.calls;
      totalMs += reset ? s.total_ms : s.total_ms - prev.total_ms;
    }
    history.push({ at: snapshots[i].created_at, calls, total_ms: totalMs, mean_ms: calls > 0 ? totalMs / calls : null });
  }
  return history;
}

export async function queriesPage(database: Database, days = 30): Promise<QueriesPage> {
  if (database.dialect === 'sqlite') {
    return {
      dialect: 'sqlite',
      available: false,
      message: 'SQLite records no query statistics: slow queries show in the request log (responseTime) instead.',
      by_total: [],
      by_mean: [],
      history: [],
    };
  }
  const state = await statementsState(database);
  const history = statementHistory(await listSnapshots(database, days));
  if (!state.preloaded || !state.installed) return { dialect: 'postgres', available: false, message: state.message, by_total: [], by_mean: [], history };
  const mark = (rows: Omit<QueryRow, 'slow'>[]) => rows.map((r) => ({ ...r, slow: r.mean_ms > SLOW_MEAN_MS }));
  return {
    dialect: 'postgres',
    available: true,
    by_total: mark(await byOrder(database, 'total')),
    by_mean: mark(await byOrder(database, 'mean')),
    history,
  };
}

/** CREATE EXTENSION pg_stat_statements in this database (needs the server to preload it). */
export async function enableStatements(database: Database): Promise<z.infer<typeof enableStatementsResultSchema>> {
  if (database.dialect !== 'postgres') return { installed: false, message: 'pg_stat_statements is PostgreSQL-only' };
  const state = await statementsState(database);
  if (!state.preloaded) return { installed: state.installed, message: state.message };
  await database.query(sql`create extension if not exists pg_stat_statements`, { write: true });
  return { installed: true };
}

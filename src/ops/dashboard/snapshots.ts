// The dashboard's history: one row per capture (database and relation sizes, cumulative
// pg_stat_statements counters, activity counters), written by `db maintenance` and by the optional
// in-process interval. The query history diffs consecutive snapshots and never resets the
// extension (PgHero's reset-on-capture clashes with every other tool reading it).
import { and, desc, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { activityCounters, statementsState } from './shared.js';

/** Retention: snapshots older than this are pruned on every capture, and never more than MAX_SNAPSHOTS. */
export const SNAPSHOT_RETENTION_DAYS = 90;
export const MAX_SNAPSHOTS = 5_000;
/** The statements kept per snapshot (by total time). */
const SNAPSHOT_STATEMENTS = 200;

export interface SnapshotData {
  database_bytes: number;
  relations: Record<string, number>;
  statements: { queryid: string; query: string; calls: number; total_ms: number; rows: number }[] | null;
  activity: { attempts: number; users: number; active_24h: number };
}

export interface Snapshot {
  id: number;
  created_at: Date;
  source: string;
  data: SnapshotData;
}

async function relationSizes(database: Database): Promise<{ total: number; relations: Record<string, number> }> {
  if (database.dialect === 'postgres') {
    const rows = await database.query<{ name: string; bytes: number }>(sql`
      select c.relname as name, pg_total_relation_size(c.oid)::float8 as bytes
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'i')`);
    const [db] = await database.query<{ bytes: number }>(sql`select pg_database_size(current_database())::float8 as bytes`);
    return { total: db.bytes, relations: Object.fromEntries(rows.map((r) => [r.name, r.bytes])) };
  }
  const rows = await database.query<{ name: string; bytes: number }>(
    sql`select name, sum(pgsize) as bytes from dbstat where name not like 'sqlite_%' group by name`,
  );
  const [size] = await database.query<{ bytes: number }>(
    sql`select (select page_count from pragma_page_count) * (select page_size from pragma_page_size) as bytes`,
  );
  return { total: size.bytes, relations: Object.fromEntries(rows.map((r) => [r.name, r.bytes])) };
}

async function statementCounters(database: Database): Promise<SnapshotData['statements']> {
  if (database.dialect !== 'postgres') return null;
  const state = await statementsState(database);
  if (!state.installed || !state.preloaded) return null;
  return database.query<NonNullable<SnapshotData['statements']>[number]>(sql`
    select queryid::text as queryid, left(query, 2000) as query, calls::float8 as calls,
           total_exec_time::float8 as total_ms, rows::float8 as rows
    from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database())
    order by total_exec_time desc
    limit ${SNAPSHOT_STATEMENTS}`);
}

export const snapshotCapturedSchema = z.object({ id: z.number().int(), created_at: z.date(), source: z.string() });

/** Captures one snapshot and prunes past the retention; returns it. */
export async function captureSnapshot(database: Database, source: 'maintenance' | 'interval' | 'manual'): Promise<Snapshot> {
  const sizes = await relationSizes(database);
  const data: SnapshotData = {
    database_bytes: sizes.total,
    relations: sizes.relations,
    statements: await statementCounters(database),
    activity: await activityCounters(database),
  };
  const table = database.tables.dashboardSnapshots;
  const [row] = await database.transaction(async (tx) => {
    const inserted = await tx.insert(table).values({ source, data }).returning();
    await tx.delete(table).where(lt(table.created_at, new Date(Date.now() - SNAPSHOT_RETENTION_DAYS * 86_400_000)));
    const [cutoff] = await tx
      .select({ id: table.id })
      .from(table)
      .orderBy(desc(table.id))
      .offset(MAX_SNAPSHOTS - 1)
      .limit(1);
    if (cutoff) await tx.delete(table).where(lt(table.id, cutoff.id));
    return inserted;
  });
  return row as Snapshot;
}

/** Snapshots taken in the last `days` days, oldest first. */
export async function listSnapshots(database: Database, days = 30): Promise<Snapshot[]> {
  const table = database.tables.dashboardSnapshots;
  const rows = await database.db
    .select()
    .from(table)
    .where(and(gte(table.created_at, new Date(Date.now() - days * 86_400_000))))
    .orderBy(table.id);
  return rows as Snapshot[];
}

/** The most recent snapshot from `source`, or null. */
export async function lastSnapshot(database: Database, source?: string): Promise<Snapshot | null> {
  const table = database.tables.dashboardSnapshots;
  const rows = await database.db
    .select()
    .from(table)
    .where(source ? sql`${table.source} = ${source}` : undefined)
    .orderBy(desc(table.id))
    .limit(1);
  return (rows[0] as Snapshot | undefined) ?? null;
}

/** Starts the optional in-process capture; returns the function that stops it. */
export function startSnapshotInterval(database: Database, minutes: number, onError: (error: unknown) => void): () => void {
  const timer = setInterval(() => {
    captureSnapshot(database, 'interval').catch(onError);
  }, minutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

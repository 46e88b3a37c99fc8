// The Overview page: one line per check, green / amber / red with the reason and what to do.
// Checks that do not apply to the dialect answer `n/a` and say why. Each check runs on its own:
// one that cannot run is red with its error, the others still answer.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, PostgresDatabase } from '../../db/client.js';
import { PROTECTED_TABLES } from '../../db/enums.js';
import { migrationStatus } from '../../db/migrate.js';
import { APP_TABLES, SCHEMA_COLUMNS } from '../catalog.js';
import type { LiveIndex } from '../catalog.js';
import { listLiveIndexes, listLiveTables, missingIndexes } from '../indexes.js';
import { lastMaintenanceRun } from '../maintenance-runs.js';
import { elapsedMs, errorMessage } from '../progress.js';
import { dialectSchema, lightSchema, type Light } from './shared.js';
import { lastBackup } from './upkeep.js';

export const overviewCheckSchema = z.object({
  id: z.string().describe('stable key: database, migrations, tables, long_queries, sequences, replication, backup…'),
  label: z.string(),
  status: lightSchema,
  value: z.union([z.string(), z.number()]).nullable().describe('the measured value (a count, milliseconds, a rate, a date)'),
  reason: z.string(),
  action: z.string().nullable().describe('what to do; set when amber or red'),
});
export type OverviewCheck = z.infer<typeof overviewCheckSchema>;

export const overviewPageSchema = z.object({
  dialect: dialectSchema,
  status: lightSchema.describe('the worst check'),
  checks: z.array(overviewCheckSchema),
});
export type OverviewPage = z.infer<typeof overviewPageSchema>;

export const LONG_QUERY_SECONDS = 60;
const SEQUENCE_WARN = 0.9;
const DAY_MS = 86_400_000;
type Result = Omit<OverviewCheck, 'id' | 'label'>;
const NOT_ON_SQLITE = (what: string): Result => ({ status: 'n/a', value: null, reason: `${what}: does not apply to SQLite`, action: null });
const ok = (value: Result['value'], reason: string): Result => ({ status: 'green', value, reason, action: null });

/** Non-unique indexes whose columns lead another index of the same table (it serves their queries too). */
export function duplicateIndexes(indexes: LiveIndex[]): { index: string; covered_by: string }[] {
  const found: { index: string; covered_by: string }[] = [];
  for (const a of indexes) {
    if (a.unique || a.columns.some((c) => c === null)) continue;
    const other = indexes.find(
      (b) => b !== a && b.table === a.table && b.valid && b.columns.length >= a.columns.length && a.columns.every((c, i) => b.columns[i] === c) &&
        (b.columns.length > a.columns.length || b.unique || b.name < a.name),
    );
    if (other) found.push({ index: a.name, covered_by: other.name });
  }
  return found;
}

export async function overviewPage(database: Database, options: { backupDir: string; timeoutMs?: number }): Promise<OverviewPage> {
  const checks: OverviewCheck[] = [];
  const check = async (id: string, label: string, fn: () => Promise<Result>) => {
    try {
      checks.push({ id, label, ...(await fn()) });
    } catch (error) {
      checks.push({ id, label, status: 'red', value: null, reason: `the check failed: ${errorMessage(error)}`, action: 'see the server log' });
    }
  };
  const pg = database.dialect === 'postgres' ? database : null;

  await check('database', 'Database reachable', async () => {
    const start = performance.now();
    await database.ping(options.timeoutMs ?? 2_000);
    const ms = Math.round(elapsedMs(start) * 10) / 10;
    return ms > 500
      ? { status: 'amber', value: ms, reason: `answers in ${ms} ms`, action: 'look at the server load and the network to the database' }
      : ok(ms, `answers in ${ms} ms`);
  });
  if (checks[0].status === 'red') return { dialect: database.dialect, status: 'red', checks };

  await check('migrations', 'Pending migrations', async () => {
    const status = await migrationStatus(database);
    return status.pending.length
      ? { status: 'red', value: status.pending.length, reason: `pending: ${status.pending.map((p) => p.tag).join(', ')}`, action: 'run `mathakine db migrate`' }
      : ok(0, `${status.applied.length} applied`);
  });
  const live = await listLiveTables(database);
  await check('tables', 'Protected and legacy tables intact', async () => {
    const missing = [...APP_TABLES, ...PROTECTED_TABLES].filter((t) => !live.includes(t));
    // a protected table is intact when it still has every column it was created with
    const present = PROTECTED_TABLES.filter((t) => live.includes(t));
    const columns = await liveColumns(database, present);
    const lostColumns = present.flatMap((t) => SCHEMA_COLUMNS[t].filter((c) => !columns.get(t)?.has(c)).map((c) => `${t}.${c}`));
    const problems = [...missing.map((t) => `missing: ${t}`), ...lostColumns.map((c) => `column gone: ${c}`)];
    const legacy = await legacyTableCount(database);
    const legacyText = legacy ? `; legacy import area: ${legacy} table(s), never touched by the API` : '';
    return problems.length
      ? { status: 'red', value: problems.length, reason: problems.join(', '), action: 'restore from the last backup (`mathakine db restore`)' }
      : ok(0, `all ${APP_TABLES.length} tables present; the protected ${PROTECTED_TABLES.join(', ')} with all their columns${legacyText}`);
  });
  await check('long_queries', `Queries running > ${LONG_QUERY_SECONDS} s`, async () => {
    if (!pg) return NOT_ON_SQLITE('no server-side queries');
    const rows = await pg.query<{ pid: number }>(sql`
      select pid from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
        and query_start < clock_timestamp() - make_interval(secs => ${LONG_QUERY_SECONDS})`);
    return rows.length
      ? { status: 'amber', value: rows.length, reason: `pids ${rows.map((r) => r.pid).join(', ')}`, action: 'see Connections: cancel them if they are stuck' }
      : ok(0, 'none');
  });
  await check('idle_in_transaction', 'Idle-in-transaction sessions', async () => {
    if (!pg) return NOT_ON_SQLITE('transactions live in this process');
    const rows = await pg.query<{ pid: number }>(sql`
      select pid from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`);
    return rows.length
      ? { status: 'amber', value: rows.length, reason: `pids ${rows.map((r) => r.pid).join(', ')} hold a transaction open`, action: 'see Connections: terminate them if they block others; set idle_in_transaction_session_timeout' }
      : ok(0, 'none');
  });
  await check('sequences', 'Sequences near their maximum', async () => {
    if (!pg) {
      const rows = await database.query<{ name: string; seq: number }>(sql`select name, seq from sqlite_sequence`);
      const near = rows.filter((r) => Number(r.seq) / 9_223_372_036_854_775_807 > SEQUENCE_WARN);
      return near.length
        ? { status: 'red', value: near.length, reason: `near 2^63: ${near.map((r) => r.name).join(', ')}`, action: 'renumber the table' }
        : ok(0, 'AUTOINCREMENT counters are 64-bit and far from full');
    }
    const rows = await pg.query<{ name: string; used: number }>(sql`
      select sequencename as name, (coalesce(last_value, start_value)::float8 / max_value::float8) as used
      from pg_sequences where schemaname = current_schema() order by 2 desc`);
    const near = rows.filter((r) => r.used > SEQUENCE_WARN);
    return near.length
      ? {
          status: 'red',
          value: near.length,
          reason: near.map((r) => `${r.name} at ${(r.used * 100).toFixed(1)} %`).join(', '),
          action: 'widen the column and its sequence to bigint before inserts fail',
        }
      : ok(0, `${rows.length} sequences, the fullest at ${((rows[0]?.used ?? 0) * 100).toFixed(2)} %`);
  });
  await check('wraparound', 'Transaction-ID wraparound margin', async () => {
    if (!pg) return NOT_ON_SQLITE('SQLite has no transaction IDs');
    const [row] = await pg.query<{ age: number }>(sql`select age(datfrozenxid)::float8 as age from pg_database where datname = current_database()`);
    const used = row.age / 2_147_483_648;
    const reason = `${(100 - used * 100).toFixed(1)} % of the 2^31 margin left (age ${row.age})`;
    if (used > 0.75) return { status: 'red', value: row.age, reason, action: 'VACUUM FREEZE the oldest tables now' };
    if (used > 0.5) return { status: 'amber', value: row.age, reason, action: 'check that autovacuum keeps up' };
    return ok(row.age, reason);
  });
  const indexes = await listLiveIndexes(database);
  await check('invalid_indexes', 'Invalid indexes', async () => {
    if (!pg) return NOT_ON_SQLITE('SQLite indexes are never left invalid');
    const invalid = indexes.filter((i) => !i.valid);
    return invalid.length
      ? { status: 'red', value: invalid.length, reason: invalid.map((i) => i.name).join(', '), action: 'drop and recreate them (a failed CREATE INDEX CONCURRENTLY leaves them)' }
      : ok(0, 'none');
  });
  await check('duplicate_indexes', 'Duplicate indexes', async () => {
    const duplicates = duplicateIndexes(indexes);
    return duplicates.length
      ? {
          status: 'amber',
          value: duplicates.length,
          reason: duplicates.map((d) => `${d.index} (covered by ${d.covered_by})`).join(', '),
          action: 'drop the covered index: it costs writes and space for nothing',
        }
      : ok(0, 'none');
  });
  await check('unused_indexes', 'Unused indexes', async () => {
    if (!pg) return NOT_ON_SQLITE('SQLite keeps no index usage statistics');
    const rows = await pg.query<{ name: string }>(sql`
      select s.indexrelname as name from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid
      where s.schemaname = current_schema() and s.idx_scan = 0 and not i.indisunique and not i.indisprimary`);
    return rows.length
      ? { status: 'amber', value: rows.length, reason: `never scanned since the statistics were reset: ${rows.map((r) => r.name).join(', ')}`, action: 'confirm on production traffic, then drop the ones no query needs' }
      : ok(0, 'none');
  });
  await check('missing_indexes', 'Missing recommended indexes', async () => {
    const missing = missingIndexes(indexes, live);
    return missing.length
      ? { status: 'amber', value: missing.length, reason: missing.map((m) => m.name).join(', '), action: 'press Optimize (or `mathakine db optimize`)' }
      : ok(0, 'all present');
  });
  await check('cache_hit_rate', 'Cache hit rate', async () => {
    if (!pg) return NOT_ON_SQLITE('SQLite keeps no cache statistics');
    const [row] = await pg.query<{ rate: number | null }>(sql`
      select sum(heap_blks_hit)::float8 / nullif(sum(heap_blks_hit) + sum(heap_blks_read), 0) as rate
      from pg_statio_user_tables where schemaname = current_schema()`);
    if (row.rate === null) return ok(null, 'no table read yet');
    const reason = `${(row.rate * 100).toFixed(1)} % of table reads served from memory`;
    return row.rate < 0.95 ? { status: 'amber', value: row.rate, reason, action: 'raise shared_buffers or the instance memory' } : ok(row.rate, reason);
  });
  await check('connections', 'Connections', async () => {
    const pool = database.poolStats();
    const poolText = `pool ${pool.total - pool.idle}/${pool.max} in use, ${pool.waiting} waiting`;
    if (!pg) {
      return pool.waiting > 0 ? { status: 'amber', value: pool.waiting, reason: poolText, action: 'writes queue behind the single writer' } : ok(pool.total, poolText);
    }
    const [row] = await pg.query<{ used: number; max: number }>(sql`
      select (select count(*)::int from pg_stat_activity) as used, current_setting('max_connections')::int as max`);
    const reason = `${row.used} of max_connections ${row.max}; ${poolText}`;
    if (row.used / row.max > 0.9) return { status: 'red', value: row.used, reason, action: 'lower PG_POOL_MAX per instance or put PgBouncer in front' };
    if (row.used / row.max > 0.7 || pool.waiting > 0) return { status: 'amber', value: row.used, reason, action: 'watch it: raise max_connections or pool with PgBouncer' };
    return ok(row.used, reason);
  });
  await check('replication', 'Replica lag', async () => {
    if (!pg) return NOT_ON_SQLITE('no replication');
    return replicaLag(pg);
  });
  await check('backup', 'Last backup', async () => {
    const last = await lastBackup(options.backupDir);
    if (!last) return { status: 'red', value: null, reason: `no backup in ${options.backupDir}`, action: 'press Backup (or `mathakine db backup`), and schedule `db maintenance`' };
    const age = Date.now() - last.at.getTime();
    const reason = `${last.at.toISOString()} (${Math.round(age / 3_600_000)} h ago)`;
    return age > 2 * DAY_MS ? { status: 'amber', value: last.at.toISOString(), reason, action: 'schedule `mathakine db maintenance` daily' } : ok(last.at.toISOString(), reason);
  });
  await check('maintenance', 'Last maintenance run', async () => {
    const last = await lastMaintenanceRun(database);
    if (!last) return { status: 'amber', value: null, reason: 'no `db maintenance` run recorded', action: 'schedule `mathakine db maintenance` daily' };
    const age = Date.now() - last.started_at.getTime();
    const reason = `${last.started_at.toISOString()} (${Math.round(age / 3_600_000)} h ago)${last.ok ? '' : `, failed: ${last.steps.filter((s) => !s.ok).map((s) => s.name).join(', ')}`}`;
    if (!last.ok) return { status: 'red', value: reason, reason, action: 'read the failed step in `mathakine db health --full` and run `mathakine db maintenance` again' };
    return age > 2 * DAY_MS ? { status: 'amber', value: reason, reason, action: 'schedule `mathakine db maintenance` daily' } : ok(reason, reason);
  });

  const order: Light[] = ['red', 'amber', 'green'];
  const status = order.find((s) => checks.some((c) => c.status === s)) ?? 'green';
  return { dialect: database.dialect, status, checks };
}

/** The columns of `tables` as the database has them now. */
async function liveColumns(database: Database, tables: readonly string[]): Promise<Map<string, Set<string>>> {
  const columns = new Map(tables.map((t) => [t, new Set<string>()]));
  const rows =
    database.dialect === 'postgres'
      ? await database.query<{ table_name: string; column_name: string }>(sql`
          select table_name, column_name from information_schema.columns where table_schema = current_schema()`)
      : await database.query<{ table_name: string; column_name: string }>(sql`
          select m.name as table_name, c.name as column_name from sqlite_master m join pragma_table_info(m.name) c where m.type = 'table'`);
  for (const row of rows) columns.get(row.table_name)?.add(row.column_name);
  return columns;
}

/** Tables of the import's legacy area: schema `legacy` (PostgreSQL) or `legacy_*` tables (SQLite). */
async function legacyTableCount(database: Database): Promise<number> {
  const [row] =
    database.dialect === 'postgres'
      ? await database.query<{ n: number }>(sql`select count(*)::int as n from pg_tables where schemaname = 'legacy'`)
      : await database.query<{ n: number }>(sql`select count(*) as n from sqlite_master where type = 'table' and substr(name, 1, 7) = 'legacy_'`);
  return Number(row.n);
}

async function replicaLag(database: PostgresDatabase): Promise<Result> {
  // the replicas this app reads from (DATABASE_REPLICA_URLS), as its router sees them
  if (database.replicas) {
    await database.replicas.check();
    const statuses = database.replicas.statuses();
    const worst = Math.max(...statuses.map((r) => r.lag_seconds ?? 0));
    const reason = statuses.map((r) => `${r.name} ${r.state}${r.lag_seconds === null ? '' : ` ${r.lag_seconds.toFixed(1)} s`}`).join(', ');
    const out = statuses.filter((r) => r.state !== 'streaming');
    return out.length
      ? { status: 'amber', value: worst, reason: `${reason}; reads go to the primary instead`, action: 'check the replica and the network (REPLICA_MAX_LAG_SECONDS)' }
      : ok(worst, reason);
  }
  const [recovery] = await database.query<{ standby: boolean; lag: number | null }>(sql`
    select pg_is_in_recovery() as standby,
           case when pg_is_in_recovery() then extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8 end as lag`);
  if (recovery.standby) {
    const lag = recovery.lag ?? 0;
    return lag > 60 ? { status: 'amber', value: lag, reason: `this replica is ${lag.toFixed(0)} s behind`, action: 'check the primary and the network' } : ok(lag, `replica ${lag.toFixed(1)} s behind`);
  }
  const replicas = await database.query<{ name: string; lag: number | null }>(sql`
    select coalesce(application_name, client_addr::text) as name, extract(epoch from replay_lag)::float8 as lag from pg_stat_replication`);
  if (replicas.length === 0) return { status: 'n/a', value: 0, reason: 'no replicas', action: null };
  const worst = Math.max(...replicas.map((r) => r.lag ?? 0));
  const reason = replicas.map((r) => `${r.name} ${(r.lag ?? 0).toFixed(1)} s`).join(', ');
  return worst > 60 ? { status: 'amber', value: worst, reason, action: 'check the replica and the network' } : ok(worst, reason);
}

// The judgement, in one table: each check takes its measurements (../measure), compares them with
// THRESHOLDS and says pass / warn / fail (or n/a where it does not apply), the reason, and what to
// do. The health report, the dashboard overview and /metrics are views of this one list, so they
// cannot disagree. To add a check: a measurement in ../measure, a row in CHECKS below, and in which
// views it shows (`health` key, `overview` label); /metrics exports every row by itself.
import { z } from 'zod';
import type { Database, PostgresDatabase } from '../../db/client.js';
import { PROTECTED_TABLES } from '../../db/enums.js';
import { migrationStatus } from '../../db/migrate.js';
import { describeTarget } from '../../db/url.js';
import { APP_TABLES, ENUM_COLUMNS, FOREIGN_KEYS, SCHEMA_TABLES } from '../measure/catalog.js';
import { SLOW_MEAN_MS, slowStatements } from '../dashboard/queries.js';
import { formatBytes, formatPercent } from '../format.js';
import { pingMs } from '../measure/connection.js';
import { indexHealth, sequences, unusedIndexes } from '../measure/indexes.js';
import { enumViolations, orphanRows, rowCount } from '../measure/integrity.js';
import { replication } from '../measure/replication.js';
import { schemaPresence, type SchemaPresence } from '../measure/schema.js';
import { cacheHitRate, idleInTransaction, longQueries, pool, serverConnections, transactionIdAge } from '../measure/server.js';
import { diskUsage } from '../measure/storage.js';
import { lastMaintenance, newestBackup } from '../measure/upkeep.js';
import { errorMessage } from '../progress.js';

/** The one status vocabulary. The dashboard paints it green / amber / red at the view. */
export const checkStatusSchema = z.enum(['pass', 'warn', 'fail', 'n/a']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/** Every limit a check compares with, in one place (override per call with `thresholds`). */
export const THRESHOLDS = {
  /** a ping slower than this warns */
  pingWarnMs: 500,
  /** `db maintenance` runs daily: its last run is stale after this */
  maintenanceStaleHours: 48,
  /** the newest backup is stale after this */
  backupStaleHours: 48,
  /** share of the disk used above which the disk check warns */
  diskWarnRatio: 0.8,
  /** a query running longer than this is a long query */
  longQuerySeconds: 60,
  /** a sequence used past this share of its range fails */
  sequenceFailRatio: 0.9,
  /** share of the 2^31 transaction-ID margin used: warn, fail */
  wraparoundWarnRatio: 0.5,
  wraparoundFailRatio: 0.75,
  /** table reads served from memory below this share warn */
  cacheHitWarnRatio: 0.95,
  /** server connections against max_connections: warn, fail */
  connectionsWarnRatio: 0.7,
  connectionsFailRatio: 0.9,
  /** a replica the server reports (no router) lagging more than this warns */
  replicaLagWarnSeconds: 60,
};
export type Thresholds = typeof THRESHOLDS;

/** One judged result; a check has one, and may detail it in parts (one per replica, foreign key, table…). */
export interface Verdict {
  status: CheckStatus;
  /** the measured figure: a count, milliseconds, a rate, a date */
  value: number | string | null;
  unit?: string;
  reason: string;
  /** what to do; set when warn or fail */
  action: string | null;
}

export interface VerdictPart extends Verdict {
  /** the health report's key for this part when it differs from the check's; null: not in the health report */
  healthKey?: string | null;
  componentId?: string;
  componentType?: string;
}

export interface JudgedCheck extends Verdict {
  id: string;
  label: string;
  /** the health report's "component:measurement" key; null: not in the health report */
  healthKey: string | null;
  /** shown on the dashboard's overview */
  overview: boolean;
  /** when set, the health report lists these instead of the check itself */
  parts?: VerdictPart[];
  time: Date;
}

export interface CheckContext {
  database: Database;
  pg: PostgresDatabase | null;
  thresholds: Thresholds;
  migrationsFolder?: string;
  timeoutMs: number;
  diskLimitBytes: number;
  backupDir: string | null;
  /** measured once, read by several checks */
  schema: () => Promise<SchemaPresence>;
}

type Judged = Verdict & { parts?: VerdictPart[] };

interface CheckDefinition {
  id: string;
  label: (t: Thresholds) => string;
  healthKey: string | null;
  overview: boolean;
  /** counts rows of whole tables: left out of /metrics, which is scraped every few seconds */
  scansTables?: true;
  /** false: the check is left out (not n/a: it has nothing to say here), e.g. backups without a backup folder */
  applies?: (ctx: CheckContext) => boolean;
  judge: (ctx: CheckContext) => Promise<Judged>;
}

const pass = (value: Verdict['value'], reason: string, unit?: string): Verdict => ({ status: 'pass', value, reason, action: null, ...(unit ? { unit } : {}) });
const notOnSqlite = (what: string): Verdict => ({ status: 'n/a', value: null, reason: `${what}: does not apply to SQLite`, action: null });
const ORDER: CheckStatus[] = ['fail', 'warn', 'pass', 'n/a'];
/** The worst status of a list: fail, then warn, then pass (n/a counts for nothing). */
export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  const found = ORDER.find((s) => s !== 'n/a' && statuses.includes(s));
  return found ?? (statuses.length && statuses.every((s) => s === 'n/a') ? 'n/a' : 'pass');
}
const hoursSince = (date: Date) => Math.round((Date.now() - date.getTime()) / 3_600_000);

/** What the connections check judges: this instance's pool and (PostgreSQL) the server's backends. */
export interface ConnectionFigures {
  pool: ReturnType<typeof pool>;
  server: Awaited<ReturnType<typeof serverConnections>> | null;
}

function judgeConnections({ pool: p, server }: ConnectionFigures, thresholds: Thresholds): Judged {
  const inUse = p.total - p.idle;
  const poolText = `pool ${inUse}/${p.max} in use, ${p.idle} idle, ${p.waiting} waiting`;
  const poolPart: VerdictPart =
    p.waiting > 0 || inUse >= p.max
      ? {
          status: 'warn',
          value: inUse,
          unit: 'connections',
          reason: poolText,
          action: server ? 'raise PG_POOL_MAX, or find what holds connections (see Connections)' : 'writes queue behind the single writer',
        }
      : pass(inUse, poolText, 'connections');
  if (!server) return { ...poolPart, parts: [poolPart] };
  const reason = `${server.used} of max_connections ${server.max}; ${poolText}`;
  const ratio = server.used / server.max;
  const serverPart: VerdictPart =
    ratio > thresholds.connectionsFailRatio
      ? {
          healthKey: null,
          status: 'fail',
          value: server.used,
          unit: 'connections',
          reason,
          action: 'lower PG_POOL_MAX per instance or put PgBouncer in front',
        }
      : ratio > thresholds.connectionsWarnRatio
        ? {
            healthKey: null,
            status: 'warn',
            value: server.used,
            unit: 'connections',
            reason,
            action: 'watch it: raise max_connections or pool with PgBouncer',
          }
        : { healthKey: null, ...pass(server.used, reason, 'connections') };
  const worst = worstStatus([poolPart.status, serverPart.status]);
  const action = worst === 'pass' ? null : serverPart.status === worst ? serverPart.action : poolPart.action;
  return { status: worst, value: server.used, reason, action, parts: [poolPart, serverPart] };
}

export const CHECKS: CheckDefinition[] = [
  {
    id: 'database',
    label: () => 'Database reachable',
    healthKey: 'database:connection',
    overview: true,
    async judge({ database, thresholds, timeoutMs }) {
      let ms: number;
      try {
        ms = await pingMs(database, timeoutMs);
      } catch (error) {
        return { status: 'fail', value: null, reason: `unreachable: ${errorMessage(error)}`, action: 'check DATABASE_URL and that the database server runs' };
      }
      const reason = `${describeTarget(database.target)} answers in ${ms} ms`;
      return ms > thresholds.pingWarnMs
        ? { status: 'warn', value: ms, unit: 'ms', reason, action: 'look at the server load and the network to the database' }
        : pass(ms, reason, 'ms');
    },
  },
  {
    id: 'migrations',
    label: () => 'Pending migrations',
    healthKey: 'migrations:pending',
    overview: true,
    async judge({ database, migrationsFolder }) {
      const status = await migrationStatus(database, { migrationsFolder });
      const latest = status.applied.at(-1);
      const applied = `${status.applied.length} applied${latest ? ` (latest ${latest.tag})` : ''}`;
      return status.pending.length
        ? {
            status: 'fail',
            value: status.pending.length,
            unit: 'migrations',
            reason: `${applied}; pending: ${status.pending.map((p) => p.tag).join(', ')}`,
            action: 'run `mathakine db migrate`',
          }
        : pass(0, applied, 'migrations');
    },
  },
  {
    id: 'tables',
    label: () => 'Protected and legacy tables intact',
    healthKey: 'tables:schema',
    overview: true,
    async judge({ schema }) {
      const s = await schema();
      const app: VerdictPart = s.missingAppTables.length
        ? {
            status: 'fail',
            value: s.missingAppTables.length,
            unit: 'missing',
            reason: s.missingAppTables.map((t) => `missing: ${t}`).join(', '),
            action: 'restore from the last backup (`mathakine db restore`)',
          }
        : { ...pass(0, `all ${APP_TABLES.length} tables present`, 'missing') };
      // a protected table is intact when it still has every column it was created with
      const problems = [...s.missingProtectedTables.map((t) => `missing: ${t}`), ...s.lostProtectedColumns.map((c) => `column gone: ${c}`)];
      const legacy = s.legacyTables.length ? `; legacy import area: ${s.legacyTables.length} table(s), never touched by the API` : '';
      const protectedPart: VerdictPart = problems.length
        ? {
            healthKey: 'tables:protected',
            status: 'fail',
            value: problems.length,
            unit: 'missing',
            reason: problems.join(', '),
            action: 'restore from the last backup (`mathakine db restore`)',
          }
        : { healthKey: 'tables:protected', ...pass(0, `the protected ${PROTECTED_TABLES.join(', ')} with all their columns${legacy}`, 'missing') };
      const failing = [app, protectedPart].filter((p) => p.status === 'fail');
      const whole: Verdict = failing.length
        ? {
            status: 'fail',
            value: failing.reduce((n, p) => n + Number(p.value), 0),
            reason: failing.map((p) => p.reason).join(', '),
            action: 'restore from the last backup (`mathakine db restore`)',
          }
        : pass(0, `${app.reason}; ${protectedPart.reason}`);
      return { ...whole, parts: [app, protectedPart] };
    },
  },
  {
    id: 'long_queries',
    label: (t) => `Queries running > ${t.longQuerySeconds} s`,
    healthKey: null,
    overview: true,
    async judge({ pg, thresholds }) {
      if (!pg) return notOnSqlite('no server-side queries');
      const pids = await longQueries(pg, thresholds.longQuerySeconds);
      return pids.length
        ? { status: 'warn', value: pids.length, reason: `pids ${pids.join(', ')}`, action: 'see Connections: cancel them if they are stuck' }
        : pass(0, 'none');
    },
  },
  {
    id: 'idle_in_transaction',
    label: () => 'Idle-in-transaction sessions',
    healthKey: null,
    overview: true,
    async judge({ pg }) {
      if (!pg) return notOnSqlite('transactions live in this process');
      const pids = await idleInTransaction(pg);
      return pids.length
        ? {
            status: 'warn',
            value: pids.length,
            reason: `pids ${pids.join(', ')} hold a transaction open`,
            action: 'see Connections: terminate them if they block others; set idle_in_transaction_session_timeout',
          }
        : pass(0, 'none');
    },
  },
  {
    id: 'sequences',
    label: () => 'Sequences near their maximum',
    healthKey: null,
    overview: true,
    async judge({ database, pg, thresholds }) {
      const all = await sequences(database);
      const near = all.filter((s) => s.used > thresholds.sequenceFailRatio);
      if (near.length) {
        return pg
          ? {
              status: 'fail',
              value: near.length,
              reason: near.map((s) => `${s.name} at ${(s.used * 100).toFixed(1)} %`).join(', '),
              action: 'widen the column and its sequence to bigint before inserts fail',
            }
          : { status: 'fail', value: near.length, reason: `near 2^63: ${near.map((s) => s.name).join(', ')}`, action: 'renumber the table' };
      }
      return pg
        ? pass(0, `${all.length} sequences, the fullest at ${((all[0]?.used ?? 0) * 100).toFixed(2)} %`)
        : pass(0, 'AUTOINCREMENT counters are 64-bit and far from full');
    },
  },
  {
    id: 'wraparound',
    label: () => 'Transaction-ID wraparound margin',
    healthKey: null,
    overview: true,
    async judge({ pg, thresholds }) {
      if (!pg) return notOnSqlite('SQLite has no transaction IDs');
      const age = await transactionIdAge(pg);
      const used = age / 2_147_483_648;
      const reason = `${(100 - used * 100).toFixed(1)} % of the 2^31 margin left (age ${age})`;
      if (used > thresholds.wraparoundFailRatio) return { status: 'fail', value: age, reason, action: 'VACUUM FREEZE the oldest tables now' };
      if (used > thresholds.wraparoundWarnRatio) return { status: 'warn', value: age, reason, action: 'check that autovacuum keeps up' };
      return pass(age, reason);
    },
  },
  {
    id: 'invalid_indexes',
    label: () => 'Invalid indexes',
    healthKey: null,
    overview: true,
    async judge({ database, pg, schema }) {
      if (!pg) return notOnSqlite('SQLite indexes are never left invalid');
      const { invalid } = await indexHealth(database, (await schema()).liveTables);
      return invalid.length
        ? {
            status: 'fail',
            value: invalid.length,
            reason: invalid.map((i) => i.name).join(', '),
            action: 'drop and recreate them (a failed CREATE INDEX CONCURRENTLY leaves them)',
          }
        : pass(0, 'none');
    },
  },
  {
    id: 'duplicate_indexes',
    label: () => 'Duplicate indexes',
    healthKey: null,
    overview: true,
    async judge({ database, schema }) {
      const { duplicates } = await indexHealth(database, (await schema()).liveTables);
      return duplicates.length
        ? {
            status: 'warn',
            value: duplicates.length,
            reason: duplicates.map((d) => `${d.index} (covered by ${d.covered_by})`).join(', '),
            action: 'drop the covered index: it costs writes and space for nothing',
          }
        : pass(0, 'none');
    },
  },
  {
    id: 'unused_indexes',
    label: () => 'Unused indexes',
    healthKey: null,
    overview: true,
    async judge({ pg }) {
      if (!pg) return notOnSqlite('SQLite keeps no index usage statistics');
      const names = await unusedIndexes(pg);
      return names.length
        ? {
            status: 'warn',
            value: names.length,
            reason: `never scanned since the statistics were reset: ${names.join(', ')}`,
            action: 'confirm on production traffic, then drop the ones no query needs',
          }
        : pass(0, 'none');
    },
  },
  {
    id: 'missing_indexes',
    label: () => 'Missing recommended indexes',
    healthKey: 'indexes:recommended',
    overview: true,
    async judge({ database, schema }) {
      const { missing } = await indexHealth(database, (await schema()).liveTables);
      return missing.length
        ? {
            status: 'warn',
            value: missing.length,
            unit: 'missing',
            reason: `missing: ${missing.map((m) => m.name).join(', ')}`,
            action: 'run `mathakine db optimize` (or press Optimize)',
          }
        : pass(0, 'all present', 'missing');
    },
  },
  {
    id: 'cache_hit_rate',
    label: () => 'Cache hit rate',
    healthKey: null,
    overview: true,
    async judge({ pg, thresholds }) {
      if (!pg) return notOnSqlite('SQLite keeps no cache statistics');
      const { tables: rate } = await cacheHitRate(pg);
      if (rate === null) return pass(null, 'no table read yet');
      const reason = `${(rate * 100).toFixed(1)} % of table reads served from memory`;
      return rate < thresholds.cacheHitWarnRatio
        ? { status: 'warn', value: rate, reason, action: 'raise shared_buffers or the instance memory' }
        : pass(rate, reason);
    },
  },
  {
    id: 'connections',
    label: () => 'Connections',
    healthKey: 'pool:usage',
    overview: true,
    async judge({ database, pg, thresholds }) {
      return judgeConnections({ pool: pool(database), server: pg ? await serverConnections(pg) : null }, thresholds);
    },
  },
  {
    id: 'replication',
    label: () => 'Replica lag',
    healthKey: 'replicas:lag',
    overview: true,
    async judge({ pg, thresholds }) {
      if (!pg) return { ...notOnSqlite('no replication'), parts: [] };
      const state = await replication(pg);
      if (state.source === 'router') {
        const parts: VerdictPart[] = state.replicas.map((r) => ({
          componentId: r.name,
          componentType: 'datastore',
          value: r.lag_seconds,
          ...(r.lag_seconds !== null ? { unit: 's' } : {}),
          // a replica out of use costs the primary its reads, not the service its answers
          ...(r.state === 'streaming'
            ? { status: 'pass' as const, reason: 'streaming, serving reads', action: null }
            : {
                status: 'warn' as const,
                reason: `${r.state}: ${r.reason ?? 'not checked yet'}; its reads go to the primary`,
                action: 'check the replica and the network (REPLICA_MAX_LAG_SECONDS)',
              }),
        }));
        const worst = Math.max(...state.replicas.map((r) => r.lag_seconds ?? 0));
        const reason = state.replicas.map((r) => `${r.name} ${r.state}${r.lag_seconds === null ? '' : ` ${r.lag_seconds.toFixed(1)} s`}`).join(', ');
        const out = parts.filter((p) => p.status !== 'pass');
        return out.length
          ? {
              status: 'warn',
              value: worst,
              reason: `${reason}; reads go to the primary instead`,
              action: 'check the replica and the network (REPLICA_MAX_LAG_SECONDS)',
              parts,
            }
          : { ...pass(worst, reason), parts };
      }
      // replicas this app does not read from: the server's own view, not in the health report
      if (state.source === 'standby') {
        const lag = state.lag_seconds;
        return lag > thresholds.replicaLagWarnSeconds
          ? { status: 'warn', value: lag, reason: `this replica is ${lag.toFixed(0)} s behind`, action: 'check the primary and the network', parts: [] }
          : { ...pass(lag, `replica ${lag.toFixed(1)} s behind`), parts: [] };
      }
      if (state.replicas.length === 0) return { status: 'n/a', value: 0, reason: 'no replicas', action: null, parts: [] };
      const worst = Math.max(...state.replicas.map((r) => r.lag_seconds));
      const reason = state.replicas.map((r) => `${r.name} ${r.lag_seconds.toFixed(1)} s`).join(', ');
      return worst > thresholds.replicaLagWarnSeconds
        ? { status: 'warn', value: worst, reason, action: 'check the replica and the network', parts: [] }
        : { ...pass(worst, reason), parts: [] };
    },
  },
  {
    id: 'backup',
    label: () => 'Last backup',
    healthKey: null,
    overview: true,
    applies: (ctx) => ctx.backupDir !== null,
    async judge({ backupDir, thresholds }) {
      const dir = backupDir ?? '';
      const last = newestBackup(dir);
      if (!last)
        return { status: 'fail', value: null, reason: `no backup in ${dir}`, action: 'press Backup (or `mathakine db backup`), and schedule `db maintenance`' };
      const ageHours = (Date.now() - last.at.getTime()) / 3_600_000;
      const reason = `${last.at.toISOString()} (${Math.round(ageHours)} h ago)`;
      return ageHours > thresholds.backupStaleHours
        ? { status: 'warn', value: last.at.toISOString(), reason, action: 'schedule `mathakine db maintenance` daily' }
        : pass(last.at.toISOString(), reason);
    },
  },
  {
    // Kept from the health report where the two copies disagreed: never run is a pass with a
    // hint (a fresh database is healthy), a failed run warns (the service itself answers).
    id: 'maintenance',
    label: () => 'Last maintenance run',
    healthKey: 'maintenance:last_run',
    overview: true,
    async judge({ database, schema, thresholds }) {
      if (!(await schema()).liveTables.includes('maintenance_runs'))
        return { status: 'n/a', value: null, reason: 'no maintenance_runs table (run `mathakine db migrate`)', action: null };
      const last = await lastMaintenance(database);
      if (!last) return pass(null, 'never run here (schedule `mathakine db maintenance` daily: README "Maintenance")');
      const ageHours = hoursSince(last.started_at);
      const failed = last.steps.filter((s) => !s.ok);
      const reason =
        `${last.ok ? 'ok' : 'FAILED'} ${ageHours} h ago, ${last.steps.map((s) => `${s.name} ${s.ok ? 'ok' : 'FAILED'} ${Math.round(s.duration_ms)} ms`).join(', ')}` +
        (failed.length ? `; ${failed.map((s) => `${s.name}: ${s.summary}`).join('; ')}` : '');
      const value = last.started_at.toISOString();
      if (!last.ok)
        return { status: 'warn', value, reason, action: 'read the failed step in `mathakine db health --full` and run `mathakine db maintenance` again' };
      return ageHours > thresholds.maintenanceStaleHours
        ? { status: 'warn', value, reason, action: 'is the daily job still scheduled? schedule `mathakine db maintenance` daily' }
        : pass(value, reason);
    },
  },
  // ---- the health report's own checks (integrity, sizes, slow queries): not on the overview ----
  {
    id: 'orphan_rows',
    label: () => 'Rows pointing to a missing parent',
    healthKey: 'integrity:orphan_rows',
    scansTables: true,
    overview: false,
    async judge({ database, schema }) {
      const live = (await schema()).liveTables;
      const parts: VerdictPart[] = [];
      for (const fk of FOREIGN_KEYS.filter((f) => live.includes(f.table) && live.includes(f.references.table))) {
        const componentId = `${fk.table}.${fk.column} -> ${fk.references.table}.${fk.references.column}`;
        parts.push(
          await part(componentId, async () => {
            const orphans = await orphanRows(database, fk);
            return orphans > 0
              ? {
                  status: 'fail',
                  value: orphans,
                  unit: 'rows',
                  reason: `${orphans} ${fk.table} row(s) point to a missing ${fk.references.table}`,
                  action: 'delete or repair them (an import with foreign keys off left them)',
                }
              : pass(0, '', 'rows');
          }),
        );
      }
      return summarise(parts, 'rows');
    },
  },
  {
    id: 'enum_violations',
    label: () => 'Values outside their enum',
    healthKey: 'integrity:enum_violations',
    scansTables: true,
    overview: false,
    async judge({ database, schema }) {
      const live = (await schema()).liveTables;
      const parts: VerdictPart[] = [];
      for (const column of ENUM_COLUMNS.filter((c) => live.includes(c.table))) {
        parts.push(
          await part(`${column.table}.${column.column}`, async () => {
            const violations = await enumViolations(database, column);
            return violations > 0
              ? {
                  status: 'fail',
                  value: violations,
                  unit: 'rows',
                  reason: `${violations} row(s) outside ${column.values.join('|')}`,
                  action: 'correct the values (an import from the original can carry them)',
                }
              : pass(0, '', 'rows');
          }),
        );
      }
      return summarise(parts, 'rows');
    },
  },
  {
    id: 'rows',
    label: () => 'Rows per table',
    healthKey: 'tables:rows',
    scansTables: true,
    overview: false,
    async judge({ database, schema }) {
      const live = (await schema()).liveTables;
      const parts: VerdictPart[] = [];
      for (const table of SCHEMA_TABLES.filter((t) => live.includes(t))) {
        parts.push(await part(table, async () => pass(await rowCount(database, table), '', 'rows')));
      }
      return summarise(parts, 'rows');
    },
  },
  {
    id: 'disk',
    label: () => 'Disk usage',
    healthKey: 'disk:usage',
    overview: false,
    async judge({ database, diskLimitBytes, thresholds }) {
      const disk = await diskUsage(database, diskLimitBytes);
      const over = disk.usedRatio !== null && disk.usedRatio > thresholds.diskWarnRatio;
      const limit = formatPercent(thresholds.diskWarnRatio, 0);
      let reason: string;
      let action: string | null = null;
      if (database.dialect === 'postgres') {
        reason = disk.limitBytes
          ? `pg_database_size ${formatBytes(disk.bytes)}, ${formatPercent(disk.usedRatio ?? 0, 0)} of DB_DISK_LIMIT_BYTES ${formatBytes(disk.limitBytes)}`
          : `pg_database_size ${formatBytes(disk.bytes)} (set DB_DISK_LIMIT_BYTES to the plan's disk to get a warning above ${limit})`;
        if (over) action = `over ${limit}: upgrade the plan's disk, or prune data`;
      } else {
        reason = `database file with WAL ${formatBytes(disk.bytes)}; its file system ${formatPercent(disk.usedRatio ?? 0, 0)} used, ${formatBytes(disk.freeBytes ?? 0)} free`;
        if (over) action = `over ${limit}: free space, prune backups with db backup --keep, or move the file`;
      }
      return { status: over ? 'warn' : 'pass', value: disk.bytes, unit: 'bytes', reason, action };
    },
  },
  {
    id: 'slow_queries',
    label: () => 'Slow queries',
    healthKey: 'queries:slow',
    overview: false,
    applies: (ctx) => ctx.pg !== null,
    async judge({ pg }) {
      if (!pg) return notOnSqlite('no pg_stat_statements');
      const slow = await slowStatements(pg);
      if (!slow.available) return pass(null, `not measured: ${slow.message}`);
      return slow.rows.length
        ? {
            status: 'warn',
            value: slow.rows.length,
            unit: 'queries',
            reason: slow.rows.map((r) => `${r.mean_ms.toFixed(0)} ms mean × ${r.calls}: ${r.query.replace(/\s+/g, ' ').slice(0, 120)}`).join(' | '),
            action: 'see the Queries page: add an index or rewrite them',
          }
        : pass(0, `none with a mean over ${SLOW_MEAN_MS} ms (pg_stat_statements)`, 'queries');
    },
  },
];

/** A part of a check that cannot run fails on its own; the other parts still answer. */
async function part(componentId: string, fn: () => Promise<Verdict>): Promise<VerdictPart> {
  try {
    return { componentId, ...(await fn()) };
  } catch (error) {
    return { componentId, status: 'fail', value: null, reason: errorMessage(error), action: 'see the server log' };
  }
}

function summarise(parts: VerdictPart[], unit: string): Judged {
  const bad = parts.filter((p) => p.status === 'fail' || p.status === 'warn');
  const status = worstStatus(parts.map((p) => p.status));
  return bad.length
    ? { status, value: bad.length, unit, reason: bad.map((p) => `${p.componentId}: ${p.reason}`).join('; '), action: bad[0].action, parts }
    : { status, value: 0, unit, reason: `${parts.length} checked`, action: null, parts };
}

const baseOf = (check: CheckDefinition, thresholds: Thresholds) => ({
  id: check.id,
  label: check.label(thresholds),
  healthKey: check.healthKey,
  overview: check.overview,
});

/**
 * The connections check judged on figures the caller measured (pool() and serverConnections()), by
 * the rule runChecks applies: the Connections page judges the very figures it shows.
 */
export function judgedConnections(figures: ConnectionFigures, thresholds: Partial<Thresholds> = {}): JudgedCheck {
  const all = { ...THRESHOLDS, ...thresholds };
  const check = CHECKS.find((c) => c.id === 'connections')!;
  return { ...baseOf(check, all), ...judgeConnections(figures, all), time: new Date() };
}

export interface CheckOptions {
  migrationsFolder?: string;
  timeoutMs?: number;
  diskLimitBytes?: number;
  /** where backups are kept; absent: the backup check is left out */
  backupDir?: string;
  thresholds?: Partial<Thresholds>;
  /** only these checks (by id); the database check always runs first */
  only?: (check: { id: string; healthKey: string | null; overview: boolean; scansTables?: true }) => boolean;
}

/**
 * Run and judge the checks. Each runs on its own: one that cannot run fails with its error and
 * the others still answer; when the database does not answer, nothing else is asked.
 */
export async function runChecks(database: Database, options: CheckOptions = {}): Promise<JudgedCheck[]> {
  let schemaOnce: Promise<SchemaPresence> | undefined;
  const ctx: CheckContext = {
    database,
    pg: database.dialect === 'postgres' ? database : null,
    thresholds: { ...THRESHOLDS, ...options.thresholds },
    migrationsFolder: options.migrationsFolder,
    timeoutMs: options.timeoutMs ?? 2_000,
    diskLimitBytes: options.diskLimitBytes ?? 0,
    backupDir: options.backupDir ?? null,
    schema: () => (schemaOnce ??= schemaPresence(database)),
  };
  const results: JudgedCheck[] = [];
  for (const check of CHECKS) {
    if (check.id !== 'database' && options.only && !options.only(check)) continue;
    if (check.applies && !check.applies(ctx)) continue;
    const base = baseOf(check, ctx.thresholds);
    let judged: Judged;
    try {
      judged = await check.judge(ctx);
    } catch (error) {
      judged = { status: 'fail', value: null, reason: `the check failed: ${errorMessage(error)}`, action: 'see the server log' };
    }
    results.push({ ...base, ...judged, time: new Date() });
    if (check.id === 'database' && judged.status === 'fail') break;
  }
  return results;
}

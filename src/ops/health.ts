// The full health report (`/admin/health?full=true`, `db health --full`, `db migrate`'s check):
// connection, migrations, schema, indexes, data integrity, disk, pool; shaped as the IETF health-check
// draft (`checks`: "component:measurement" → status, observed value and unit, time).
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import { PROTECTED_TABLES } from '../db/enums.js';
import { migrationStatus } from '../db/migrate.js';
import { describeTarget } from '../db/url.js';
import { formatBytes, formatPercent, statusMark } from './format.js';
import { APP_TABLES, ENUM_COLUMNS, FOREIGN_KEYS, SCHEMA_TABLES } from './catalog.js';
import { listLiveIndexes, listLiveTables, missingIndexes } from './indexes.js';
import { SLOW_MEAN_MS, slowStatements } from './dashboard/queries.js';
import { lastMaintenanceRun } from './maintenance-runs.js';
import { elapsedMs, errorMessage } from './progress.js';

export const healthStatusSchema = z.enum(['pass', 'warn', 'fail']);
export type HealthStatus = z.infer<typeof healthStatusSchema>;

export const healthCheckSchema = z.object({
  componentId: z.string().optional(),
  componentType: z.string().optional(),
  observedValue: z.union([z.number(), z.string()]).optional(),
  observedUnit: z.string().optional(),
  status: healthStatusSchema,
  time: z.date(),
  output: z.string().optional(),
});
export type HealthCheck = z.infer<typeof healthCheckSchema>;

export const healthChecksSchema = z.record(z.string(), z.array(healthCheckSchema));

export const fullHealthReportSchema = z.object({
  status: healthStatusSchema,
  description: z.string(),
  checks: healthChecksSchema,
});
export type FullHealthReport = z.infer<typeof fullHealthReportSchema>;

export interface HealthOptions {
  /** the migrations to compare with (default: the project's drizzle/<dialect>) */
  migrationsFolder?: string;
  /** how long the connection check waits */
  timeoutMs?: number;
  /** PostgreSQL: the disk the database may use (DB_DISK_LIMIT_BYTES); 0 or absent: unknown */
  diskLimitBytes?: number;
}

/** Latency above which the connection check warns. */
const SLOW_PING_MS = 500;
/** Warn when the disk holding the data (SQLite: its file system; PostgreSQL: DB_DISK_LIMIT_BYTES) is fuller than this. */
export const DISK_USAGE_WARN_RATIO = 0.8;

/** The last `db maintenance` run is stale after this (it runs daily). */
const MAINTENANCE_STALE_HOURS = 48;

const WORST: HealthStatus[] = ['fail', 'warn', 'pass'];
export function worstStatus(statuses: HealthStatus[]): HealthStatus {
  return WORST.find((s) => statuses.includes(s)) ?? 'pass';
}

const DATABASE_SIZE_SQL = sql`select pg_database_size(current_database())::float8 as bytes`;

export async function fullHealthReport(database: Database, options: HealthOptions = {}): Promise<FullHealthReport> {
  const checks: Record<string, HealthCheck[]> = {};
  const add = (key: string, check: Omit<HealthCheck, 'time'>) => (checks[key] ??= []).push({ ...check, time: new Date() });
  // A check that cannot even run is a failed check, not a crashed report.
  const run = async (key: string, fn: () => Promise<void>, componentId?: string) => {
    try {
      await fn();
    } catch (error) {
      add(key, { ...(componentId ? { componentId } : {}), status: 'fail', output: errorMessage(error) });
    }
  };
  const finish = (): FullHealthReport => ({
    status: worstStatus(Object.values(checks).flatMap((results) => results.map((c) => c.status))),
    description: `Mathakine database health (${database.dialect})`,
    checks,
  });

  const pingStart = performance.now();
  try {
    await database.ping(options.timeoutMs ?? 2_000);
  } catch (error) {
    add('database:connection', { componentType: 'datastore', status: 'fail', output: `unreachable: ${errorMessage(error)}` });
    return finish();
  }
  const latency = elapsedMs(pingStart);
  add('database:connection', {
    componentType: 'datastore',
    observedValue: latency,
    observedUnit: 'ms',
    status: latency > SLOW_PING_MS ? 'warn' : 'pass',
    output: describeTarget(database.target),
  });

  await run('migrations:pending', async () => {
    const status = await migrationStatus(database, { migrationsFolder: options.migrationsFolder });
    const latest = status.applied.at(-1);
    add('migrations:pending', {
      observedValue: status.pending.length,
      observedUnit: 'migrations',
      status: status.pending.length > 0 ? 'fail' : 'pass',
      output:
        `${status.applied.length} applied${latest ? ` (latest ${latest.tag})` : ''}` +
        (status.pending.length ? `; pending: ${status.pending.map((p) => p.tag).join(', ')} (run mathakine db migrate)` : ''),
    });
  });

  let liveTables: string[] = [];
  await run('tables:schema', async () => {
    liveTables = await listLiveTables(database);
    const missing = APP_TABLES.filter((t) => !liveTables.includes(t));
    add('tables:schema', {
      observedValue: APP_TABLES.length - missing.length,
      observedUnit: 'tables',
      status: missing.length ? 'fail' : 'pass',
      output: missing.length ? `missing: ${missing.join(', ')}` : `all ${APP_TABLES.length} present`,
    });
    const missingProtected = PROTECTED_TABLES.filter((t) => !liveTables.includes(t));
    add('tables:protected', {
      observedValue: PROTECTED_TABLES.length - missingProtected.length,
      observedUnit: 'tables',
      status: missingProtected.length ? 'fail' : 'pass',
      output: missingProtected.length ? `missing: ${missingProtected.join(', ')}` : `${PROTECTED_TABLES.join(', ')} present`,
    });
  });

  await run('indexes:recommended', async () => {
    const missing = missingIndexes(await listLiveIndexes(database), liveTables);
    add('indexes:recommended', {
      observedValue: missing.length,
      observedUnit: 'missing',
      status: missing.length ? 'warn' : 'pass',
      output: missing.length ? `missing: ${missing.map((m) => m.name).join(', ')} (run mathakine db optimize)` : 'all present',
    });
  });

  for (const fk of FOREIGN_KEYS.filter((f) => liveTables.includes(f.table) && liveTables.includes(f.references.table))) {
    const componentId = `${fk.table}.${fk.column} -> ${fk.references.table}.${fk.references.column}`;
    await run('integrity:orphan_rows', async () => {
      const [row] = await database.query<{ n: number }>(sql`
        select count(*) as n from ${sql.identifier(fk.table)} as child
        where child.${sql.identifier(fk.column)} is not null
          and not exists (select 1 from ${sql.identifier(fk.references.table)} as parent
                          where parent.${sql.identifier(fk.references.column)} = child.${sql.identifier(fk.column)})`);
      const orphans = Number(row.n);
      add('integrity:orphan_rows', {
        componentId,
        observedValue: orphans,
        observedUnit: 'rows',
        status: orphans > 0 ? 'fail' : 'pass',
        ...(orphans > 0 ? { output: `${orphans} ${fk.table} row(s) point to a missing ${fk.references.table}` } : {}),
      });
    }, componentId);
  }

  for (const column of ENUM_COLUMNS.filter((c) => liveTables.includes(c.table))) {
    await run('integrity:enum_violations', async () => {
      const allowed = sql.join(column.values.map((v) => sql`${v}`), sql`, `);
      const [row] = await database.query<{ n: number }>(sql`
        select count(*) as n from ${sql.identifier(column.table)}
        where ${sql.identifier(column.column)} is not null and ${sql.identifier(column.column)} not in (${allowed})`);
      const violations = Number(row.n);
      add('integrity:enum_violations', {
        componentId: `${column.table}.${column.column}`,
        observedValue: violations,
        observedUnit: 'rows',
        status: violations > 0 ? 'fail' : 'pass',
        ...(violations > 0 ? { output: `${violations} row(s) outside ${column.values.join('|')}` } : {}),
      });
    }, `${column.table}.${column.column}`);
  }

  for (const table of SCHEMA_TABLES.filter((t) => liveTables.includes(t))) {
    await run('tables:rows', async () => {
      const [row] = await database.query<{ n: number }>(sql`select count(*) as n from ${sql.identifier(table)}`);
      add('tables:rows', { componentId: table, observedValue: Number(row.n), observedUnit: 'rows', status: 'pass' });
    }, table);
  }

  await run('disk:usage', async () => {
    if (database.dialect === 'postgres') {
      const [row] = await database.query<{ bytes: number }>(DATABASE_SIZE_SQL);
      const bytes = Number(row.bytes);
      const limit = options.diskLimitBytes ?? 0;
      const used = limit > 0 ? bytes / limit : 0;
      add('disk:usage', {
        observedValue: bytes,
        observedUnit: 'bytes',
        status: used > DISK_USAGE_WARN_RATIO ? 'warn' : 'pass',
        output:
          limit > 0
            ? `pg_database_size ${formatBytes(bytes)}, ${formatPercent(used, 0)} of DB_DISK_LIMIT_BYTES ${formatBytes(limit)}` +
              (used > DISK_USAGE_WARN_RATIO ? ` (over ${formatPercent(DISK_USAGE_WARN_RATIO, 0)}: upgrade the plan's disk, or prune data)` : '')
            : `pg_database_size ${formatBytes(bytes)} (set DB_DISK_LIMIT_BYTES to the plan's disk to get a warning above ${formatPercent(DISK_USAGE_WARN_RATIO, 0)})`,
      });
      return;
    }
    const file = path.resolve(database.target.path);
    const size = (suffix: string) => (fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : 0);
    const bytes = size('') + size('-wal') + size('-shm');
    const disk = fs.statfsSync(path.dirname(file));
    const freeRatio = disk.blocks > 0 ? disk.bavail / disk.blocks : 1;
    const usedRatio = 1 - freeRatio;
    add('disk:usage', {
      observedValue: bytes,
      observedUnit: 'bytes',
      status: usedRatio > DISK_USAGE_WARN_RATIO ? 'warn' : 'pass',
      output:
        `database file with WAL ${formatBytes(bytes)}; its file system ${formatPercent(usedRatio, 0)} used, ${formatBytes(disk.bavail * disk.bsize)} free` +
        (usedRatio > DISK_USAGE_WARN_RATIO ? ` (over ${formatPercent(DISK_USAGE_WARN_RATIO, 0)}: free space, prune backups with db backup --keep, or move the file)` : ''),
    });
  });

  if (database.dialect === 'postgres') {
    await run('queries:slow', async () => {
      const slow = await slowStatements(database);
      if (!slow.available) {
        add('queries:slow', { status: 'pass', output: `not measured: ${slow.message}` });
        return;
      }
      add('queries:slow', {
        observedValue: slow.rows.length,
        observedUnit: 'queries',
        status: slow.rows.length ? 'warn' : 'pass',
        output: slow.rows.length
          ? slow.rows.map((r) => `${r.mean_ms.toFixed(0)} ms mean × ${r.calls}: ${r.query.replace(/\s+/g, ' ').slice(0, 120)}`).join(' | ')
          : `none with a mean over ${SLOW_MEAN_MS} ms (pg_stat_statements)`,
      });
    });
  }

  if (liveTables.includes('maintenance_runs')) {
    await run('maintenance:last_run', async () => {
      const last = await lastMaintenanceRun(database);
      if (!last) {
        add('maintenance:last_run', { status: 'pass', output: 'never run here (schedule `mathakine db maintenance` daily: README "Maintenance")' });
        return;
      }
      const ageHours = Math.round((Date.now() - last.started_at.getTime()) / 3_600_000);
      const failed = last.steps.filter((s) => !s.ok);
      add('maintenance:last_run', {
        observedValue: last.started_at.toISOString(),
        status: !last.ok || ageHours > MAINTENANCE_STALE_HOURS ? 'warn' : 'pass',
        output:
          `${last.ok ? 'ok' : 'FAILED'} ${ageHours} h ago, ${last.steps.map((s) => `${s.name} ${s.ok ? 'ok' : 'FAILED'} ${Math.round(s.duration_ms)} ms`).join(', ')}` +
          (failed.length ? `; ${failed.map((s) => `${s.name}: ${s.summary}`).join('; ')}` : '') +
          (ageHours > MAINTENANCE_STALE_HOURS ? ' (is the daily job still scheduled?)' : ''),
      });
    });
  }

  if (database.dialect === 'postgres' && database.replicas) {
    const replicas = database.replicas;
    await run('replicas:lag', async () => {
      await replicas.check(); // measured now, not at the last interval
      for (const replica of replicas.statuses()) {
        add('replicas:lag', {
          componentId: replica.name,
          componentType: 'datastore',
          ...(replica.lag_seconds !== null ? { observedValue: replica.lag_seconds, observedUnit: 's' } : {}),
          // a replica out of use costs the primary its reads, not the service its answers
          status: replica.state === 'streaming' ? 'pass' : 'warn',
          output:
            replica.state === 'streaming'
              ? 'streaming, serving reads'
              : `${replica.state}: ${replica.reason ?? 'not checked yet'}; its reads go to the primary`,
        });
      }
    });
  }

  const pool = database.poolStats();
  const inUse = pool.total - pool.idle;
  add('pool:usage', {
    observedValue: inUse,
    observedUnit: 'connections',
    status: pool.waiting > 0 || inUse >= pool.max ? 'warn' : 'pass',
    output: `${inUse} in use, ${pool.idle} idle, ${pool.waiting} waiting, max ${pool.max}`,
  });

  return finish();
}


/** The report for people (the CLI without --json). */
export function formatHealth(r: FullHealthReport): string {
  const lines = [`${statusMark(r.status)}  ${r.description}`];
  for (const [key, results] of Object.entries(r.checks)) {
    for (const c of results) {
      const figure = c.observedValue !== undefined ? ` ${c.observedValue}${c.observedUnit ? ` ${c.observedUnit}` : ''}` : '';
      lines.push(`  ${statusMark(c.status)}  ${key}${c.componentId ? ` ${c.componentId}` : ''}:${figure}${c.output ? ` — ${c.output}` : ''}`);
    }
  }
  return lines.join('\n');
}

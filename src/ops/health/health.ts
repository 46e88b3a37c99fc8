// The full health report (`/admin/health?full=true`, `db health --full`, `db migrate`'s check): a
// view of the judged checks (checks.ts) shaped as the IETF health-check draft (`checks`:
// "component:measurement" → status, observed value and unit, time).
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { runChecks, worstStatus as worstCheckStatus, type JudgedCheck } from './checks.js';
import { statusMark } from '../format.js';

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

/** The health report's statuses: the judged ones but n/a (a check that does not apply is left out). */
export function worstStatus(statuses: HealthStatus[]): HealthStatus {
  return worstCheckStatus(statuses) as HealthStatus;
}

export async function fullHealthReport(database: Database, options: HealthOptions = {}): Promise<FullHealthReport> {
  return healthView(database.dialect, await runChecks(database, { ...options, only: (c) => c.healthKey !== null }));
}

/** The judged checks as the IETF health-check draft: one entry per check, or per part when a check has parts. */
export function healthView(dialect: Database['dialect'], judged: JudgedCheck[]): FullHealthReport {
  const checks: Record<string, HealthCheck[]> = {};
  for (const check of judged) {
    if (check.healthKey === null) continue;
    const entries = check.parts ?? [check];
    for (const entry of entries) {
      const key = 'healthKey' in entry && entry.healthKey !== undefined ? entry.healthKey : check.healthKey;
      if (key === null || entry.status === 'n/a') continue;
      const output = entry.action && entry.status !== 'pass' ? `${entry.reason} (${entry.action})` : entry.reason;
      (checks[key] ??= []).push({
        ...('componentId' in entry && entry.componentId ? { componentId: entry.componentId } : {}),
        ...('componentType' in entry && entry.componentType
          ? { componentType: entry.componentType }
          : key === 'database:connection'
            ? { componentType: 'datastore' }
            : {}),
        ...(entry.value !== null ? { observedValue: entry.value } : {}),
        ...(entry.unit && entry.value !== null ? { observedUnit: entry.unit } : {}),
        status: entry.status,
        time: check.time,
        ...(output ? { output } : {}),
      });
    }
  }
  return {
    status: worstStatus(Object.values(checks).flatMap((results) => results.map((c) => c.status))),
    description: `Mathakine database health (${dialect})`,
    checks,
  };
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

// Response bodies of the /admin routes. The reports' shapes are defined once, next to the code
// that builds them in src/ops (the CLI's --json prints the same objects).
import { z } from 'zod';
import { booleanQuery } from '../../http/schemas.js';
import { backupResultSchema } from '../../ops/backup-restore/backup.js';
import { learningPageSchema } from '../../ops/dashboard/learning.js';
import { connectionsPageSchema, signalResultSchema } from '../../ops/dashboard/live.js';
import { overviewPageSchema } from '../../ops/dashboard/overview.js';
import { enableStatementsResultSchema, queriesPageSchema } from '../../ops/dashboard/queries.js';
import { snapshotCapturedSchema } from '../../ops/dashboard/snapshots.js';
import { spacePageSchema } from '../../ops/dashboard/space.js';
import { upkeepPageSchema } from '../../ops/dashboard/upkeep.js';
import { healthChecksSchema, healthStatusSchema } from '../../ops/health/health.js';
import { optimizeReportSchema } from '../../ops/upkeep/optimize.js';
import { statsReportSchema } from '../../ops/health/stats.js';

/** IETF health-check draft (application/health+json); `checks` only in the full report. */
export const healthBodySchema = z
  .object({
    status: healthStatusSchema,
    description: z.string().optional(),
    output: z.string().optional(),
    checks: healthChecksSchema.optional().describe('full report only: "component:measurement" → results'),
  })
  .meta({ id: 'Health' });
export type HealthBody = z.infer<typeof healthBodySchema>;

export const healthQuery = z.object({
  full: booleanQuery.optional().describe('the full report (admin only): migrations, tables, integrity, disk, pool'),
});

export const adminStatsSchema = statsReportSchema.meta({ id: 'AdminStats' });
export const optimizeResultSchema = optimizeReportSchema.meta({ id: 'OptimizeReport' });

// The /admin/dashboard/* pages: the shapes src/ops/dashboard builds (and `db dashboard` prints).
export const dashboardOverviewSchema = overviewPageSchema.meta({ id: 'DashboardOverview' });
export const dashboardQueriesSchema = queriesPageSchema.meta({ id: 'DashboardQueries' });
export const enableStatementsSchema = enableStatementsResultSchema.meta({ id: 'QueryStatisticsEnabled' });
export const dashboardSpaceSchema = spacePageSchema.meta({ id: 'DashboardSpace' });
export const dashboardConnectionsSchema = connectionsPageSchema.meta({ id: 'DashboardConnections' });
export const connectionActionSchema = signalResultSchema.meta({ id: 'ConnectionAction' });
export const dashboardMaintenanceSchema = upkeepPageSchema.meta({ id: 'DashboardMaintenance' });
export const backupSchema = backupResultSchema.meta({ id: 'Backup' });
export const snapshotSchema = snapshotCapturedSchema.meta({ id: 'DashboardSnapshot' });
export const dashboardLearningSchema = learningPageSchema.meta({ id: 'DashboardLearning' });

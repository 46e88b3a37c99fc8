// Response bodies of the /admin routes. The reports' shapes are defined once, next to the code
// that builds them in src/ops (the CLI's --json prints the same objects).
import { z } from 'zod';
import { booleanQuery } from '../../http/schemas.js';
import { healthChecksSchema, healthStatusSchema } from '../../ops/health.js';
import { optimizeReportSchema } from '../../ops/optimize.js';
import { statsReportSchema } from '../../ops/stats.js';

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

// The Overview page: one line per judged check (../health/checks.ts), green / amber / red with the reason
// and what to do. Checks that do not apply to the dialect answer `n/a` and say why.
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { runChecks, type CheckStatus, type JudgedCheck } from '../health/checks.js';
import { dialectSchema, lightSchema, type Light } from './shared.js';

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

export async function overviewPage(database: Database, options: { backupDir: string; timeoutMs?: number }): Promise<OverviewPage> {
  return overviewView(database.dialect, await runChecks(database, { ...options, only: (c) => c.overview }));
}

/** The one status vocabulary painted for people: the dashboard's only own decision. */
const LIGHTS: Record<CheckStatus, Light> = { pass: 'green', warn: 'amber', fail: 'red', 'n/a': 'n/a' };

/** One judged check as the dashboard shows it (an overview line, the Connections page's verdict). */
export function overviewCheck(c: JudgedCheck): OverviewCheck {
  return {
    id: c.id,
    label: c.label,
    status: LIGHTS[c.status],
    value: c.value,
    reason: c.reason,
    action: c.status === 'pass' || c.status === 'n/a' ? null : c.action,
  };
}

/** The judged checks the overview shows, one line each. */
export function overviewView(dialect: Database['dialect'], judged: JudgedCheck[]): OverviewPage {
  const checks = judged.filter((c) => c.overview).map(overviewCheck);
  const order: Light[] = ['red', 'amber', 'green'];
  const status = order.find((s) => checks.some((c) => c.status === s)) ?? 'green';
  return { dialect, status, checks };
}

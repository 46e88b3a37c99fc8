// `POST /admin/optimize` and `mathakine db optimize`: create the recommended indexes that are
// missing, then refresh the planner statistics (VACUUM ANALYZE on PostgreSQL, ANALYZE + PRAGMA
// optimize on SQLite). Idempotent. On PostgreSQL indexes are built CONCURRENTLY so the API keeps
// writing meanwhile, and each table is vacuumed on its own so no step holds anything for long.
import { z } from 'zod';
import type { Database, PostgresDatabase, SqliteDatabase } from '../../db/client.js';
import { quoteIdentifier } from '../../db/identifiers.js';
import { SCHEMA_TABLES, type RecommendedIndex } from '../measure/catalog.js';
import { statusMark } from '../format.js';
import { listLiveIndexes, listLiveTables, missingIndexes } from '../measure/live-indexes.js';
import { withMaintenanceSession } from '../connection/pg-session.js';
import { elapsedMs, silentProgress, type Progress } from '../progress.js';
import { runStep, stepSchema, type Step } from '../steps.js';

export const optimizeReportSchema = z.object({
  dialect: z.enum(['sqlite', 'postgres']),
  ok: z.boolean().describe('false when a step failed'),
  created_indexes: z.array(z.string()),
  steps: z.array(stepSchema),
  duration_ms: z.number(),
});
export type OptimizeReport = z.infer<typeof optimizeReportSchema>;

const createIndexSql = (index: RecommendedIndex, concurrently: boolean) =>
  `create index ${concurrently ? 'concurrently ' : ''}if not exists ${quoteIdentifier(index.name)} on ${quoteIdentifier(
    index.table,
  )} (${index.columns.map(quoteIdentifier).join(', ')})`;

export async function optimizeDatabase(database: Database, progress: Progress = silentProgress): Promise<OptimizeReport> {
  const startedAt = performance.now();
  const steps: Step[] = [];
  const created: string[] = [];

  // a failed step is recorded and the next one runs
  const step = (name: string, run: () => Promise<string>): Promise<boolean> =>
    runStep(steps, progress, name, async () => ({ value: true, detail: await run() })).catch(() => false);

  const planStart = performance.now();
  const liveTables = await listLiveTables(database);
  const live = await listLiveIndexes(database);
  const missing = missingIndexes(live, liveTables);
  steps.push({
    name: 'check recommended indexes',
    status: 'done',
    duration_ms: elapsedMs(planStart),
    detail: missing.length === 0 ? 'all present' : `missing: ${missing.map((m) => m.name).join(', ')}`,
  });

  for (const index of missing) {
    const label = `create index ${index.name} on ${index.table}(${index.columns.join(', ')})`;
    const sameName = live.find((i) => i.name === index.name);
    if (sameName?.valid) {
      // an index of that name exists on other columns: someone else's; do not touch it
      steps.push({ name: label, status: 'failed', duration_ms: 0, detail: `an index named ${index.name} already exists on other columns` });
      continue;
    }
    const ok = await step(label, async () => {
      if (database.dialect === 'postgres') await createPgIndex(database, index, sameName !== undefined);
      else await database.withWriter((writer) => writer.exec(createIndexSql(index, false)));
      return 'created';
    });
    if (ok) created.push(index.name);
  }

  const tables = SCHEMA_TABLES.filter((t) => liveTables.includes(t));
  if (database.dialect === 'postgres') await vacuumPg(database, tables, step);
  else await analyzeSqlite(database, step);

  return {
    dialect: database.dialect,
    ok: steps.every((s) => s.status !== 'failed'),
    created_indexes: created,
    steps,
    duration_ms: elapsedMs(startedAt),
  };
}

async function createPgIndex(database: PostgresDatabase, index: RecommendedIndex, invalidLeftover: boolean) {
  await withMaintenanceSession(database, async (client) => {
    // a concurrent build that failed leaves an invalid index of that name: replace it
    if (invalidLeftover) await client.query(`drop index concurrently if exists ${quoteIdentifier(index.name)}`);
    await client.query(createIndexSql(index, true));
  });
}

type StepRunner = (name: string, run: () => Promise<string>) => Promise<boolean>;

async function vacuumPg(database: PostgresDatabase, tables: string[], step: StepRunner) {
  for (const table of tables) {
    await step(`vacuum analyze ${table}`, () =>
      withMaintenanceSession(database, async (client) => {
        await client.query(`vacuum (analyze) ${quoteIdentifier(table)}`);
        return 'done';
      }),
    );
  }
}

async function analyzeSqlite(database: SqliteDatabase, step: StepRunner) {
  await step('analyze', () =>
    database.withWriter((writer) => {
      writer.exec('analyze');
      return 'statistics refreshed';
    }),
  );
  await step('pragma optimize', () =>
    database.withWriter((writer) => {
      writer.pragma('optimize');
      return 'done';
    }),
  );
}

/** The report for people (the CLI without --json). */
export function formatOptimize(r: OptimizeReport): string {
  return [
    ...r.steps.map((s) => `${statusMark(s.status)}  ${s.name} (${s.duration_ms} ms): ${s.detail}`),
    `${r.ok ? 'optimized' : 'optimize FAILED'} in ${Math.round(r.duration_ms)} ms; created indexes: ${r.created_indexes.join(', ') || 'none'}`,
  ].join('\n');
}

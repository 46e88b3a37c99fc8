// The Space page: tables and indexes by size, and the growth of the database and of each table
// from snapshots.
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { databaseStats } from '../health/stats.js';
import { dialectSchema } from './shared.js';
import { listSnapshots } from './snapshots.js';

const bytes = z.number().nullable();
export const spacePageSchema = z.object({
  dialect: dialectSchema,
  database_bytes: z.number(),
  wal_bytes: z.number().nullable().describe('SQLite: the -wal file'),
  tables: z.array(
    z.object({
      name: z.string(),
      rows: z.number(),
      bytes,
      table_bytes: bytes,
      index_bytes: bytes,
      growth_bytes: bytes.describe("bytes gained since the period's oldest snapshot that has the table; null without one"),
    }),
  ),
  indexes: z.array(z.object({ name: z.string(), table: z.string(), bytes })),
  history: z
    .array(z.object({ at: z.date(), database_bytes: z.number(), relations: z.record(z.string(), z.number()).describe('table or index → bytes') }))
    .describe('one point per snapshot, oldest first'),
  notes: z.array(z.string()),
});
export type SpacePage = z.infer<typeof spacePageSchema>;

export async function spacePage(database: Database, days = 30): Promise<SpacePage> {
  const stats = await databaseStats(database);
  const history = (await listSnapshots(database, days)).map((s) => ({
    at: s.created_at,
    database_bytes: s.data.database_bytes,
    relations: s.data.relations,
  }));
  const bySize = <T extends { bytes: number | null }>(rows: T[]) => rows.sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0));
  const growth = (name: string, bytes: number | null) => {
    const first = history.find((h) => name in h.relations);
    return first && bytes !== null ? bytes - first.relations[name] : null;
  };
  if (stats.dialect === 'postgres') {
    return {
      dialect: 'postgres',
      database_bytes: stats.database.size_bytes,
      wal_bytes: null,
      tables: bySize(
        stats.tables.map((t) => ({
          name: t.table_name,
          rows: t.estimated_rows,
          bytes: t.total_bytes,
          table_bytes: t.table_bytes,
          index_bytes: t.index_bytes,
          growth_bytes: growth(t.table_name, t.total_bytes),
        })),
      ),
      indexes: bySize(stats.indexes.map((i) => ({ name: i.index_name, table: i.table_name, bytes: i.bytes }))),
      history,
      notes: ['Row counts are estimates (pg_stat_user_tables.n_live_tup).'],
    };
  }
  return {
    dialect: 'sqlite',
    database_bytes: stats.database.file_bytes,
    wal_bytes: stats.database.wal_bytes,
    tables: bySize(
      stats.tables.map((t) => ({
        name: t.table_name,
        rows: t.rows,
        bytes: t.bytes,
        table_bytes: t.bytes,
        index_bytes: null,
        growth_bytes: growth(t.table_name, t.bytes),
      })),
    ),
    indexes: bySize(stats.indexes.map((i) => ({ name: i.index_name, table: i.table_name, bytes: i.bytes }))),
    history,
    notes: [
      `${stats.database.page_count} pages of ${stats.database.page_size} bytes, ${stats.database.freelist_pages} free (VACUUM reclaims them); journal ${stats.database.journal_mode}.`,
      'Sizes come from dbstat; row counts are exact.',
    ],
  };
}

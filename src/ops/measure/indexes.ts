// The indexes: recommended ones missing, invalid ones, duplicates, and (PostgreSQL) never-used ones.
import { sql } from 'drizzle-orm';
import type { Database, PostgresDatabase } from '../../db/client.js';
import { catalogueOf, type LiveIndex, type LiveSequence } from '../../db/catalogue.js';
import type { RecommendedIndex } from './catalog.js';
import { missingIndexes } from './live-indexes.js';

export interface IndexHealth {
  live: LiveIndex[];
  missing: RecommendedIndex[];
  invalid: LiveIndex[];
  duplicates: { index: string; covered_by: string }[];
}

export async function indexHealth(database: Database, liveTables?: string[]): Promise<IndexHealth> {
  const catalogue = catalogueOf(database);
  const live = await catalogue.indexes();
  return {
    live,
    missing: missingIndexes(live, liveTables ?? (await catalogue.tables())),
    invalid: live.filter((i) => !i.valid),
    duplicates: duplicateIndexes(live),
  };
}

/** Non-unique indexes whose columns lead another index of the same table (it serves their queries too). */
export function duplicateIndexes(indexes: LiveIndex[]): { index: string; covered_by: string }[] {
  const found: { index: string; covered_by: string }[] = [];
  for (const a of indexes) {
    if (a.unique || a.columns.some((c) => c === null)) continue;
    const other = indexes.find(
      (b) =>
        b !== a &&
        b.table === a.table &&
        b.valid &&
        b.columns.length >= a.columns.length &&
        a.columns.every((c, i) => b.columns[i] === c) &&
        (b.columns.length > a.columns.length || b.unique || b.name < a.name),
    );
    if (other) found.push({ index: a.name, covered_by: other.name });
  }
  return found;
}

/** Non-unique indexes never scanned since the statistics were reset. */
export async function unusedIndexes(database: PostgresDatabase): Promise<string[]> {
  const rows = await database.query<{ name: string }>(sql`
    select s.indexrelname as name from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid
    where s.schemaname = current_schema() and s.idx_scan = 0 and not i.indisunique and not i.indisprimary`);
  return rows.map((r) => r.name);
}

export function sequences(database: Database): Promise<LiveSequence[]> {
  return catalogueOf(database).sequences();
}

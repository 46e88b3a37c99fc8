// Source tables the import leaves out on purpose, each with its reason: the one exception to
// "nothing is dropped", named with its row count in the report.
import type BetterSqlite3 from 'better-sqlite3';
import { LEGACY_TABLE_PREFIX } from './legacy.js';
import { quoteSqlite } from './plan.js';

export const DROPPED_TABLES: Readonly<Record<string, string>> = {
  // the original's server-side sessions (one row per sign-in, with the device's address and user agent)
  user_sessions:
    "the original app's sessions: their tokens cannot sign anyone in here, so every session ends at the move " +
    "(each learner signs in once again, and a new session is listed then); the old devices' addresses and " +
    'user agents are personal data with no use left, so they are not kept',
};

export interface DroppedTableReport {
  sourceTable: string;
  rows: number;
  reason: string;
}

/** `unknownTables` without the dropped ones (also when a database of ours kept one in its legacy area), and what was dropped. */
export function splitDroppedTables(source: BetterSqlite3.Database, unknownTables: string[]): { kept: string[]; dropped: DroppedTableReport[] } {
  const kept: string[] = [];
  const dropped: DroppedTableReport[] = [];
  for (const table of unknownTables) {
    const name = table.toLowerCase();
    const reason = DROPPED_TABLES[name.startsWith(LEGACY_TABLE_PREFIX) ? name.slice(LEGACY_TABLE_PREFIX.length) : name];
    if (!reason) {
      kept.push(table);
      continue;
    }
    const rows = Number(
      source
        .prepare(`select count(*) from ${quoteSqlite(table)}`)
        .pluck()
        .get() ?? 0,
    );
    dropped.push({ sourceTable: table, rows, reason });
  }
  return { kept, dropped };
}

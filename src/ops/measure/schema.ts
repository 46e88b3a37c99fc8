// The schema as the database has it against what the Drizzle tables promise: tables, the protected
// tables' columns, the legacy import area.
import type { Database } from '../../db/client.js';
import { catalogueOf } from '../../db/catalogue.js';
import { PROTECTED_TABLES } from '../../db/enums.js';
import { APP_TABLES, SCHEMA_COLUMNS } from './catalog.js';

export interface SchemaPresence {
  liveTables: string[];
  missingAppTables: string[];
  missingProtectedTables: string[];
  /** `table.column` of a protected table that lost a column it was created with */
  lostProtectedColumns: string[];
  legacyTables: string[];
}

export async function schemaPresence(database: Database): Promise<SchemaPresence> {
  const catalogue = catalogueOf(database);
  const liveTables = await catalogue.tables();
  const presentProtected = PROTECTED_TABLES.filter((t) => liveTables.includes(t));
  const columns = new Map<string, Set<string>>();
  for (const c of await catalogue.columns()) (columns.get(c.table) ?? columns.set(c.table, new Set()).get(c.table))?.add(c.name);
  return {
    liveTables,
    missingAppTables: APP_TABLES.filter((t) => !liveTables.includes(t)),
    missingProtectedTables: PROTECTED_TABLES.filter((t) => !liveTables.includes(t)),
    lostProtectedColumns: presentProtected.flatMap((t) => SCHEMA_COLUMNS[t].filter((c) => !columns.get(t)?.has(c)).map((c) => `${t}.${c}`)),
    legacyTables: await catalogue.legacyTables(),
  };
}

// Builds sqlite.ts from pg.ts (`npm run db:schema`; test/db/schema-parity.test.ts fails when stale):
// pg.ts's tables below its marker, `pgTable` → `sqliteTable` and `.defaultNow()` → `.default(NOW_MS)`,
// under sqlite.ts's own header and same-named column helpers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PG_SCHEMA_FILE = path.join(HERE, 'pg.ts');
export const SQLITE_SCHEMA_FILE = path.join(HERE, 'sqlite.ts');
const PG_MARKER = '// ---- The tables.';
const SQLITE_MARKER = '// ---- Everything below is generated from pg.ts';

/** The part of `source` from the line starting with `marker`, to the end. */
function fromMarker(source: string, marker: string, file: string): { before: string; marked: string } {
  const at = source.indexOf(`\n${marker}`);
  if (at < 0) throw new Error(`${file}: marker line "${marker}" not found`);
  return { before: source.slice(0, at + 1), marked: source.slice(at + 1) };
}

/** The text sqlite.ts must have, given both files' current text. */
export function sqliteSchemaSource(pgSource: string, sqliteSource: string): string {
  const { marked: pgTables } = fromMarker(pgSource, PG_MARKER, 'pg.ts');
  const { before: sqliteHelpers, marked: sqliteMarked } = fromMarker(sqliteSource, SQLITE_MARKER, 'sqlite.ts');
  const sqliteMarker = sqliteMarked.slice(0, sqliteMarked.indexOf('----\n', SQLITE_MARKER.length) + 5);
  const tables = pgTables
    .slice(pgTables.indexOf('----\n', PG_MARKER.length) + 5) // drop pg's own marker lines
    .replace(/\bpgTable\(/g, 'sqliteTable(')
    .replace(/\.defaultNow\(\)/g, '.default(NOW_MS)');
  return sqliteHelpers + sqliteMarker + tables;
}

/** Rewrites sqlite.ts when its copy of the tables is stale; true when it did. */
export function refreshSqliteSchema(): boolean {
  const current = fs.readFileSync(SQLITE_SCHEMA_FILE, 'utf8');
  const next = sqliteSchemaSource(fs.readFileSync(PG_SCHEMA_FILE, 'utf8'), current);
  if (next !== current) fs.writeFileSync(SQLITE_SCHEMA_FILE, next);
  return next !== current;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(refreshSqliteSchema() ? 'src/db/schema/sqlite.ts rewritten from pg.ts' : 'src/db/schema/sqlite.ts is up to date');
}

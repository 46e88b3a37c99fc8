// Opening SQLite files that come from someone else (an import's source, a restore's dump being built):
// what the sqlite3 shell's `-safe` mode gives, through better-sqlite3. better-sqlite3 already opens
// in SQLITE_DBCONFIG_DEFENSIVE (no writable_schema tricks, no fts3_tokenizer) with the SQL
// load_extension() refused (only its C API could load one, and we never call it); on top:
// - trusted_schema = OFF: views, triggers and defaults stored in the file may not call functions
//   with side effects or use virtual tables;
// - ATTACH impossible: every attach slot is taken by an in-memory database under a random name, so
//   `ATTACH '…/live.db'` (and `VACUUM INTO '/anywhere'`, which attaches) fails with "too many
//   attached databases"; SQL has no way to name, hence DETACH, what it cannot see coming.
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';

// SQLite's compile-time ceiling is 125: the loop stops well before at the build's real limit
const MAX_ATTACH_SLOTS = 125;

/** Fills every ATTACH slot of `db`: no statement run on it can attach another file. */
export function forbidAttach(db: BetterSqlite3.Database): void {
  const prefix = `slot_${randomBytes(12).toString('hex')}_`;
  for (let i = 0; i < MAX_ATTACH_SLOTS; i++) {
    try {
      db.exec(`attach ':memory:' as "${prefix}${i}"`);
    } catch (error) {
      if (/too many attached databases/.test((error as Error).message)) return;
      throw error;
    }
  }
}

/** A SQLite file of unknown origin: defensive, schema untrusted, no ATTACH; read-only unless `writable`. */
export function openUntrustedSqlite(file: string, options: { writable?: boolean } = {}): BetterSqlite3.Database {
  const db = new BetterSqlite3(file, { readonly: !options.writable, fileMustExist: !options.writable });
  try {
    db.pragma('trusted_schema = off');
    db.pragma('cell_size_check = on'); // a crafted page is an error, not a crash
    forbidAttach(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

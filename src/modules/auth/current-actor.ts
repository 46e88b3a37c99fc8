// The per-request account check that makes revocation immediate: the user's row now (one primary-key
// read on the primary, no cache) decides; deleted, deactivated or a token older than token_version →
// refused, role as stored. It also reads where the user's last write is (src/db/read-routing.ts) and,
// in the same statement, the catalogue versions the ETags are made of (src/plugins/conditional.ts).
import { eq, sql } from 'drizzle-orm';
import { catalogueVersionColumns, catalogueVersionsOf, type CatalogueVersions } from '../../db/catalogue-versions.js';
import { preparedQuery } from '../../db/prepared.js';
import { runPrepared, type Reads } from '../../db/store.js';
import type { Actor } from './actor.js';

export interface SignedIn {
  actor: Actor;
  lastWriteLsn: number | null;
  /** as the primary has them now */
  catalogueVersions: CatalogueVersions;
}

/** One prepared statement: it runs on every authenticated request (building it each time cost half the request). */
export const accountCheckQuery = preparedQuery('account_check', (db, tables) =>
  db
    .select({
      id: tables.users.id,
      role: tables.users.role,
      username: tables.users.username,
      is_active: tables.users.is_active,
      token_version: tables.users.token_version,
      last_write_lsn: tables.users.last_write_lsn,
      ...catalogueVersionColumns(tables),
    })
    .from(tables.users)
    .where(eq(tables.users.id, sql.placeholder('id')))
    .limit(1),
);

export async function currentActor(primary: Reads, userId: number, tokenVersion: number): Promise<SignedIn | null> {
  const [row] = await runPrepared(primary, accountCheckQuery, { id: userId });
  if (!row || !row.is_active || row.token_version !== tokenVersion) return null;
  return { actor: { id: row.id, role: row.role, username: row.username }, lastWriteLsn: row.last_write_lsn, catalogueVersions: catalogueVersionsOf(row) };
}

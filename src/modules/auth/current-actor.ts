// The per-request account check that makes revocation immediate: the user's row and the token's
// session now (one prepared statement on the primary, both read by primary key, no cache) decide;
// deleted, deactivated, a token older than token_version or of an ended session → refused, role as
// stored. It also reads where the user's last write is (src/db/read-routing.ts) and, in the same
// statement, the catalogue versions the ETags are made of (src/plugins/conditional.ts).
import { and, eq, isNull, sql } from 'drizzle-orm';
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
export const accountCheckQuery = preparedQuery('account_check', (db, tables) => {
  const { users, sessions } = tables;
  return (
    db
      .select({
        id: users.id,
        role: users.role,
        username: users.username,
        is_active: users.is_active,
        token_version: users.token_version,
        last_write_lsn: users.last_write_lsn,
        ...catalogueVersionColumns(tables),
      })
      .from(users)
      // no row when the session is someone else's, ended or gone (purged): the token is refused
      .innerJoin(sessions, and(eq(sessions.id, sql.placeholder('sid')), eq(sessions.user_id, users.id), isNull(sessions.ended_at)))
      .where(eq(users.id, sql.placeholder('id')))
      .limit(1)
  );
});

export async function currentActor(primary: Reads, userId: number, tokenVersion: number, sessionId: number): Promise<SignedIn | null> {
  const [row] = await runPrepared(primary, accountCheckQuery, { id: userId, sid: sessionId });
  if (!row || !row.is_active || row.token_version !== tokenVersion) return null;
  return {
    actor: { id: row.id, role: row.role, username: row.username, sessionId },
    lastWriteLsn: row.last_write_lsn,
    catalogueVersions: catalogueVersionsOf(row),
  };
}

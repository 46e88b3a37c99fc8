// The per-request check that makes revocation immediate: an access token names a user and the
// token version it was signed with; the user's current row decides. A deleted or deactivated
// account, or a token older than the last password change, is refused on its next request, and
// the role is the one stored now, not the one in the token. One primary-key read per request,
// on every instance alike (no cache to go stale), always on the primary. It also reads where the
// user's last write is, which decides whether a replica may serve their reads (src/db/read-routing.ts).
import { eq } from 'drizzle-orm';
import type { Reads } from '../../db/store.js';
import type { Actor } from './actor.js';

export interface SignedIn {
  actor: Actor;
  lastWriteLsn: number | null;
}

export async function currentActor(primary: Reads, userId: number, tokenVersion: number): Promise<SignedIn | null> {
  const { users } = primary.tables;
  const [row] = await primary.db
    .select({
      id: users.id,
      role: users.role,
      username: users.username,
      is_active: users.is_active,
      token_version: users.token_version,
      last_write_lsn: users.last_write_lsn,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!row || !row.is_active || row.token_version !== tokenVersion) return null;
  return { actor: { id: row.id, role: row.role, username: row.username }, lastWriteLsn: row.last_write_lsn };
}

// The per-request check that makes revocation immediate: an access token names a user and the
// token version it was signed with; the user's current row decides. A deleted or deactivated
// account, or a token older than the last password change, is refused on its next request, and
// the role is the one stored now, not the one in the token. One primary-key read per request,
// on every instance alike (no cache to go stale). Kept in this one function so it can be routed
// to the primary when reads go to replicas.
import { eq } from 'drizzle-orm';
import type { Reads } from '../../db/store.js';
import type { Actor } from './actor.js';

export async function currentActor(reads: Reads, userId: number, tokenVersion: number): Promise<Actor | null> {
  const { users } = reads.tables;
  const [row] = await reads.db
    .select({ id: users.id, role: users.role, username: users.username, is_active: users.is_active, token_version: users.token_version })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!row || !row.is_active || row.token_version !== tokenVersion) return null;
  return { id: row.id, role: row.role, username: row.username };
}

// The per-request account check that makes revocation immediate: the user's row now (one primary-key
// read, no cache) decides; deleted, deactivated or a token older than token_version → refused, role
// as stored. One function, so it can be routed to the primary when reads go to replicas.
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

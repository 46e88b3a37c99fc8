// `db maintenance`'s session purge: a refresh token past its expiry can neither be used nor
// detected as reused, so its row is only weight.
import { lt } from 'drizzle-orm';
import type { Database } from '../../db/client.js';

/** Deletes expired refresh tokens; returns how many. */
export async function purgeExpiredRefreshTokens(database: Database, now = new Date()): Promise<number> {
  const { refreshTokens } = database.tables;
  const deleted = await database.transaction((tx) => tx.delete(refreshTokens).where(lt(refreshTokens.expires_at, now)).returning({ id: refreshTokens.id }));
  return deleted.length;
}

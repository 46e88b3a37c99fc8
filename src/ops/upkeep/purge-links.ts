// `db maintenance`'s purge of mailed links (account_tokens): a reset or verification link past its
// expiry can never be used again, and a used one has done its job; their rows are only weight.
// A used link is kept until it would have expired anyway, so that opening a verification link twice
// (a double click) answers the same meanwhile.
import { lt } from 'drizzle-orm';
import type { Database } from '../../db/client.js';

/** Deletes expired links; returns how many. */
export async function purgeExpiredLinks(database: Database, now = new Date()): Promise<number> {
  const { accountTokens } = database.tables;
  const deleted = await database.transaction((tx) => tx.delete(accountTokens).where(lt(accountTokens.expires_at, now)).returning({ id: accountTokens.id }));
  return deleted.length;
}

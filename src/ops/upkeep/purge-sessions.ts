// `db maintenance`'s session purge. A refresh token past its expiry can neither be used nor
// detected as reused, so its row is only weight; an ended or expired session (signed out, ended
// from the list, revoked, or left unused) goes with every refresh token of its family: a token of
// it presented later is unknown, which refuses it as surely as a revoked one, and an access token
// of it finds no session (src/modules/auth/current-actor.ts).
import { inArray, isNotNull, lt, or } from 'drizzle-orm';
import type { Database } from '../../db/client.js';

export interface SessionPurge {
  sessions: number;
  refreshTokens: number;
}

/** Deletes ended and expired sessions and their refresh tokens, and every expired refresh token. */
export async function purgeSessions(database: Database, now = new Date()): Promise<SessionPurge> {
  const { refreshTokens, sessions } = database.tables;
  return database.transaction(async (tx) => {
    const over = or(isNotNull(sessions.ended_at), lt(sessions.expires_at, now));
    const tokens = await tx
      .delete(refreshTokens)
      .where(or(lt(refreshTokens.expires_at, now), inArray(refreshTokens.family_id, tx.select({ family_id: sessions.family_id }).from(sessions).where(over))))
      .returning({ id: refreshTokens.id });
    const ended = await tx.delete(sessions).where(over).returning({ id: sessions.id });
    return { sessions: ended.length, refreshTokens: tokens.length };
  });
}

/** Deletes expired refresh tokens only; returns how many. */
export async function purgeExpiredRefreshTokens(database: Database, now = new Date()): Promise<number> {
  const { refreshTokens } = database.tables;
  const deleted = await database.transaction((tx) => tx.delete(refreshTokens).where(lt(refreshTokens.expires_at, now)).returning({ id: refreshTokens.id }));
  return deleted.length;
}

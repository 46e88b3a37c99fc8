// Sessions: one row per sign-in (a device), whose refresh tokens form one family (service.ts
// rotates them). Access tokens carry the session's id and the per-request account check refuses
// those of an ended session (current-actor.ts), so ending a session ends it at once, on every
// instance. Listing and ending them is the account's own business: /api/users/me/sessions.
import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Store, Tx } from '../../db/store.js';
import { notFound } from '../../errors.js';

/** What the session list shows of the device that signed in. */
export interface ClientInfo {
  userAgent: string | null;
  /** the client address as the rate limiter sees it (request.ip, TRUST_PROXY_HOPS applied) */
  address: string | null;
}

/** Longest user agent kept: enough to tell devices apart, not a place to store a client's 16 KB header. */
export const MAX_USER_AGENT_LENGTH = 512;

const clientColumns = (client: ClientInfo | undefined) =>
  client ? { user_agent: client.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null, ip_address: client.address } : {};

/** A new session for a sign-in; returns its id. */
export async function startSession(tx: Tx, userId: number, familyId: string, expiresAt: Date, client?: ClientInfo, now = new Date()): Promise<number> {
  const [row] = await tx.db
    .insert(tx.tables.sessions)
    .values({ user_id: userId, family_id: familyId, created_at: now, last_used_at: now, expires_at: expiresAt, ...clientColumns(client) })
    .returning({ id: tx.tables.sessions.id });
  return row.id;
}

/**
 * A refresh went through: the session was used now and lives until its new token expires. A family
 * signed in before sessions existed gets its row here. Returns the session's id, or null when the
 * session was ended meanwhile (the caller refuses the refresh).
 */
export async function continueSession(
  tx: Tx,
  userId: number,
  familyId: string,
  startedAt: Date,
  expiresAt: Date,
  client?: ClientInfo,
  now = new Date(),
): Promise<number | null> {
  const { sessions } = tx.tables;
  const [existing] = await tx.db.select({ id: sessions.id, ended_at: sessions.ended_at }).from(sessions).where(eq(sessions.family_id, familyId));
  if (!existing) return startSession(tx, userId, familyId, expiresAt, client, startedAt);
  if (existing.ended_at) return null;
  await tx.db
    .update(sessions)
    .set({ last_used_at: now, expires_at: expiresAt, ...clientColumns(client) })
    .where(eq(sessions.id, existing.id));
  return existing.id;
}

/** Ends the session of a refresh-token family: its refresh tokens and its access tokens stop working. */
export async function endFamily(tx: Tx, familyId: string, now = new Date()): Promise<void> {
  const { refreshTokens, sessions } = tx.tables;
  await tx.db
    .update(sessions)
    .set({ ended_at: now })
    .where(and(eq(sessions.family_id, familyId), isNull(sessions.ended_at)));
  await tx.db
    .update(refreshTokens)
    .set({ revoked_at: now })
    .where(and(eq(refreshTokens.family_id, familyId), isNull(refreshTokens.revoked_at)));
}

/**
 * Ends every session of a user, in the caller's transaction (password change or reset,
 * deactivation, role change): every refresh token and every access token of the account stop
 * working at once, whatever token_version does. Returns how many sessions were open.
 */
export async function endAllSessions(tx: Tx, userId: number, now = new Date()): Promise<number> {
  const { refreshTokens, sessions } = tx.tables;
  const ended = await tx.db
    .update(sessions)
    .set({ ended_at: now })
    .where(and(eq(sessions.user_id, userId), isNull(sessions.ended_at)))
    .returning({ id: sessions.id });
  await tx.db
    .update(refreshTokens)
    .set({ revoked_at: now })
    .where(and(eq(refreshTokens.user_id, userId), isNull(refreshTokens.revoked_at)));
  return ended.length;
}

export interface SessionView {
  id: number;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  user_agent: string | null;
  ip_address: string | null;
  current: boolean;
}

/** The account's open sessions (not ended, not expired), most recently used first. */
export async function listSessions(store: Store, userId: number, currentSessionId: number | undefined, now = new Date()): Promise<SessionView[]> {
  const { sessions } = store.tables;
  const rows = await store.db
    .select({
      id: sessions.id,
      created_at: sessions.created_at,
      last_used_at: sessions.last_used_at,
      expires_at: sessions.expires_at,
      user_agent: sessions.user_agent,
      ip_address: sessions.ip_address,
    })
    .from(sessions)
    .where(and(eq(sessions.user_id, userId), isNull(sessions.ended_at), gt(sessions.expires_at, now)))
    .orderBy(desc(sessions.last_used_at), desc(sessions.id));
  return rows.map((row) => ({ ...row, current: row.id === currentSessionId }));
}

/** Ends one of the account's sessions (ending an ended one again is fine); someone else's answers 404. */
export async function endSession(store: Store, userId: number, sessionId: number): Promise<void> {
  const { sessions } = store.tables;
  await store.transaction(async (tx) => {
    const [row] = await tx.db
      .select({ family_id: sessions.family_id })
      .from(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.user_id, userId)));
    if (!row) throw notFound('Session');
    await endFamily(tx, row.family_id);
  });
}

/** Ends every session of the account but `keepSessionId` (the caller's); returns how many were ended. */
export async function endOtherSessions(store: Store, userId: number, keepSessionId: number | undefined): Promise<number> {
  const { refreshTokens, sessions } = store.tables;
  return store.transaction(async (tx) => {
    const now = new Date();
    const [kept] =
      keepSessionId === undefined
        ? []
        : await tx.db
            .select({ family_id: sessions.family_id })
            .from(sessions)
            .where(and(eq(sessions.id, keepSessionId), eq(sessions.user_id, userId)));
    const ended = await tx.db
      .update(sessions)
      .set({ ended_at: now })
      .where(and(eq(sessions.user_id, userId), isNull(sessions.ended_at), kept ? ne(sessions.id, keepSessionId!) : undefined))
      .returning({ id: sessions.id });
    // by user, not by the families above: a family signed in before sessions existed has no row yet
    await tx.db
      .update(refreshTokens)
      .set({ revoked_at: now })
      .where(and(eq(refreshTokens.user_id, userId), isNull(refreshTokens.revoked_at), kept ? ne(refreshTokens.family_id, kept.family_id) : undefined));
    return ended.length;
  });
}

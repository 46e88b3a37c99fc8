// Sign-up, sign-in and the refresh-token rotation. Refresh tokens are random strings of which
// only a SHA-256 hash is stored; each refresh uses one up and issues the next of the same
// family. A used or revoked token presented again revokes the whole family (reuse detection).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Store, Tx } from '../../db/store.js';
import { conflict, unauthorized } from '../../errors.js';
import type { Actor } from './actor.js';
import { hashPassword, isLegacyHash, verifyPassword } from '../../domain/accounts/passwords.js';
import { legacyHashesRemain } from './legacy-hashes.js';
import { continueSession, endAllSessions, endFamily, startSession, type ClientInfo } from './sessions.js';
import { assertNotThrottled, clearFailedSignIns, recordFailedSignIn } from './throttle.js';
import type { LoginInput, RegisterInput, TokenPair } from './schemas.js';
import { createUser } from '../../domain/accounts/create-user.js';
import { toPublicUser, type PublicUser, type UserRow } from '../../http/user.js';

export interface TokenSettings {
  signAccessToken(actor: Actor, tokenVersion: number, sessionId: number): string;
  accessTtlSeconds: number;
  refreshTtlDays: number;
  sessionMaxDays: number;
}

/** The longest an access token may live (JWT_ACCESS_TTL_SECONDS is capped at it in config.ts). */
const MAX_ACCESS_TOKEN_SECONDS = 3600;

const INVALID_CREDENTIALS = 'Invalid username or password';
const INVALID_REFRESH = 'Invalid or expired refresh token';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function register(store: Store, input: RegisterInput): Promise<PublicUser> {
  const row = await createUser(
    store,
    { ...input, role: 'padawan' },
    {
      username: 'This username is already taken',
      email: 'An account already uses this email',
      // two sign-ups with the same name at once: the unique index decides, the loser gets 409
      either: 'This username or email is already taken',
    },
  );
  return toPublicUser(row);
}

interface RefreshFamily {
  userId: number;
  familyId: string;
  sessionStartedAt: Date;
  /** the account's token_version when the sign-in read it */
  tokenVersion: number;
}

async function issueRefreshToken(tx: Tx, settings: TokenSettings, family: RefreshFamily) {
  const { userId, familyId, sessionStartedAt, tokenVersion } = family;
  const token = randomBytes(32).toString('base64url');
  // never past the session's absolute end, however often it is refreshed
  const expiresAt = Math.min(Date.now() + settings.refreshTtlDays * 86_400_000, sessionStartedAt.getTime() + settings.sessionMaxDays * 86_400_000);
  await tx.db.insert(tx.tables.refreshTokens).values({
    user_id: userId,
    family_id: familyId,
    token_hash: hashToken(token),
    expires_at: new Date(expiresAt),
    session_started_at: sessionStartedAt,
    token_version: tokenVersion,
  });
  return { token, expiresAt: new Date(expiresAt) };
}

function tokenPair(settings: TokenSettings, user: UserRow, refreshToken: string, sessionId: number): TokenPair {
  return {
    access_token: settings.signAccessToken({ id: user.id, role: user.role, username: user.username }, user.token_version, sessionId),
    refresh_token: refreshToken,
    token_type: 'bearer',
    expires_in: settings.accessTtlSeconds,
    user: toPublicUser(user),
  };
}

/**
 * Signs in with a username or an email from `clientKey` (the client's rate-limit key); `client`
 * describes the device for the sessions list. Every read that decides is made on the primary: a
 * replica may not have replayed a password change yet.
 */
export async function login(store: Store, settings: TokenSettings, input: LoginInput, clientKey: string, client?: ClientInfo): Promise<TokenPair> {
  const { users } = store.tables;
  const value = input.username.trim().toLowerCase();
  const [user] = await store.primary.db
    .select()
    .from(users)
    .where(or(sql`lower(${users.username}) = ${value}`, sql`lower(${users.email}) = ${value}`))
    .limit(1);
  // Same answers and about the same time whether the account exists or not: the throttle is keyed
  // by what was typed, and a failure costs the same whatever the account (passwords.ts).
  const throttle = await assertNotThrottled(store.primary, value, clientKey);
  const passwordOk = await verifyPassword(user?.hashed_password ?? null, input.password, await legacyHashesRemain(store.primary));
  if (!user || !passwordOk) {
    await recordFailedSignIn(store, value, clientKey);
    throw unauthorized(INVALID_CREDENTIALS);
  }
  if (!user.is_active) throw unauthorized(INVALID_CREDENTIALS);
  if (throttle.addressHasFailures) await clearFailedSignIns(store, value, clientKey);
  // An imported bcrypt hash is replaced by argon2id in the sign-in's own transaction; the
  // condition on the old hash keeps a concurrent password change from being overwritten.
  const upgraded = user.hashed_password && isLegacyHash(user.hashed_password) ? await hashPassword(input.password) : null;
  const session = await store.transaction(async (tx) => {
    if (upgraded) {
      await tx.db
        .update(users)
        .set({ hashed_password: upgraded })
        .where(and(eq(users.id, user.id), eq(users.hashed_password, user.hashed_password)));
    }
    const familyId = randomUUID();
    const now = new Date();
    const issued = await issueRefreshToken(tx, settings, { userId: user.id, familyId, sessionStartedAt: now, tokenVersion: user.token_version });
    return { refreshToken: issued.token, id: await startSession(tx, user.id, familyId, issued.expiresAt, client, now) };
  });
  return tokenPair(settings, user, session.refreshToken, session.id);
}

type RefreshOutcome = { ok: true; user: UserRow; refreshToken: string; sessionId: number } | { ok: false; concurrent?: true };

export interface RefreshOptions {
  /**
   * The cookie sign-in: a token used this recently by a concurrent refresh (two tabs of one
   * browser share its cookies and may both refresh at once) answers 409 without ending the
   * session; the browser already holds the new cookies. Older reuse is reuse.
   */
  concurrentGraceMs?: number;
}

export async function refresh(store: Store, settings: TokenSettings, presented: string, client?: ClientInfo, options: RefreshOptions = {}): Promise<TokenPair> {
  const { refreshTokens, users } = store.tables;
  const now = new Date();
  // revoking a family ends its session: its access tokens stop working too
  const revokeFamily = (tx: Tx, familyId: string) => endFamily(tx, familyId, now);

  // The outcome is returned, not thrown, so that a revocation commits even though we answer 401.
  const outcome = await store.transaction(async (tx): Promise<RefreshOutcome> => {
    const [token] = await tx.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.token_hash, hashToken(presented)));
    if (!token) return { ok: false };
    const justUsed = (usedAt: Date) => options.concurrentGraceMs !== undefined && now.getTime() - usedAt.getTime() < options.concurrentGraceMs;
    if (token.used_at && !token.revoked_at && justUsed(token.used_at)) return { ok: false, concurrent: true };
    if (token.used_at || token.revoked_at) {
      await revokeFamily(tx, token.family_id);
      return { ok: false };
    }
    if (token.expires_at <= now) return { ok: false };
    const sessionStartedAt = token.session_started_at ?? token.created_at;
    if (sessionStartedAt.getTime() + settings.sessionMaxDays * 86_400_000 <= now.getTime()) {
      await revokeFamily(tx, token.family_id);
      return { ok: false };
    }
    // Claim it; a concurrent refresh with the same token finds it claimed: that is reuse too.
    const claimed = await tx.db
      .update(refreshTokens)
      .set({ used_at: now })
      .where(and(eq(refreshTokens.id, token.id), isNull(refreshTokens.used_at), isNull(refreshTokens.revoked_at)))
      .returning({ id: refreshTokens.id });
    if (claimed.length === 0) {
      if (options.concurrentGraceMs !== undefined) return { ok: false, concurrent: true }; // claimed by a refresh running now
      await revokeFamily(tx, token.family_id);
      return { ok: false };
    }
    const [user] = await tx.db.select().from(users).where(eq(users.id, token.user_id));
    // a password change or deactivation since the sign-in ends the family
    if (!user?.is_active || user.token_version !== token.token_version) {
      await revokeFamily(tx, token.family_id);
      return { ok: false };
    }
    const issued = await issueRefreshToken(tx, settings, { userId: user.id, familyId: token.family_id, sessionStartedAt, tokenVersion: token.token_version });
    const sessionId = await continueSession(tx, user.id, token.family_id, sessionStartedAt, issued.expiresAt, client, now);
    if (sessionId === null) {
      await revokeFamily(tx, token.family_id);
      return { ok: false };
    }
    return { ok: true, user, refreshToken: issued.token, sessionId };
  });
  if (!outcome.ok && outcome.concurrent) throw conflict('This refresh cookie was just used by a concurrent refresh: retry the request with the new cookies');
  if (!outcome.ok) throw unauthorized(INVALID_REFRESH);
  return tokenPair(settings, outcome.user, outcome.refreshToken, outcome.sessionId);
}

/**
 * Ends the session of the presented refresh token, if it is `userId`'s (any user's when null: the
 * cookie sign-out, where holding the token is the proof). Idempotent.
 */
export async function logout(store: Store, userId: number | null, presented: string): Promise<void> {
  const { refreshTokens } = store.tables;
  await store.transaction(async (tx) => {
    const [token] = await tx.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.token_hash, hashToken(presented)));
    if (!token || (userId !== null && token.user_id !== userId)) return;
    await endFamily(tx, token.family_id);
  });
}

/**
 * Ends every session of a user. With `accessTokensVoided` (a password change or deactivation
 * raised token_version) they end at once: sessions.ts endAllSessions. Without (a role change) only
 * their refresh tokens are revoked: the access tokens go on with the new role, read on each
 * request, until they expire, so the sessions stay listed for at most that long.
 */
export async function revokeAllSessions(tx: Tx, userId: number, accessTokensVoided = false): Promise<void> {
  if (accessTokensVoided) {
    await endAllSessions(tx, userId);
    return;
  }
  const { refreshTokens, sessions } = tx.tables;
  const now = new Date();
  await tx.db
    .update(refreshTokens)
    .set({ revoked_at: now })
    .where(and(eq(refreshTokens.user_id, userId), isNull(refreshTokens.revoked_at)));
  const lastAccess = new Date(now.getTime() + MAX_ACCESS_TOKEN_SECONDS * 1000);
  await tx.db
    .update(sessions)
    .set({ expires_at: lastAccess })
    .where(and(eq(sessions.user_id, userId), isNull(sessions.ended_at), gt(sessions.expires_at, lastAccess)));
}

// The single-use links mailed to a user (account_tokens): a random token in the link, only its
// SHA-256 stored, bound to the address it was sent to, and counted per account so that one account
// never receives more than MAIL_PER_ACCOUNT_PER_HOUR mails of a kind. Shared by password-reset.ts
// and email-verification.ts.
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, count, eq, gt } from 'drizzle-orm';
import type { AccountTokenPurpose } from '../../db/enums.js';
import type { Reads, Tx } from '../../db/store.js';
import { AppError } from '../../errors.js';

export type { MailContext } from '../../mail/context.js';

export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The password hash's fingerprint: a reset link issued before a password change no longer matches. */
export const passwordFingerprint = (hashedPassword: string) => createHash('sha256').update(hashedPassword).digest('hex');

export const invalidLink = () => new AppError(400, 'INVALID_TOKEN', 'This link is invalid, already used or expired: ask for a new one');

const HOUR_MS = 3_600_000;

/**
 * Seconds until the account may receive another mail of `purpose`, or 0 when it may now: at most
 * `perHour` in any rolling hour, counted from the rows themselves (every instance agrees).
 */
export async function mailBudgetWait(on: Reads, userId: number, purpose: AccountTokenPurpose, perHour: number, now = new Date()): Promise<number> {
  const { accountTokens } = on.tables;
  const recent = and(eq(accountTokens.user_id, userId), eq(accountTokens.purpose, purpose), gt(accountTokens.created_at, new Date(now.getTime() - HOUR_MS)));
  const [{ sent }] = await on.db.select({ sent: count() }).from(accountTokens).where(recent);
  if (sent < perHour) return 0;
  const [oldest] = await on.db.select({ at: accountTokens.created_at }).from(accountTokens).where(recent).orderBy(asc(accountTokens.created_at)).limit(1);
  return Math.max(1, Math.ceil((oldest.at.getTime() + HOUR_MS - now.getTime()) / 1000));
}

/** Stores a new link's hash; returns the token to put in the link (it exists nowhere else). */
export async function issueLinkToken(
  tx: Tx,
  link: { userId: number; purpose: AccountTokenPurpose; email: string; ttlMs: number; passwordFingerprint?: string },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await tx.db.insert(tx.tables.accountTokens).values({
    user_id: link.userId,
    purpose: link.purpose,
    token_hash: hashLinkToken(token),
    email: link.email,
    password_fingerprint: link.passwordFingerprint ?? null,
    expires_at: new Date(Date.now() + link.ttlMs),
  });
  return token;
}

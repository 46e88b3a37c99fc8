// A way back in by e-mail. forgot-password: the route answers at once, alike for every address, and
// this runs after the answer: an active account with that address gets a link (FRONTEND_URL/
// reset-password?token=…) valid PASSWORD_RESET_TTL_MINUTES, at most MAIL_PER_ACCOUNT_PER_HOUR an hour.
// reset-password: the link's token, once, before it expires and while the password is the one it
// was issued under, sets the new password (argon2id) and ends every session and access token.
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Store } from '../../db/store.js';
import { frontendLink, passwordResetMessage } from '../../mail/messages.js';
import { hashPassword } from '../../domain/accounts/passwords.js';
import { hashLinkToken, invalidLink, issueLinkToken, mailBudgetWait, passwordFingerprint, type MailContext } from './account-tokens.js';
import { revokeAllSessions } from './service.js';

export type ResetMailOutcome = 'sent' | 'no account' | 'over budget';

/** Runs after forgot-password has answered: finds the account, stores the link's hash, then (committed) sends the mail. */
export async function sendPasswordResetMail(store: Store, mail: MailContext, email: string): Promise<ResetMailOutcome> {
  const { users } = store.tables;
  // in a transaction so that it reads the primary: a replica's copy may predate a password change
  const issued = await store.transaction(async (tx) => {
    const [user] = await tx.db.select().from(users).where(sql`lower(${users.email}) = ${email}`).limit(1);
    if (!user || !user.is_active) return 'no account' as const;
    if ((await mailBudgetWait(tx, user.id, 'password_reset', mail.perAccountPerHour)) > 0) return 'over budget' as const;
    const token = await issueLinkToken(tx, {
      userId: user.id,
      purpose: 'password_reset',
      email: user.email,
      ttlMs: mail.resetTtlMinutes * 60_000,
      passwordFingerprint: passwordFingerprint(user.hashed_password),
    });
    return { user, token };
  });
  if (typeof issued === 'string') return issued;
  const link = frontendLink(mail.frontendUrl, '/reset-password', issued.token);
  await mail.mailer.send(passwordResetMessage(issued.user, link, mail.resetTtlMinutes));
  return 'sent';
}

type Claim = { ok: true } | { ok: false };

/** Sets the new password from a reset link; every session of the account ends. Throws INVALID_TOKEN (400). */
export async function resetPassword(store: Store, token: string, newPassword: string): Promise<void> {
  const { accountTokens, users } = store.tables;
  const tokenHash = hashLinkToken(token);
  const now = new Date();
  const findLink = () =>
    store.transaction(async (tx) => {
      const [link] = await tx.db
        .select()
        .from(accountTokens)
        .where(and(eq(accountTokens.token_hash, tokenHash), eq(accountTokens.purpose, 'password_reset')));
      return link;
    });
  // checked before hashing, so that a made-up token costs no argon2 run
  const link = await findLink();
  if (!link || link.used_at || link.expires_at <= now) throw invalidLink();
  const hashed = await hashPassword(newPassword);

  // the outcome is returned, not thrown: a link found dead (the password changed since) is marked used all the same
  const outcome = await store.transaction(async (tx): Promise<Claim> => {
    const claimed = await tx.db
      .update(accountTokens)
      .set({ used_at: now })
      .where(and(eq(accountTokens.id, link.id), isNull(accountTokens.used_at)))
      .returning({ id: accountTokens.id });
    if (claimed.length === 0) return { ok: false }; // a concurrent use won
    const [user] = await tx.db.select().from(users).where(eq(users.id, link.user_id));
    if (!user || !user.is_active || passwordFingerprint(user.hashed_password) !== link.password_fingerprint) return { ok: false };
    await tx.db
      .update(users)
      .set({
        hashed_password: hashed,
        token_version: sql`${users.token_version} + 1`,
        // the link reached this address: it is proven, as a verification link would
        ...(user.email.toLowerCase() === link.email.toLowerCase() ? { is_email_verified: true } : {}),
      })
      .where(eq(users.id, user.id));
    // the account's other reset links die with the old password (their fingerprint no longer matches either)
    await tx.db
      .update(accountTokens)
      .set({ used_at: now })
      .where(
        and(eq(accountTokens.user_id, user.id), eq(accountTokens.purpose, 'password_reset'), isNull(accountTokens.used_at), ne(accountTokens.id, link.id)),
      );
    await revokeAllSessions(tx, user.id);
    return { ok: true };
  });
  if (!outcome.ok) throw invalidLink();
}

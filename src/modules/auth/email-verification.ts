// Proving an address: a link (FRONTEND_URL/verify-email?token=…) mailed at sign-up, on every change
// of address and on request, valid EMAIL_VERIFICATION_TTL_HOURS, for the address it was sent to
// only (a change of address voids the links sent to the old one). Opening it sets
// users.is_email_verified; opening it again (a double click) answers the same.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Store } from '../../db/store.js';
import { AppError, conflict } from '../../errors.js';
import { frontendLink, verificationMessage } from '../../mail/messages.js';
import { toPublicUser, type PublicUser, type UserRow } from '../../http/user.js';
import { hashLinkToken, invalidLink, issueLinkToken, mailBudgetWait, type MailContext } from './account-tokens.js';

export type VerificationMailOutcome =
  | { sent: true }
  | { sent: false; reason: 'already verified' | 'no account' }
  | { sent: false; reason: 'over budget'; retryAfterSeconds: number };

/** Stores a link for the user's current address and (committed) mails it. Throws a MailError when the mail cannot leave. */
export async function sendVerificationMail(store: Store, mail: MailContext, userId: number): Promise<VerificationMailOutcome> {
  const { users } = store.tables;
  const issued = await store.transaction(async (tx): Promise<VerificationMailOutcome | { user: UserRow; token: string }> => {
    const [user] = await tx.db.select().from(users).where(eq(users.id, userId));
    if (!user || !user.is_active) return { sent: false, reason: 'no account' };
    if (user.is_email_verified) return { sent: false, reason: 'already verified' };
    const wait = await mailBudgetWait(tx, user.id, 'email_verification', mail.perAccountPerHour);
    if (wait > 0) return { sent: false, reason: 'over budget', retryAfterSeconds: wait };
    const token = await issueLinkToken(tx, {
      userId: user.id,
      purpose: 'email_verification',
      email: user.email.toLowerCase(),
      ttlMs: mail.verificationTtlHours * 3_600_000,
    });
    return { user, token };
  });
  if ('sent' in issued) return issued;
  const link = frontendLink(mail.frontendUrl, '/verify-email', issued.token);
  await mail.mailer.send(verificationMessage(issued.user, link, mail.verificationTtlHours));
  return { sent: true };
}

/** resend-verification's answer for an outcome that sent nothing. */
export function verificationNotSent(outcome: Exclude<VerificationMailOutcome, { sent: true }>): AppError {
  if (outcome.reason === 'already verified') return conflict('This address is already verified');
  if (outcome.reason === 'over budget') {
    return new AppError(429, 'RATE_LIMITED', `Too many verification mails for this account: retry in ${outcome.retryAfterSeconds} seconds`, undefined, {
      'retry-after': String(outcome.retryAfterSeconds),
    });
  }
  return invalidLink();
}

type Verification = { ok: true; user: UserRow } | { ok: false };

/** Marks the address of the link verified; returns the user. Throws INVALID_TOKEN (400). */
export async function verifyEmail(store: Store, token: string): Promise<PublicUser> {
  const { accountTokens, users } = store.tables;
  const now = new Date();
  const outcome = await store.transaction(async (tx): Promise<Verification> => {
    const [link] = await tx.db
      .select()
      .from(accountTokens)
      .where(and(eq(accountTokens.token_hash, hashLinkToken(token)), eq(accountTokens.purpose, 'email_verification')));
    if (!link) return { ok: false };
    const [user] = await tx.db.select().from(users).where(eq(users.id, link.user_id));
    const sameAddress = user?.is_active && user.email.toLowerCase() === link.email;
    // opened twice (a double click, a reload): the same answer while the address is still that one
    if (link.used_at) return sameAddress && user.is_email_verified ? { ok: true, user } : { ok: false };
    if (link.expires_at <= now || !sameAddress) return { ok: false };
    await tx.db
      .update(accountTokens)
      .set({ used_at: now })
      .where(and(eq(accountTokens.id, link.id), isNull(accountTokens.used_at)));
    const [verified] = await tx.db
      .update(users)
      .set({ is_email_verified: true })
      .where(and(eq(users.id, user.id), sql`lower(${users.email}) = ${link.email}`))
      .returning();
    return verified ? { ok: true, user: verified } : { ok: false };
  });
  if (!outcome.ok) throw invalidLink();
  return toPublicUser(outcome.user);
}

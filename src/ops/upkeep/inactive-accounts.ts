// `db maintenance` with INACTIVE_ACCOUNT_DAYS: learner accounts that never verified their e-mail
// and show no sign of life for that many days (no sign-in, no refresh, no attempt) are erased, each
// by the API's erasure (src/domain/accounts/erase.ts: one transaction, a tombstone). Staff accounts
// are never touched: an archiviste made by the CLI may be unverified and rarely signs in.
import { and, eq, gte, lt, notExists, or, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { storeOf, type Reads } from '../../db/store.js';
import { eraseAccount } from '../../domain/accounts/erase.js';

export interface InactiveAccountsResult {
  erased: number[];
}

/** Learner accounts never verified, created before `since`, with no sign-in, refresh or attempt since. */
function inactiveSince(reads: Reads, since: Date): SQL {
  const { users, refreshTokens, attempts, logicChallengeAttempts } = reads.tables;
  const db = reads.db;
  return and(
    eq(users.role, 'padawan'),
    eq(users.is_email_verified, false),
    lt(users.created_at, since),
    notExists(
      db
        .select({ one: refreshTokens.id })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.user_id, users.id), or(gte(refreshTokens.created_at, since), gte(refreshTokens.used_at, since)))),
    ),
    notExists(
      db
        .select({ one: attempts.id })
        .from(attempts)
        .where(and(eq(attempts.user_id, users.id), gte(attempts.created_at, since))),
    ),
    notExists(
      db
        .select({ one: logicChallengeAttempts.id })
        .from(logicChallengeAttempts)
        .where(and(eq(logicChallengeAttempts.user_id, users.id), gte(logicChallengeAttempts.created_at, since))),
    ),
  )!;
}

/** The ids erased (ascending). */
export async function eraseInactiveAccounts(
  database: Database,
  days: number,
  erasureKey: string | undefined,
  now = new Date(),
): Promise<InactiveAccountsResult> {
  const store = storeOf(database);
  const { users } = store.tables;
  const since = new Date(now.getTime() - days * 86_400_000);
  const candidates = await store.db.select({ id: users.id }).from(users).where(inactiveSince(store, since)).orderBy(users.id);
  const erased: number[] = [];
  // one transaction per account, checked again inside it: a learner who signs in meanwhile stays
  for (const { id } of candidates) {
    const done = await store.transaction(async (tx) => {
      const [still] = await tx.db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, id), inactiveSince(tx, since)));
      return still ? eraseAccount(tx, store.dialect, id, { key: erasureKey }) : null;
    });
    if (done) erased.push(id);
  }
  return { erased };
}

/** The step of `db maintenance`. */
export async function inactiveAccountsStep(
  database: Database,
  options: { days: number; erasureKey?: string },
  now?: Date,
): Promise<{ ok: boolean; summary: string }> {
  const { erased } = await eraseInactiveAccounts(database, options.days, options.erasureKey, now);
  return {
    ok: true,
    summary: `${erased.length} learner account(s) never verified and unused for ${options.days} days erased${erased.length ? ` (ids ${erased.join(', ')})` : ''}`,
  };
}

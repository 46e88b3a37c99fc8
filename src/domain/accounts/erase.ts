// Erasing an account (GDPR art. 17), written once for DELETE /api/users/me, the archiviste's
// DELETE /api/users/:id, `db maintenance`'s inactive accounts and `db restore`'s re-application.
// In one transaction: the learner's rows in the legacy area and the protected `statistics` table,
// their private generated exercises, the users row (its foreign keys delete attempts, progress,
// challenge attempts and sessions, and leave exercises and challenges they wrote without author),
// and a tombstone holding no personal data.
//
// Attempts and progress are deleted, not kept "unlinked": a learner's attempts carry their answers,
// times to the millisecond and device, and stay one person's sequence without a user_id, which is
// pseudonymisation, not anonymisation. The statistics we serve are computed from the attempts that
// remain.
import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Dialect } from '../../db/database.js';
import type { Tx } from '../../db/store.js';
import { learnerLegacyRows } from './legacy-rows.js';

/** ERASURE_KEY unset: the fingerprint is still one-way, but not keyed (README, "Erasure"). */
const UNKEYED = 'mathakine-erasure-fingerprint';

/**
 * The tombstone's fingerprint: HMAC-SHA256 of the id with the account's creation time. It matches
 * the erased account in an older backup, never a later account given the same id (SQLite reuses the
 * highest id; a restore rewinds PostgreSQL's sequence), and reveals neither without the key.
 */
export function accountFingerprint(key: string | undefined, userId: number, createdAt: Date): string {
  return createHmac('sha256', key ?? UNKEYED)
    .update(`${userId}:${createdAt.toISOString()}`)
    .digest('hex');
}

export interface ErasedAccount {
  user_id: number;
  /** rows deleted from the legacy area and the protected `statistics` table */
  legacy_rows: number;
}

export interface ErasureOptions {
  /** ERASURE_KEY */
  key: string | undefined;
  /** false when the tombstone is already there (a restore re-applying it) */
  tombstone?: boolean;
}

/** Erases the account inside `tx`; null when there is no such account. */
export async function eraseAccount(tx: Tx, dialect: Dialect, userId: number, options: ErasureOptions): Promise<ErasedAccount | null> {
  const { users, exercises, statistics, erasedAccounts } = tx.tables;
  const [user] = await tx.db.select({ id: users.id, created_at: users.created_at }).from(users).where(eq(users.id, userId));
  if (!user) return null;

  let legacyRows = 0;
  // before the users row: the legacy rows of our per-user tables are found through those rows
  for (const legacy of await learnerLegacyRows(tx, dialect, userId)) {
    legacyRows += (await tx.db.delete(legacy.table.table).where(legacy.where).returning({ row: legacy.table.sourceRow })).length;
  }
  legacyRows += (await tx.db.delete(statistics).where(eq(statistics.user_id, userId)).returning({ id: statistics.id })).length;
  // generated for this learner alone, seen by no one else (exercises they wrote for others stay)
  await tx.db.delete(exercises).where(and(eq(exercises.creator_id, userId), eq(exercises.is_private, true)));
  await tx.db.delete(users).where(eq(users.id, userId));
  if (options.tombstone !== false) {
    await tx.db
      .insert(erasedAccounts)
      .values({ user_id: userId, fingerprint: accountFingerprint(options.key, userId, user.created_at) })
      .onConflictDoNothing();
  }
  return { user_id: userId, legacy_rows: legacyRows };
}

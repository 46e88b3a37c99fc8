// Per-account throttling of failed sign-ins, stored on the user row so every instance shares it:
// after MAX_FAILED_LOGINS failures within the window, sign-in answers 429 with Retry-After until
// the window ends. Never a permanent lock: a child locked out by a guesser can retry in 15 min.
import { and, eq, gte, sql } from 'drizzle-orm';
import type { Store } from '../../db/store.js';
import { AppError } from '../../errors.js';

export const MAX_FAILED_LOGINS = 10;
export const FAILED_LOGIN_WINDOW_MS = 15 * 60_000;

interface ThrottleState {
  failed_login_count: number;
  failed_login_window_start: Date | null;
}

/** Throws 429 when the account has used up its failures for the current window. */
export function assertNotThrottled(user: ThrottleState, now = new Date()): void {
  const start = user.failed_login_window_start;
  if (!start || user.failed_login_count < MAX_FAILED_LOGINS) return;
  const retryAfterMs = start.getTime() + FAILED_LOGIN_WINDOW_MS - now.getTime();
  if (retryAfterMs <= 0) return;
  const seconds = Math.ceil(retryAfterMs / 1000);
  throw new AppError(429, 'RATE_LIMITED', `Too many failed sign-ins for this account: retry in ${seconds} seconds`, undefined, {
    'retry-after': String(seconds),
  });
}

/** Counts one failure: in the current window, or as the first of a new one. Atomic on both dialects. */
export async function recordFailedLogin(store: Store, userId: number, now = new Date()): Promise<void> {
  const { users } = store.tables;
  const windowOpen = new Date(now.getTime() - FAILED_LOGIN_WINDOW_MS);
  await store.transaction(async (tx) => {
    const counted = await tx.db
      .update(users)
      .set({ failed_login_count: sql`${users.failed_login_count} + 1` })
      .where(and(eq(users.id, userId), gte(users.failed_login_window_start, windowOpen)))
      .returning({ id: users.id });
    if (counted.length === 0) await tx.db.update(users).set({ failed_login_count: 1, failed_login_window_start: now }).where(eq(users.id, userId));
  });
}

/** A successful sign-in clears the count. */
export async function clearFailedLogins(store: Store, userId: number): Promise<void> {
  const { users } = store.tables;
  await store.transaction((tx) =>
    tx.db.update(users).set({ failed_login_count: 0, failed_login_window_start: null }).where(eq(users.id, userId)),
  );
}

// Throttling of failed sign-ins, in the database so every instance shares it, keyed by the
// identifier as typed (never by whether an account has it: unknown and known names get the same
// answers) and by client address. Two rules, neither of which can lock the owner out:
//   1. per (identifier, address): MAX_FAILURES_PER_ADDRESS failures in FAILURE_WINDOW_MS, then 429
//      from that address until the window ends. A stranger's failures never count against the
//      owner's address.
//   2. per identifier, over every address: once it has ACCOUNT_BUSY_FAILURES failures in the
//      window, every address that has failed on it must wait between two tries, 30 s doubling per
//      further ACCOUNT_BUSY_FAILURES, at most FAILURE_WINDOW_MS. This slows a guesser spread over
//      many addresses; an address with no failure of its own (the owner on their own device) is
//      never held, and one that mistyped waits a bounded time.
import { createHash } from 'node:crypto';
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Reads, Store } from '../../db/store.js';
import { AppError } from '../../errors.js';

export const MAX_FAILURES_PER_ADDRESS = 10;
export const FAILURE_WINDOW_MS = 15 * 60_000;
export const ACCOUNT_BUSY_FAILURES = 10;
const FIRST_SPACING_MS = 30_000;
/** client_key of the row that counts an identifier's failures from every address */
const EVERY_ADDRESS = '';

/** The key a sign-in is counted under: the identifier trimmed and lower-cased, hashed. */
export function identifierKey(identifier: string): string {
  return createHash('sha256').update(identifier.trim().toLowerCase()).digest('hex');
}

/** The wait rule 2 asks of an address between two tries, given the identifier's failures over every address. */
export function spacingFor(accountFailures: number): number {
  if (accountFailures < ACCOUNT_BUSY_FAILURES) return 0;
  const doublings = Math.floor((accountFailures - ACCOUNT_BUSY_FAILURES) / ACCOUNT_BUSY_FAILURES);
  return Math.min(FIRST_SPACING_MS * 2 ** Math.min(doublings, 16), FAILURE_WINDOW_MS);
}

export interface ThrottleState {
  /** this address has failures on record for this identifier (a success clears them) */
  addressHasFailures: boolean;
}

/**
 * Throws 429 with Retry-After when this address must wait before trying this identifier again;
 * reads on the primary. The answer is the same whether an account has the identifier or not.
 */
export async function assertNotThrottled(on: Reads, identifier: string, clientKey: string, now = new Date()): Promise<ThrottleState> {
  const { signInFailures: t } = on.tables;
  const rows = await on.db
    .select({ client_key: t.client_key, failures: t.failures, window_start: t.window_start, last_failure_at: t.last_failure_at })
    .from(t)
    .where(and(eq(t.identifier_hash, identifierKey(identifier)), inArray(t.client_key, [clientKey, EVERY_ADDRESS])));
  const windowOpen = now.getTime() - FAILURE_WINDOW_MS;
  const address = rows.find((r) => r.client_key === clientKey);
  const account = rows.find((r) => r.client_key === EVERY_ADDRESS);
  if (!address) return { addressHasFailures: false };
  let retryAt = 0;
  if (address.failures >= MAX_FAILURES_PER_ADDRESS && address.window_start.getTime() > windowOpen) {
    retryAt = address.window_start.getTime() + FAILURE_WINDOW_MS;
  }
  if (account && account.window_start.getTime() > windowOpen) {
    retryAt = Math.max(retryAt, address.last_failure_at.getTime() + spacingFor(account.failures));
  }
  const seconds = Math.ceil((retryAt - now.getTime()) / 1000);
  if (seconds > 0) {
    // no number in the message: the body is the same for every name and address, the header says when
    throw new AppError(429, 'RATE_LIMITED', 'Too many failed sign-ins: try again after the Retry-After delay', undefined, {
      'retry-after': String(seconds),
    });
  }
  return { addressHasFailures: true };
}

/**
 * Counts one failure for the address and for the identifier over every address (each in its
 * window, or as the first of a new one), and deletes the rows no rule reads any more.
 */
export async function recordFailedSignIn(store: Store, identifier: string, clientKey: string, now = new Date()): Promise<void> {
  const { signInFailures: t } = store.tables;
  const hash = identifierKey(identifier);
  const windowOpen = new Date(now.getTime() - FAILURE_WINDOW_MS);
  // one statement for both rows, atomic on each: a count in its window goes up, an older one starts anew
  const inWindow = gte(t.window_start, windowOpen);
  const inserted = (column: typeof t.window_start) => sql`excluded.${sql.identifier(column.name)}`;
  await store.transaction((tx) =>
    tx.db
      .insert(t)
      .values([clientKey, EVERY_ADDRESS].map((key) => ({ identifier_hash: hash, client_key: key, failures: 1, window_start: now, last_failure_at: now })))
      .onConflictDoUpdate({
        target: [t.identifier_hash, t.client_key],
        set: {
          failures: sql`case when ${inWindow} then ${t.failures} + 1 else 1 end`,
          window_start: sql`case when ${inWindow} then ${t.window_start} else ${inserted(t.window_start)} end`,
          last_failure_at: inserted(t.last_failure_at),
        },
      }),
  );
  // A row whose last failure is a window old decides nothing (its spacing is at most a window).
  // Deleted in a transaction of its own, after the count is committed: housekeeping that loses a
  // lock conflict with a concurrent failure (deadlock_detected on PostgreSQL) is simply done next time.
  await store.transaction((tx) => tx.db.delete(t).where(lt(t.last_failure_at, windowOpen))).catch(() => {});
}

/** A successful sign-in clears the address's failures; the count over every address runs out by itself. */
export async function clearFailedSignIns(store: Store, identifier: string, clientKey: string): Promise<void> {
  const { signInFailures: t } = store.tables;
  await store.transaction((tx) => tx.db.delete(t).where(and(eq(t.identifier_hash, identifierKey(identifier)), eq(t.client_key, clientKey))));
}

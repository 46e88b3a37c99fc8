// Accounts: profiles, roles, password changes, export and erasure (export.ts, erase.ts) and statistics.
import { and, count, desc, eq, gte, or, sql, type SQL } from 'drizzle-orm';
import type { Tables } from '../../db/client.js';
import { classifyDatabaseError } from '../../db/errors.js';
import { containsInsensitive } from '../../db/operators.js';
import type { Reads, Store } from '../../db/store.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import type { Page } from '../../http/schemas.js';
import { percentage } from '../../percentage.js';
import type { Actor } from '../auth/actor.js';
import { assertCanSeeUser } from '../auth/access.js';
import { hashPassword, verifyPassword } from '../../domain/accounts/passwords.js';
import { revokeAllSessions } from '../auth/service.js';
import { eraseAccount } from '../../domain/accounts/erase.js';
import { exportAccount } from '../../domain/accounts/export.js';
import { toPublicUser, type PublicUser, type UserRow } from '../../http/user.js';
import type { ListUsersQuery, UpdateMeInput, UpdateUserInput, UserStats } from './schemas.js';

type UserChanges = Partial<Omit<Tables['users']['$inferInsert'], 'token_version' | 'is_email_verified'>> & {
  token_version?: SQL<number>;
  is_email_verified?: boolean | SQL<boolean>;
};

async function findUser(store: Reads, id: number): Promise<UserRow> {
  const { users } = store.tables;
  const [row] = await store.db.select().from(users).where(eq(users.id, id));
  if (!row) throw notFound('User');
  return row;
}

export async function getUser(store: Store, actor: Actor, id: number): Promise<PublicUser> {
  assertCanSeeUser(actor, id);
  return toPublicUser(await findUser(store, id));
}

export async function listUsers(store: Store, query: ListUsersQuery): Promise<Page<PublicUser>> {
  const { users } = store.tables;
  const conditions: SQL[] = [];
  if (query.role) conditions.push(eq(users.role, query.role));
  if (query.is_active !== undefined) conditions.push(eq(users.is_active, query.is_active));
  if (query.search) {
    const match = or(
      containsInsensitive(users.username, query.search),
      containsInsensitive(users.email, query.search),
      containsInsensitive(users.full_name, query.search),
    );
    if (match) conditions.push(match);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [{ total }]] = await Promise.all([
    store.db.select().from(users).where(where).orderBy(users.id).limit(query.limit).offset(query.offset),
    store.db.select({ total: count() }).from(users).where(where),
  ]);
  return { items: rows.map(toPublicUser), total, limit: query.limit, offset: query.offset };
}

async function writeUser(store: Store, id: number, changes: UserChanges, endSessions: boolean): Promise<PublicUser> {
  const { users } = store.tables;
  try {
    const [row] = await store.transaction(async (tx) => {
      const updated = await tx.db.update(users).set(changes).where(eq(users.id, id)).returning();
      if (updated.length && endSessions) await revokeAllSessions(tx, id, changes.token_version !== undefined);
      return updated;
    });
    if (!row) throw notFound('User');
    return toPublicUser(row);
  } catch (error) {
    if (classifyDatabaseError(error) === 'unique') throw conflict('This username or email is already taken');
    throw error;
  }
}

export function updateMe(store: Store, actor: Actor, input: UpdateMeInput): Promise<PublicUser> {
  return writeUser(store, actor.id, withAddressCheck(store, input), false);
}

/** A new address is unverified until the link mailed to it is opened; the same address keeps its state. */
function withAddressCheck<T extends { email?: string }>(store: Store, input: T): T | (T & { is_email_verified: SQL<boolean> }) {
  if (input.email === undefined) return input;
  const { users } = store.tables;
  return { ...input, is_email_verified: sql<boolean>`case when lower(${users.email}) = ${input.email} then ${users.is_email_verified} else (1 = 0) end` };
}

/**
 * Archiviste only (route option). Deactivating or changing the role ends the user's sessions;
 * deactivation also voids their access tokens (a role change needs not: each request reads the
 * current role, see src/modules/auth/current-actor.ts).
 */
export function updateUser(store: Store, id: number, input: UpdateUserInput): Promise<PublicUser> {
  const endSessions = input.is_active === false || input.role !== undefined;
  const checked = withAddressCheck(store, input);
  const changes = input.is_active === false ? { ...checked, token_version: bumpedTokenVersion(store) } : checked;
  return writeUser(store, id, changes, endSessions);
}

const bumpedTokenVersion = (store: Store) => sql<number>`${store.tables.users.token_version} + 1`;

export async function changePassword(store: Store, actor: Actor, currentPassword: string, newPassword: string) {
  // the current password as the primary has it: a replica may still hold the one before the last change
  const user = await findUser(store.primary, actor.id);
  if (!(await verifyPassword(user.hashed_password, currentPassword))) {
    throw badRequest('The current password is wrong', [{ path: 'current_password', message: 'does not match' }]);
  }
  const hashed = await hashPassword(newPassword);
  // Every session dies with the old password, access tokens included: a stolen one does not survive the change.
  await writeUser(store, actor.id, { hashed_password: hashed, token_version: bumpedTokenVersion(store) }, true);
}

/** Self or archiviste: the account is erased (./erase.ts: personal data, legacy rows, a tombstone). */
export async function deleteUser(store: Store, actor: Actor, id: number, erasureKey: string | undefined): Promise<void> {
  assertCanSeeUser(actor, id);
  if (actor.id !== id && actor.role !== 'archiviste') throw forbidden('Only an archiviste may delete another account');
  const erased = await store.transaction((tx) => eraseAccount(tx, store.dialect, id, { key: erasureKey }));
  if (!erased) throw notFound('User');
}

/** The learner erases their own account: the current password first, as for a password change. */
export async function deleteMe(store: Store, actor: Actor, currentPassword: string, erasureKey: string | undefined): Promise<void> {
  const user = await findUser(store, actor.id);
  if (!(await verifyPassword(user.hashed_password, currentPassword))) {
    throw badRequest('The current password is wrong', [{ path: 'current_password', message: 'does not match' }]);
  }
  await deleteUser(store, actor, actor.id, erasureKey);
}

/** Self or archiviste (for a request by post, the CLI's `user export`). */
export function exportUser(store: Store, actor: Actor, id: number): Promise<AsyncIterable<string>> {
  assertCanSeeUser(actor, id);
  if (actor.id !== id && actor.role !== 'archiviste') throw forbidden("Only an archiviste may export another account's data");
  return exportAccount(store, store.dialect, id);
}

const RECENT_ACTIVITY_SIZE = 10;
const DAILY_ACTIVITY_DAYS = 30;

export async function userStats(store: Store, actor: Actor, id: number): Promise<UserStats> {
  assertCanSeeUser(actor, id);
  const user = await findUser(store, id);
  const { attempts, exercises, logicChallengeAttempts } = store.tables;
  const db = store.db;
  const correct = sql<number>`coalesce(sum(case when ${attempts.is_correct} then 1 else 0 end), 0)`.mapWith(Number);
  const averageTime = sql<number | null>`avg(${attempts.time_spent})`.mapWith((v) => (v === null ? null : Number(v)));
  const since = new Date(Date.now() - DAILY_ACTIVITY_DAYS * 86_400_000);

  const [[totals], breakdown, [challenges], recent, daily] = await Promise.all([
    db.select({ attempts: count(), correct, averageTime }).from(attempts).where(eq(attempts.user_id, id)),
    db
      .select({
        exercise_type: exercises.exercise_type,
        difficulty: exercises.difficulty,
        attempts: count(),
        correct,
        average_time: averageTime,
      })
      .from(attempts)
      .innerJoin(exercises, eq(exercises.id, attempts.exercise_id))
      .where(eq(attempts.user_id, id))
      .groupBy(exercises.exercise_type, exercises.difficulty)
      .orderBy(exercises.exercise_type, exercises.difficulty),
    db
      .select({
        attempts: count(),
        solved: sql<number>`count(distinct case when ${logicChallengeAttempts.is_correct} then ${logicChallengeAttempts.challenge_id} end)`.mapWith(Number),
      })
      .from(logicChallengeAttempts)
      .where(eq(logicChallengeAttempts.user_id, id)),
    db
      .select({
        attempt_id: attempts.id,
        exercise_id: attempts.exercise_id,
        exercise_title: exercises.title,
        exercise_type: exercises.exercise_type,
        difficulty: exercises.difficulty,
        is_correct: attempts.is_correct,
        created_at: attempts.created_at,
      })
      .from(attempts)
      .innerJoin(exercises, eq(exercises.id, attempts.exercise_id))
      .where(eq(attempts.user_id, id))
      .orderBy(desc(attempts.created_at), desc(attempts.id))
      .limit(RECENT_ACTIVITY_SIZE),
    db
      .select({ created_at: attempts.created_at, is_correct: attempts.is_correct })
      .from(attempts)
      .where(and(eq(attempts.user_id, id), gte(attempts.created_at, since))),
  ]);

  // Days are grouped here rather than in SQL: date functions differ between the dialects.
  const days = new Map<string, { attempts: number; correct: number }>();
  for (const a of daily) {
    const day = a.created_at.toISOString().slice(0, 10);
    const entry = days.get(day) ?? { attempts: 0, correct: 0 };
    entry.attempts++;
    if (a.is_correct) entry.correct++;
    days.set(day, entry);
  }
  const rate = (right: number, total: number) => percentage(right, total, 1);

  return {
    user_id: id,
    total_attempts: totals.attempts,
    correct_attempts: totals.correct,
    success_rate: rate(totals.correct, totals.attempts),
    average_time: totals.averageTime,
    total_points: user.total_points,
    experience_points: user.experience_points,
    current_level: user.current_level,
    jedi_rank: user.jedi_rank,
    by_type_and_difficulty: breakdown.map((b) => ({ ...b, success_rate: rate(b.correct, b.attempts) })),
    challenges,
    recent_activity: recent,
    daily_activity: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, v]) => ({ day, ...v })),
  };
}

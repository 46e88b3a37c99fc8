// Creating an account, written once for sign-up (auth/service.ts) and `mathakine user create`
// (src/ops/accounts/users.ts): the case-insensitive uniqueness check, the password hash, the insert.
import { or, sql } from 'drizzle-orm';
import type { Role } from '../../db/enums.js';
import { classifyDatabaseError } from '../../db/errors.js';
import type { Store } from '../../db/store.js';
import { conflict } from '../../errors.js';
import { hashPassword } from './passwords.js';
import type { Tables } from '../../db/client.js';

type UserRow = Tables['users']['$inferSelect'];

export interface NewUser {
  username: string;
  /** already lowercased (domain/accounts/input.ts emailInput) */
  email: string;
  password: string;
  full_name?: string;
  role: Role;
}

/** Each caller's words for the three conflicts (the API's and the CLI's differ). */
export interface TakenMessages {
  username: string;
  email: string;
  /** the unique index's answer when two creations race between the check and the insert */
  either: string;
}

/** Inserts the user with the password hashed; a username or email taken in any case is a conflict. */
export async function createUser(store: Store, input: NewUser, taken: TakenMessages): Promise<UserRow> {
  const { users } = store.tables;
  const username = input.username.toLowerCase();
  const existing = await store.db
    .select({ username: users.username })
    .from(users)
    .where(or(sql`lower(${users.username}) = ${username}`, sql`lower(${users.email}) = ${input.email}`));
  if (existing.some((u) => u.username.toLowerCase() === username)) throw conflict(taken.username);
  if (existing.length > 0) throw conflict(taken.email);

  const hashed = await hashPassword(input.password);
  try {
    const [row] = await store.transaction((tx) =>
      tx.db
        .insert(users)
        .values({ username: input.username, email: input.email, hashed_password: hashed, full_name: input.full_name ?? null, role: input.role })
        .returning(),
    );
    return row;
  } catch (error) {
    if (classifyDatabaseError(error) === 'unique') throw conflict(taken.either);
    throw error;
  }
}

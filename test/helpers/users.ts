// Users for tests: inserted straight through the data layer (fast: one precomputed hash), with
// a signed access token ready for `authorization` headers.
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/db/enums.js';
import { hashPassword } from '../../src/domain/accounts/passwords.js';
import type { TestContext } from './app.js';

export const TEST_PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;
let counter = 0;

export interface TestUser {
  id: number;
  username: string;
  email: string;
  role: Role;
  token: string;
  /** `{ authorization: 'Bearer …' }` for app.inject */
  headers: { authorization: string };
}

export async function createUser(ctx: Pick<TestContext, 'app' | 'database'>, role: Role = 'padawan', name?: string): Promise<TestUser> {
  const hashed = await (passwordHash ??= hashPassword(TEST_PASSWORD));
  const username = name ?? `${role}_${process.pid}_${++counter}`;
  const { users } = ctx.database.tables;
  const [row] = await ctx.database.transaction((tx) =>
    tx
      .insert(users)
      .values({ username, email: `${username}@example.org`.toLowerCase(), hashed_password: hashed, role })
      .returning(),
  );
  // a signed-in session, as a sign-in makes: access tokens of no (or an ended) session are refused
  const [session] = await ctx.database.transaction((tx) =>
    tx
      .insert(ctx.database.tables.sessions)
      .values({ user_id: row.id, family_id: randomUUID(), expires_at: new Date(Date.now() + 86_400_000) })
      .returning({ id: ctx.database.tables.sessions.id }),
  );
  const token = ctx.app.signAccessToken({ id: row.id, role, username }, 0, session.id);
  return { id: row.id, username, email: row.email, role, token, headers: { authorization: `Bearer ${token}` } };
}

// `mathakine user create`: an account with any role — how the first archiviste comes to be.
// The same input rules as registration (src/modules/users/schemas.ts), the same password hashing.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import { classifyDatabaseError } from '../db/errors.js';
import { ROLES } from '../db/enums.js';
import { badRequest, conflict } from '../errors.js';
import { enumInput } from '../http/schemas.js';
import { hashPassword } from '../modules/auth/passwords.js';
import { emailInput, passwordInput, usernameInput } from '../modules/users/schemas.js';

export const newAccountSchema = z.object({
  username: usernameInput,
  email: emailInput,
  password: passwordInput,
  role: enumInput(ROLES),
  full_name: z.string().trim().min(1).max(100).optional(),
});
export type NewAccount = z.input<typeof newAccountSchema>;

export const createdAccountSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  email: z.string(),
  full_name: z.string().nullable(),
  role: z.enum(ROLES),
  created_at: z.date(),
});
export type CreatedAccount = z.infer<typeof createdAccountSchema>;

/** Creates the account; a taken username or email (in any case) is a conflict. */
export async function createAccount(database: Database, input: NewAccount): Promise<CreatedAccount> {
  const parsed = newAccountSchema.safeParse(input);
  if (!parsed.success) {
    throw badRequest(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '),
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const account = parsed.data;
  const { users } = database.tables;
  const taken = await database.db
    .select({ username: users.username })
    .from(users)
    .where(sql`lower(${users.username}) = ${account.username.toLowerCase()} or lower(${users.email}) = ${account.email}`);
  if (taken.some((u) => u.username.toLowerCase() === account.username.toLowerCase())) {
    throw conflict(`the username ${account.username} is already taken`);
  }
  if (taken.length > 0) throw conflict(`an account already uses the email ${account.email}`);

  const hashed = await hashPassword(account.password);
  try {
    const [row] = await database.transaction((tx) =>
      tx
        .insert(users)
        .values({ username: account.username, email: account.email, hashed_password: hashed, full_name: account.full_name ?? null, role: account.role })
        .returning({
          id: users.id,
          username: users.username,
          email: users.email,
          full_name: users.full_name,
          role: users.role,
          created_at: users.created_at,
        }),
    );
    return row;
  } catch (error) {
    // created by someone else between the check and the insert
    if (classifyDatabaseError(error) === 'unique') throw conflict('the username or email is already taken');
    throw error;
  }
}

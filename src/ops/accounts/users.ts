// `mathakine user create`: an account with any role — how the first archiviste comes to be.
// The input rules and the account creation of registration (src/domain/accounts).
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { ROLES } from '../../db/enums.js';
import { storeOf } from '../../db/store.js';
import { badRequest } from '../../errors.js';
import { enumInput } from '../../http/schemas.js';
import { createUser } from '../../domain/accounts/create-user.js';
import { emailInput, passwordInput, usernameInput } from '../../domain/accounts/input.js';

export const newAccountSchema = z.object({
  username: usernameInput,
  email: emailInput,
  password: passwordInput,
  role: enumInput(ROLES),
  full_name: z.string().trim().min(1).max(100).optional(),
});
export type NewAccount = z.input<typeof newAccountSchema>;

// what the CLI prints of the new account; a Date, not the API's ISO text
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
  const { id, username, email, full_name, role, created_at } = await createUser(storeOf(database), account, {
    username: `the username ${account.username} is already taken`,
    email: `an account already uses the email ${account.email}`,
    // created by someone else between the check and the insert
    either: 'the username or email is already taken',
  });
  return { id, username, email, full_name, role, created_at };
}

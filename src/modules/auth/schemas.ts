import { z } from 'zod';
import { emailInput, passwordInput, usernameInput } from '../../domain/accounts/input.js';
import { userSchema } from '../../http/user.js';

export const registerBody = z
  .object({
    username: usernameInput,
    email: emailInput,
    password: passwordInput,
    full_name: z.string().trim().max(100).optional(),
  })
  .strict()
  .meta({ example: { username: 'luke', email: 'luke@tatooine.example', password: 'use-the-force', full_name: 'Luke Skywalker' } });
export type RegisterInput = z.infer<typeof registerBody>;

export const loginBody = z
  .object({
    username: z.string().trim().min(1).max(254).describe('the username or the email'),
    password: z.string().min(1).max(128),
  })
  .strict()
  .meta({ example: { username: 'luke', password: 'use-the-force' } });
export type LoginInput = z.infer<typeof loginBody>;

export const refreshBody = z
  .object({ refresh_token: z.string().min(1).max(200) })
  .strict()
  .meta({ example: { refresh_token: 'dGhlIGZvcmNlIGlzIHN0cm9uZyB3aXRoIHRoaXMgb25l' } });

export const tokenPairSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int().describe('seconds until the access token expires'),
    user: userSchema,
  })
  .meta({ id: 'TokenPair' });
export type TokenPair = z.infer<typeof tokenPairSchema>;

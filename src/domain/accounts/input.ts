// The account input rules, one copy for sign-up (modules/users) and `mathakine user create` (ops).
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './passwords.js';

export const usernameInput = z
  .string()
  .trim()
  .min(3)
  .max(50)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');
export const emailInput = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
// argon2 hashes any length, but a cap keeps a megabyte "password" from costing CPU
export const passwordInput = z.string().min(MIN_PASSWORD_LENGTH).max(128);

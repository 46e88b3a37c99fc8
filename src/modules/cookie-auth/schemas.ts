import { z } from 'zod';
import { userSchema } from '../../http/user.js';

export const csrfTokenSchema = z
  .object({ csrf_token: z.string().describe('send it back in X-CSRF-Token on every POST/PUT/PATCH/DELETE authenticated by cookie') })
  .meta({ id: 'CsrfToken' });

/** A cookie sign-in's answer: the tokens are in HttpOnly cookies, never in the body. */
export const cookieSessionSchema = z
  .object({
    token_type: z.literal('cookie'),
    expires_in: z.number().int().describe('seconds until the access cookie expires: refresh before (or on a 401)'),
    csrf_token: csrfTokenSchema.shape.csrf_token,
    user: userSchema,
  })
  .meta({ id: 'CookieSession' });

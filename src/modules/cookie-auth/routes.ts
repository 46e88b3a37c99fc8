// Browser sign-in by cookie: the same sign-in, rotation, reuse detection and revocation as the
// bearer routes (src/modules/auth/service.ts), with the tokens in HttpOnly cookies and a CSRF token
// in the body (src/plugins/cookies.ts). Every /api route then accepts the access cookie when a
// request has no Authorization header; its writes need the X-CSRF-Token header.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError, errorBodySchema, unauthorized } from '../../errors.js';
import { authRateLimit, rateLimitKey } from '../../plugins/security.js';
import { clientOf, tokenSettingsOf } from '../auth/route-context.js';
import { loginBody } from '../auth/schemas.js';
import { login, logout, refresh } from '../auth/service.js';
import { cookieSessionSchema, csrfTokenSchema } from './schemas.js';

/** Two tabs refreshing at once with the same cookie: the later one within this answers 409, not reuse. */
export const CONCURRENT_REFRESH_GRACE_MS = 10_000;

const cookieAuthRoutes: FastifyPluginAsyncZod = async (app) => {
  const limited = authRateLimit(app.config.AUTH_RATE_LIMIT_PER_MINUTE);
  const tokens = tokenSettingsOf(app);
  const cookies = app.authCookies;

  app.get(
    '/api/auth/csrf',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'A CSRF token for cookie-authenticated writes',
        description:
          'For a page that lost the token of its sign-in (a reload): the same browser gets a token valid with its CSRF cookie, created when missing.',
        response: { 200: csrfTokenSchema },
      },
    },
    async (request, reply) => ({ csrf_token: cookies.csrfToken(request, reply) }),
  );

  app.post(
    '/api/auth/cookie/login',
    {
      config: { auth: 'public', ...limited },
      schema: {
        tags: ['auth'],
        summary: 'Sign in a browser: tokens in HttpOnly cookies',
        description:
          'As `POST /api/auth/login`, but the access token (path /api) and the refresh token (path /api/auth/cookie) are set as `HttpOnly; Secure; SameSite` cookies and never appear in the body. The body carries a CSRF token for the writes.',
        body: loginBody,
        response: { 200: cookieSessionSchema, 400: errorBodySchema, 401: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const pair = await login(request.store, tokens, request.body, rateLimitKey(request.ip), clientOf(request));
      cookies.set(reply, pair);
      // a new secret: nothing a page held before this sign-in is trusted after it
      return { token_type: 'cookie' as const, expires_in: pair.expires_in, csrf_token: cookies.csrfToken(request, reply, true), user: pair.user };
    },
  );

  app.post(
    '/api/auth/cookie/refresh',
    {
      config: { auth: 'public', ...limited },
      schema: {
        tags: ['auth'],
        summary: 'Trade the refresh cookie for new cookies',
        description:
          'Needs X-CSRF-Token. The refresh cookie stops working (rotation); presenting a used one again ends the whole session (reuse detection), except within 10 seconds of its use: two tabs of one browser refreshing at once get 409 for the later one, whose browser already holds the new cookies (retry the request). A refused refresh clears the cookies.',
        response: { 200: cookieSessionSchema, 401: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const presented = cookies.refreshToken(request);
      if (!presented) throw unauthorized('No refresh cookie: sign in again');
      cookies.assertWriteAllowed(request);
      try {
        const pair = await refresh(request.store, tokens, presented, clientOf(request), { concurrentGraceMs: CONCURRENT_REFRESH_GRACE_MS });
        cookies.set(reply, pair);
        return { token_type: 'cookie' as const, expires_in: pair.expires_in, csrf_token: cookies.csrfToken(request, reply), user: pair.user };
      } catch (error) {
        // a refused refresh leaves nothing behind in the browser (an outage's 503 keeps the cookies for a retry)
        if (error instanceof AppError && error.statusCode === 401) cookies.clear(reply);
        throw error;
      }
    },
  );

  app.post(
    '/api/auth/cookie/logout',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign a browser out: end its session and clear the cookies',
        description: 'Needs X-CSRF-Token when the browser holds the sign-in cookies. Its access tokens stop working at once, on every instance.',
        response: { 204: z.null(), 403: errorBodySchema },
      },
    },
    async (request, reply) => {
      const presented = cookies.refreshToken(request);
      if (presented) {
        cookies.assertWriteAllowed(request);
        await logout(request.store, null, presented);
      }
      cookies.clear(reply);
      return reply.status(204).send(null);
    },
  );
};

export default cookieAuthRoutes;

// /api/auth: register, login, refresh (rotating), logout, me.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { authRateLimit, rateLimitKey } from '../../plugins/security.js';
import { getUser } from '../users/service.js';
import { userSchema } from '../../http/user.js';
import { loginBody, refreshBody, registerBody, tokenPairSchema } from './schemas.js';
import { login, logout, refresh, register } from './service.js';
import { sendVerificationMail } from './email-verification.js';
import { clientOf, tokenSettingsOf } from './route-context.js';

const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const limited = authRateLimit(app.config.AUTH_RATE_LIMIT_PER_MINUTE);
  const tokens = tokenSettingsOf(app);

  app.post(
    '/api/auth/register',
    {
      config: { auth: 'public', ...limited },
      schema: {
        tags: ['auth'],
        summary: 'Create a learner account',
        description: 'Always creates a `padawan`; other roles are given by an archiviste. Usernames and emails are unique, case-insensitively.',
        body: registerBody,
        response: { 201: userSchema, 400: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const user = await register(request.store, request.body);
      await request.store.wroteFor(user.id); // their first reads (with a replica) must find the account
      if (app.mailer.mode !== 'off') app.afterAnswer('verification mail', async () => void (await sendVerificationMail(request.store, app.mail, user.id)));
      return reply.status(201).send(user);
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { auth: 'public', ...limited },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a username or an email',
        description:
          'Wrong credentials answer 401 with the same message whether the account exists or not. Failed sign-ins are counted per ' +
          'username (as typed) and client address: 10 within 15 minutes from one address answer 429 with Retry-After there until ' +
          'the 15 minutes are over; a name with many failures from everywhere makes each address that failed on it wait between ' +
          'two tries (30 s, up to 15 min). Another address, with no failure of its own, is never held up.',
        body: loginBody,
        response: { 200: tokenPairSchema, 400: errorBodySchema, 401: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request) => login(request.store, tokens, request.body, rateLimitKey(request.ip), clientOf(request)),
  );

  app.post(
    '/api/auth/refresh',
    {
      config: { auth: 'public', ...limited },
      schema: {
        tags: ['auth'],
        summary: 'Trade a refresh token for a new token pair',
        description:
          'The presented token stops working (rotation). Presenting a used token again revokes every token issued from the same sign-in (reuse detection).',
        body: refreshBody,
        response: { 200: tokenPairSchema, 400: errorBodySchema, 401: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request) => refresh(request.store, tokens, request.body.refresh_token, clientOf(request)),
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: revoke a refresh token and its family',
        body: refreshBody,
        response: { 204: z.null(), 400: errorBodySchema },
      },
    },
    async (request, reply) => {
      await logout(request.store, actorOf(request).id, request.body.refresh_token);
      return reply.status(204).send(null);
    },
  );

  app.get('/api/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: userSchema, 404: errorBodySchema } } }, async (request) =>
    getUser(request.store, actorOf(request), actorOf(request).id),
  );
};

export default authRoutes;

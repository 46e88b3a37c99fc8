// /api/users: accounts, profiles and statistics.
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Store } from '../../db/store.js';
import { errorBodySchema } from '../../errors.js';
import { idParams } from '../../http/schemas.js';
import { userSchema, type PublicUser } from '../../http/user.js';
import { authRateLimit } from '../../plugins/security.js';
import { actorOf } from '../../plugins/auth.js';
import { accountExportSchema, changePasswordBody, deleteMeBody, listUsersQuery, updateMeBody, updateUserBody, userPage, userStatsSchema } from './schemas.js';
import { changePassword, deleteMe, deleteUser, exportUser, getUser, listUsers, updateMe, updateUser, userStats } from './service.js';
import { sendVerificationMail } from '../auth/email-verification.js';

const errors = { 400: errorBodySchema, 404: errorBodySchema };

const userRoutes: FastifyPluginAsyncZod = async (app) => {
  // a new address is unverified until the link mailed to it is opened (src/modules/auth/email-verification.ts)
  const verifyNewAddress = (store: Store, user: PublicUser, emailChanged: boolean) => {
    if (emailChanged && !user.is_email_verified && app.mailer.mode !== 'off') {
      app.afterAnswer('verification mail', async () => void (await sendVerificationMail(store, app.mail, user.id)));
    }
    return user;
  };

  app.get(
    '/api/users',
    {
      config: { auth: 'gardien' },
      schema: { tags: ['users'], summary: 'List accounts (gardien and above)', querystring: listUsersQuery, response: { 200: userPage, 400: errorBodySchema } },
    },
    async (request) => listUsers(request.store, request.query),
  );

  app.get('/api/users/me', { schema: { tags: ['users'], summary: 'My account', response: { 200: userSchema, ...errors } } }, async (request) =>
    getUser(request.store, actorOf(request), actorOf(request).id),
  );

  app.patch(
    '/api/users/me',
    {
      schema: {
        tags: ['users'],
        summary: 'Update my profile',
        body: updateMeBody,
        response: { 200: userSchema, ...errors, 409: errorBodySchema },
      },
    },
    async (request) => verifyNewAddress(request.store, await updateMe(request.store, actorOf(request), request.body), request.body.email !== undefined),
  );

  app.put(
    '/api/users/me/password',
    {
      // each try verifies the current password (an argon2 run): the sign-in limit, not the general one
      config: authRateLimit(app.config.AUTH_RATE_LIMIT_PER_MINUTE),
      schema: {
        tags: ['users'],
        summary: 'Change my password',
        description: 'Needs the current password. Every session (refresh token) of the account is revoked.',
        body: changePasswordBody,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await changePassword(request.store, actorOf(request), request.body.current_password, request.body.new_password);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/users/me',
    {
      // each try verifies the password (an argon2 run): the sign-in limit, not the general one
      config: authRateLimit(app.config.AUTH_RATE_LIMIT_PER_MINUTE),
      schema: {
        tags: ['users'],
        summary: 'Erase my account',
        description:
          'Needs the current password. In one transaction: the account, its attempts, progress, challenge attempts and sessions, ' +
          'its rows in the legacy area of an import, its private generated exercises; exercises and challenges it wrote for others ' +
          'remain without author. A restore of an older backup erases it again. Cannot be undone.',
        body: deleteMeBody,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await deleteMe(request.store, actorOf(request), request.body.current_password, app.config.ERASURE_KEY);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/users/me/export',
    {
      schema: {
        tags: ['users'],
        summary: 'Download everything stored about me',
        description:
          'One JSON document (an attachment), streamed as it is read: the profile (never a password or token hash), sessions, ' +
          'attempts, progress, challenge attempts, content created, and what an import of the original kept in its legacy area. ' +
          'The body arrives in chunks (no Content-Length); a connection cut before the closing brace is an incomplete export.',
        response: {
          200: accountExportSchema.describe('The export: one JSON document sent as an attachment, streamed (chunked, no Content-Length)'),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const chunks = await exportUser(request.store, actor, actor.id);
      reply.header('content-type', 'application/json; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="mathakine-export-${actor.id}.json"`);
      reply.header('cache-control', 'no-store');
      // sound: Fastify sends a stream as it is, never through the response schema, which documents what the stream writes
      return reply.send(Readable.from(chunks) as never);
    },
  );

  app.get(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'One account (yourself, or anyone for gardien and above)',
        params: idParams,
        response: { 200: userSchema, ...errors },
      },
    },
    async (request) => getUser(request.store, actorOf(request), request.params.id),
  );

  app.patch(
    '/api/users/:id',
    {
      config: { auth: 'archiviste' },
      schema: {
        tags: ['users'],
        summary: 'Update any account, its role and active flag (archiviste)',
        description: 'Changing the role or deactivating the account revokes its sessions.',
        params: idParams,
        body: updateUserBody,
        response: { 200: userSchema, ...errors, 409: errorBodySchema },
      },
    },
    async (request) => verifyNewAddress(request.store, await updateUser(request.store, request.params.id, request.body), request.body.email !== undefined),
  );

  app.delete(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Delete an account (yourself, or anyone as archiviste)',
        description:
          'Erases the account as DELETE /api/users/me does (attempts, progress, sessions, legacy rows; a restore of an older backup ' +
          'erases it again); exercises and challenges they wrote for others remain, without author.',
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await deleteUser(request.store, actorOf(request), request.params.id, app.config.ERASURE_KEY);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/users/:id/stats',
    {
      schema: {
        tags: ['users'],
        summary: 'Statistics of an account: totals, success rate, per type and difficulty, recent activity',
        params: idParams,
        response: { 200: userStatsSchema, ...errors },
      },
    },
    async (request) => userStats(request.store, actorOf(request), request.params.id),
  );
};

export default userRoutes;

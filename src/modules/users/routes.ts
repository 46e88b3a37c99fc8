// /api/users: accounts, profiles and statistics.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Store } from '../../db/store.js';
import { errorBodySchema } from '../../errors.js';
import { idParams } from '../../http/schemas.js';
import { authRateLimit } from '../../plugins/security.js';
import { actorOf } from '../../plugins/auth.js';
import { changePasswordBody, listUsersQuery, updateMeBody, updateUserBody, userPage, userSchema, userStatsSchema, type PublicUser } from './schemas.js';
import { changePassword, deleteUser, getUser, listUsers, updateMe, updateUser, userStats } from './service.js';
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

  app.get(
    '/api/users/me',
    { schema: { tags: ['users'], summary: 'My account', response: { 200: userSchema, ...errors } } },
    async (request) => getUser(request.store, actorOf(request), actorOf(request).id),
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
        description: "Removes the user's attempts, progress and sessions; exercises and challenges they wrote remain, without author.",
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await deleteUser(request.store, actorOf(request), request.params.id);
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

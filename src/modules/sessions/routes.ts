// /api/users/me/sessions: where the account is signed in, and ending those sessions (each one's
// refresh and access tokens stop working at once: src/modules/auth/sessions.ts).
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '../../errors.js';
import { idParams } from '../../http/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { endOtherSessions, endSession, listSessions } from '../auth/sessions.js';
import { endedSessions, sessionList } from './schemas.js';

const sessionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/users/me/sessions',
    {
      schema: {
        tags: ['users'],
        summary: 'My signed-in devices',
        description: 'Open sessions (one per sign-in, kept by its refreshes), most recently used first; `current` marks the one making this request.',
        response: { 200: sessionList },
      },
    },
    // a replica serves it only once it has the user's last write (src/db/read-routing.ts): an ended session is not listed again
    async (request) => {
      const actor = actorOf(request);
      return { items: await listSessions(request.store, actor.id, actor.sessionId) };
    },
  );

  app.delete(
    '/api/users/me/sessions/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'End one of my sessions',
        description: 'Its refresh token and its access tokens stop working at once. Ending the current session signs this client out.',
        params: idParams,
        response: { 204: z.null(), 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      await endSession(request.store, actorOf(request).id, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/users/me/sessions',
    {
      schema: {
        tags: ['users'],
        summary: 'End all my other sessions',
        description: 'Every session of the account but the one making this request ends at once ("sign out everywhere else").',
        response: { 200: endedSessions },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return { ended: await endOtherSessions(request.store, actor.id, actor.sessionId) };
    },
  );
};

export default sessionRoutes;

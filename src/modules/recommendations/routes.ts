// Recommended next exercises: served (and counted as shown), and their clicks.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '../../errors.js';
import { idParams } from '../../http/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { recommendationClickSchema, recommendationListSchema, recommendationsQuery } from './schemas.js';
import { recommendFor, recordClick } from './service.js';

const TAGS = ['recommendations'];

const recommendationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/users/me/recommendations',
    {
      schema: {
        tags: TAGS,
        summary: 'Exercises to do next, each with its reason',
        description:
          'Computed from my attempts (the same state gives the same list): exercises answered wrongly and never solved, ' +
          'the type and difficulty with my lowest success rate (from 3 attempts, below 70 %), the next difficulty of a type I master ' +
          '(80 % and more), then exercises I never tried (types I never tried first). Only exercises I can open. ' +
          'Each one served counts as shown; my next attempt at it completes it.',
        querystring: recommendationsQuery,
        response: { 200: recommendationListSchema, 400: errorBodySchema },
      },
    },
    async (request) => ({ items: await recommendFor(request.store, app.clock.now(), actorOf(request), request.query.limit) }),
  );

  app.post(
    '/api/users/me/recommendations/:id/clicked',
    {
      schema: {
        tags: TAGS,
        summary: 'I opened this recommendation',
        description: "Counts a click (each one, as the original does). Someone else's recommendation: 404.",
        params: idParams,
        response: { 200: recommendationClickSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => recordClick(request.store, app.clock.now(), actorOf(request), request.params.id),
  );
};

export default recommendationRoutes;

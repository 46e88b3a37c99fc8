// Progress per exercise type and difficulty: mine, and (self or gardien and above) a user's.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '../../errors.js';
import { idParams } from '../../http/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { exerciseTypeParams, progressReportSchema } from './schemas.js';
import { myProgress, userProgress } from './service.js';

const SUMMARY =
  'One row per exercise type and difficulty practised, with a summary: total and correct attempts, overall completion rate (0–100), ' +
  'mean time over the timed attempts, highest streak.';

const progressRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/progress',
    {
      schema: { tags: ['progress'], summary: 'My progress', description: SUMMARY, response: { 200: progressReportSchema } },
    },
    async (request) => myProgress(request.store, actorOf(request)),
  );

  app.get(
    '/api/progress/:exercise_type',
    {
      schema: {
        tags: ['progress'],
        summary: 'My progress in one exercise type',
        description: 'The rows of that type, one per difficulty practised, and their summary.',
        params: exerciseTypeParams,
        response: { 200: progressReportSchema, 400: errorBodySchema },
      },
    },
    async (request) => myProgress(request.store, actorOf(request), request.params.exercise_type),
  );

  app.get(
    '/api/users/:id/progress',
    {
      schema: {
        tags: ['progress'],
        summary: "A user's progress (self, or gardien and above)",
        description: `${SUMMARY} Another user's progress is 404 below gardien.`,
        params: idParams,
        response: { 200: progressReportSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => userProgress(request.store, actorOf(request), request.params.id),
  );
};

export default progressRoutes;

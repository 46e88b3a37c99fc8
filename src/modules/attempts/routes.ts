// Answers to exercises: POST /api/exercises/:id/attempts, and reading them back.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '../../errors.js';
import { idParams } from '../../http/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { attemptPage, attemptResultSchema, attemptSchema, listAttemptsQuery, submitAttemptBody } from './schemas.js';
import { getAttempt, listAttempts, submitAttempt } from './service.js';

const attemptRoutes: FastifyPluginAsyncZod = async (app) => {
  const calendar = { timeZone: app.config.APP_TIMEZONE, clock: app.clock };

  app.post(
    '/api/exercises/:id/attempts',
    {
      schema: {
        tags: ['attempts'],
        summary: 'Answer an exercise',
        description:
          'The answer is checked on the server: case, accents and spaces do not matter, `3,5` = `3.5`, `4` = `4.0`, and for fractions `2/4` = `1/2`. ' +
          "The attempt, the progress row of its type and difficulty, the points (and their ledger row), the day's streak and any badge it earns are written in one transaction. " +
          'Answers 201 with the correct answer and its explanation, right or wrong. ' +
          'An archived or inactive exercise: 404 for a learner, 409 for staff.',
        params: idParams,
        body: submitAttemptBody,
        response: { 201: attemptResultSchema, 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await submitAttempt(request.store, calendar, actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/attempts',
    {
      schema: {
        tags: ['attempts'],
        summary: 'My attempts, newest first',
        description: "Gardien and above may pass `user_id` to read another user's attempts; anyone else gets 404 for another user.",
        querystring: listAttemptsQuery,
        response: { 200: attemptPage, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => listAttempts(request.store, actorOf(request), request.query),
  );

  app.get(
    '/api/attempts/:id',
    {
      schema: {
        tags: ['attempts'],
        summary: 'One attempt (mine, or anyone’s for gardien and above)',
        params: idParams,
        response: { 200: attemptSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => getAttempt(request.store, actorOf(request), request.params.id),
  );
};

export default attemptRoutes;

// /api/challenges: the logic challenges ("Épreuves du Conseil Jedi"). HTTP only; the rules live
// in service.ts.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { errorBodySchema, unauthorized } from '../../errors.js';
import type { Actor } from '../../plugins/auth.js';
import {
  DEFAULT_MAX_CHALLENGE_ATTEMPTS,
  attemptResultSchema,
  challengeParams,
  challengePage,
  challengeSchema,
  challengeStatsSchema,
  createChallengeBody,
  deleteChallengeQuery,
  hintParams,
  hintsSchema,
  listChallengesQuery,
  submitAttemptBody,
  updateChallengeBody,
} from './schemas.js';
import { challengeHints, challengeStats, createChallenge, deleteChallenge, listChallenges, submitAttempt, updateChallenge, viewChallenge } from './service.js';

const TAGS = ['challenges'];

const SOLUTION_RULE =
  'A learner sees `solution`, `correct_answer`, `solution_explanation` and the full `hints` list only once they have ' +
  `solved the challenge or used every attempt it allows (\`attempts_allowed\`: \`generation_parameters.max_attempts\`, default ${DEFAULT_MAX_CHALLENGE_ATTEMPTS}). ` +
  'Staff (maitre and above) and the author always see them; `answers_revealed` says which case applies.';

/** Every route here needs a signed-in user (route option `auth`), so the actor is set. */
function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

const challengeRoutes: FastifyPluginAsyncZod = async (app) => {
  const calendar = { timeZone: app.config.APP_TIMEZONE, clock: app.clock };
  app.get(
    '/api/challenges',
    {
      config: { auth: 'user', conditional: 'challenges' },
      schema: {
        tags: TAGS,
        summary: 'List logic challenges',
        description: `Active, non-archived challenges, by id. ${SOLUTION_RULE}`,
        querystring: listChallengesQuery,
        response: { 200: challengePage, 400: errorBodySchema },
      },
    },
    async (request) => listChallenges(request.store, actorOf(request), request.query),
  );

  app.get(
    '/api/challenges/:id',
    {
      config: { auth: 'user', conditional: 'challenges' },
      schema: {
        tags: TAGS,
        summary: 'Get a logic challenge (counts a view)',
        description: `Archived or inactive challenges answer 404 except to their author and archivistes. ${SOLUTION_RULE}`,
        params: challengeParams,
        response: { 200: challengeSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => viewChallenge(request.store, actorOf(request), request.params.id),
  );

  app.post(
    '/api/challenges',
    {
      config: { auth: 'maitre' },
      schema: {
        tags: TAGS,
        summary: 'Create a logic challenge (maitre and above)',
        description:
          'The caller becomes its author. When `choices` are plain strings or numbers, `correct_answer` must be one of them. ' +
          '`generation_parameters.max_attempts` (1–20) sets how many attempts a learner gets before the solution is shown.',
        body: createChallengeBody,
        response: { 201: challengeSchema, 400: errorBodySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createChallenge(request.store, actorOf(request), request.body)),
  );

  app.patch(
    '/api/challenges/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags: TAGS,
        summary: 'Change a logic challenge (its author or an archiviste)',
        description: 'Only the fields sent change; `is_archived: false` brings an archived challenge back.',
        params: challengeParams,
        body: updateChallengeBody,
        response: { 200: challengeSchema, 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => updateChallenge(request.store, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/challenges/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags: TAGS,
        summary: 'Archive a logic challenge (its author or an archiviste); `?hard=true` deletes it (archiviste)',
        description: 'Archiving hides it from the catalogue and keeps its attempts; a hard delete removes the challenge and its attempts.',
        params: challengeParams,
        querystring: deleteChallengeQuery,
        response: { 204: z.void().describe('Archived or deleted'), 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      await deleteChallenge(request.store, actorOf(request), request.params.id, request.query.hard ?? false);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/challenges/:id/attempts',
    {
      config: { auth: 'user' },
      schema: {
        tags: TAGS,
        summary: 'Answer a logic challenge',
        description:
          'The answer is checked on the server, forgiving case, accents, extra spaces, a leading article, a decimal comma, ' +
          'equal numbers written differently (`0,25`, `1/4`, `25 %`) and list spacing (`2, 4, 8` = `2,4,8`). ' +
          `${SOLUTION_RULE} The answer fields are included in this response as soon as that happens. ` +
          'Once the caller has solved the challenge or used every allowed attempt, further attempts answer 409. ' +
          '`hints_used` is the highest hint level the learner asked for (the hints route keeps no state); ' +
          'it cannot exceed the number of hints.',
        params: challengeParams,
        body: submitAttemptBody,
        response: { 201: attemptResultSchema, 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await submitAttempt(request.store, calendar, actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/challenges/:id/hints/:level',
    {
      config: { auth: 'user', conditional: 'challenges' },
      schema: {
        tags: TAGS,
        summary: 'Hints 1 to `level`, easiest first',
        description:
          'Stateless: any level can be asked directly and returns the first `level` hints. A level beyond the number of hints answers 404. ' +
          'Send the highest level used as `hints_used` with the next attempt.',
        params: hintParams,
        response: { 200: hintsSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => challengeHints(request.store, actorOf(request), request.params.id, request.params.level),
  );

  app.get(
    '/api/challenges/:id/stats',
    {
      config: { auth: 'user' },
      schema: {
        tags: TAGS,
        summary: "Statistics of a challenge's attempts (no personal data)",
        params: challengeParams,
        response: { 200: challengeStatsSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => challengeStats(request.store, actorOf(request), request.params.id),
  );
};

export default challengeRoutes;

// /api/exercises: the catalogue, its authoring and the generator. Attempts live in ../attempts.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '../../errors.js';
import { idParams } from '../../http/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import {
  createExerciseBody,
  deleteExerciseQuery,
  difficultyList,
  exerciseFilters,
  exercisePage,
  exerciseSchema,
  exerciseTypeList,
  generatedExerciseSchema,
  generateExerciseBody,
  listExercisesQuery,
  updateExerciseBody,
} from './schemas.js';
import {
  createExercise,
  deleteExercise,
  difficulties,
  exerciseTypes,
  generate,
  exerciseViewWithAccountCheck,
  getExercise,
  listExercises,
  randomExercise,
  updateExercise,
} from './service.js';

const VISIBILITY =
  'A learner receives `correct_answer` and `explanation` only after having attempted the exercise; staff (maitre and above) always do. ' +
  'Archived or inactive exercises do not exist for learners (404).';

const exerciseRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/exercises',
    {
      config: { conditional: 'exercises' },
      schema: {
        tags: ['exercises'],
        summary: 'List exercises',
        description: `Filters combine; ordered by id. Staff also see inactive exercises; \`is_archived=true\` lists archived ones and needs maitre or above. ${VISIBILITY}`,
        querystring: listExercisesQuery,
        response: { 200: exercisePage, 400: errorBodySchema },
      },
    },
    async (request) => listExercises(request.store, actorOf(request), request.query),
  );

  app.get(
    '/api/exercises/types',
    {
      config: { auth: 'public', conditional: { fixed: exerciseTypes() } },
      schema: {
        tags: ['exercises'],
        summary: 'The exercise types, with their French labels',
        response: { 200: exerciseTypeList },
      },
    },
    async () => exerciseTypes(),
  );

  app.get(
    '/api/exercises/difficulties',
    {
      config: { auth: 'public', conditional: { fixed: difficulties() } },
      schema: {
        tags: ['exercises'],
        summary: 'The difficulty ranks, from initié to maître, with their French labels',
        response: { 200: difficultyList },
      },
    },
    async () => difficulties(),
  );

  app.get(
    '/api/exercises/random',
    {
      schema: {
        tags: ['exercises'],
        summary: 'One active, non-archived exercise picked at random',
        description: `Same filters as the list; 404 when no exercise matches. ${VISIBILITY}`,
        querystring: exerciseFilters,
        response: { 200: exerciseSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => randomExercise(request.store, actorOf(request), request.query),
  );

  app.post(
    '/api/exercises/generate',
    {
      schema: {
        tags: ['exercises'],
        summary: 'Generate an exercise of a type and difficulty',
        description:
          'Saves the exercise (the caller is its creator) and answers 201 with it, under the visibility rule. ' +
          "A learner's generated exercise is private (`is_private`: seen by that learner and staff only, never in other learners' lists or `random`), " +
          'and a learner may save `GENERATE_PER_HOUR` (30) of them in a rolling hour (then 429 with Retry-After). ' +
          'With `preview: true` (maitre and above, else 403) answers 200 with the exercise and its answer, without saving it. ' +
          'The same `seed`, type and difficulty always give the same exercise.',
        body: generateExerciseBody,
        response: { 200: generatedExerciseSchema, 201: exerciseSchema, 400: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const result = await generate(request.store, actorOf(request), request.body, app.config.GENERATE_PER_HOUR);
      if (result.saved) return reply.status(201).send(result.exercise);
      return reply.status(200).send(result.exercise);
    },
  );

  app.get(
    '/api/exercises/:id',
    {
      config: { conditional: 'exercises', readWithAccountCheck: exerciseViewWithAccountCheck },
      schema: {
        tags: ['exercises'],
        summary: 'One exercise (counts a view)',
        description: VISIBILITY,
        params: idParams,
        response: { 200: exerciseSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => getExercise(request.store, actorOf(request), request.params.id, request.readWithAccount),
  );

  app.post(
    '/api/exercises',
    {
      config: { auth: 'maitre' },
      schema: {
        tags: ['exercises'],
        summary: 'Create an exercise (maitre and above)',
        description: 'The caller becomes its creator. When `choices` are given they must contain `correct_answer`, each answer once (422).',
        body: createExerciseBody,
        response: { 201: exerciseSchema, 400: errorBodySchema, 422: errorBodySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createExercise(request.store, actorOf(request), request.body)),
  );

  app.patch(
    '/api/exercises/:id',
    {
      schema: {
        tags: ['exercises'],
        summary: 'Change an exercise (its author or an archiviste)',
        description: '`is_archived: false` brings an archived exercise back.',
        params: idParams,
        body: updateExerciseBody,
        response: { 200: exerciseSchema, 400: errorBodySchema, 404: errorBodySchema, 422: errorBodySchema },
      },
    },
    async (request) => updateExercise(request.store, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/exercises/:id',
    {
      schema: {
        tags: ['exercises'],
        summary: 'Archive an exercise (its author or an archiviste), or delete it for good',
        description: 'Archiving keeps the exercise and its attempts. `?hard=true` (archiviste only) deletes it with its attempts.',
        params: idParams,
        querystring: deleteExerciseQuery,
        response: { 204: z.null(), 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      await deleteExercise(request.store, actorOf(request), request.params.id, request.query.hard ?? false);
      return reply.status(204).send(null);
    },
  );
};

export default exerciseRoutes;

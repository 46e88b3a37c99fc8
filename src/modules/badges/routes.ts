// Badges: the catalogue, the caller's badges with progress, pinning, and the staff's edits.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '../../errors.js';
import { idParams } from '../../http/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import {
  badgeListQuery,
  badgeListSchema,
  badgeSchema,
  createBadgeBody,
  myBadgesSchema,
  pinBadgesBody,
  pinnedBadgesSchema,
  unknownRequirementsSchema,
  updateBadgeBody,
} from './schemas.js';
import { createBadge, listBadges, MANAGES_BADGES, myBadges, pinBadges, unknownRequirementBadges, updateBadge } from './service.js';

const TAGS = ['badges'];

const badgeRoutes: FastifyPluginAsyncZod = async (app) => {
  const calendar = { timeZone: app.config.APP_TIMEZONE, clock: app.clock };

  app.get(
    '/api/badges',
    {
      schema: {
        tags: TAGS,
        summary: 'The badge catalogue',
        description:
          'Active badges, by id, each with its rarity (share of active learners holding it) and when the caller earned it. ' +
          'A secret badge appears only once the caller holds it (staff see every one).',
        querystring: badgeListQuery,
        response: { 200: badgeListSchema, 400: errorBodySchema },
      },
    },
    async (request) => ({ items: await listBadges(request.store, actorOf(request), request.query.include_inactive ?? false) }),
  );

  app.get(
    '/api/users/me/badges',
    {
      schema: {
        tags: TAGS,
        summary: 'My badges, my progress towards the others, my streak and points',
        description: 'Progress is current / target of the rule, e.g. 37 of 50 attempts. Secret badges are not listed until earned.',
        response: { 200: myBadgesSchema },
      },
    },
    async (request) => myBadges(request.store, calendar, actorOf(request)),
  );

  app.put(
    '/api/users/me/badges/pinned',
    {
      schema: {
        tags: TAGS,
        summary: 'Pin up to 3 of my earned badges on my profile',
        body: pinBadgesBody,
        response: { 200: pinnedBadgesSchema, 400: errorBodySchema },
      },
    },
    async (request) => pinBadges(request.store, actorOf(request), request.body.achievement_ids),
  );

  app.post(
    '/api/badges',
    {
      config: { auth: MANAGES_BADGES },
      schema: {
        tags: TAGS,
        summary: 'Add a badge to the catalogue (gardien and above)',
        description: 'Requirements must use a rule this service knows (see `requirement_kind`); a code already taken: 409.',
        body: createBadgeBody,
        response: { 201: badgeSchema, 400: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createBadge(request.store, actorOf(request), request.body)),
  );

  app.patch(
    '/api/badges/:id',
    {
      config: { auth: MANAGES_BADGES },
      schema: {
        tags: TAGS,
        summary: 'Change a badge (gardien and above)',
        description: '`is_active: false` retires it: no longer awarded or listed; those who earned it keep it.',
        params: idParams,
        body: updateBadgeBody,
        response: { 200: badgeSchema, 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => updateBadge(request.store, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/badges/unknown-requirements',
    {
      config: { auth: MANAGES_BADGES },
      schema: {
        tags: TAGS,
        summary: 'Badges that can never be earned: requirements using no known rule (gardien and above)',
        response: { 200: unknownRequirementsSchema, 403: errorBodySchema },
      },
    },
    async (request) => ({ items: await unknownRequirementBadges(request.store) }),
  );
};

export default badgeRoutes;

// buildApp(): the whole API as one Fastify instance. server.ts listens with it; tests inject().
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { createSerializerCompiler } from './http/serializer.js';
import { lazyRequestLogger, loggerOptions } from './logger.js';
import databasePlugin from './plugins/database.js';
import drainPlugin from './plugins/drain.js';
import errorsPlugin from './plugins/errors.js';
import metricsPlugin from './plugins/metrics.js';
import openapiPlugin from './plugins/openapi.js';
import securityPlugin, { httpServerOptions } from './plugins/security.js';
import authPlugin from './plugins/auth.js';
import errorResponsesPlugin from './plugins/error-responses.js';
import readRoutingPlugin from './plugins/read-routing.js';
import mailPlugin from './plugins/mail.js';
import cookiesPlugin from './plugins/cookies.js';
import conditionalPlugin from './plugins/conditional.js';
import adminRoutes from './modules/admin/routes.js';
import challengeRoutes from './modules/challenges/routes.js';
import authRoutes from './modules/auth/routes.js';
import mailLinkRoutes from './modules/mail-links/routes.js';
import cookieAuthRoutes from './modules/cookie-auth/routes.js';
import sessionRoutes from './modules/sessions/routes.js';
import userRoutes from './modules/users/routes.js';
import attemptRoutes from './modules/attempts/routes.js';
import badgeRoutes from './modules/badges/routes.js';
import exerciseRoutes from './modules/exercises/routes.js';
import progressRoutes from './modules/progress/routes.js';
import recommendationRoutes from './modules/recommendations/routes.js';

export interface BuildAppOptions {
  config: Config;
  /** An open, migrated database. The app closes it when it closes. */
  database: Database;
  /** A pino logger to use instead of building one from the config (server.ts shares its own). */
  logger?: FastifyBaseLogger;
  /** "now" of the learners' calendar; the system clock unless a test moves it */
  clock?: Clock;
}

export async function buildApp({ config, database, logger, clock }: BuildAppOptions) {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: loggerOptions(config) }),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    ...httpServerOptions(config),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(createSerializerCompiler({ validate: config.NODE_ENV !== 'production' }));
  // set first, so every answer carries it (a synchronous hook: no promise per request)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  await app.register(databasePlugin, { database, config, clock });
  await app.register(drainPlugin);
  await app.register(metricsPlugin);
  await app.register(errorsPlugin);
  await app.register(securityPlugin);
  await app.register(openapiPlugin);
  await app.register(readRoutingPlugin);
  await app.register(cookiesPlugin);
  await app.register(authPlugin);
  await app.register(errorResponsesPlugin);
  await app.register(mailPlugin);
  await app.register(conditionalPlugin);
  await app.register(adminRoutes);
  await app.register(authRoutes);
  await app.register(mailLinkRoutes);
  await app.register(cookieAuthRoutes);
  await app.register(sessionRoutes);
  await app.register(userRoutes);
  await app.register(challengeRoutes);
  await app.register(exerciseRoutes);
  await app.register(attemptRoutes);
  await app.register(progressRoutes);
  await app.register(badgeRoutes);
  await app.register(recommendationRoutes);

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

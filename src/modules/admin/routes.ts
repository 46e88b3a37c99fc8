// /admin routes. The public health check is cheap on purpose: Render and uptime probes poll it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthBodySchema, type HealthBody } from './schemas.js';

const HEALTH_CONTENT_TYPE = 'application/health+json';

const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/admin/health',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['admin'],
        summary: 'Liveness and database reachability (IETF health-check format)',
        description: 'Public and cheap: one `select 1` with a short timeout. 200 `pass` when the database answers, 503 `fail` otherwise.',
        response: { 200: healthBodySchema, 503: healthBodySchema },
      },
    },
    async (request, reply) => {
      reply.type(HEALTH_CONTENT_TYPE).header('cache-control', 'no-store');
      try {
        await app.database.ping(app.config.HEALTH_TIMEOUT_MS);
        return reply.status(200).send({ status: 'pass' } satisfies HealthBody);
      } catch (error) {
        request.log.warn({ err: error }, 'health check failed');
        return reply.status(503).send({ status: 'fail', output: 'database unreachable' } satisfies HealthBody);
      }
    },
  );
};

export default adminRoutes;

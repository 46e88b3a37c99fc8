// /admin routes. The public health check is cheap on purpose: Render and uptime probes poll it.
// Everything else (the full health report, stats, optimize) needs admin auth and runs src/ops,
// the same code as the CLI's `mathakine db health --full | stats | optimize`.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema, forbidden, unauthorized } from '../../errors.js';
import { authRateLimit } from '../../plugins/security.js';
import { fullHealthReport } from '../../ops/health/health.js';
import { optimizeDatabase } from '../../ops/upkeep/optimize.js';
import { databaseStats } from '../../ops/health/stats.js';
import dashboardRoutes from './dashboard.js';
import dashboardPage from './page.js';
import metricsRoutes from './metrics.js';
import { adminStatsSchema, healthBodySchema, healthQuery, optimizeResultSchema, type HealthBody } from './schemas.js';

const HEALTH_CONTENT_TYPE = 'application/health+json';

const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(dashboardRoutes);
  await app.register(dashboardPage);
  await app.register(metricsRoutes);
  app.get(
    '/admin/health',
    {
      // the plain probe is never rate limited; `full` checks an admin credential: the sign-in limit
      config: { auth: 'public', ...authRateLimit(app.config.AUTH_RATE_LIMIT_PER_MINUTE) },
      schema: {
        tags: ['admin'],
        summary: 'Liveness and database reachability (IETF health-check format)',
        description:
          'Public and cheap: one `select 1` with a short timeout. 200 `pass` when the database answers, 503 `fail` otherwise ' +
          '(also while the instance drains before a deploy stops it).\n\n' +
          '`?full=true` (admin: an archiviste token or `Bearer $ADMIN_TOKEN`; 401 without, 403 for other roles) adds every check of ' +
          '`mathakine db health --full` under `checks`: connection latency, migrations applied vs pending, schema and protected tables, ' +
          'recommended indexes, orphan rows per foreign key, values outside the enum sets, row counts, disk usage, pool usage. ' +
          'Its status is the worst of the checks; `fail` answers 503. The plain probe is never rate limited; a request with `full` ' +
          'in its query counts against the sign-in limit (`AUTH_RATE_LIMIT_PER_MINUTE` per client address) and answers 429 past it.',
        querystring: healthQuery,
        response: { 200: healthBodySchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 429: errorBodySchema, 503: healthBodySchema },
      },
    },
    async (request, reply) => {
      if (request.query.full) {
        if (!app.isAdmin(request)) {
          throw request.actor ? forbidden('The full health report is for administrators') : unauthorized('The full health report needs admin authentication');
        }
        const report = await fullHealthReport(app.database, { timeoutMs: app.config.HEALTH_TIMEOUT_MS, diskLimitBytes: app.config.DB_DISK_LIMIT_BYTES });
        reply.type(HEALTH_CONTENT_TYPE).header('cache-control', 'no-store');
        return reply.status(report.status === 'fail' ? 503 : 200).send(report);
      }
      reply.type(HEALTH_CONTENT_TYPE).header('cache-control', 'no-store');
      // a deploy is replacing this instance: the load balancer should stop sending it traffic
      if (app.isDraining()) return reply.status(503).send({ status: 'fail', output: 'shutting down' } satisfies HealthBody);
      try {
        await app.database.ping(app.config.HEALTH_TIMEOUT_MS);
        return reply.status(200).send({ status: 'pass' } satisfies HealthBody);
      } catch (error) {
        request.log.warn({ err: error }, 'health check failed');
        return reply.status(503).send({ status: 'fail', output: 'database unreachable' } satisfies HealthBody);
      }
    },
  );

  app.get(
    '/admin/stats',
    {
      schema: {
        tags: ['admin'],
        summary: 'Database statistics, PgHero style',
        description:
          'PostgreSQL: per-table rows, sizes and activity (pg_stat_user_tables), index usage, unused and missing indexes, the slowest ' +
          'queries from pg_stat_statements (or how to enable it), cache hit rates, connections by state. SQLite: pages, sizes (dbstat), ' +
          'exact row counts, the index list. Same report as `mathakine db stats --json`.',
        response: { 200: adminStatsSchema },
      },
    },
    async () => databaseStats(app.database),
  );

  app.post(
    '/admin/optimize',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create missing recommended indexes, refresh planner statistics',
        description:
          'Creates the recommended indexes that are missing (CONCURRENTLY on PostgreSQL, so writes go on), then VACUUM ANALYZE ' +
          '(PostgreSQL, table by table) or ANALYZE + PRAGMA optimize (SQLite). Returns each step and its duration. Safe to call twice: ' +
          'the second call creates nothing. `ok` is false when a step failed. Same as `mathakine db optimize --json`.',
        response: { 200: optimizeResultSchema },
      },
    },
    async () => optimizeDatabase(app.database),
  );
};

export default adminRoutes;

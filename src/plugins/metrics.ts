// The HTTP side of /metrics: one prom-client registry per app (tests build many apps), request
// counts and latency per route pattern (the route's URL template, never the raw URL: ids would
// make one series per row), and rate-limit rejections. What the database and the jobs say is
// added by modules/admin/metrics.ts, which serves the registry.
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

// Prometheus' default buckets, from 5 ms to 10 s: the API answers in milliseconds, imports take longer.
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer a request, by method, route pattern and status code (its _count is the request count)',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    const rateLimited = new Counter({
      name: 'mathakine_rate_limit_rejections_total',
      help: 'Requests refused with 429 by the rate limits, by route pattern',
      labelNames: ['route'] as const,
      registers: [registry],
    });
    app.decorate('metrics', registry);
    app.addHook('onResponse', (request, reply, done) => {
      // a request no route matched has no pattern: one series for all of them
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
      if (reply.statusCode === 429) rateLimited.inc({ route });
      done();
    });
  },
  { name: 'metrics' },
);

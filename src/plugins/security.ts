// Headers (helmet), CORS allowlist and per-IP rate limits. Limits are per instance by default;
// see README "Scaling out" for a shared store.
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { AppError } from '../errors.js';

export default fp(
  async (app) => {
    const config = app.config;
    await app.register(helmet, {
      // The Swagger UI at /docs needs inline styles and scripts; the API itself only serves JSON.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        },
      },
    });
    await app.register(cors, {
      origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false,
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
    await app.register(rateLimit, {
      global: true,
      max: config.RATE_LIMIT_PER_MINUTE,
      timeWindow: '1 minute',
      // health probes must never be throttled
      allowList: (request) => request.url === '/admin/health',
      errorResponseBuilder: (_request, context) =>
        new AppError(429, 'RATE_LIMITED', `Too many requests: retry in ${context.after}`),
    });
  },
  { name: 'security', dependencies: ['database'] },
);

/** Route option for register, login and refresh: the stricter per-IP limit. */
export function authRateLimit(perMinute: number) {
  return { rateLimit: { max: perMinute, timeWindow: '1 minute' } };
}

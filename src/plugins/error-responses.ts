// The answers every route can give, written into its OpenAPI schema once: its security scheme and
// 401/403 from its auth requirement (set by auth.ts), 400 when it validates input, 429 when it is
// rate limited, 404 when it names a resource by :id, 500 and 503; all in the one error shape.
import fp from 'fastify-plugin';
import { errorBodySchema } from '../errors.js';
import { RATE_LIMIT_EXEMPT_URLS } from './security.js';

export default fp(
  async (app) => {
    // added after auth's onRoute hook: the route's requirement is already set
    app.addHook('onRoute', (route) => {
      const requirement = route.config?.auth ?? 'public';
      if (!route.schema || route.schema.hide) return;
      // every route can fail (500) and most reach the database (503), always in the error shape
      const common: Record<string, unknown> = { 500: errorBodySchema, 503: errorBodySchema };
      if (route.schema.params || route.schema.querystring || route.schema.body) common[400] = errorBodySchema;
      if (!RATE_LIMIT_EXEMPT_URLS.includes(route.url)) common[429] = errorBodySchema;
      if (requirement !== 'public') {
        // /admin also takes the ADMIN_TOKEN: its own scheme, so the document tells them apart
        route.schema.security = requirement === 'admin' ? [{ adminAuth: [] }] : [{ bearerAuth: [] }];
        Object.assign(common, { 401: errorBodySchema, 403: errorBodySchema });
      }
      // a resource named by its id may not exist (or not be visible to this user)
      if (route.url.includes('/:id')) common[404] = errorBodySchema;
      const response = (route.schema.response ?? {}) as Record<string, unknown>;
      route.schema.response = { ...common, ...response };
    });
  },
  { name: 'error-responses', dependencies: ['auth'] },
);

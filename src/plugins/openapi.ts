// OpenAPI 3 generated from the routes' zod schemas: the document at /docs/json, the UI at /docs.
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { RATE_LIMIT_EXEMPT_URLS } from './security.js';

const INT32 = 2 ** 31;

// The headers of our answers: CORS on all, and what @fastify/rate-limit sends with every answer of
// a limited route (and Retry-After on 429).
const RESPONSE_HEADERS = {
  'Access-Control-Allow-Origin': {
    description: 'the calling origin, when it is one of CORS_ORIGINS (absent otherwise: browsers then refuse the answer)',
    schema: { type: 'string', format: 'uri', maxLength: 2048 },
  },
  'X-RateLimit-Limit': { description: 'requests allowed per minute from this client', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32 - 1 } },
  'X-RateLimit-Remaining': { description: 'requests left in the current minute', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32 - 1 } },
  'X-RateLimit-Reset': { description: 'seconds until the minute resets', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32 - 1 } },
  'Retry-After': { description: 'seconds to wait before retrying (429, 503)', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32 - 1 } },
} as const;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every integer schema gets the format its bounds allow (zod's JSON Schema has none). */
function addIntegerFormats(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(addIntegerFormats);
  if (!isObject(node)) return;
  if (node.type === 'integer' && node.format === undefined) {
    const min = typeof node.minimum === 'number' ? node.minimum : -Infinity;
    const max = typeof node.maximum === 'number' ? node.maximum : Infinity;
    node.format = min >= -INT32 && max < INT32 ? 'int32' : 'int64';
  }
  Object.values(node).forEach(addIntegerFormats);
}

/**
 * The finishing touches on the generated document: component schemas lose the `$id`/`$schema`
 * that zod's conversion leaves (not valid there in OpenAPI), integers get a format, and every
 * rate-limited answer documents the rate-limit headers it carries.
 */
function finishDocument<T extends object>(document: T): T {
  const doc = document as Json; // the generated document is plain JSON data, edited in place
  const components = isObject(doc.components) ? doc.components : {};
  if (isObject(components.schemas)) {
    for (const schema of Object.values(components.schemas)) {
      if (!isObject(schema)) continue;
      delete schema.$id;
      delete schema.$schema;
    }
  }
  addIntegerFormats(doc.paths);
  addIntegerFormats(components.schemas);
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [url, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const limited = !RATE_LIMIT_EXEMPT_URLS.includes(url);
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      // a stable name for client generators: GET /api/exercises/{id} → getApiExercisesId
      operation.operationId ??= [method, ...url.split(/[^A-Za-z0-9]+/).filter(Boolean)]
        .map((word, i) => (i === 0 ? word.toLowerCase() : word[0].toUpperCase() + word.slice(1)))
        .join('');
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!isObject(response)) continue;
        const names = [
          'Access-Control-Allow-Origin',
          ...(limited && /^[24]/.test(status) ? ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] : []),
          ...(status === '429' || status === '503' ? ['Retry-After'] : []),
        ];
        response.headers = {
          ...(isObject(response.headers) ? response.headers : {}),
          ...Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }])),
        };
      }
    }
  }
  return document;
}

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Mathakine API',
          description:
            'Backend of Mathakine, the Star Wars themed math-learning platform: exercises from initié to maître, logic challenges, attempts and progress.',
          version: '1.0.0',
        },
        tags: [
          { name: 'auth', description: 'Sign up, sign in, tokens' },
          { name: 'users', description: 'Accounts and their statistics' },
          { name: 'exercises', description: 'Math exercises and their generator' },
          { name: 'attempts', description: 'Answers to exercises' },
          { name: 'progress', description: 'Progress per exercise type and difficulty' },
          { name: 'challenges', description: 'Logic challenges (Épreuves du Conseil Jedi)' },
          { name: 'admin', description: 'Health, statistics and database maintenance' },
        ],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description:
                'The access token from /api/auth/login or /api/auth/refresh. JWTs follow RFC8725 (JSON Web Token Best Current Practices): ' +
                'one algorithm (HS256) fixed on the server and never taken from the token, a short lifetime (exp), the role read from verified claims only.',
            },
            adminAuth: {
              type: 'http',
              scheme: 'bearer',
              description: 'For /admin: the ADMIN_TOKEN of the deployment (scripts, cron; compared in constant time) or an archiviste’s access token (RFC8725 JWT, as bearerAuth).',
            },
          },
          headers: RESPONSE_HEADERS,
        },
      },
      transform: jsonSchemaTransform,
      transformObject: (documentObject) => finishDocument(jsonSchemaTransformObject(documentObject)),
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'openapi' },
);

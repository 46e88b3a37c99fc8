// OpenAPI 3 generated from the routes' zod schemas: the document at /docs/json, the UI at /docs.
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { OPERATION_IDS } from './operation-ids.js';
import { RATE_LIMIT_EXEMPT_URLS } from './security.js';

const INT32 = 2 ** 31;

// The headers of our answers: CORS on all, and what @fastify/rate-limit sends with every answer of
// a limited route (and Retry-After on 429).
const RESPONSE_HEADERS = {
  'Access-Control-Allow-Origin': {
    description: 'the calling origin, when it is one of CORS_ORIGINS (absent otherwise: browsers then refuse the answer)',
    schema: { type: 'string', format: 'uri', maxLength: 2048 },
  },
  'X-RateLimit-Limit': {
    description: 'requests allowed per minute from this client',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32 - 1 },
  },
  'X-RateLimit-Remaining': { description: 'requests left in the current minute', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32 - 1 } },
  'X-RateLimit-Reset': { description: 'seconds until the minute resets', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32 - 1 } },
  'Retry-After': { description: 'seconds to wait before retrying (429, 503)', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32 - 1 } },
  ETag: {
    description: 'weak validator of what this user sees here: send it back in If-None-Match to get 304 while it is current',
    schema: { type: 'string', pattern: '^W/"[^"]*"$', maxLength: 128 },
  },
  'Cache-Control': { description: 'keep the answer, revalidate it before each use', schema: { type: 'string', pattern: '^private, no-cache$', maxLength: 32 } },
} as const;

/** Routes answering 304 (src/plugins/conditional.ts) take this request header. */
const IF_NONE_MATCH = {
  in: 'header',
  name: 'If-None-Match',
  required: false,
  description: 'the ETag of the copy the client holds: 304 without a body while it is current',
  // `*` or a list of entity tags (RFC 9110), what a client can send
  schema: { type: 'string', pattern: '^(\\*|(W/)?"[^"]*"(\\s*,\\s*(W/)?"[^"]*")*)$', maxLength: 1024 },
};

// What each status means here; every 4xx/5xx carries the Error component.
const STATUS_DESCRIPTIONS: Record<string, string> = {
  '200': 'Success',
  '201': 'Created',
  '204': 'Done, no content',
  '304': 'Not modified: the ETag sent in If-None-Match is current (no body)',
  '400': 'Invalid input (body, query or path parameters)',
  '401': 'Missing, invalid or expired access token, or a revoked session',
  '403': 'Authenticated but not allowed (role or ownership)',
  '404': 'No such resource, or not visible to this user',
  '409': 'Conflicts with the current state (duplicate, attempts used up)',
  '422': 'Well-formed but inconsistent content',
  '429': 'Too many requests: retry after Retry-After seconds',
  '500': 'Unexpected server error',
  '503': 'The database is unreachable or overloaded: retry after Retry-After seconds',
};

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

/** What every request string obeys (src/http/nul.ts refuses a NUL anywhere in the input, keys included). */
const NO_NUL_PATTERN = '^[^\\u0000]*$';

/**
 * Request strings free of any other format (titles, questions, passwords) get the pattern they do
 * obey: no NUL character. Only parameters and request bodies: what the server checks on the way in.
 */
function addRequestStringPatterns(paths: Json): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    if (node.type === 'string' && !['format', 'pattern', 'enum', 'const'].some((key) => key in node)) node.pattern = NO_NUL_PATTERN;
    Object.values(node).forEach(visit);
  };
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const operation of Object.values(item)) {
      if (!isObject(operation)) continue;
      visit(operation.parameters);
      visit(operation.requestBody);
    }
  }
}

/**
 * Drops the component schemas no operation reaches: zod's registry also yields an `…Input` twin of
 * every named response schema, which no request uses and a client generator would turn into noise.
 */
function dropUnusedSchemas(doc: Json, schemas: Json): void {
  const refsIn = (node: unknown) => [...JSON.stringify(node).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
  const used = new Set<string>();
  const pending = refsIn(doc.paths);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (used.has(name)) continue;
    used.add(name);
    pending.push(...refsIn(schemas[name]));
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

/**
 * The finishing touches on the generated document: component schemas lose the `$id`/`$schema`
 * that zod's conversion leaves (not valid there in OpenAPI), unused ones go, integers get a format,
 * request strings their pattern, every rate-limited answer documents the rate-limit headers it carries.
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
    dropUnusedSchemas(doc, components.schemas);
  }
  addIntegerFormats(doc.paths);
  addIntegerFormats(components.schemas);
  const paths = isObject(doc.paths) ? doc.paths : {};
  addRequestStringPatterns(paths);
  for (const [url, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const limited = !RATE_LIMIT_EXEMPT_URLS.includes(url);
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      // the stable name client generators use; none when the route is missing from the map (a test fails)
      const operationId = OPERATION_IDS[`${method.toUpperCase()} ${url}`];
      if (operationId) operation.operationId = operationId;
      const conditional = '304' in operation.responses;
      if (conditional) operation.parameters = [...(Array.isArray(operation.parameters) ? operation.parameters : []), IF_NONE_MATCH];
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!isObject(response)) continue;
        if (response.description === 'Default Response') response.description = STATUS_DESCRIPTIONS[status] ?? 'Success';
        const names = [
          'Access-Control-Allow-Origin',
          ...(limited && /^[24]/.test(status) ? ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] : []),
          ...(status === '429' || status === '503' ? ['Retry-After'] : []),
          ...(conditional && (status === '200' || status === '304') ? ['ETag', 'Cache-Control'] : []),
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
          { name: 'badges', description: "Badges by the original's rules, streaks and points" },
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
              description:
                'For /admin: the ADMIN_TOKEN of the deployment (scripts, cron; compared in constant time) or an archiviste’s access token (RFC8725 JWT, as bearerAuth).',
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

// Headers (helmet), CORS allowlist, per-IP rate limits, and the HTTP server's own limits.
// Rate limits live in process memory unless REDIS_URL is set: then every instance counts in the
// same Redis, so N instances still allow RATE_LIMIT_PER_MINUTE per IP, not N times it.
import fp from 'fastify-plugin';
import helmet from 'helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyError, FastifyHttpOptions, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError, CODE_FOR_STATUS, errorBody } from '../errors.js';
import { findNulCharacter } from '../http/nul.js';

/** Routes the rate limit never applies to: health probes (Render's, uptime monitors'). Their `?full=true` report is counted. */
export const RATE_LIMIT_EXEMPT_URLS: readonly string[] = ['/admin/health'];

/**
 * The plain probe only: a request that asks for the full report (any `full` in the query) checks an
 * admin credential and runs a query per check, so it counts like any other.
 */
export function isRateLimitExempt(request: FastifyRequest): boolean {
  if (!RATE_LIMIT_EXEMPT_URLS.includes(request.routeOptions.url ?? '')) return false;
  const query = request.query as Record<string, unknown> | undefined;
  return !(query && Object.hasOwn(query, 'full'));
}

/** Longest path parameter accepted: ids and enum names are short; longer ones answer 414. */
export const MAX_PARAM_LENGTH = 100;

/** The rate-limit key of a client address: IPv4 as is, IPv6 by its /64 prefix. */
export function rateLimitKey(ip: string): string {
  if (!ip.includes(':') || ip.startsWith('::ffff:')) return ip;
  // expand "::" so that the first four groups are the /64, whatever the spelling
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Fastify constructor options that bound what one client can make the server hold, and how the
 * server closes. buildApp() spreads them in, so tests and the real server share them.
 */
export function httpServerOptions(config: Pick<Config, 'MAX_HEADER_SIZE_BYTES' | 'TRUST_PROXY_HOPS'>) {
  // The client address (rate limits, logs) from X-Forwarded-For, trusting only the hops of our
  // own proxies: the entries to their left are whatever the client sent, so trusting every hop
  // would let anyone pick the address the rate limit counts for. 0 unless configured (render.yaml
  // sets 1): a container run without a proxy must not believe a client's X-Forwarded-For.
  const proxyHops = config.TRUST_PROXY_HOPS;
  return {
    // A client's x-request-id is kept (to correlate with its own logs) only when short and plain;
    // anything else (16 KB, control characters, log-forging text) gets a generated one.
    requestIdHeader: false as const,
    genReqId: (request: IncomingMessage) => {
      const sent = request.headers['x-request-id'];
      return typeof sent === 'string' && SAFE_REQUEST_ID.test(sent) ? sent : randomUUID();
    },
    // hop 0 is the peer of the socket, hop 1 the address it forwarded for, and so on
    trustProxy: proxyHops > 0 ? (_address: string, hop: number) => hop < proxyHops : false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Larger request headers are refused by Node's parser with 431 before any of our code runs.
    http: { maxHeaderSize: config.MAX_HEADER_SIZE_BYTES },
    // On close, idle keep-alive sockets are closed at once; a request that already reached us on
    // a busy keep-alive socket is served (with `Connection: close`) instead of answered 503.
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    // Malformed URLs and overlong parameters are refused by the router before any hook or error
    // handler runs: answer them in the API's error shape too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode ?? 400;
      void reply
        .status(status)
        .type('application/json; charset=utf-8')
        .send(errorBody(CODE_FOR_STATUS[status] ?? 'BAD_REQUEST', error.message));
    },
  } satisfies FastifyHttpOptions<Server>;
}

/** The headers a helmet middleware sets: it sets the same ones on every response. */
function headersOf(middleware: ReturnType<typeof helmet>): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    // X-Powered-By: neither Node nor Fastify sets it
    removeHeader: () => {},
  };
  let failure: unknown;
  middleware({} as IncomingMessage, response as unknown as ServerResponse, (error) => {
    failure = error;
  });
  if (failure) throw failure;
  return headers;
}

const REDIS_CONNECT_TIMEOUT_MS = 1_000;

/**
 * A Redis client for shared rate-limit counters, tuned to fail fast: Redis down must not take the
 * API down. ioredis is loaded only when REDIS_URL is set (it weighs some 20 MB of memory).
 */
async function rateLimitRedis(url: string, log: FastifyBaseLogger) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    // Commands fail at once while disconnected (and the limit is skipped) instead of queueing requests.
    enableOfflineQueue: false,
    connectionName: 'mathakine-rate-limit',
  });
  redis.on('error', (error) => log.warn({ err: error }, 'rate-limit Redis unavailable: limits are skipped until it is back'));
  // Wait for the first connection before serving: until it is up every command fails, so the
  // instance's first requests would not be counted at all. Bounded: Redis down still starts the API.
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      redis.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, REDIS_CONNECT_TIMEOUT_MS);
    redis.once('ready', done);
    redis.once('error', done);
  });
  return redis;
}

export default fp(
  async (app) => {
    const config = app.config;
    // The security headers, on every answer (404s and errors too). They depend on the options
    // only (no CSP nonce), so helmet runs once, here, and each answer gets its headers from one
    // object: @fastify/helmet rebuilt the middleware for every request (3 % of a request in the
    // benchmark's profile), and setting them on the raw response took Node's slower header path.
    const securityHeaders = headersOf(
      helmet({
        // The Swagger UI at /docs needs inline styles and scripts; the API itself only serves JSON.
        contentSecurityPolicy: {
          directives: {
            defaultSrc: ["'self'"],
            styleSrc: ["'self'", "'unsafe-inline'"],
            scriptSrc: ["'self'", "'unsafe-inline'"],
            imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
          },
        },
      }),
    );
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(securityHeaders);
      done();
    });
    // No allowed origin: no CORS headers at all, so browsers refuse cross-origin calls, and the
    // plugin's per-request hook (6 % of a request's time in the benchmark's profile) is not run.
    if (config.CORS_ORIGINS.length > 0) {
      await app.register(cors, {
        origin: config.CORS_ORIGINS,
        credentials: true,
        methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        exposedHeaders: ['x-request-id', 'retry-after'],
        maxAge: 600,
      });
    }

    app.addHook('preValidation', (request, _reply, done) => {
      for (const [where, input] of [
        ['params', request.params],
        ['querystring', request.query],
        ['body', request.body],
      ] as const) {
        const path = findNulCharacter(input);
        if (path !== null) {
          done(new AppError(400, 'VALIDATION_FAILED', `Invalid ${where}`, [{ in: where, path, message: 'must not contain a NUL character' }]));
          return;
        }
      }
      done();
    });

    const redis = config.REDIS_URL ? await rateLimitRedis(config.REDIS_URL, app.log) : undefined;
    if (redis) {
      app.addHook('onClose', async () => {
        redis.disconnect();
      });
    }
    await app.register(rateLimit, {
      global: true,
      max: config.RATE_LIMIT_PER_MINUTE,
      timeWindow: '1 minute',
      ...(redis ? { redis, nameSpace: 'mathakine-rate-limit:', skipOnError: true } : {}),
      // an IPv6 client usually holds a whole /64: counting per address would give it 2^64 budgets
      keyGenerator: (request) => rateLimitKey(request.ip),
      // health probes must never be throttled
      allowList: isRateLimitExempt,
      errorResponseBuilder: (_request, context) => new AppError(429, 'RATE_LIMITED', `Too many requests: retry in ${context.after}`),
    });
  },
  { name: 'security', dependencies: ['database'] },
);

/** Route option for register, login and refresh: the stricter per-IP limit. */
export function authRateLimit(perMinute: number) {
  return { rateLimit: { max: perMinute, timeWindow: '1 minute' } };
}

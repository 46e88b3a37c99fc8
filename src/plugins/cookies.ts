// Browser sign-in by cookie, beside bearer tokens: the access and refresh tokens in HttpOnly,
// Secure, SameSite cookies (the page's JavaScript never reads a token), and CSRF protection for
// every write a cookie authenticates. The routes that set the cookies are src/modules/auth/cookie-routes.ts;
// auth.ts takes the access token from its cookie when a request has no Authorization header.
//
// CSRF: a signed double-submit. A random secret lives in an HttpOnly `__Host-` cookie (no
// subdomain can plant one); the token derived from it (@fastify/csrf, the library behind
// @fastify/csrf-protection) is given in JSON bodies and must come back in `X-CSRF-Token` on every
// POST/PUT/PATCH/DELETE authenticated by cookie. Another site can neither read the token (CORS) nor
// make one. The plugin form of the library is not used: its hook would check every route, and
// bearer-token requests need no CSRF token (a browser never adds that header by itself).
// On top, a cookie-authenticated write whose Origin is neither the API's own nor in CORS_ORIGINS
// is refused outright.
import fp from 'fastify-plugin';
import fastifyCookie, { type CookieSerializeOptions } from '@fastify/cookie';
import Tokens from '@fastify/csrf';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden } from '../errors.js';

/** The access token: sent with every /api request. */
export const ACCESS_COOKIE = '__Secure-mathakine-access';
/** The refresh token: sent only to the cookie sign-in routes, which alone read it. */
export const REFRESH_COOKIE = '__Secure-mathakine-refresh';
export const REFRESH_COOKIE_PATH = '/api/auth/cookie';
/** The CSRF secret (`__Host-`: path /, no Domain, Secure, so nothing else can set it). */
export const CSRF_COOKIE = '__Host-mathakine-csrf';
export const CSRF_HEADER = 'x-csrf-token';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What the cookie routes put in the cookies. */
export interface CookieTokens {
  access_token: string;
  refresh_token: string;
  /** seconds the access token lives */
  expires_in: number;
}

export interface AuthCookies {
  /** The access token of the request's cookie, for an /api route; marks the request as cookie-authenticated. */
  accessToken(request: FastifyRequest): string | undefined;
  /** Sets both token cookies (sign-in, refresh). */
  set(reply: FastifyReply, tokens: CookieTokens): void;
  /** Removes the token cookies and the CSRF secret (sign-out, a refused refresh). */
  clear(reply: FastifyReply): void;
  /** The refresh token of the request's cookie, if any. */
  refreshToken(request: FastifyRequest): string | undefined;
  /** A CSRF token for this browser; `fresh` starts a new secret (a sign-in: nothing from before it is trusted). */
  csrfToken(request: FastifyRequest, reply: FastifyReply, fresh?: boolean): string;
  /** Throws 403 unless a cookie-authenticated write carries a valid CSRF token from an allowed origin. */
  assertWriteAllowed(request: FastifyRequest): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The access token came from its cookie (set by auth.ts): writes then need the CSRF token. */
    viaCookie: boolean;
  }
  interface FastifyInstance {
    authCookies: AuthCookies;
  }
}

export default fp(
  async (app) => {
    const config = app.config;
    // parsed only when read (a request with a bearer token never is): no work on every request
    await app.register(fastifyCookie, { hook: false });
    const cookie = (request: FastifyRequest, name: string): string | undefined => {
      const header = request.headers.cookie;
      if (!header) return undefined;
      request.cookies ??= app.parseCookie(header);
      return request.cookies[name] || undefined;
    };
    const tokens = Tokens();
    const base: CookieSerializeOptions = { httpOnly: true, secure: true, sameSite: config.AUTH_COOKIE_SAME_SITE };
    const refreshMaxAge = config.REFRESH_TOKEN_TTL_DAYS * 86_400;
    const allowedOrigins = new Set(config.CORS_ORIGINS);

    app.decorateRequest('viaCookie', false);

    const authCookies: AuthCookies = {
      accessToken(request) {
        if (!request.url.startsWith('/api/')) return undefined;
        const token = cookie(request, ACCESS_COOKIE);
        if (token) request.viaCookie = true;
        return token;
      },
      set(reply, pair) {
        reply.setCookie(ACCESS_COOKIE, pair.access_token, { ...base, path: '/api', maxAge: pair.expires_in });
        // the server's own expiry rules decide; the cookie only needs to outlive the token
        reply.setCookie(REFRESH_COOKIE, pair.refresh_token, { ...base, path: REFRESH_COOKIE_PATH, maxAge: refreshMaxAge });
      },
      clear(reply) {
        reply.clearCookie(ACCESS_COOKIE, { ...base, path: '/api' });
        reply.clearCookie(REFRESH_COOKIE, { ...base, path: REFRESH_COOKIE_PATH });
        reply.clearCookie(CSRF_COOKIE, { ...base, path: '/' });
      },
      refreshToken: (request) => cookie(request, REFRESH_COOKIE),
      csrfToken(request, reply, fresh = false) {
        const kept = fresh ? undefined : cookie(request, CSRF_COOKIE);
        if (kept) return tokens.create(kept);
        const secret = tokens.secretSync();
        reply.setCookie(CSRF_COOKIE, secret, { ...base, path: '/', maxAge: refreshMaxAge });
        return tokens.create(secret);
      },
      assertWriteAllowed(request) {
        const origin = request.headers.origin;
        if (origin !== undefined && !allowedOrigins.has(origin) && origin !== `${request.protocol}://${request.host}`) {
          throw forbidden('Cross-site request refused: this origin may not use the sign-in cookies');
        }
        const secret = cookie(request, CSRF_COOKIE);
        const token = request.headers[CSRF_HEADER];
        if (!secret || typeof token !== 'string' || !tokens.verify(secret, token)) {
          throw forbidden(`Missing or invalid CSRF token: send the csrf_token of the sign-in (or of GET /api/auth/csrf) in ${CSRF_HEADER}`);
        }
      },
    };
    app.decorate('authCookies', authCookies);

    // after auth.ts's onRequest hook has said where the access token came from
    app.addHook('preValidation', (request, _reply, done) => {
      if (request.viaCookie && UNSAFE_METHODS.has(request.method)) {
        try {
          authCookies.assertWriteAllowed(request);
        } catch (error) {
          done(error as Error);
          return;
        }
      }
      done();
    });
  },
  { name: 'cookies' },
);

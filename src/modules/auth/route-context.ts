// What the sign-in routes take from Fastify, shared by the bearer routes (routes.ts) and the cookie
// routes (modules/cookie-auth): how this app signs and times tokens, and the device a request comes
// from. Its own file: a routes file is registered, never imported.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenSettings } from './service.js';
import type { ClientInfo } from './sessions.js';

/** How this app signs and times tokens. */
export function tokenSettingsOf(app: FastifyInstance): TokenSettings {
  return {
    signAccessToken: (actor, tokenVersion, sessionId) => app.signAccessToken(actor, tokenVersion, sessionId),
    sessionMaxDays: app.config.REFRESH_SESSION_MAX_DAYS,
    accessTtlSeconds: app.config.JWT_ACCESS_TTL_SECONDS,
    refreshTtlDays: app.config.REFRESH_TOKEN_TTL_DAYS,
  };
}

/** The device a sign-in or refresh comes from, for the session list. */
export function clientOf(request: FastifyRequest): ClientInfo {
  return { userAgent: request.headers['user-agent'] ?? null, address: request.ip };
}

// Who is calling, and may they call this route: the one place roles are enforced, from each route's
// `config: { auth }` (AuthRequirement). Ownership rules depend on the data: the services check them
// through src/modules/auth/access.ts. What the requirement means for the OpenAPI document is
// error-responses.ts; where a signed-in user's reads go is read-routing.ts.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import fastifyJwt from '@fastify/jwt';
import type { FastifyRequest } from 'fastify';
import { ROLES, roleAtLeast, type Role } from '../db/enums.js';
import { MAX_ID } from '../http/schemas.js';
import { forbidden, unauthorized } from '../errors.js';
import type { Actor } from '../modules/auth/actor.js';
import { currentActor, type AccountCheck, type ReadWithAccountCheck } from '../modules/auth/current-actor.js';
import type { CatalogueVersions } from '../db/catalogue-versions.js';

/**
 * A route's `config: { auth }`:
 *   'public'                       anyone (a valid token, if sent, still sets request.actor)
 *   'user' (default under /api)    any signed-in user
 *   a Role ('maitre', …)           that role or a higher one (padawan < maitre < gardien < archiviste)
 *   'admin' (default under /admin) an archiviste's token, or `Bearer $ADMIN_TOKEN`
 */
export type AuthRequirement = 'public' | 'user' | 'admin' | Role;
export type { Actor };

interface AccessTokenClaims {
  sub: string;
  role: Role;
  username: string;
  /** the user's token_version at signing; a password change or deactivation raises it */
  ver: number;
  /** the session (sessions.id) it belongs to: ending the session refuses it (0: none, always refused) */
  sid: number;
  /** expiry, in seconds since the epoch (set at signing) */
  exp?: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
    /** The route's row, read in the account check's statement (src/modules/auth/current-actor.ts). */
    readWithAccountCheck?: ReadWithAccountCheck;
  }
  interface FastifyRequest {
    /** The signed-in user, or null. */
    actor: Actor | null;
    /** True when the request carried `Bearer $ADMIN_TOKEN` on an /admin route. */
    viaAdminToken: boolean;
    /** The signed-in user's catalogue versions, read on the primary by the account check (src/plugins/conditional.ts). */
    catalogueVersions: CatalogueVersions | null;
    /** The route's row when the account check read it (`config: { readWithAccountCheck }`), on the primary. */
    readWithAccount: AccountCheck['read'] | null;
  }
  interface FastifyInstance {
    /** Signs an access token for `actor` at the user's current token_version (0 for a new account). */
    signAccessToken(actor: Actor, tokenVersion?: number, sessionId?: number): string;
    /** True for an archiviste or the admin token. */
    isAdmin(request: FastifyRequest): boolean;
  }
}

export function defaultRequirement(url: string): AuthRequirement {
  if (url.startsWith('/api/')) return 'user';
  if (url.startsWith('/admin')) return 'admin';
  return 'public';
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** How many verified access tokens a process remembers (about 300 bytes each). */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Remembers the tokens verified recently, by their exact text, until their `exp`: a learner's next
 * request skips the HMAC check. Per process and derived from the token alone, so instances stay
 * independent; what a token may still do (revocation, role) is the account check's, on every
 * request. fast-jwt's own cache keys its entries by a SHA-256 of the token: hashing each request's
 * token cost more than the HMAC it saves (5 % of a GET in the benchmark's profile). Refused tokens
 * are not kept: they throw again each time.
 */
function verifiedTokenCache<C extends { exp?: number }>(verify: (token: string) => C) {
  const kept = new Map<string, { claims: C; expiresAt: number }>();
  return {
    verify(token: string): C {
      const hit = kept.get(token);
      const now = Date.now();
      if (hit && now < hit.expiresAt) return hit.claims;
      if (hit) kept.delete(token);
      const claims = verify(token);
      if (typeof claims.exp === 'number') {
        // the oldest entry goes first (a Map iterates in insertion order)
        if (kept.size >= VERIFIED_TOKENS_KEPT) kept.delete(kept.keys().next().value!);
        kept.set(token, { claims, expiresAt: claims.exp * 1000 });
      }
      return claims;
    },
  };
}

export default fp(
  async (app) => {
    const config = app.config;
    let secret = config.JWT_SECRET;
    if (!secret) {
      secret = randomBytes(48).toString('base64url');
      app.log.warn('JWT_SECRET is not set: using a random secret; tokens will not survive a restart');
    }
    await app.register(fastifyJwt, {
      secret,
      sign: { algorithm: 'HS256', expiresIn: config.JWT_ACCESS_TTL_SECONDS },
      verify: { algorithms: ['HS256'] },
    });
    const verifiedTokens = verifiedTokenCache((token) => app.jwt.verify<AccessTokenClaims>(token));
    const adminTokenDigest = config.ADMIN_TOKEN ? digest(config.ADMIN_TOKEN) : null;

    app.decorateRequest('actor', null);
    app.decorateRequest('viaAdminToken', false);
    app.decorateRequest('catalogueVersions', null);
    app.decorateRequest('readWithAccount', null);
    app.decorate('signAccessToken', (actor: Actor, tokenVersion = 0, sessionId = 0) =>
      app.jwt.sign({ sub: String(actor.id), role: actor.role, username: actor.username, ver: tokenVersion, sid: sessionId } satisfies AccessTokenClaims),
    );
    app.decorate('isAdmin', (request: FastifyRequest) => request.viaAdminToken || request.actor?.role === 'archiviste');

    // Every route gets its requirement: its own, else the default of its path.
    app.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: route.config?.auth ?? defaultRequirement(route.url) };
    });

    app.addHook('onRequest', async (request) => {
      const route = request.routeOptions.config; // a getter that builds an object each time
      const requirement = route.auth ?? 'public';
      const header = request.headers.authorization;
      let bearer = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined;
      // no Authorization header: a browser signed in by cookie (src/plugins/cookies.ts; its writes need a CSRF token)
      if (header === undefined && requirement !== 'public') bearer = app.authCookies.accessToken(request);

      if (bearer && adminTokenDigest && request.url.startsWith('/admin') && timingSafeEqual(digest(bearer), adminTokenDigest)) {
        request.viaAdminToken = true;
      } else if (bearer) {
        let claims: AccessTokenClaims | undefined;
        try {
          claims = verifiedTokens.verify(bearer);
        } catch {
          if (requirement !== 'public') throw unauthorized('Invalid or expired access token');
        }
        const id = Number(claims?.sub);
        const sid = claims?.sid ?? -1;
        if (
          claims &&
          Number.isInteger(id) &&
          id > 0 &&
          id <= MAX_ID &&
          Number.isInteger(claims.ver) &&
          ROLES.includes(claims.role) &&
          Number.isInteger(sid) &&
          sid >= 0 &&
          sid <= MAX_ID
        ) {
          // the stored account decides: revoked tokens stop here, and the role is today's
          // a public route (health above all) must answer for itself when the database is down
          const readWith = route.readWithAccountCheck;
          const readValues = readWith?.valuesOf(request.params as Record<string, string | undefined>);
          const checked = await currentActor(
            app.database,
            { userId: id, tokenVersion: claims.ver, sessionId: sid },
            readWith && readValues ? { read: readWith, values: readValues } : undefined,
          ).catch((error: unknown) => {
            if (requirement === 'public') return { signedIn: null };
            throw error;
          });
          const signedIn = checked.signedIn;
          if (signedIn) {
            request.readWithAccount = checked.read ?? null;
            request.actor = signedIn.actor;
            request.catalogueVersions = signedIn.catalogueVersions;
            request.store = app.storeFor(signedIn.actor.id, signedIn.lastWriteLsn);
          }
          if (!request.actor && requirement !== 'public') throw unauthorized('This session has been revoked, sign in again');
        }
      }

      if (requirement === 'public') return;
      if (requirement === 'admin') {
        if (app.isAdmin(request)) return;
        throw request.actor ? forbidden('Administrators only') : unauthorized();
      }
      if (!request.actor) throw unauthorized();
      if (requirement !== 'user' && !roleAtLeast(request.actor.role, requirement)) {
        throw forbidden(`This requires the ${requirement} role or higher`);
      }
    });
  },
  { name: 'auth', dependencies: ['database', 'read-routing', 'cookies'] },
);

/** The signed-in user of a route whose `auth` requires one (the hook already answered 401 otherwise). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

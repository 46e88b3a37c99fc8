// Conditional catalogue reads: a route with `config: { conditional }` answers with an ETag and
// `Cache-Control: private, no-cache`, and `If-None-Match` naming that ETag gets 304 before the
// handler runs (nothing read, built or sent). The ETag is weak and made of what decides what this
// user sees: the catalogue's version (raised by the database in every content write), the user's
// own catalogue version (raised by their attempts that reveal answers), their id and role. Both
// versions come from the database, so every instance gives the same ETag; they are read before
// the body, so a body is never older than its ETag. View counts and challenge success rates are
// statistics the weak ETag does not follow: a 304 may show them as of the last content change.
import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import { catalogueVersionsOf, catalogueVersionsQuery, type Catalogue, type CatalogueVersions } from '../db/catalogue-versions.js';
import { runPrepared } from '../db/store.js';

/**
 * A route's `config: { conditional }`: a catalogue whose version the answer follows, or
 * `{ fixed: value }` for an answer that changes only with the code (its ETag is the value's hash).
 */
export type Conditional = Catalogue | { fixed: unknown };

declare module 'fastify' {
  interface FastifyContextConfig {
    conditional?: Conditional;
  }
}

const CACHE_CONTROL = 'private, no-cache';

/** Weak comparison (RFC 9110 §13.1.2): `*`, or one of the listed tags once their `W/` is dropped. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const raw of header.split(',')) {
    const tag = raw.trim();
    if (tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === opaque) return true;
  }
  return false;
}

function answer(request: FastifyRequest, reply: FastifyReply, etag: string): FastifyReply | undefined {
  reply.header('etag', etag);
  reply.header('cache-control', CACHE_CONTROL);
  if (!ifNoneMatchHits(request.headers['if-none-match'], etag)) return undefined;
  return reply.code(304).send();
}

/** Errors are not cached: only a 200 or a 304 keeps the validator. */
const keepOnSuccess: onSendHookHandler = (_request, reply, payload, done) => {
  if (reply.statusCode !== 200 && reply.statusCode !== 304) {
    reply.removeHeader('etag');
    reply.removeHeader('cache-control');
  }
  done(null, payload);
};

export default fp(
  async (app) => {
    const primaryDb = app.database.db;

    /**
     * The versions where this request reads: the account check's (primary) unless it reads a
     * replica; a row read with the account check (`readWithAccount`) was read on the primary.
     */
    async function versionsFor(request: FastifyRequest, userId: number): Promise<CatalogueVersions | null> {
      if (request.catalogueVersions && (request.store.db === primaryDb || request.readWithAccount)) return request.catalogueVersions;
      const [row] = await runPrepared(request.store, catalogueVersionsQuery, { user_id: userId });
      return row ? catalogueVersionsOf(row) : null;
    }

    function catalogueCheck(catalogue: Catalogue): preHandlerAsyncHookHandler {
      const letter = catalogue[0];
      return async function conditionalRead(request, reply) {
        const actor = request.actor;
        if (!actor) return; // these routes need a user: the auth hook already answered
        const versions = await versionsFor(request, actor.id);
        if (!versions) return;
        return answer(request, reply, `W/"${letter}${versions[catalogue]}-${versions.learner}-${actor.id}${actor.role[0]}"`);
      };
    }

    function fixedCheck(value: unknown): preHandlerAsyncHookHandler {
      const etag = `W/"f${createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16)}"`;
      return async function conditionalRead(request, reply) {
        return answer(request, reply, etag);
      };
    }

    app.addHook('onRoute', (route) => {
      const conditional = route.config?.conditional as Conditional | undefined;
      if (!conditional) return;
      const check = typeof conditional === 'string' ? catalogueCheck(conditional as Catalogue) : fixedCheck(conditional.fixed);
      // route-level hooks: no other route pays for them
      route.preHandler = [...toList(route.preHandler), check];
      route.onSend = [...toList(route.onSend), keepOnSuccess];
      if (route.schema) {
        route.schema.response = { ...(route.schema.response as object), 304: z.null().describe('Not modified: the ETag sent in If-None-Match is current') };
      }
    });
  },
  { name: 'conditional', dependencies: ['auth'] },
);

function toList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

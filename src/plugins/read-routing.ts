// Where each request's services read and write (`request.store`): the primary for anonymous
// requests, and for a signed-in user a replica that has their last write (src/db/read-routing.ts).
// The auth plugin, once it knows the user, asks `app.storeFor`.
import fp from 'fastify-plugin';
import { readRouting } from '../db/read-routing.js';
import type { Store } from '../db/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Where this request's services read and write: a replica may serve a signed-in user's reads (src/db/read-routing.ts). */
    store: Store;
  }
  interface FastifyInstance {
    /** The Store of a signed-in user's request, whose last write is at `lastWriteLsn`. */
    storeFor(userId: number, lastWriteLsn: number | null): Store;
  }
}

export default fp(
  async (app) => {
    const routing = readRouting(app.database, app.log);
    const anonymous = routing.storeFor(null, null);
    app.decorateRequest('store', null as unknown as Store); // set by the hook below, first thing
    app.decorate('storeFor', (userId: number, lastWriteLsn: number | null) => routing.storeFor(userId, lastWriteLsn));
    app.addHook('onRequest', (request, _reply, done) => {
      request.store = anonymous;
      done();
    });
  },
  { name: 'read-routing', dependencies: ['database'] },
);

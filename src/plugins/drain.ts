// Draining before a deploy closes us: health answers 503 (the load balancer stops sending), every
// answer says `Connection: close` (clients reconnect elsewhere), and new connections are still
// served until server.ts closes the listener, SHUTDOWN_DRAIN_MS later.
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** True once SIGTERM started the drain. */
    isDraining(): boolean;
    startDraining(): void;
  }
}

export default fp(
  async (app) => {
    let draining = false;
    app.decorate('isDraining', () => draining);
    app.decorate('startDraining', () => {
      draining = true;
    });
    app.addHook('onRequest', (request, reply, done) => {
      if (draining) reply.header('connection', 'close');
      done();
    });
  },
  { name: 'drain' },
);

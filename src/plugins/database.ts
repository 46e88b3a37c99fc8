// Makes the Database (src/db/client.ts) and the parsed Config available as app.database and
// app.config. The app owns the database it is given: closing the app closes the pool.
import fp from 'fastify-plugin';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { stopViewCounts, viewCountsOf } from '../db/view-counts.js';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    config: Config;
    /** "now" for what is dated in the learner's calendar (streaks, badges); tests give their own */
    clock: Clock;
  }
}

export default fp<{ database: Database; config: Config; clock?: Clock }>(
  async (app, { database, config, clock }) => {
    app.decorate<Clock>('clock', clock ?? systemClock);
    app.decorate<Database>('database', database);
    app.decorate<Config>('config', config);
    viewCountsOf(database, config.VIEW_COUNT_FLUSH_MS, app.log);
    app.addHook('onClose', async () => {
      await stopViewCounts(database); // the last views, before the pool closes
      await database.close();
    });
  },
  { name: 'database' },
);

// Which connection a request reads from. Without replicas: the primary, one shared Store. With
// DATABASE_REPLICA_URLS: a signed-in user's reads go to a replica that has replayed their last
// write (read-your-writes on any instance: the position is kept on their users row, which the
// per-request account check reads on the primary), else to the primary; their transactions go to
// the primary and, once committed, record the new position. Anonymous requests use the primary.
import type { Database } from './database.js';
import { storeOf, type Store } from './store.js';

export interface ReadRouting {
  /** The Store for one request of `userId` (null: anonymous), whose last write is at `lastWriteLsn`. */
  storeFor(userId: number | null, lastWriteLsn: number | null): Store;
}

export function readRouting(database: Database, logger?: { warn(object: object, message: string): void }): ReadRouting {
  const primary = storeOf(database);
  if (database.dialect !== 'postgres' || !database.replicas) return { storeFor: () => primary };
  const { replicas, pool } = database;
  const recordWrite = async (userId: number) => {
    // after the commit: the position now is at or past it. The write is committed whatever happens
    // here, so a failure must not turn it into an error the client would retry (a second attempt):
    // the user's reads may then be up to REPLICA_MAX_LAG_SECONDS stale, once.
    await pool.query(`update users set last_write_lsn = pg_current_wal_lsn() - '0/0'::pg_lsn where id = $1`, [userId]).catch((error: unknown) => {
      logger?.warn({ err: error, userId }, 'could not record the position of a committed write; reads may lag once');
    });
  };
  const anonymous: Store = { ...primary, wroteFor: recordWrite };
  return {
    storeFor(userId, lastWriteLsn) {
      if (userId === null) return anonymous;
      const replica = replicas.pick(lastWriteLsn ?? 0);
      return {
        ...primary,
        db: replica ? replica.db : primary.db,
        async transaction(fn) {
          const result = await primary.transaction(fn);
          await recordWrite(userId);
          return result;
        },
        wroteFor: recordWrite,
      };
    },
  };
}

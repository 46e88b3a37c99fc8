// A real lock conflict on PostgreSQL: `holder` takes an ACCESS EXCLUSIVE lock on exercises in an
// open transaction, and `waiter`'s count of exercises waits behind it.
import pg from 'pg';

export interface LockConflict {
  holderPid: number;
  waiterPid: number;
  holder: pg.Client;
  /** the waiter's query: resolves once the holder's lock goes */
  blocked: Promise<pg.QueryResult>;
  end(): Promise<void>;
}

export async function holdExercisesLock(url: string, name: string): Promise<LockConflict> {
  const holder = new pg.Client({ connectionString: url, application_name: `${name}-holder` });
  const waiter = new pg.Client({ connectionString: url, application_name: `${name}-waiter` });
  await holder.connect();
  await waiter.connect();
  holder.on('error', () => {}); // a terminated holder reports its end
  const pid = async (client: pg.Client) => (await client.query('select pg_backend_pid() as pid')).rows[0].pid as number;
  const [holderPid, waiterPid] = [await pid(holder), await pid(waiter)];
  await holder.query('begin');
  await holder.query('lock table exercises in access exclusive mode');
  const blocked = waiter.query('select count(*) from exercises');
  return {
    holderPid,
    waiterPid,
    holder,
    blocked,
    end: async () => {
      await waiter.end();
      await holder.end().catch(() => {});
    },
  };
}

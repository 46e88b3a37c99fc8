// What the dashboard's pages share: the traffic-light status of a check, and the small queries
// several pages ask (is pg_stat_statements there, the activity counters).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';

/** green: fine; amber: look at it soon; red: act now; n/a: the check does not apply here. */
export const lightSchema = z.enum(['green', 'amber', 'red', 'n/a']).describe('green: fine; amber: look at it soon; red: act now; n/a: does not apply here');
export type Light = z.infer<typeof lightSchema>;

export const dialectSchema = z.enum(['sqlite', 'postgres']);

export { statementsState, type StatementsState } from '../measure/server.js';

/** Rows of attempts and users, and learners active in the last 24 hours: the product at a glance. */
export async function activityCounters(database: Database) {
  const since = new Date(Date.now() - 86_400_000);
  const sinceParam = database.dialect === 'postgres' ? since.toISOString() : since.getTime();
  const [row] = await database.query<{ attempts: number; users: number; active_24h: number }>(sql`
    select (select count(*) from attempts) as attempts, (select count(*) from users) as users,
           (select count(distinct user_id) from attempts where created_at >= ${sinceParam}) as active_24h`);
  return { attempts: Number(row.attempts), users: Number(row.users), active_24h: Number(row.active_24h) };
}

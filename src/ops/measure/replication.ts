// Replica lag: the replicas this app reads from as its router sees them (DATABASE_REPLICA_URLS),
// else what the server itself says (a standby's replay delay, or the primary's pg_stat_replication).
import { sql } from 'drizzle-orm';
import type { PostgresDatabase } from '../../db/client.js';
import type { ReplicaStatus } from '../../db/replicas.js';

export type ReplicationState =
  | { source: 'router'; replicas: ReplicaStatus[] }
  | { source: 'standby'; lag_seconds: number }
  | { source: 'primary'; replicas: { name: string; lag_seconds: number }[] };

export async function replication(database: PostgresDatabase): Promise<ReplicationState> {
  if (database.replicas) {
    await database.replicas.check(); // measured now, not at the last interval
    return { source: 'router', replicas: database.replicas.statuses() };
  }
  const [recovery] = await database.query<{ standby: boolean; lag: number | null }>(sql`
    select pg_is_in_recovery() as standby,
           case when pg_is_in_recovery() then extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8 end as lag`);
  if (recovery.standby) return { source: 'standby', lag_seconds: Number(recovery.lag ?? 0) };
  const rows = await database.query<{ name: string; lag: number | null }>(sql`
    select coalesce(application_name, client_addr::text) as name, extract(epoch from replay_lag)::float8 as lag from pg_stat_replication`);
  return { source: 'primary', replicas: rows.map((r) => ({ name: r.name, lag_seconds: Number(r.lag ?? 0) })) };
}

// Read replicas (PostgreSQL streaming standbys, DATABASE_REPLICA_URLS). A monitor checks each one
// every REPLICA_CHECK_INTERVAL_MS: how far it has replayed the primary's WAL, and so how stale it
// is. Reads may go to a replica that is up and at most REPLICA_MAX_LAG_SECONDS behind; a user's
// reads go only to one that has replayed their last write (src/db/read-routing.ts). A replica that
// fails a read is marked down and the read goes to the primary: the caller never sees it.
import type pg from 'pg';
import { connectionLost } from './pg-pool.js';

export type ReplicaState = 'unknown' | 'streaming' | 'lagging' | 'down';

export interface ReplicaStatus {
  /** host:port/database, no credentials */
  name: string;
  state: ReplicaState;
  /** seconds since the primary wrote the oldest WAL this replica has not replayed; 0 when caught up */
  lag_seconds: number | null;
  checked_at: string | null;
  /** why it is down or lagging */
  reason?: string;
}

/** `Db`: the query builder reads are made with (AppDb; a parameter so this file stays below database.ts). */
export interface Replica<Db> {
  readonly name: string;
  readonly pool: pg.Pool;
  readonly db: Db;
  status: ReplicaStatus;
  /** a query on the replica itself, never sent to the primary (the monitor's) */
  readonly probe: pg.Pool['query'];
  /** the WAL position it had replayed at the last check (bytes) */
  replayedLsn: number;
}

export interface ReplicaSetOptions<Db> {
  primary: pg.Pool;
  urls: string[];
  maxLagSeconds: number;
  checkIntervalMs: number;
  openPool(url: string): pg.Pool;
  openDb(pool: pg.Pool): Db;
  logger?: { warn(object: object, message: string): void; info?(object: object, message: string): void };
}

/** Errors after which a read is sent to the primary instead: the replica is gone or cancelled the read. */
function replicaUnusable(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  if (connectionLost(error)) return true;
  // refused, unknown host, timeouts; 40001: cancelled by a conflict with recovery; 57P03: starting up
  return (
    ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', '40001', '57P03', '08006', '08001'].includes(code ?? '') ||
    /timeout/i.test(String((error as Error)?.message))
  );
}

export function replicaName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

export class ReplicaSet<Db> {
  readonly replicas: Replica<Db>[];
  /** primary WAL positions and when they were first seen: a replica's lag is the age of the first one it lacks */
  private history: { lsn: number; at: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private turn = 0;
  private checking: Promise<void> | undefined;

  constructor(private readonly options: ReplicaSetOptions<Db>) {
    this.replicas = options.urls.map((url) => {
      const pool = options.openPool(url);
      pool.on('error', () => {}); // an idle replica connection lost: the next check or read finds out
      const replica: Replica<Db> = {
        name: replicaName(url),
        pool,
        probe: pool.query.bind(pool),
        db: undefined as Db,
        status: { name: replicaName(url), state: 'unknown', lag_seconds: null, checked_at: null },
        replayedLsn: -1,
      };
      readsFallBackToPrimary(replica, options.primary, (error) => this.markDown(replica, error));
      (replica as { db: Db }).db = options.openDb(pool);
      return replica;
    });
  }

  /** Checks now, then every interval. */
  start(): Promise<void> {
    this.timer ??= setInterval(() => void this.check(), this.options.checkIntervalMs);
    this.timer.unref();
    return this.check();
  }

  /** One round of checks (overlapping calls share it). */
  check(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** A replica that is within the lag limit and has replayed `minLsn`, in turn; null: use the primary. */
  pick(minLsn: number): Replica<Db> | null {
    const count = this.replicas.length;
    for (let i = 0; i < count; i++) {
      const replica = this.replicas[(this.turn + i) % count];
      if (replica.status.state === 'streaming' && replica.replayedLsn >= minLsn) {
        this.turn = (this.turn + i + 1) % count;
        return replica;
      }
    }
    return null;
  }

  statuses(): ReplicaStatus[] {
    return this.replicas.map((replica) => ({ ...replica.status }));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.checking?.catch(() => {});
    await Promise.all(this.replicas.map((replica) => replica.pool.end().catch(() => {})));
  }

  private markDown(replica: Replica<Db>, error: unknown): void {
    if (replica.status.state !== 'down') this.options.logger?.warn({ err: error, replica: replica.name }, 'read replica unusable: reads go to the primary');
    replica.status = { ...replica.status, state: 'down', reason: (error as Error)?.message ?? String(error) };
  }

  private async checkAll(): Promise<void> {
    let primaryLsn: number;
    try {
      const { rows } = await this.options.primary.query<{ lsn: number }>(`select pg_current_wal_lsn() - '0/0'::pg_lsn as lsn`);
      primaryLsn = Number(rows[0].lsn);
    } catch {
      return; // the primary is unreachable: health says so; keep the last states
    }
    const now = Date.now();
    if (this.history.length === 0 || primaryLsn > this.history[this.history.length - 1].lsn) this.history.push({ lsn: primaryLsn, at: now });
    await Promise.all(this.replicas.map((replica) => this.checkOne(replica, now)));
    this.prune();
  }

  private async checkOne(replica: Replica<Db>, now: number): Promise<void> {
    const checked_at = new Date(now).toISOString();
    try {
      const { rows } = await replica.probe<{ recovery: boolean; lsn: number | null; replay_age: number | null }>(
        `select pg_is_in_recovery() as recovery, pg_last_wal_replay_lsn() - '0/0'::pg_lsn as lsn,
                extract(epoch from now() - pg_last_xact_replay_timestamp()) as replay_age`,
      );
      const { recovery, lsn, replay_age } = rows[0];
      if (!recovery) throw new Error('not a standby (was it promoted?): it no longer follows the primary');
      if (lsn === null) throw new Error('has replayed no WAL yet');
      const lag = this.lagOf(Number(lsn), now, replay_age === null ? null : Number(replay_age));
      const wasUsable = replica.status.state === 'streaming';
      replica.replayedLsn = Number(lsn);
      replica.status =
        lag <= this.options.maxLagSeconds
          ? { name: replica.name, state: 'streaming', lag_seconds: lag, checked_at }
          : { name: replica.name, state: 'lagging', lag_seconds: lag, checked_at, reason: `more than ${this.options.maxLagSeconds} s behind the primary` };
      if (wasUsable !== (replica.status.state === 'streaming')) {
        this.options.logger?.info?.({ replica: replica.name, state: replica.status.state, lag_seconds: lag }, 'read replica state changed');
      }
    } catch (error) {
      this.markDown(replica, error);
      replica.status.checked_at = checked_at;
      replica.status.lag_seconds = null;
    }
  }

  /** Seconds since the primary first showed WAL the replica lacks; 0 when it has everything seen. */
  private lagOf(replayedLsn: number, now: number, replayAge: number | null): number {
    const first = this.history.find((entry) => entry.lsn > replayedLsn);
    if (!first) return 0;
    const seen = (now - first.at) / 1000;
    // behind even the oldest position kept (at start): it may be older still, as its last replayed transaction says
    const lag = first === this.history[0] && replayAge !== null ? Math.max(seen, replayAge) : seen;
    return Math.round(lag * 1000) / 1000;
  }

  /** Forgets positions every usable replica has replayed (keeps the latest), and anything past 10,000. */
  private prune(): void {
    const usable = this.replicas.filter((replica) => replica.status.state !== 'down');
    if (usable.length > 0) {
      const slowest = Math.min(...usable.map((replica) => replica.replayedLsn));
      while (this.history.length > 1 && this.history[1].lsn <= slowest) this.history.shift();
    }
    if (this.history.length > 10_000) this.history.splice(0, this.history.length - 10_000);
  }
}

/** The replica pool's query: a read it cannot serve goes to the primary (and the replica is marked down). */
function readsFallBackToPrimary(replica: Replica<unknown>, primary: pg.Pool, markDown: (error: unknown) => void): void {
  const onReplica = replica.pool.query.bind(replica.pool) as (...args: unknown[]) => Promise<unknown>;
  const onPrimary = primary.query.bind(primary) as (...args: unknown[]) => Promise<unknown>;
  replica.pool.query = ((...args: unknown[]) =>
    onReplica(...args).catch((error: unknown) => {
      if (!replicaUnusable(error)) throw error;
      markDown(error);
      return onPrimary(...args);
    })) as typeof replica.pool.query;
}

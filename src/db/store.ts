// The one object services receive: reads on a builder that cannot write (the SQLite read
// connection is read-only), writes only inside transaction(), only what both dialects offer.
import type { AppDb, Database, Dialect, Tables } from './client.js';
import { viewCountsOf, type ViewedTable } from './view-counts.js';

/**
 * The builder methods both dialects have. Left out: `execute` (takes different things),
 * `selectDistinctOn` and `refreshMaterializedView` (PostgreSQL only), `with` (its CTE builder
 * writes too). `.for()` on a select and the `ilike` operator are PostgreSQL-only as well but
 * cannot be typed away: test/architecture.test.ts keeps them out of the modules.
 */
type PortableMethod = 'select' | 'selectDistinct' | '$count' | '$with' | 'insert' | 'update' | 'delete';

/** Inside transaction(): reads and writes. */
export type Writer = Pick<AppDb, PortableMethod>;
/** Outside a transaction: reads only. */
export type Reader = Pick<AppDb, Exclude<PortableMethod, 'insert' | 'update' | 'delete'>>;

/** What a read needs, in one object: a Store and a Tx both are one. */
export interface Reads {
  readonly db: Reader;
  readonly tables: Tables;
}

/** The transaction's object: the same tables, a builder that writes. */
export interface Tx extends Reads {
  readonly db: Writer;
}

export interface Store extends Reads {
  readonly dialect: Dialect;
  /**
   * Reads on the primary, whatever serves `db`: for what a stale copy must never decide, the
   * credentials above all (a replica may not have replayed a password change yet).
   */
  readonly primary: Reads;
  /** Commits when `fn` resolves, rolls back when it rejects (see Database.transaction). Do not nest. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Counts a view off the request path (src/db/view-counts.ts); returns the views of this row not yet written. */
  countView(table: ViewedTable, id: number): number;
  /**
   * After a write made for a user outside their own request (their sign-up): their next reads
   * wait for a replica that has it (src/db/read-routing.ts). Nothing without replicas.
   */
  wroteFor(userId: number): Promise<void>;
}

/** The Store reading from the primary; read-routing.ts makes it once and derives each request's `request.store` from it. */
export function storeOf(database: Database): Store {
  const { dialect, db, tables } = database;
  return {
    dialect,
    db,
    tables,
    primary: { db, tables },
    transaction: (fn) => database.transaction((tx) => fn({ db: tx, tables })),
    countView: (table, id) => {
      const counter = viewCountsOf(database);
      counter.count(table, id);
      return counter.pendingFor(table, id);
    },
    wroteFor: async () => {},
  };
}

/**
 * Runs a prepared query (src/db/prepared.ts) on this object's builder: `runPrepared(store, query,
 * …its variant and values)`. A query that writes must be given a Tx.
 */
export function runPrepared<A extends unknown[], R>(on: Reads, query: (db: AppDb, tables: Tables, ...args: A) => R, ...args: A): R {
  return query(on.db as AppDb, on.tables, ...args);
}

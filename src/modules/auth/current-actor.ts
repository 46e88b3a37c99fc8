// The per-request account check that makes revocation immediate: the user's row and the token's
// session now (one prepared statement on the primary, both read by primary key, no cache) decide;
// deleted, deactivated, a token older than token_version or of an ended session → refused, role as
// stored. It also reads where the user's last write is (src/db/read-routing.ts) and, in the same
// statement, the catalogue versions the ETags are made of (src/plugins/conditional.ts).
//
// A route may read its row in that same statement (`config: { readWithAccountCheck }`): one
// statement per request instead of two, one round trip on PostgreSQL. Remembering the check on
// SQLite until the next commit (`PRAGMA data_version`) was measured and left out: asking SQLite
// whether anything was committed costs about as much as a small read (3.7 µs against 11 µs for
// the check), and under attempts, which commit all the time, every request would ask and miss.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { catalogueVersionColumns, type CatalogueVersions } from '../../db/catalogue-versions.js';
import type { Tables } from '../../db/client.js';
import { preparedQuery } from '../../db/prepared.js';
import { runPrepared, type Reader, type Reads } from '../../db/store.js';
import type { Actor } from './actor.js';

export interface SignedIn {
  actor: Actor;
  lastWriteLsn: number | null;
  /** as the primary has them now */
  catalogueVersions: CatalogueVersions;
}

/** The account's columns, named apart from those of a row read with them. */
function accountColumns(tables: Tables) {
  const { users } = tables;
  const versions = catalogueVersionColumns(tables);
  return {
    account_id: users.id,
    account_role: users.role,
    account_username: users.username,
    account_is_active: users.is_active,
    account_token_version: users.token_version,
    account_last_write_lsn: users.last_write_lsn,
    account_exercises_version: versions.exercises_version,
    account_challenges_version: versions.challenges_version,
    account_catalogue_version: versions.catalogue_version,
  };
}
interface AccountRow {
  account_id: number;
  account_role: Actor['role'];
  account_username: string;
  account_is_active: boolean;
  account_token_version: number;
  account_last_write_lsn: number | null;
  account_exercises_version: number;
  account_challenges_version: number;
  account_catalogue_version: number;
}

/** A row a route reads in the account check's statement: its table, joined (LEFT) on `on`, and its columns. */
interface JoinedRead {
  table: Tables[keyof Tables];
  on: SQL;
  columns: Record<string, unknown>;
}

function accountCheck(db: Reader, tables: Tables, joined?: JoinedRead) {
  const { users, sessions } = tables;
  const query = db
    .select({ ...accountColumns(tables), ...joined?.columns } as ReturnType<typeof accountColumns>)
    .from(users)
    // no row when the session is someone else's, ended or gone (purged): the token is refused
    .innerJoin(sessions, and(eq(sessions.id, sql.placeholder('session_id')), eq(sessions.user_id, users.id), isNull(sessions.ended_at)))
    .$dynamic();
  return (joined ? query.leftJoin(joined.table, joined.on) : query).where(eq(users.id, sql.placeholder('user_id'))).limit(1);
}

/** One prepared statement: it runs on every authenticated request (building it each time cost half the request). */
export const accountCheckQuery = preparedQuery('account_check', (db, tables) => accountCheck(db, tables));

/**
 * A route's row read with the account check (route option `readWithAccountCheck`). The joined
 * read's placeholders may use `user_id`, the signed-in user. `valuesOf` takes its values from the
 * path as the router gave it (before validation): null when it cannot, and the route reads alone.
 */
export interface ReadWithAccountCheck<R = Record<string, unknown>> {
  run(primary: Reads, values: Record<string, unknown>): Promise<(AccountRow & Record<string, unknown>)[]>;
  valuesOf(params: Record<string, string | undefined>): Record<string, unknown> | null;
  /** the route's row out of the joined one; null when the LEFT JOIN found none */
  rowOf(joined: Record<string, unknown>, tables: Tables): R | null;
}

export function readWithAccountCheck<R>(
  name: string,
  join: (tables: Tables) => JoinedRead,
  valuesOf: ReadWithAccountCheck['valuesOf'],
): ReadWithAccountCheck<R> {
  const query = preparedQuery(name, (db, tables) => accountCheck(db, tables, join(tables)));
  const columnsByTables = new WeakMap<Tables, string[]>();
  return {
    run: (primary, values) => runPrepared(primary, query, values) as Promise<(AccountRow & Record<string, unknown>)[]>,
    valuesOf,
    rowOf(joined, tables) {
      let columns = columnsByTables.get(tables);
      if (!columns) columnsByTables.set(tables, (columns = Object.keys(join(tables).columns)));
      const row: Record<string, unknown> = {};
      for (const column of columns) row[column] = joined[column];
      // every row read this way has an id: a null one is the LEFT JOIN's "none"
      return row.id === null ? null : (row as R);
    },
  };
}

/** What a request's account check found: who (null: refused) and the route's row, when it asked for one. */
export interface AccountCheck {
  signedIn: SignedIn | null;
  /** the route's row (null: none) when read with the check; absent when the route reads it itself */
  read?: { values: Record<string, unknown>; row: unknown };
}

export async function currentActor(
  primary: Reads,
  claims: { userId: number; tokenVersion: number; sessionId: number },
  withRead?: { read: ReadWithAccountCheck; values: Record<string, unknown> },
): Promise<AccountCheck> {
  const keys = { user_id: claims.userId, session_id: claims.sessionId };
  let account: AccountRow | undefined;
  let read: AccountCheck['read'];
  if (withRead) {
    const [joined] = await withRead.read.run(primary, { ...withRead.values, ...keys });
    account = joined;
    if (joined) read = { values: withRead.values, row: withRead.read.rowOf(joined, primary.tables) };
  } else {
    [account] = await runPrepared(primary, accountCheckQuery, keys);
  }
  if (!account || !account.account_is_active || account.account_token_version !== claims.tokenVersion) return { signedIn: null };
  const signedIn: SignedIn = {
    actor: { id: account.account_id, role: account.account_role, username: account.account_username, sessionId: claims.sessionId },
    lastWriteLsn: account.account_last_write_lsn,
    catalogueVersions: {
      exercises: account.account_exercises_version,
      challenges: account.account_challenges_version,
      learner: account.account_catalogue_version,
    },
  };
  return read ? { signedIn, read } : { signedIn };
}

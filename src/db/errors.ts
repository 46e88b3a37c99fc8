// What kind of database failure an error is, on either driver, so the error plugin can answer
// 409/400/503 instead of 500. drizzle wraps driver errors; the original is on `.cause`.

export type DatabaseFailure = 'unique' | 'foreign_key' | 'check' | 'not_null' | 'invalid_input' | 'unavailable';

const PG_CODES: Record<string, DatabaseFailure> = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23514': 'check',
  '23502': 'not_null',
  '57P01': 'unavailable', // admin_shutdown
  '57P02': 'unavailable', // crash_shutdown
  '57P03': 'unavailable', // cannot_connect_now
  '57014': 'unavailable', // query_canceled (statement_timeout)
  '57P04': 'unavailable', // database_dropped
  '57P05': 'unavailable', // idle_session_timeout
  '55P03': 'unavailable', // lock_not_available (lock_timeout)
  '25P03': 'unavailable', // idle_in_transaction_session_timeout
  // Transient conflicts between concurrent transactions: nothing was written, a retry can succeed.
  '40001': 'unavailable', // serialization_failure
  '40P01': 'unavailable', // deadlock_detected
};

// Class 22, data exceptions: a value the statement was given does not fit its column or type
// (22003 numeric_value_out_of_range for an id past integer, 22021 character_not_in_repertoire for
// a NUL in text, 22P02 invalid_text_representation, 22001 string_data_right_truncation, 22007/
// 22008 bad dates…). Every value our statements carry comes from the request, so the whole class
// is the client's error (400); the HTTP schemas refuse these inputs first on both dialects.
const PG_INPUT_CLASS = '22';

// Class 53, insufficient resources: too many connections, out of memory, disk full.
const PG_UNAVAILABLE_CLASSES = ['08', '53'];

const SQLITE_CODES: Record<string, DatabaseFailure> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
  SQLITE_BUSY: 'unavailable',
  SQLITE_BUSY_TIMEOUT: 'unavailable',
  SQLITE_LOCKED: 'unavailable',
  SQLITE_FULL: 'unavailable',
  SQLITE_CANTOPEN: 'unavailable',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect', // pg-pool: no free connection within connectionTimeoutMillis
  'Connection terminated', // pg: server went away mid-query, or connect timed out
  'Query read timeout', // pg: query_timeout
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end',
  'database is closed', // ours, on SQLite after close()
  'The database connection is not open', // better-sqlite3 after close()
];

export function classifyDatabaseError(error: unknown): DatabaseFailure | null {
  if (diagnoseConnectionFailure(error)) return 'unavailable';
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const e: { code?: unknown; message?: unknown; cause?: unknown } = current;
    const code = typeof e.code === 'string' ? e.code : '';
    if (PG_CODES[code]) return PG_CODES[code];
    if (/^[0-9A-Z]{5}$/.test(code) && PG_UNAVAILABLE_CLASSES.includes(code.slice(0, 2))) return 'unavailable';
    if (/^[0-9A-Z]{5}$/.test(code) && code.startsWith(PG_INPUT_CLASS)) return 'invalid_input';
    if (SQLITE_CODES[code]) return SQLITE_CODES[code];
    if (NETWORK_CODES.has(code) || code.startsWith('SQLITE_IOERR')) return 'unavailable';
    // drizzle's wrapper quotes the SQL and its parameters (user input) in its message: only its cause counts.
    const isQueryWrapper = 'query' in e && 'params' in e;
    const message = typeof e.message === 'string' && !isQueryWrapper ? e.message : '';
    if (UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return 'unavailable';
    current = e.cause;
  }
  return null;
}

export interface ConnectionDiagnosis {
  cause: string;
  fix: string;
}

// The guide's troubleshooting: why a connection to PostgreSQL fails, and what to check.
const CHECK_VARIABLES = 'check DATABASE_URL (vérifier les variables d\'environnement), then try it with `psql "$DATABASE_URL"` (psql -h HOST -U USER -d DB)';

/**
 * Names the cause and the fix of a failure to reach the database (wrong password, unknown database,
 * refused connection, SSL mismatch); null for any other error. Such errors answer 503.
 */
export function diagnoseConnectionFailure(error: unknown): ConnectionDiagnosis | null {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const e: { code?: unknown; message?: unknown; cause?: unknown } = current;
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (code === '28P01' || code === '28000')
      return { cause: `authentication failed (${code}): wrong user or password, or no pg_hba.conf entry for this client`, fix: CHECK_VARIABLES };
    if (code === '3D000')
      return { cause: `the database does not exist (3D000): ${message}`, fix: `create it (createdb) or correct the database name; ${CHECK_VARIABLES}` };
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH')
      return { cause: `no PostgreSQL server answers (${code}): ${message}`, fix: `start the server or correct the host and port; ${CHECK_VARIABLES}` };
    if (/does not support SSL|SSL connection is required|no encryption|self[- ]signed certificate|certificate|SSL off/i.test(message))
      return {
        cause: `SSL mismatch: ${message}`,
        fix: 'match sslmode in DATABASE_URL to the server: ?sslmode=require for a hosted database (Render external URL), no sslmode for a local or private-network one',
      };
    current = e.cause;
  }
  return null;
}

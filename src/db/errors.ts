// What kind of database failure an error is, on either driver, so the error plugin can answer
// 409/400/503 instead of 500. drizzle wraps driver errors; the original is on `.cause`.

export type DatabaseFailure = 'unique' | 'foreign_key' | 'check' | 'not_null' | 'unavailable';

const PG_CODES: Record<string, DatabaseFailure> = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23514': 'check',
  '23502': 'not_null',
  '57P01': 'unavailable', // admin_shutdown
  '57P02': 'unavailable', // crash_shutdown
  '57P03': 'unavailable', // cannot_connect_now
  '57014': 'unavailable', // query_canceled (statement_timeout)
  '53300': 'unavailable', // too_many_connections
};

const SQLITE_CODES: Record<string, DatabaseFailure> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
  SQLITE_BUSY: 'unavailable',
  SQLITE_BUSY_TIMEOUT: 'unavailable',
  SQLITE_LOCKED: 'unavailable',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'database is closed',
];

export function classifyDatabaseError(error: unknown): DatabaseFailure | null {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    const code = typeof e.code === 'string' ? e.code : '';
    if (PG_CODES[code]) return PG_CODES[code];
    if (code.startsWith('08')) return 'unavailable'; // connection_exception class
    if (SQLITE_CODES[code]) return SQLITE_CODES[code];
    if (NETWORK_CODES.has(code)) return 'unavailable';
    const message = typeof e.message === 'string' ? e.message : '';
    if (UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return 'unavailable';
    current = e.cause;
  }
  return null;
}

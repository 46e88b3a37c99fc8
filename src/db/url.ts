// Which database a DATABASE_URL names. SQLite: `sqlite:PATH`, `sqlite://PATH`, `file:PATH` or a
// bare path ending in .db/.sqlite/.sqlite3; PostgreSQL: `postgres://` or `postgresql://`.
import path from 'node:path';

export type DatabaseTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

export const DEFAULT_SQLITE_PATH = './data/mathakine.db';

export function parseDatabaseUrl(raw: string): DatabaseTarget | null {
  const value = raw.trim();
  if (/^postgres(ql)?:\/\//i.test(value)) return { dialect: 'postgres', url: value };
  const prefixed = /^(sqlite|file):(\/\/)?(.+)$/i.exec(value);
  if (prefixed) return { dialect: 'sqlite', path: prefixed[3] };
  if (/\.(db|sqlite|sqlite3)$/i.test(value) && !value.includes('://')) return { dialect: 'sqlite', path: value };
  return null;
}

/** The URL of database `name` on the PostgreSQL server of `url` (same host, role and parameters). */
export function postgresUrlFor(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.dialect === 'sqlite') return `SQLite ${path.resolve(target.path)}`;
  const url = new URL(target.url);
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

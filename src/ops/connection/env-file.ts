// `mathakine db use sqlite|postgres` (the original guide's toggle_database): rewrite DATABASE_URL
// in .env and keep every other line, comment, blank line and line ending exactly as it was.
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';
import { DEFAULT_SQLITE_PATH, describeTarget, parseDatabaseUrl } from '../../db/url.js';

export const useDatabaseResultSchema = z.object({
  env_file: z.string(),
  created: z.boolean().describe('the .env file did not exist and was created'),
  previous: z.string().nullable().describe('the previous DATABASE_URL, password masked'),
  database_url: z.string().describe('the new DATABASE_URL, password masked'),
  database: z.string(),
  overridden_by_environment: z.boolean().describe('a DATABASE_URL environment variable still wins over .env'),
});
export type UseDatabaseResult = z.infer<typeof useDatabaseResultSchema>;

// dotenv's assignment syntax: optional `export`, the name, `=` (spaces allowed around it).
const assignment = (name: string) => new RegExp(String.raw`^(\s*(?:export\s+)?${name}\s*=).*$`);

/** dotenv reads an unquoted value up to a `#`; quote when the value needs it. */
function envValue(value: string): string {
  if (/^[\w./:@%?&=+,~-]*$/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `content` with every assignment of `name` set to `value` (appended when there is none). */
export function setEnvValue(content: string, name: string, value: string): string {
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const lines = content.split(/\r?\n/);
  const pattern = assignment(name);
  let found = false;
  const updated = lines.map((line) => {
    const match = pattern.exec(line);
    if (!match) return line;
    found = true;
    return `${match[1]}${envValue(value)}`;
  });
  if (found) return updated.join(eol);
  // append, keeping the file's final newline (or giving it one)
  const body = content === '' || content.endsWith('\n') ? content : content + eol;
  return `${body}${name}=${envValue(value)}${eol}`;
}

export function readEnvValue(content: string, name: string): string | undefined {
  return dotenv.parse(content)[name];
}

/** The URL with its password replaced by `***`, for display. */
export function maskPassword(url: string): string {
  if (!/^postgres(ql)?:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/** The seed guide's variables: POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_HOST, POSTGRES_PORT, POSTGRES_DB. */
export function postgresUrlFromVariables(env: Record<string, string | undefined>): string {
  const database = env.POSTGRES_DB;
  if (!database) {
    throw new Error(
      'no PostgreSQL URL: pass --url, or set POSTGRES_DB (and POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_HOST, POSTGRES_PORT) in the environment or .env',
    );
  }
  const user = encodeURIComponent(env.POSTGRES_USER || 'postgres');
  const password = env.POSTGRES_PASSWORD ? `:${encodeURIComponent(env.POSTGRES_PASSWORD)}` : '';
  const host = env.POSTGRES_HOST || 'localhost';
  const port = env.POSTGRES_PORT || '5432';
  return `postgres://${user}${password}@${host}:${port}/${encodeURIComponent(database)}`;
}

export interface UseDatabaseOptions {
  envFile: string;
  /** sqlite: the database file (default ./data/mathakine.db) */
  path?: string;
  /** postgres: the URL (default: from the POSTGRES_* variables) */
  url?: string;
  /** the process environment (POSTGRES_* variables, DATABASE_URL override check) */
  env?: Record<string, string | undefined>;
}

export function useDatabase(kind: 'sqlite' | 'postgres', options: UseDatabaseOptions): UseDatabaseResult {
  const envFile = path.resolve(options.envFile);
  const exists = fs.existsSync(envFile);
  const content = exists ? fs.readFileSync(envFile, 'utf8') : '';
  const environment = options.env ?? process.env;

  let url: string;
  if (kind === 'sqlite') {
    url = `sqlite:${options.path ?? DEFAULT_SQLITE_PATH}`;
  } else {
    // the file's POSTGRES_* values, under the real environment's (as for every setting)
    url = options.url ?? postgresUrlFromVariables({ ...dotenv.parse(content), ...environment });
  }
  const target = parseDatabaseUrl(url);
  if (!target || target.dialect !== kind) throw new Error(`not a ${kind === 'sqlite' ? 'SQLite path' : 'postgres:// URL'}: ${maskPassword(url)}`);

  const previous = readEnvValue(content, 'DATABASE_URL');
  fs.mkdirSync(path.dirname(envFile), { recursive: true });
  fs.writeFileSync(envFile, setEnvValue(content, 'DATABASE_URL', url));
  return {
    env_file: envFile,
    created: !exists,
    previous: previous === undefined ? null : maskPassword(previous),
    database_url: maskPassword(url),
    database: describeTarget(target),
    overridden_by_environment: Boolean(environment.DATABASE_URL) && environment.DATABASE_URL !== url,
  };
}

/** Where the effective DATABASE_URL comes from (real environment variables win over .env). */
export function databaseUrlSource(envFile: string, env: Record<string, string | undefined> = process.env): 'environment' | '.env' | 'default' {
  if (env.DATABASE_URL) return 'environment';
  if (fs.existsSync(envFile) && readEnvValue(fs.readFileSync(envFile, 'utf8'), 'DATABASE_URL')) return '.env';
  return 'default';
}

/** The report for people (the CLI without --json). */
export function formatUseDatabase(r: UseDatabaseResult): string {
  return [
    `${r.created ? 'created' : 'updated'} ${r.env_file}`,
    `DATABASE_URL: ${r.previous ?? '(unset)'} -> ${r.database_url}`,
    `now using ${r.database}`,
    ...(r.overridden_by_environment ? ['note: a DATABASE_URL environment variable is set and still takes precedence over .env'] : []),
  ].join('\n');
}

// Running PostgreSQL's client programs (pg_dump, pg_restore, psql). The connection goes through libpq's
// PG* environment variables, never the command line, so the password shows up in no process
// list and no message of ours.
import { spawn } from 'node:child_process';

export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

export class PgToolMissingError extends Error {
  constructor(readonly tool: PgTool) {
    super(
      `${tool} was not found on PATH. Install the PostgreSQL client tools, at least the server's major version ` +
        '(Debian/Ubuntu: apt-get install postgresql-client; macOS: brew install libpq; Docker: add postgresql-client to the image).',
    );
    this.name = 'PgToolMissingError';
  }
}

// URL query parameters that libpq also reads from the environment.
const QUERY_TO_ENV: Record<string, string> = {
  host: 'PGHOST', // ?host=/var/run/postgresql: a Unix socket
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  options: 'PGOPTIONS',
};

/** libpq environment for a postgres:// URL (`ssl=true` means sslmode=require, as in src/db/client.ts). */
export function libpqEnvironment(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {
    PGHOST: decodeURIComponent(u.hostname.replace(/^\[(.*)\]$/, '$1')) || 'localhost',
    PGPORT: u.port || '5432',
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    PGAPPNAME: 'mathakine-cli',
  };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  for (const [param, name] of Object.entries(QUERY_TO_ENV)) {
    const value = u.searchParams.get(param);
    if (value) env[name] = value;
  }
  if (!env.PGSSLMODE && u.searchParams.get('ssl') === 'true') env.PGSSLMODE = 'require';
  return env;
}

export interface PgToolResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs `tool args`, connected to `url` when given. Resolves with its output when it exits 0;
 * rejects with its last stderr lines otherwise. `onStderrLine` sees each line as it comes
 * (pg_dump --verbose).
 */
export function runPgTool(
  tool: PgTool,
  args: string[],
  { url, onStderrLine }: { url?: string; onStderrLine?: (line: string) => void } = {},
): Promise<PgToolResult> {
  // Variables from the caller's environment that would override the URL are dropped first.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...inherited, ...(url ? libpqEnvironment(url) : {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onStderrLine?.(line.trim());
    });
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new PgToolMissingError(tool) : error));
    child.on('close', (code) => {
      if (code === 0) return resolve({ stdout, stderr });
      const tail = stderr.trim().split('\n').slice(-5).join('\n');
      reject(new Error(`${tool} exited with code ${code}${tail ? `: ${tail}` : ''}`));
    });
  });
}

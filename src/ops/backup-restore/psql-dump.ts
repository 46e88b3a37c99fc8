// A plain SQL dump is data, never a script: the one way this project feeds a dump to psql (`db restore
// FILE.sql`, `db import FILE.sql[.gz]`). psql obeys backslash commands (`\!` runs a shell with our
// environment, `\o |cmd`, `\copy … to program`, `\connect`, `\i`), so the stream starts restricted
// (`\restrict <random key>`, psql ≥ 15.14 / 17.6): every meta-command, whatever its spacing or place
// on the line, then fails, and ON_ERROR_STOP rolls the single transaction back. pg_dump ≥ 17.6 writes
// its own `\restrict KEY` … `\unrestrict KEY` pair: those two lines (outside COPY data) become blank
// lines, so psql's line numbers stay the dump's.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Transform, type Readable, type TransformCallback, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import pg from 'pg';
import { postgresConnectionConfig } from '../../db/client.js';
import { libpqEnvironment, PgToolMissingError } from './pg-tools.js';

/** The dump failed at a line psql named (or psql could not run it); `rolledBack` says whether the database is as it was. */
export class DumpFailedError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
    readonly rolledBack: boolean,
  ) {
    super(message);
    this.name = 'DumpFailedError';
  }
}

/** The dump is refused before anything of it runs. */
export class DumpRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DumpRefusedError';
  }
}

// pg_dump's own pair: the key is alphanumeric (psql refuses anything else).
const DUMP_RESTRICT_LINE = /^\\(?:un)?restrict [A-Za-z0-9]+\r?$/;
const COPY_FROM_STDIN = /^COPY .* FROM stdin;\r?$/;

/**
 * A plain dump, line by line: each statement line becomes what `statement` makes of it (a blank line
 * to drop it, so psql's line numbers stay the dump's); COPY data passes untouched. Characters cut
 * between two chunks are decoded whole (a dump's text is UTF-8).
 */
export abstract class DumpLineFilter extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private inCopy = false;

  protected abstract statement(line: string): string;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const lines = (this.pending + this.decoder.write(chunk)).split('\n');
    this.pending = lines.pop()!;
    if (lines.length > 0) this.push(lines.map((line) => `${this.line(line)}\n`).join(''));
    done();
  }

  override _flush(done: TransformCallback): void {
    const last = this.pending + this.decoder.end();
    if (last) this.push(this.line(last));
    done();
  }

  private line(line: string): string {
    if (this.inCopy) {
      if (line === '\\.' || line === '\\.\r') this.inCopy = false;
      return line;
    }
    if (COPY_FROM_STDIN.test(line)) {
      this.inCopy = true;
      return line;
    }
    return this.statement(line);
  }
}

/**
 * Blanks pg_dump's own `\restrict` / `\unrestrict` lines (only those exact forms, outside COPY data);
 * every other line passes as it is, so any other meta-command reaches psql and fails there.
 */
export class DumpRestrictLines extends DumpLineFilter {
  protected statement(line: string): string {
    return DUMP_RESTRICT_LINE.test(line) ? '' : line;
  }
}

/**
 * What the role of `url` may do outside its database, as reasons a dump must not run with it: a
 * superuser (or a member of the server-file / server-program roles) could run programs on the server
 * (`COPY … TO PROGRAM`), read or write its files, and change roles — all beyond the one transaction.
 */
export async function rightsBeyondDatabase(url: string): Promise<string[]> {
  const client = new pg.Client({ ...postgresConnectionConfig(url), application_name: 'mathakine-cli', connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{
      role: string;
      superuser: boolean;
      createrole: boolean;
      program: boolean;
      read_files: boolean;
      write_files: boolean;
    }>(`
      select r.rolname as role, r.rolsuper as superuser, r.rolcreaterole as createrole,
        pg_catalog.pg_has_role(r.oid, 'pg_execute_server_program', 'member') as program,
        pg_catalog.pg_has_role(r.oid, 'pg_read_server_files', 'member') as read_files,
        pg_catalog.pg_has_role(r.oid, 'pg_write_server_files', 'member') as write_files
      from pg_catalog.pg_roles r where r.rolname operator(pg_catalog.=) pg_catalog.current_user()`);
    const [r] = rows;
    if (!r) return [];
    if (r.superuser) return [`${r.role} is a superuser`];
    return [
      ...(r.createrole ? [`${r.role} may create roles`] : []),
      ...(r.program ? [`${r.role} may run programs on the server (pg_execute_server_program)`] : []),
      ...(r.read_files || r.write_files ? [`${r.role} may read or write the server's files`] : []),
    ];
  } finally {
    await client.end().catch(() => {});
  }
}

/** Refuses (DumpRefusedError) unless the role of `url` is confined to its databases, or the operator vouched for the dump. */
export async function ensureConfinedRole(url: string, options: { trustDump?: boolean; fix: string }): Promise<void> {
  if (options.trustDump) return;
  const reasons = await rightsBeyondDatabase(url);
  if (reasons.length === 0) return;
  throw new DumpRefusedError(
    `refusing to run a plain SQL dump as this role: ${reasons.join('; ')}, so the dump's SQL could reach beyond the database ` +
      `(COPY … TO PROGRAM, server files, roles). ${options.fix}, or pass --trust-dump if you know where the dump comes from`,
  );
}

// psql's report of a failing line: "psql:<stdin>:12: error: …" (meta-command) or "psql:<stdin>:12: ERROR:  …" (SQL)
const PSQL_LINE_ERROR = /^psql:[^\n]*?:(\d+): (?:error|ERROR|FATAL): *(.*)$/m;
// an error of the prelude (`--command`) carries no line
const PSQL_ERROR = /^()(?:ERROR|FATAL): *(.*)$/m;

/**
 * Writes the dump, restricted, into psql's input. A read error (a truncated .gz) kills psql before
 * it sees an end of input, which it would take for the end of the dump and commit.
 */
async function feed(input: Readable, child: ChildProcessByStdio<Writable, null, Readable>, exited: Promise<unknown>): Promise<Error | null> {
  const lines = input.pipe(new DumpRestrictLines());
  input.once('error', (error) => lines.destroy(error));
  child.stdin.on('error', () => {}); // EPIPE: psql stopped at an error and reads no more
  try {
    for await (const chunk of lines) {
      if (child.exitCode !== null || child.stdin.destroyed) break;
      if (!child.stdin.write(chunk)) await Promise.race([once(child.stdin, 'drain'), exited]);
    }
    child.stdin.end();
    return null;
  } catch (error) {
    child.kill('SIGKILL');
    return error as Error;
  } finally {
    input.destroy();
    lines.destroy();
  }
}

export interface RunDumpOptions {
  /** SQL run first, in the same transaction */
  prelude?: string;
  /** what the failure messages call the dump (its path) */
  name: string;
}

/**
 * Feeds `input` (a plain SQL dump) to psql connected to `url`, restricted and in ONE transaction
 * with ON_ERROR_STOP. Rejects with DumpFailedError naming the dump's line psql stopped at.
 */
export async function runDumpWithPsql(url: string, input: Readable, options: RunDumpOptions): Promise<void> {
  const key = randomBytes(24).toString('hex');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  const args = ['--no-psqlrc', '--quiet', '--set', 'ON_ERROR_STOP=1', '--single-transaction', '--command', `\\restrict ${key}`];
  if (options.prelude) args.push('--command', options.prelude);
  args.push('--file', '-');
  const child = spawn('psql', args, { env: { ...inherited, ...libpqEnvironment(url) }, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new PgToolMissingError('psql') : error));
    child.on('close', resolve);
  });
  const feedError = await feed(input, child, exited);
  const code = await exited;
  if (feedError) {
    throw new DumpFailedError(
      `could not read the dump ${options.name} (${feedError.message}); nothing was changed in the database (psql was stopped before the end of its input)`,
      null,
      true,
    );
  }
  if (code === 0) return;
  // 2: the connection went bad mid-way (maybe during COMMIT): the outcome is not known
  const error = code === 2 ? null : (PSQL_LINE_ERROR.exec(stderr) ?? PSQL_ERROR.exec(stderr));
  if (error) {
    // ON_ERROR_STOP in --single-transaction: psql leaves without committing
    const line = error[1] === undefined ? null : Number(error[1]);
    throw new DumpFailedError(
      `the dump ${options.name} failed ${line === null ? '' : `at line ${line}`}: ${error[2].trim()}; nothing was changed in the database (one transaction, rolled back)`.replace(
        ' failed :',
        ' failed:',
      ),
      line,
      true,
    );
  }
  const tail = stderr.trim().split('\n').slice(-3).join(' ') || `psql exited with code ${code}`;
  throw new DumpFailedError(`the dump ${options.name} could not be run to its end (${tail}); check the database's state before trying again`, null, false);
}

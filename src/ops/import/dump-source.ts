// A dump of the original app's PostgreSQL database (pg_dump plain `.sql`, gzipped `.sql.gz`, or
// the custom format its scripts/backup_db.py writes) is loaded into a scratch database first, and
// imported from there; the scratch database is dropped afterwards, whatever happened.
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { postgresConnectionConfig } from '../../db/client.js';
import { postgresUrlFor } from '../../db/url.js';
import { libpqEnvironment, runPgTool } from '../backup-restore/pg-tools.js';
import { IMPORT_APPLICATION_NAME, quoteIdent } from './pg-target.js';

export type DumpFormat = 'plain' | 'gzip' | 'custom';

/**
 * Drops what a scratch database cannot honour: ownership and grants naming the original's roles
 * (absent here). COPY data blocks pass through untouched.
 */
class RoleStatementFilter extends Transform {
  private pending = '';
  private inCopy = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const lines = (this.pending + chunk.toString('utf8')).split('\n');
    this.pending = lines.pop()!;
    this.push(lines.map((line) => this.keep(line)).join(''));
    done();
  }

  override _flush(done: TransformCallback): void {
    this.push(this.keep(this.pending).replace(/\n$/, ''));
    done();
  }

  private keep(line: string): string {
    if (this.inCopy) {
      if (line === '\\.') this.inCopy = false;
      return `${line}\n`;
    }
    if (/^COPY .* FROM stdin;$/.test(line)) this.inCopy = true;
    if (/^ALTER .* OWNER TO .*;$/.test(line) || /^(GRANT|REVOKE) /.test(line)) return '';
    return `${line}\n`;
  }
}

function psql(url: string, input: NodeJS.ReadableStream): Promise<void> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], {
    env: { ...inherited, ...libpqEnvironment(url) },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('psql was not found on PATH: install the PostgreSQL client tools (apt-get install postgresql-client)') : error),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql could not load the dump: ${stderr.trim().split('\n').slice(-3).join(' ')}`))));
  });
  return Promise.all([pipeline(input, child.stdin).catch(() => {}), exited]).then(() => undefined);
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates a scratch database on the server of `serverUrl`, loads `file` into it. */
export async function loadDumpIntoScratch(file: string, serverUrl: string, format: DumpFormat): Promise<ScratchDatabase> {
  const name = `mathakine_import_${randomBytes(6).toString('hex')}`;
  const adminUrl = postgresUrlFor(serverUrl, 'postgres');
  const scratchUrl = postgresUrlFor(serverUrl, name);
  const admin = async (sql: string) => {
    const client = new pg.Client({ ...postgresConnectionConfig(adminUrl), application_name: IMPORT_APPLICATION_NAME });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end().catch(() => {});
    }
  };
  await admin(`create database ${quoteIdent(name)}`);
  const scratch: ScratchDatabase = { url: scratchUrl, drop: () => admin(`drop database if exists ${quoteIdent(name)} with (force)`) };
  try {
    if (format === 'custom') {
      await runPgTool('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--dbname', name, file], { url: scratch.url });
    } else {
      const raw = fs.createReadStream(file);
      const text = format === 'gzip' ? raw.pipe(createGunzip()) : raw;
      await psql(scratch.url, text.pipe(new RoleStatementFilter()));
    }
  } catch (error) {
    await scratch.drop().catch(() => {});
    throw error;
  }
  return scratch;
}

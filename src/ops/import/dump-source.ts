// A dump of the original app's PostgreSQL database (pg_dump plain `.sql`, gzipped `.sql.gz`, or
// the custom format its scripts/backup_db.py writes) is loaded into a scratch database first, and
// imported from there; the scratch database is dropped afterwards, whatever happened.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { postgresConnectionConfig } from '../../db/client.js';
import { postgresUrlFor } from '../../db/url.js';
import { runPgTool } from '../backup-restore/pg-tools.js';
import { DumpLineFilter, ensureConfinedRole, runDumpWithPsql } from '../backup-restore/psql-dump.js';
import { IMPORT_APPLICATION_NAME, quoteIdent } from './pg-target.js';

export type DumpFormat = 'plain' | 'gzip' | 'custom';

/**
 * Drops what a scratch database cannot honour: ownership and grants naming the original's roles
 * (absent here). COPY data blocks pass through untouched.
 */
class RoleStatementFilter extends DumpLineFilter {
  protected statement(line: string): string {
    return /^ALTER .* OWNER TO .*;$/.test(line) || /^(GRANT|REVOKE) /.test(line) ? '' : line;
  }
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a scratch database on the server of `serverUrl`, loads `file` into it: a plain dump through
 * psql-dump.ts (no meta-command runs, one transaction), an archive through pg_restore, both only as
 * a role confined to its databases unless `trustDump`.
 */
export async function loadDumpIntoScratch(file: string, serverUrl: string, format: DumpFormat, trustDump = false): Promise<ScratchDatabase> {
  await ensureConfinedRole(serverUrl, {
    trustDump,
    fix: 'Load it with a role that may create databases but is not a superuser (--scratch postgres://loader@…)',
  });
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
      // a read or gunzip error (a truncated .gz) reaches the stream psql is fed from
      const raw = fs.createReadStream(file);
      const filtered = new RoleStatementFilter();
      const text = format === 'gzip' ? raw.pipe(createGunzip()) : raw;
      for (const stage of new Set([raw, text])) stage.once('error', (error: Error) => filtered.destroy(error));
      text.pipe(filtered);
      await runDumpWithPsql(scratch.url, filtered, { name: file });
    }
  } catch (error) {
    await scratch.drop().catch(() => {});
    throw error;
  }
  return scratch;
}

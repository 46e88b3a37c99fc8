// A hostile PostgreSQL source cannot run its own code in the importer's session: it puts its schema
// before pg_catalog in the search path and defines a more specific array_length(smallint[], integer)
// than pg_catalog's, which the catalogue queries would call unless they are pinned and qualified.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/app.js';
import { insertSampleRows, migratedScratch } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';

describeEachDialect('db import from a hostile PostgreSQL source', (dialect) => {
  const ctx = useCliScratch(dialect, { name: 'hostile-source', migrated: false });

  it("runs none of the source's functions, and imports it", async () => {
    const source = await migratedScratch('postgres');
    try {
      await insertSampleRows(source.url);
      const client = new pg.Client({ connectionString: source.url });
      await client.connect();
      try {
        const name = new URL(source.url).pathname.slice(1);
        await client.query(`create function public.array_length(smallint[], integer) returns integer language plpgsql
          as $$ begin raise exception 'pwned: the source ran its own array_length in the importer''s session'; end $$`);
        await client.query(`alter database ${name} set search_path = public, pg_catalog`);
      } finally {
        await client.end();
      }
      const target = dialect === 'sqlite' ? path.join(ctx.cwd, 'imported.db') : ctx.scratch.url;
      const res = await ctx.cli('db', 'import', source.url, '--to', target, '--json');
      expect(res.stdout + res.stderr).not.toMatch(/pwned/);
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(res.json().tables.find((t: { table: string }) => t.table === 'users').imported).toBeGreaterThan(0);
      if (dialect === 'sqlite') expect(fs.existsSync(target)).toBe(true);
    } finally {
      await source.drop();
    }
  }, 120_000);
});

// `mathakine db generate`: drizzle-kit output is kept only when it spares the protected tables and
// applies to a scratch database; otherwise the migrations folder is left exactly as it was.
// Each case points drizzle-kit at a variant of the real schema and at a copy of the migrations.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Dialect } from '../../src/db/client.js';
import { migrationsFolder } from '../../src/db/migrate.js';
import { describeEachDialect } from '../helpers/app.js';
import { runCli } from './run-cli.js';

// Inside the project (.tmp is git-ignored) so that drizzle-kit resolves drizzle-orm from the schema files.
const TMP_ROOT = path.resolve('.tmp');

const TABLES = 'users, refreshTokens, exercises, attempts, progress, logicChallenges, logicChallengeAttempts, statistics, userStats, schemaVersion';

function folderContents(folder: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((f) => fs.statSync(path.join(folder, f)).isFile())
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(folder, f), 'utf8')]),
  );
}

/** The committed migrations' tags, and the number drizzle-kit gives the next one ("0002"…). */
function committedTags(dialect: Dialect): { tags: string[]; next: string } {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(dialect), 'meta', '_journal.json'), 'utf8'));
  const tags: string[] = journal.entries.map((e: { tag: string }) => e.tag);
  return { tags, next: String(tags.length).padStart(4, '0') };
}

describeEachDialect('mathakine db generate', (dialect: Dialect) => {
  let dir: string;
  const { tags, next } = committedTags(dialect);
  const source = path.resolve(`src/db/schema/${dialect === 'postgres' ? 'pg' : 'sqlite'}.ts`);
  const core = dialect === 'postgres' ? 'drizzle-orm/pg-core' : 'drizzle-orm/sqlite-core';
  const tableFn = dialect === 'postgres' ? 'pgTable' : 'sqliteTable';

  beforeAll(() => {
    fs.mkdirSync(TMP_ROOT, { recursive: true });
    dir = fs.mkdtempSync(path.join(TMP_ROOT, `generate-${dialect}-`));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A schema file and a fresh copy of the committed migrations; runs db generate on them. */
  async function generate(name: string, schema: string, ...flags: string[]) {
    const schemaFile = path.join(dir, `${name}.schema.ts`);
    fs.writeFileSync(schemaFile, schema);
    const out = path.join(dir, `${name}-migrations`);
    fs.cpSync(migrationsFolder(dialect), out, { recursive: true });
    const before = folderContents(out);
    const res = await runCli(
      ['db', 'generate', '--json', '--dialect', dialect, '--schema', schemaFile, '--out', out, '--scratch-url', inject('testDatabaseUrl'), ...flags],
      { cwd: dir },
    );
    return { res, out, before, after: folderContents(out) };
  }

  it('refuses a generated migration that drops results, and writes nothing', async () => {
    const { res, before, after } = await generate('drop-results', `export { ${TABLES} } from '${source}';\n`, '--name', 'drop_results');
    expect(res.code).toBe(1);
    const report = res.json();
    expect(report).toMatchObject({ ok: false, kept: false });
    expect(report.dialects[0]).toMatchObject({ dialect, status: 'refused', new_migrations: [expect.stringMatching(/drop_results$/)] });
    expect(report.dialects[0].detail).toMatch(/protected table results/);
    expect(after).toEqual(before);
  });

  it('keeps a new migration that applies to a scratch database', async () => {
    const schema = `export * from '${source}';\nimport { ${tableFn}, integer, text } from '${core}';\nexport const probes = ${tableFn}('probes', { id: integer('id').primaryKey(), note: text('note') });\n`;
    const { res, before, after } = await generate('add-probes', schema, '--name', 'add_probes');
    expect(res.code, res.stderr).toBe(0);
    expect(res.json()).toMatchObject({ ok: true, kept: true, dialects: [{ status: 'accepted', new_migrations: [`${next}_add_probes`] }] });
    const added = Object.keys(after).filter((f) => !(f in before));
    expect(added.sort()).toEqual([`${next}_add_probes.sql`, path.join('meta', `${next}_snapshot.json`)]);
    expect(after[`${next}_add_probes.sql`]).toMatch(/CREATE TABLE [`"]probes[`"]/);
    expect(JSON.parse(after[path.join('meta', '_journal.json')]).entries.map((e: { tag: string }) => e.tag)).toEqual([...tags, `${next}_add_probes`]);
  });

  it('refuses, and removes, a migration that does not apply', async () => {
    const schema =
      `export * from '${source}';\nimport { ${tableFn}, integer, check } from '${core}';\nimport { sql } from 'drizzle-orm';\n` +
      `export const broken = ${tableFn}('broken', { id: integer('id').primaryKey() }, (t) => [check('nonsense', sql\`no_such_function(\${t.id}) > 0\`)]);\n` +
      `export const later = ${tableFn}('later', { id: integer('id').primaryKey() });\n`;
    const { res, before, after } = await generate('broken', schema);
    expect(res.code).toBe(1);
    expect(res.json().dialects[0].status).toBe('refused');
    expect(res.json().dialects[0].detail).toMatch(/does not apply to a scratch database.*no_such_function/s);
    expect(after).toEqual(before);
  });

  it('--custom makes an empty migration for hand-written SQL', async () => {
    const { res, before, after } = await generate('custom', `export * from '${source}';\n`, '--custom', 'fix_data');
    expect(res.code, res.stderr).toBe(0);
    expect(res.json().dialects[0]).toMatchObject({ status: 'accepted', new_migrations: [`${next}_fix_data`] });
    expect(Object.keys(after).filter((f) => !(f in before))).toContain(`${next}_fix_data.sql`);
    expect(after[`${next}_fix_data.sql`]).not.toMatch(/create|drop|alter/i);
  });

  it('reports an unchanged schema as nothing to do', async () => {
    const { res, before, after } = await generate('same', `export * from '${source}';\n`);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json()).toMatchObject({ ok: true, kept: false, dialects: [{ status: 'unchanged', new_migrations: [] }] });
    expect(after).toEqual(before);
  });
});

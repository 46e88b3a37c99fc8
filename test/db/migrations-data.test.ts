// Migrations applied to a database that holds data: SQLite rebuilds a table to change a CHECK
// (drop + copy), which must neither cascade-delete the rows that reference it nor leave foreign
// keys off. Here: a database at 0001 with one row in every table, then everything after it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { applyMigrations, migrationsFolder } from '../../src/db/migrate.js';
import { createScratchDatabase, describeEachDialect, type ScratchDatabase } from '../helpers/app.js';

const BASE_TAG = '0001_attempts_user_exercise_index';

/** A copy of the migrations folder whose journal stops at `tag`. */
function folderUpTo(dialect: 'sqlite' | 'postgres', tag: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-migrations-'));
  fs.cpSync(migrationsFolder(dialect), folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'));
  const end = journal.entries.findIndex((e: { tag: string }) => e.tag === tag);
  journal.entries = journal.entries.slice(0, end + 1);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

const TABLES = ['users', 'exercises', 'attempts', 'progress', 'logic_challenges', 'logic_challenge_attempts'];

describeEachDialect('migrations on a database with data', (dialect) => {
  let scratch: ScratchDatabase;
  let database: Database;
  let folder: string;
  afterEach(async () => {
    await database?.close();
    await scratch?.drop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of TABLES) {
      const [row] = await database.query<{ n: number | string }>(sql`select count(*) as n from ${sql.identifier(table)}`);
      result[table] = Number(row.n);
    }
    return result;
  }

  it('keeps every row and every foreign key, and accepts the new enum values afterwards', async () => {
    scratch = await createScratchDatabase(dialect);
    database = openDatabase(scratch.url);
    folder = folderUpTo(dialect, BASE_TAG);
    expect(await applyMigrations(database, { migrationsFolder: folder })).toContain(BASE_TAG);

    // `returning` so that SQLite's query() (which reads rows) accepts the statement
    const write = (statement: ReturnType<typeof sql>) => database.query(sql`${statement} returning id`, { write: true });
    const t = dialect === 'postgres' ? sql`true` : sql`1`;
    await write(sql`insert into users (username, email, hashed_password) values ('rey', 'rey@jakku.example', 'x')`);
    await write(sql`insert into exercises (title, exercise_type, difficulty, question, correct_answer) values ('A', 'addition', 'maitre', '1+1', '2')`);
    await write(sql`insert into attempts (user_id, exercise_id, user_answer, is_correct) values (1, 1, '2', ${t})`);
    await write(sql`insert into progress (user_id, exercise_type, difficulty) values (1, 'addition', 'maitre')`);
    await write(sql`insert into logic_challenges (title, challenge_type, age_group, difficulty) values ('L', 'sequence', '10-12', 'padawan')`);
    await write(sql`insert into logic_challenge_attempts (user_id, challenge_id, user_solution, is_correct) values (1, 1, '4', ${t})`);
    const before = await counts();
    expect(Object.values(before).every((n) => n === 1)).toBe(true);

    expect((await applyMigrations(database)).length).toBeGreaterThan(0);
    expect(await counts()).toEqual(before);

    // the new values pass the CHECKs; an unknown one still fails; foreign keys are enforced again
    await write(sql`insert into exercises (title, exercise_type, difficulty, question, correct_answer) values ('B', 'addition', 'grand_maitre', '2+2', '4')`);
    await write(sql`insert into logic_challenges (title, challenge_type, age_group) values ('M', 'sequence', '6-8'), ('N', 'sequence', '15-17')`);
    await expect(
      write(sql`insert into exercises (title, exercise_type, difficulty, question, correct_answer) values ('C', 'addition', 'legende', '1', '1')`),
    ).rejects.toThrow();
    await expect(write(sql`insert into attempts (user_id, exercise_id, user_answer, is_correct) values (1, 999, '2', ${t})`)).rejects.toThrow();
    // and a cascade still cascades: deleting the exercise removes its attempt
    await write(sql`delete from exercises where id = 1`);
    expect((await counts()).attempts).toBe(0);
  });

  it("gives every refresh token of before 0009 its account's token_version, so the upgrade ends no session", async () => {
    scratch = await createScratchDatabase(dialect);
    database = openDatabase(scratch.url);
    folder = folderUpTo(dialect, '0009_sign_in_throttle_per_address');
    await applyMigrations(database, { migrationsFolder: folder });
    const write = (statement: ReturnType<typeof sql>) => database.query(sql`${statement} returning id`, { write: true });
    await write(
      sql`insert into users (username, email, hashed_password, token_version) values ('rey', 'rey@jakku.example', 'x', 3), ('finn', 'finn@jakku.example', 'x', 0)`,
    );
    const expires = dialect === 'postgres' ? sql`now() + interval '1 day'` : sql`${Date.now() + 86_400_000}`;
    await write(sql`insert into refresh_tokens (user_id, family_id, token_hash, expires_at) values (1, 'a', 'h1', ${expires}), (2, 'b', 'h2', ${expires})`);
    expect(await applyMigrations(database)).toContain('0010_refresh_token_versions');
    const rows = await database.query<{ user_id: number; token_version: number }>(sql`select user_id, token_version from refresh_tokens order by user_id`);
    expect(rows.map((r) => [Number(r.user_id), Number(r.token_version)])).toEqual([
      [1, 3],
      [2, 0],
    ]);
  });

  it('fills point_days from the ledger already there: per learner and UTC day, as creditPoints counts a day', async () => {
    // the migration before the fill (whatever number the journal gives it)
    const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(dialect), 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    const tableTag = journal.entries.map((e) => e.tag).find((tag) => /^\d+_point_days$/.test(tag));
    expect(tableTag).toBeDefined();
    scratch = await createScratchDatabase(dialect);
    database = openDatabase(scratch.url);
    folder = folderUpTo(dialect, tableTag!);
    await applyMigrations(database, { migrationsFolder: folder });
    const write = (statement: ReturnType<typeof sql>) => database.query(sql`${statement} returning id`, { write: true });
    await write(sql`insert into users (username, email, hashed_password) values ('rey', 'rey@jakku.example', 'x'), ('finn', 'finn@jakku.example', 'x')`);
    const rows: [number, number, string][] = [
      [1, 10, '2026-03-01T00:00:00.000Z'],
      [1, 15, '2026-03-01T23:59:59.999Z'],
      [1, 20, '2026-03-02T00:00:00.000Z'],
      [2, 5, '2026-02-28T23:30:00.000Z'],
      [2, 7, '2026-03-01T00:30:00.000Z'],
    ];
    for (const [user, points, at] of rows) {
      const when = dialect === 'postgres' ? sql`${at}::timestamptz` : sql`${Date.parse(at)}`;
      await write(
        sql`insert into point_events (user_id, source_type, points_delta, balance_after, created_at) values (${user}, 'exercise_completed', ${points}, 0, ${when})`,
      );
    }
    await applyMigrations(database);
    const days = await database.query<{ user_id: number; day: number; points: number }>(sql`select user_id, day, points from point_days order by user_id, day`);
    const day = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);
    expect(days.map((r) => [Number(r.user_id), Number(r.day), Number(r.points)])).toEqual([
      [1, day('2026-03-01T12:00:00Z'), 25],
      [1, day('2026-03-02T12:00:00Z'), 20],
      [2, day('2026-02-28T12:00:00Z'), 5],
      [2, day('2026-03-01T12:00:00Z'), 7],
    ]);
  });
});

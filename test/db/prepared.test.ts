// Prepared queries (src/db/prepared.ts): built once per drizzle instance, they must still run on
// the connection they are given: inside a transaction its own, so a rollback takes their work
// back; and the same query prepared on several pooled connections at once stays correct.
import { expect, it } from 'vitest';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { preparedQuery, preparedVariants } from '../../src/db/prepared.js';
import { sqliteStatementText } from '../../src/db/sqlite.js';
import { describeEachDialect, useDatabasePerTest } from '../helpers/app.js';

const insertUser = preparedQuery('test_insert_user', (db, { users }) =>
  db
    .insert(users)
    .values({ username: sql.placeholder('username'), email: sql.placeholder('email'), hashed_password: 'x', created_at: sql.placeholder('at') })
    .returning({ id: users.id, username: users.username, created_at: users.created_at }),
);
const usersNamed = preparedVariants('test_users_named', (db, { users }, match: 'exact' | 'prefix') =>
  db
    .select({ username: users.username })
    .from(users)
    .where(match === 'exact' ? eq(users.username, sql.placeholder('name')) : sql`${users.username} like ${sql.placeholder('name')}`)
    .orderBy(users.username),
);

const usersPage = preparedQuery('test_users_page', (db, { users }) =>
  db.select({ username: users.username }).from(users).orderBy(users.username).limit(sql.placeholder('limit')).offset(sql.placeholder('offset')),
);

const exerciseWithExtras = preparedQuery('test_exercise_extras', (db, { exercises }) =>
  db
    .select({
      ...getTableColumns(exercises),
      twice: sql<number>`${exercises.view_count} * 2`.mapWith(Number).as('twice'),
      flag: sql<boolean>`${exercises.is_active}`.mapWith(Boolean),
      nothing: sql<string | null>`null`,
    })
    .from(exercises)
    .where(eq(exercises.id, sql.placeholder('id'))),
);

describeEachDialect('prepared queries', (dialect) => {
  const open = useDatabasePerTest(dialect);

  it('run inside the transaction they are given: a rollback takes their work back', async () => {
    const db = await open();
    const at = new Date('2026-01-02T03:04:05.678Z');
    const [kept] = await db.transaction((tx) => insertUser(tx, db.tables, { username: 'luke', email: 'luke@example.org', at }));
    // a column's value given by a placeholder still goes through the column's conversion
    expect(kept).toEqual({ id: expect.any(Number), username: 'luke', created_at: at });
    await expect(
      db.transaction(async (tx) => {
        await insertUser(tx, db.tables, { username: 'vader', email: 'vader@example.org', at });
        // the same prepared query, seen from outside the transaction, does not see the row yet
        expect(await usersNamed(db.db, db.tables, 'exact', { name: 'vader' })).toEqual([]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await usersNamed(db.db, db.tables, 'prefix', { name: '%' })).toEqual([{ username: 'luke' }]);
  });

  it('give the same rows as the query builder: every column decoded (dates, booleans, JSON, mapWith), nulls as null', async () => {
    const db = await open();
    const { exercises } = db.tables;
    const [{ id }] = await db.transaction((tx) =>
      tx
        .insert(exercises)
        .values({
          title: 'Addition',
          exercise_type: 'addition',
          difficulty: 'initie',
          question: '2 + 2 = ?',
          correct_answer: '4',
          choices: ['4', '5'],
          view_count: 21,
          tags: null,
        })
        .returning({ id: exercises.id }),
    );
    const built = await db.db
      .select({
        ...getTableColumns(exercises),
        twice: sql<number>`${exercises.view_count} * 2`.mapWith(Number).as('twice'),
        flag: sql<boolean>`${exercises.is_active}`.mapWith(Boolean),
        nothing: sql<string | null>`null`,
      })
      .from(exercises)
      .where(eq(exercises.id, id));
    const [row] = await exerciseWithExtras(db.db, db.tables, { id });
    expect(row).toEqual(built[0]);
    expect(row).toMatchObject({ choices: ['4', '5'], is_active: true, created_at: expect.any(Date), twice: 42, flag: true, nothing: null, tags: null });
  });

  it('give each variant its own statement, and stay correct when run concurrently', async () => {
    const db = await open();
    const names = Array.from({ length: 40 }, (_, i) => `user_${String(i).padStart(2, '0')}`);
    // concurrent transactions: on PostgreSQL each on its own pooled connection
    await Promise.all(
      names.map((username) => db.transaction((tx) => insertUser(tx, db.tables, { username, email: `${username}@example.org`, at: new Date() }))),
    );
    const exact = await Promise.all(names.map((name) => usersNamed(db.db, db.tables, 'exact', { name })));
    expect(exact.map((rows) => rows.map((row) => row.username))).toEqual(names.map((name) => [name]));
    expect((await usersNamed(db.db, db.tables, 'prefix', { name: 'user_1%' })).map((row) => row.username)).toEqual(names.filter((n) => n.startsWith('user_1')));
    // limit and offset bound per run (on SQLite as `limit (? + 0)`: see the test below)
    for (const [limit, offset] of [
      [3, 0],
      [2, 37],
      [5, 39],
      [1, 40],
    ]) {
      const page = await usersPage(db.db, db.tables, { limit, offset });
      expect(page.map((row) => row.username)).toEqual(names.slice(offset, offset + limit));
    }
  });
});

it('sends SQLite a bound LIMIT/OFFSET as an expression (a bare `limit ?` makes SQLite prepare the statement again on each run)', () => {
  expect(sqliteStatementText('select "a" from "t" where "b" = ? limit ? offset ?')).toBe('select "a" from "t" where "b" = ? limit (? + 0) offset (? + 0)');
  expect(sqliteStatementText('select (select 1 from "t" limit ?) from "u" limit ?')).toBe('select (select 1 from "t" limit (? + 0)) from "u" limit (? + 0)');
  // constants and other text stay as they are
  expect(sqliteStatementText('select "limit" from "t" limit 1')).toBe('select "limit" from "t" limit 1');
});

describeEachDialect('prepared queries on PostgreSQL', (dialect) => {
  const open = useDatabasePerTest(dialect);

  for (const named of [true, false]) {
    // statement names exist on PostgreSQL only
    it.skipIf(dialect !== 'postgres')(`are ${named ? 'named server-side statements' : 'sent unnamed with PG_NAMED_STATEMENTS=false'}`, async () => {
      const database = await open({ PG_NAMED_STATEMENTS: String(named) });
      const prepared = await database.transaction(async (tx) => {
        await insertUser(tx, database.tables, { username: 'rey', email: 'rey@example.org', at: new Date() });
        // the transaction's own connection: pg_prepared_statements is per session
        const result = await tx.execute(sql`select count(*)::int as n from pg_prepared_statements where name = 'test_insert_user'`);
        return (result.rows[0] as { n: number }).n;
      });
      expect(prepared).toBe(named ? 1 : 0);
      expect(await usersNamed(database.db, database.tables, 'exact', { name: 'rey' })).toEqual([{ username: 'rey' }]);
    });
  }
});

it('refuses two prepared queries with one name (PostgreSQL statement names must be unique)', () => {
  expect(() => preparedQuery('test_insert_user', (db, { users }) => db.select().from(users))).toThrow(/defined twice/);
});

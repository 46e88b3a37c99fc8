// The reference for the API benchmark: a bare Fastify (no plugins, no validation, no auth, no
// ORM) sending the API's own SQL (bench/sql.ts takes it from the app's prepared queries at
// start-up) through the raw drivers, configured like the app's data layer (SQLite: WAL, a writer
// and a read-only reader; PostgreSQL: a pool of PG_POOL_MAX).
// The learner is named by an `x-user-id` header instead of a verified token.
// Run: DATABASE_URL=… PORT=… node --import tsx bench/bare-server.ts
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { openDatabase } from '../src/db/client.js';
import { parseDatabaseUrl } from '../src/db/url.js';
import { benchStatements, type Statement } from './sql.js';

type Values = Record<string, unknown>;
type Row = Record<string, unknown>;
type Run = (statement: Statement, values: Values) => Row[] | Promise<Row[]>;

interface Driver {
  /** one statement outside a transaction */
  all(statement: Statement, values: Values): Promise<Row[]>;
  /** statements in one transaction */
  transaction<T>(fn: (all: Run) => Promise<T>): Promise<T>;
}

function sqliteDriver(file: string): Driver {
  const writer = new BetterSqlite3(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = NORMAL');
  writer.pragma('foreign_keys = ON');
  writer.pragma('busy_timeout = 5000');
  const reader = new BetterSqlite3(file, { readonly: true });
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const prepare = (db: BetterSqlite3.Database, text: string) => {
    const key = `${db === writer ? 'w' : 'r'}${text}`;
    let statement = prepared.get(key);
    if (!statement) prepared.set(key, (statement = db.prepare(text)));
    return statement;
  };
  let writerQueue: Promise<unknown> = Promise.resolve();
  const run = (db: BetterSqlite3.Database, statement: Statement, values: Values): Row[] => {
    const compiled = prepare(db, statement.text);
    return compiled.reader ? (compiled.all(...statement.bind(values)) as Row[]) : (compiled.run(...statement.bind(values)), []);
  };
  return {
    all: async (statement, values) => run(reader, statement, values),
    // One writer: transactions queue behind each other (an async callback cannot go through
    // better-sqlite3's synchronous transaction()), BEGIN IMMEDIATE … COMMIT on the writer.
    transaction: (fn) => {
      const result = writerQueue.then(async () => {
        writer.exec('BEGIN IMMEDIATE');
        try {
          const value = await fn((statement, values) => run(writer, statement, values));
          writer.exec('COMMIT');
          return value;
        } catch (error) {
          if (writer.inTransaction) writer.exec('ROLLBACK');
          throw error;
        }
      });
      writerQueue = result.catch(() => undefined);
      return result;
    },
  };
}

function postgresDriver(url: string): Driver {
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL_MAX ?? 30), application_name: 'mathakine-bench-bare' });
  pg.types.setTypeParser(20, Number); // count(*)
  // named statements, as the app's prepared queries are: each connection parses them once
  const names = new Map<string, string>();
  const nameOf = (text: string) => names.get(text) ?? names.set(text, `bare_${names.size}`).get(text)!;
  const query = async (client: pg.Pool | pg.PoolClient, statement: Statement, values: Values) =>
    (await client.query<Row>({ name: nameOf(statement.text), text: statement.text, values: statement.bind(values) })).rows;
  return {
    all: (statement, values) => query(pool, statement, values),
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn((statement, values) => query(client, statement, values));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

const target = parseDatabaseUrl(process.env.DATABASE_URL ?? '');
if (!target) throw new Error('DATABASE_URL must name the benchmark database');
// The app's data layer, opened only to take the SQL text of its queries, then closed.
const appDatabase = openDatabase(target);
const sql = benchStatements(appDatabase);
await appDatabase.close();
const driver = target.dialect === 'sqlite' ? sqliteDriver(target.path) : postgresDriver(target.url);
const POINTS: Record<string, number> = { initie: 10, padawan: 20, chevalier: 30, maitre: 50 };

function view(row: Row, attempted: boolean): Row {
  if (attempted) return row;
  const { correct_answer: _answer, explanation: _explanation, ...rest } = row;
  return rest;
}

const app = Fastify({ logger: false });
const userOf = (headers: Record<string, unknown>) => Number(headers['x-user-id']);
const notFound = { error: { code: 'NOT_FOUND', message: 'Exercise not found' } };

app.get<{ Params: { id: string } }>('/bare/exercises/:id', async (request, reply) => {
  const [row] = await driver.all(sql.exerciseView, { id: Number(request.params.id), user_id: userOf(request.headers) });
  if (!row) return reply.status(404).send(notFound);
  const { attempted, ...exercise } = row;
  return view(exercise, Boolean(attempted));
});

// the public part of the total, counted again only when the catalogue's version moved
let publicCount = { version: NaN, total: 0 };

app.get<{ Querystring: { limit?: string; offset?: string } }>('/bare/exercises', async (request) => {
  const limit = Number(request.query.limit ?? 20);
  const offset = Number(request.query.offset ?? 0);
  const userId = userOf(request.headers);
  const [rows, [{ version, own }]] = await Promise.all([
    driver.all(sql.page, { user_id: userId, limit, offset }),
    driver.all(sql.ownCount, { user_id: userId }),
  ]);
  if (Number(version) !== publicCount.version) {
    const [counted] = await driver.all(sql.publicCount, {});
    publicCount = { version: Number(counted.version), total: Number(counted.total) };
  }
  const items = rows.map(({ attempted, ...row }) => view(row, Boolean(attempted)));
  return { items, total: publicCount.total + Number(own), limit, offset };
});

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: process.env.APP_TIMEZONE ?? 'Europe/Paris' });
const dayOf = (at: Date) => dayFormat.format(at); // YYYY-MM-DD

app.post<{ Params: { id: string }; Body: { user_answer: string; time_spent?: number } }>('/bare/exercises/:id/attempts', async (request, reply) => {
  const userId = userOf(request.headers);
  const at = new Date();
  const result = await driver.transaction(async (all) => {
    const [exercise] = await all(sql.exerciseById, { id: Number(request.params.id) });
    if (!exercise) return null;
    const isCorrect = String(request.body.user_answer).trim() === String(exercise.correct_answer).trim();
    const correct = isCorrect ? 1 : 0;
    const timeSpent = request.body.time_spent ?? null;
    const which = { user_id: userId, exercise_id: exercise.id };
    const [progress] = await all(sql.recordProgress, {
      user_id: userId,
      exercise_type: exercise.exercise_type,
      difficulty: exercise.difficulty,
      correct,
      timed: timeSpent === null ? 0 : 1,
      time_spent: timeSpent,
      first_rate: 100 * correct,
      first_mastery: isCorrect ? 5 : 1,
      at,
    });
    const solved = isCorrect && (await all(sql.answerShown, which)).length > 0;
    const [attempt] = await all(sql.insertAttempt, {
      ...which,
      user_answer: request.body.user_answer,
      is_correct: isCorrect,
      time_spent: timeSpent,
      hints_used: 0,
      device_info: null,
      at,
    });
    await all(sql.completeRecommendations, { ...which, at });
    if (attempt.attempt_number === 1) await all(sql.catalogueChanged, { user_id: userId });
    const today = dayOf(at);
    await all(sql.lastActiveDay, { user_id: userId });
    await all(sql.recordActiveDay, { user_id: userId, today, yesterday: dayOf(new Date(at.getTime() - 86_400_000)), now: at });
    const points = isCorrect && !solved ? POINTS[String(exercise.difficulty)] : 0;
    if (points > 0) {
      const [{ total_points }] = await all(sql.awardPoints, { user_id: userId, points });
      await all(sql.ledger, {
        user_id: userId,
        source_type: 'exercise_completed',
        source_id: exercise.id,
        points,
        balance_after: total_points,
        details: null,
        at,
      });
      // the learner's UTC day, whole days since 1970-01-01 (the ledger's utcDay)
      await all(sql.pointDay, { user_id: userId, day: Math.floor(at.getTime() / 86_400_000), points });
    }
    await all(sql.badgesToEarn, { user_id: userId });
    return { attempt, is_correct: isCorrect, correct_answer: exercise.correct_answer, explanation: exercise.explanation, progress, points_earned: points };
  });
  if (!result) return reply.status(404).send(notFound);
  return reply.status(201).send(result);
});

app.get('/bare/progress', async (request) => {
  const userId = userOf(request.headers);
  const items = await driver.all(sql.progressOf, { user_id: userId });
  const total = items.reduce((sum, row) => sum + Number(row.total_attempts), 0);
  return { user_id: userId, items, summary: { total_attempts: total } };
});

app.get('/bare/health', async () => ({ status: 'pass' }));

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));

// The reference for the API benchmark: a bare Fastify (no plugins, no validation, no auth, no
// ORM) running the API's SQL (bench/sql.ts) through the raw drivers, configured like the app's
// data layer (SQLite: WAL, a writer and a read-only reader; PostgreSQL: a pool of PG_POOL_MAX).
// The learner is named by an `x-user-id` header instead of a verified token.
// Run: DATABASE_URL=… PORT=… node --import tsx bench/bare-server.ts
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { parseDatabaseUrl } from '../src/db/url.js';
import * as sql from './sql.js';

type Params = Record<string, unknown>;
type Row = Record<string, unknown>;

interface Driver {
  /** one statement outside a transaction */
  all(statement: sql.Statement, params: Params): Promise<Row[]>;
  /** statements in one transaction */
  transaction<T>(fn: (all: (statement: sql.Statement, params: Params) => Row[] | Promise<Row[]>) => Promise<T>): Promise<T>;
  /** how booleans and timestamps are bound */
  bool(value: boolean): unknown;
  time(value: Date): unknown;
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
  const bind = (statement: sql.Statement, params: Params) => Object.fromEntries(statement.names.map((name) => [name, params[name]]));
  const run = (db: BetterSqlite3.Database, statement: sql.Statement, params: Params): Row[] => {
    const compiled = prepare(db, statement.sqlite);
    return compiled.reader ? (compiled.all(bind(statement, params)) as Row[]) : (compiled.run(bind(statement, params)), []);
  };
  return {
    all: async (statement, params) => run(reader, statement, params),
    // One writer: transactions queue behind each other (an async callback cannot go through
    // better-sqlite3's synchronous transaction()), BEGIN IMMEDIATE … COMMIT on the writer.
    transaction: (fn) => {
      const result = writerQueue.then(async () => {
        writer.exec('BEGIN IMMEDIATE');
        try {
          const value = await fn((statement, params) => run(writer, statement, params));
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
    bool: (value) => (value ? 1 : 0),
    time: (value) => value.getTime(),
  };
}

function postgresDriver(url: string): Driver {
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL_MAX ?? 30), application_name: 'mathakine-bench-bare' });
  pg.types.setTypeParser(20, Number); // count(*)
  return {
    all: async (statement, params) => (await pool.query(statement.pg, statement.names.map((name) => params[name]))).rows,
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(async (statement, params) => (await client.query(statement.pg, statement.names.map((name) => params[name]))).rows);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    bool: (value) => value,
    time: (value) => value,
  };
}

const target = parseDatabaseUrl(process.env.DATABASE_URL ?? '');
if (!target) throw new Error('DATABASE_URL must name the benchmark database');
const driver = target.dialect === 'sqlite' ? sqliteDriver(target.path) : postgresDriver(target.url);
const POINTS: Record<string, number> = { initie: 10, padawan: 20, chevalier: 30, maitre: 50 };

async function attemptedIds(userId: number, exerciseIds: number[]): Promise<Set<unknown>> {
  if (exerciseIds.length === 0) return new Set();
  const params: Params = { user_id: userId };
  exerciseIds.forEach((id, i) => (params[`e${i}`] = id));
  const rows = await driver.all(sql.attemptedAmong(exerciseIds.length), params);
  return new Set(rows.map((row) => row.exercise_id));
}

function view(row: Row, attempted: Set<unknown>): Row {
  if (attempted.has(row.id)) return row;
  const { correct_answer: _answer, explanation: _explanation, ...rest } = row;
  return rest;
}

const app = Fastify({ logger: false });
const userOf = (headers: Record<string, unknown>) => Number(headers['x-user-id']);

app.get<{ Params: { id: string } }>('/bare/exercises/:id', async (request, reply) => {
  const rows = await driver.transaction(async (all) =>
    all(sql.countView, { id: Number(request.params.id), false_: driver.bool(false), true_: driver.bool(true) }),
  );
  if (rows.length === 0) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'Exercise not found' } });
  return view(rows[0], await attemptedIds(userOf(request.headers), [Number(rows[0].id)]));
});

app.get<{ Querystring: { limit?: string; offset?: string } }>('/bare/exercises', async (request) => {
  const limit = Number(request.query.limit ?? 20);
  const offset = Number(request.query.offset ?? 0);
  const flags = { false_: driver.bool(false), true_: driver.bool(true) };
  const [rows, [{ total }]] = await Promise.all([driver.all(sql.pageOfExercises, { ...flags, limit, offset }), driver.all(sql.countExercises, flags)]);
  const attempted = await attemptedIds(userOf(request.headers), rows.map((row) => Number(row.id)));
  return { items: rows.map((row) => view(row, attempted)), total: Number(total), limit, offset };
});

app.post<{ Params: { id: string }; Body: { user_answer: string; time_spent?: number } }>('/bare/exercises/:id/attempts', async (request, reply) => {
  const userId = userOf(request.headers);
  const at = new Date();
  const result = await driver.transaction(async (all) => {
    const [exercise] = await all(sql.exerciseById, { id: Number(request.params.id) });
    if (!exercise) return null;
    const isCorrect = String(request.body.user_answer).trim() === String(exercise.correct_answer).trim();
    const correct = isCorrect ? 1 : 0;
    const timeSpent = request.body.time_spent ?? null;
    const [progress] = await all(sql.upsertProgress, {
      user_id: userId,
      exercise_type: exercise.exercise_type,
      difficulty: exercise.difficulty,
      correct,
      first_rate: 100 * correct,
      first_mastery: isCorrect ? 5 : 1,
      time_spent: timeSpent,
      at: driver.time(at),
    });
    const solved = isCorrect && (await all(sql.solvedBefore, { user_id: userId, exercise_id: exercise.id, true_: driver.bool(true) })).length > 0;
    const [attempt] = await all(sql.insertAttempt, {
      user_id: userId,
      exercise_id: exercise.id,
      user_answer: request.body.user_answer,
      is_correct: driver.bool(isCorrect),
      time_spent: timeSpent,
      at: driver.time(at),
    });
    const points = isCorrect && !solved ? POINTS[String(exercise.difficulty)] : 0;
    if (points > 0) await all(sql.awardPoints, { user_id: userId, points });
    return { attempt, is_correct: isCorrect, correct_answer: exercise.correct_answer, explanation: exercise.explanation, progress, points_earned: points };
  });
  if (!result) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'Exercise not found' } });
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

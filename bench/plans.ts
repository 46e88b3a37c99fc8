// The list and attempt statements under the planner: `EXPLAIN QUERY PLAN` (SQLite) and
// `EXPLAIN (ANALYZE, BUFFERS)` (PostgreSQL), and the time of each statement alone (median of
// --repeat executions through the raw driver), on two databases per dialect:
// - the benchmark's catalogue (bench/harness.ts: 360 exercises, 50 learners, no attempts);
// - a large one: the import benchmark's legacy file (bench/import-fixture.ts) at --exercises /
//   --attempts, imported with `mathakine db import`, then 10 % of the exercises archived, 3 %
//   inactive and 10 % made private (a learner's generated exercises), as a catalogue in service has.
// The statements are the app's own (bench/sql.ts), for a learner with an average history.
//
//   npx tsx bench/plans.ts [--exercises 20000] [--attempts 1000000] [--repeat 300] [--dialect sqlite|postgres] [--plans]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openDatabase, type Dialect } from '../src/db/client.js';
import { parseDatabaseUrl } from '../src/db/url.js';
import { median, PG_SERVER, prepareDatabase, ROOT } from './harness.js';
import { buildBulkLegacyDatabase } from './import-fixture.js';
import { benchStatements, type Statement } from './sql.js';

const { values: args } = parseArgs({
  options: {
    exercises: { type: 'string', default: '20000' },
    attempts: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '300' },
    dialect: { type: 'string' },
    plans: { type: 'boolean', default: false },
  },
});
const EXERCISES = Number(args.exercises);
const ATTEMPTS = Number(args.attempts);
const USERS = 10_000;
const REPEAT = Number(args.repeat);
const DIALECTS: Dialect[] = args.dialect ? [args.dialect as Dialect] : ['sqlite', 'postgres'];

type Values = Record<string, unknown>;

/** Runs a statement through the raw driver; explain() gives its plan as text lines. */
interface Runner {
  run(statement: Statement, values: Values): Promise<unknown>;
  explain(statement: Statement, values: Values): Promise<string[]>;
  /** a statement of the database's own (setup), no values */
  exec(text: string): Promise<unknown[]>;
  close(): Promise<void>;
}

function sqliteRunner(file: string): Runner {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepared = (text: string) => cache.get(text) ?? cache.set(text, db.prepare(text)).get(text)!;
  return {
    // writes run in a transaction rolled back at once: the data stays as measured
    async run(statement, values) {
      const s = prepared(statement.text);
      if (/^\s*(select|with)\b/i.test(statement.text)) return s.all(...statement.bind(values));
      db.exec('begin');
      try {
        return s.reader ? s.all(...statement.bind(values)) : s.run(...statement.bind(values));
      } finally {
        db.exec('rollback');
      }
    },
    async explain(statement, values) {
      const rows = db.prepare(`explain query plan ${statement.text}`).all(...statement.bind(values)) as { id: number; parent: number; detail: string }[];
      const depth = new Map<number, number>([[0, 0]]);
      return rows.map((row) => {
        const level = (depth.get(row.parent) ?? 0) + 1;
        depth.set(row.id, level);
        return `${'  '.repeat(level - 1)}${row.detail}`;
      });
    },
    async exec(text) {
      const s = db.prepare(text);
      return s.reader ? s.all() : [s.run()];
    },
    async close() {
      db.close();
    },
  };
}

async function postgresRunner(url: string): Promise<Runner> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const names = new Map<string, string>();
  const nameOf = (text: string) => names.get(text) ?? names.set(text, `plan_${names.size}`).get(text)!;
  return {
    async run(statement, values) {
      const writes = !/^\s*(select|with)\b/i.test(statement.text);
      if (writes) await client.query('begin');
      try {
        return (await client.query({ name: nameOf(statement.text), text: statement.text, values: statement.bind(values) })).rows;
      } finally {
        if (writes) await client.query('rollback');
      }
    },
    async explain(statement, values) {
      await client.query('begin');
      try {
        const result = await client.query({ text: `explain (analyze, buffers, costs off, timing off) ${statement.text}`, values: statement.bind(values) });
        return result.rows.map((row: Record<string, string>) => row['QUERY PLAN']);
      } finally {
        await client.query('rollback');
      }
    },
    async exec(text) {
      return (await client.query(text)).rows;
    },
    async close() {
      await client.end();
    },
  };
}

const sqlitePath = (url: string) => (parseDatabaseUrl(url) as { path: string }).path;

// ---------- the databases ----------

interface PlanDatabase {
  label: string;
  url: string;
  /** a learner with about the average number of attempts, and an exercise in service */
  learner: number;
  exercise: number;
  drop(): Promise<void>;
}

const CLI = path.join(ROOT, 'src', 'cli.ts');

function legacyFile(): string {
  const dir = path.join(os.tmpdir(), 'mathakine-bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `plans-${EXERCISES}-${ATTEMPTS}.db`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`building ${file}…\n`);
    buildBulkLegacyDatabase(file, { users: USERS, exercises: EXERCISES, attempts: ATTEMPTS, challenges: 100, challengeAttempts: 1000 });
  }
  return file;
}

async function largeDatabase(dialect: Dialect): Promise<PlanDatabase> {
  let url: string;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-plans-'));
    url = `sqlite:${path.join(dir, 'large.db')}`;
    drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `mathakine_plans_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_SERVER });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    const target = new URL(PG_SERVER);
    target.pathname = `/${name}`;
    url = target.toString();
    drop = async () => {
      const client = new pg.Client({ connectionString: PG_SERVER });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  }
  process.stderr.write(`importing into ${url}…\n`);
  const imported = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'db', 'import', legacyFile(), '--to', url, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (imported.status !== 0) throw new Error(`db import failed:\n${imported.stderr.slice(-2000)}${imported.stdout.slice(-2000)}`);
  // a catalogue in service: some archived, some inactive, some private to the learner who generated them
  const runner = dialect === 'sqlite' ? sqliteRunner(sqlitePath(url)) : await postgresRunner(url);
  const truth = dialect === 'sqlite' ? '1' : 'true';
  await runner.exec(`update exercises set is_archived = ${truth} where id % 10 = 3`);
  await runner.exec(`update exercises set is_active = ${dialect === 'sqlite' ? '0' : 'false'} where id % 33 = 5`);
  await runner.exec(`update exercises set is_private = ${truth} where id % 10 = 7`);
  if (dialect === 'postgres') await runner.exec('vacuum analyze');
  else await runner.exec('analyze');
  const [{ user_id: learner }] = (await runner.exec(
    `select user_id from attempts group by user_id order by abs(count(*) - ${Math.round(ATTEMPTS / USERS)}), user_id limit 1`,
  )) as { user_id: number }[];
  await runner.close();
  return { label: `${EXERCISES.toLocaleString('en-US')} exercises, ${ATTEMPTS.toLocaleString('en-US')} attempts`, url, learner, exercise: 4242, drop };
}

async function benchCatalogue(dialect: Dialect): Promise<PlanDatabase> {
  const data = await prepareDatabase(dialect);
  return { label: `bench catalogue (360 exercises)`, url: data.url, learner: data.learners[0].id, exercise: data.exercises[7].id, drop: data.drop };
}

// ---------- measuring ----------

interface Timing {
  statement: string;
  microseconds: number;
  plan: string[];
}

async function measure(database: PlanDatabase, dialect: Dialect): Promise<Timing[]> {
  const app = openDatabase(database.url);
  const sql = benchStatements(app);
  await app.close();
  const runner = dialect === 'sqlite' ? sqliteRunner(sqlitePath(database.url)) : await postgresRunner(database.url);
  const at = new Date();
  const cases: { name: string; statement: Statement; values: Values }[] = [
    { name: 'list: page (limit 20, offset 80)', statement: sql.page, values: { user_id: database.learner, limit: 20, offset: 80 } },
    { name: 'list: own count and version', statement: sql.ownCount, values: { user_id: database.learner } },
    { name: 'list: public count (once per version)', statement: sql.publicCount, values: {} },
    { name: 'by id (with "attempted?")', statement: sql.exerciseView, values: { id: database.exercise, user_id: database.learner } },
    { name: 'attempt: exercise', statement: sql.exerciseById, values: { id: database.exercise } },
    { name: 'attempt: solved before?', statement: sql.answerShown, values: { user_id: database.learner, exercise_id: database.exercise } },
    {
      name: 'attempt: insert (attempt_number)',
      statement: sql.insertAttempt,
      values: {
        user_id: database.learner,
        exercise_id: database.exercise,
        user_answer: '1',
        is_correct: false,
        time_spent: 3,
        hints_used: 0,
        device_info: null,
        at,
      },
    },
  ];
  const timings: Timing[] = [];
  try {
    for (const { name, statement, values } of cases) {
      for (let i = 0; i < 20; i++) await runner.run(statement, values); // warm
      const samples: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const started = process.hrtime.bigint();
        await runner.run(statement, values);
        samples.push(Number(process.hrtime.bigint() - started) / 1000);
      }
      timings.push({ statement: name, microseconds: median(samples), plan: args.plans ? await runner.explain(statement, values) : [] });
    }
  } finally {
    await runner.close();
  }
  return timings;
}

const lines: string[] = [];
for (const dialect of DIALECTS) {
  for (const make of [benchCatalogue, largeDatabase]) {
    const database = await make(dialect);
    try {
      const timings = await measure(database, dialect);
      lines.push(`### ${dialect}: ${database.label} (learner ${database.learner})`, '', '| statement | median µs |', '|---|---:|');
      for (const t of timings) lines.push(`| ${t.statement} | ${t.microseconds.toFixed(0)} |`);
      lines.push('');
      for (const t of timings.filter((t) => t.plan.length)) lines.push(`${t.statement}:`, '```', ...t.plan, '```', '');
      process.stdout.write(`${lines.splice(0).join('\n')}\n`);
    } finally {
      await database.drop();
    }
  }
}

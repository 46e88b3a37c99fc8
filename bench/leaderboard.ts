// `npx tsx bench/leaderboard.ts`: GET /api/leaderboard?period=week|month|all on a large learner base
// (default 100,000 learners and 10 M ledger rows spread over a year), generated in bulk by SQL
// (generate_series on PostgreSQL, a recursive CTE on SQLite). Measured twice: without the
// leaderboards' indexes (point_events only has its (user_id, created_at) one), then with
// ix_point_events_created_user and idx_users_total_points. Prints EXPLAIN of the board's queries and
// the route's median latency (in-process requests, one at a time) as Markdown for BENCHMARKS.md.
//
//   npx tsx bench/leaderboard.ts --dialect postgres|sqlite [--learners 100000] [--events 10000000] [--runs 7]
//
// The EXPLAINed statements mirror src/modules/badges/leaderboard.ts (the top N of a period, the
// caller's rank: learners with more points); the latencies are the route's own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { openConfiguredDatabase } from '../src/db/configured.js';
import { applyMigrations } from '../src/db/migrate.js';
import { JWT_SECRET, median, PG_SERVER } from './harness.js';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'postgres' },
    learners: { type: 'string', default: '100000' },
    events: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '7' },
  },
});
const DIALECT = args.dialect === 'sqlite' ? 'sqlite' : 'postgres';
const LEARNERS = Number(args.learners);
const EVENTS = Number(args.events);
const RUNS = Number(args.runs);
const YEAR_SECONDS = 365 * 86_400;
const PERIODS = ['week', 'month', 'all'] as const;

/** The indexes the leaderboards need, as the migrations create them. */
const LEADERBOARD_INDEXES = {
  ix_point_events_created_user: 'create index ix_point_events_created_user on point_events (created_at, user_id, points_delta)',
  idx_users_total_points: 'create index idx_users_total_points on users (total_points)',
};

const log = (message: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

// ---------- the scratch database ----------

async function scratchUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (DIALECT === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-leaderboard-'));
    return { url: `sqlite:${path.join(dir, 'bench.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `mathakine_leaderboard_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_SERVER });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(PG_SERVER);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_SERVER });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** Runs statements on a connection of its own (PostgreSQL) or the writer (SQLite), outside any transaction. */
async function exec(database: Database, url: string, statements: string[]): Promise<void> {
  if (database.dialect === 'sqlite') {
    await database.withWriter((writer) => {
      for (const statement of statements) writer.exec(statement);
    });
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

async function rows(database: Database, url: string, statement: string): Promise<Record<string, unknown>[]> {
  if (database.dialect === 'sqlite') return database.reader.prepare(statement).all() as Record<string, unknown>[];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Learners 1..N (every 100th opted out, every 500th inactive, every 997th staff), then the ledger:
 * row g goes to a learner spread by a multiplicative hash, 5–50 points, at a time spread over the
 * last year; total_points set to each learner's sum. Indexes of point_events built after the rows.
 */
function generation(): string[] {
  const learner = (n: string) =>
    `'lb_' || ${n}, 'lb_' || ${n} || '@example.org', 'x', case when ${n} % 997 = 0 then 'maitre' else 'padawan' end, ` +
    `${DIALECT === 'sqlite' ? `(${n} % 500 <> 0), (${n} % 100 <> 0)` : `${n} % 500 <> 0, ${n} % 100 <> 0`}`;
  const userColumns = 'username, email, hashed_password, role, is_active, leaderboard_visible';
  const ledgerColumns = 'user_id, source_type, points_delta, balance_after, created_at';
  // user ids are 1..N: the scratch database has no other user
  const ledgerRow = (g: string, at: string) => `1 + (${g} * 48271) % ${LEARNERS}, 'exercise_completed', 5 + ${g} % 46, 0, ${at}`;
  const dropLedgerIndexes = [
    'drop index if exists ix_point_events_user_created',
    'drop index if exists ix_point_events_created_user',
    'drop index if exists idx_users_total_points',
  ];
  const sums = `update users set total_points = s.total from (select user_id, sum(points_delta) as total from point_events group by user_id) as s where users.id = s.user_id`;
  if (DIALECT === 'postgres') {
    return [
      ...dropLedgerIndexes,
      `insert into users (${userColumns}) select ${learner('g')} from generate_series(1, ${LEARNERS}) as g`,
      // no per-row foreign key check while generating (every user_id exists by construction)
      'set session_replication_role = replica',
      `insert into point_events (${ledgerColumns}) select ${ledgerRow('g::bigint', `now() - ((g::bigint * 7919) % ${YEAR_SECONDS}) * interval '1 second'`)} from generate_series(1, ${EVENTS}) as g`,
      'set session_replication_role = origin',
      sums,
      'create index ix_point_events_user_created on point_events (user_id, created_at)',
      'vacuum analyze users',
      'vacuum analyze point_events',
    ];
  }
  const now = Date.now();
  return [
    ...dropLedgerIndexes,
    'pragma foreign_keys = off',
    `with recursive g(n) as (select 1 union all select n + 1 from g where n < ${LEARNERS}) insert into users (${userColumns}) select ${learner('n')} from g`,
    `with recursive g(n) as (select 1 union all select n + 1 from g where n < ${EVENTS}) insert into point_events (${ledgerColumns}) select ${ledgerRow('n', `${now} - ((n * 7919) % ${YEAR_SECONDS}) * 1000`)} from g`,
    sums,
    'pragma foreign_keys = on',
    'create index ix_point_events_user_created on point_events (user_id, created_at)',
    'analyze',
  ];
}

// ---------- what is measured ----------

/** The board's statements as src/modules/badges/leaderboard.ts builds them, with literal values. */
function boardStatements(sinceMs: number, mine: number): Record<string, string> {
  const since = DIALECT === 'sqlite' ? String(sinceMs) : `'${new Date(sinceMs).toISOString()}'`;
  const ranked = `u.role = 'padawan' and u.is_active = ${DIALECT === 'sqlite' ? 1 : 'true'} and u.leaderboard_visible = ${DIALECT === 'sqlite' ? 1 : 'true'}`;
  const period = `select u.id, u.username, p.total as points from (select user_id, sum(points_delta) as total from point_events where created_at >= ${since} group by user_id) as p join users u on u.id = p.user_id where ${ranked} and p.total > 0`;
  const all = `select u.id, u.username, u.total_points as points from users u where ${ranked} and u.total_points > 0`;
  return {
    'week: top 10': `select * from (${period}) as board order by points desc, username asc limit 10`,
    'week: my rank': `select count(*) from (${period}) as board where points > ${mine}`,
    'all: top 10': `select * from (${all}) as board order by points desc, username asc limit 10`,
    'all: my rank': `select count(*) from (${all}) as board where points > ${mine}`,
  };
}

async function explain(database: Database, url: string, statement: string): Promise<string> {
  if (database.dialect === 'sqlite') {
    const plan = (await rows(database, url, `explain query plan ${statement}`)) as { detail: string }[];
    return plan.map((row) => row.detail).join('\n');
  }
  const plan = await rows(database, url, `explain (analyze, costs off, timing on) ${statement}`);
  return plan.map((row) => String(row['QUERY PLAN'])).join('\n');
}

async function latencies(app: Awaited<ReturnType<typeof buildApp>>, token: string): Promise<Record<string, { median: number; all: number[] }>> {
  const out: Record<string, { median: number; all: number[] }> = {};
  for (const period of PERIODS) {
    const request = () => app.inject({ method: 'GET', url: `/api/leaderboard?period=${period}&limit=10`, headers: { authorization: `Bearer ${token}` } });
    const warm = await request();
    if (warm.statusCode !== 200) throw new Error(`${period}: ${warm.statusCode} ${warm.body}`);
    const all: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const res = await request();
      all.push(Math.round((performance.now() - started) * 10) / 10);
      if (res.statusCode !== 200) throw new Error(`${period}: ${res.statusCode}`);
    }
    out[period] = { median: median(all), all };
    log(`${period}: median ${median(all)} ms (${all.join(', ')})`);
  }
  return out;
}

// ---------- the run ----------

const { url, drop } = await scratchUrl();
const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: url, JWT_SECRET, SEED_ON_START: 'false', PG_STATEMENT_TIMEOUT_MS: '600000' });
const database = openConfiguredDatabase(config);
try {
  await applyMigrations(database);
  let started = performance.now();
  log(`${DIALECT}: generating ${LEARNERS} learners and ${EVENTS} ledger rows…`);
  await exec(database, url, generation());
  const generated = seconds(started);
  log(`generated in ${generated}`);

  const app = await buildApp({ config, database });
  // a learner in the middle of the board: their rank is counted, not read from the top N
  const [me] = (await rows(database, url, `select id, username, total_points from users where id = ${Math.floor(LEARNERS / 2) + 1}`)) as {
    id: number;
    username: string;
    total_points: number;
  }[];
  const token = app.signAccessToken({ id: Number(me.id), role: 'padawan', username: me.username });
  const statements = boardStatements(Date.now() - 7 * 86_400_000, Math.round(Number(me.total_points) / 50));

  const report: string[] = [];
  for (const stage of ['without the leaderboard indexes', 'with the leaderboard indexes'] as const) {
    if (stage === 'with the leaderboard indexes') {
      started = performance.now();
      await exec(database, url, [...Object.values(LEADERBOARD_INDEXES), DIALECT === 'sqlite' ? 'analyze' : 'analyze users, point_events']);
      log(`indexes built in ${seconds(started)}`);
    }
    log(stage);
    const measured = await latencies(app, token);
    report.push(`#### ${DIALECT}, ${stage}`, '', '| period | median | runs (ms) |', '|---|---|---|');
    for (const period of PERIODS) report.push(`| ${period} | ${measured[period].median} ms | ${measured[period].all.join(', ')} |`);
    report.push('');
    for (const [what, statement] of Object.entries(statements)) report.push(`${what}:`, '```', await explain(database, url, statement), '```');
    report.push('');
  }
  await app.close();
  process.stdout.write(`\n${DIALECT}: ${LEARNERS} learners, ${EVENTS} ledger rows (generated in ${generated})\n\n${report.join('\n')}\n`);
} finally {
  await database.close().catch(() => {});
  await drop();
}

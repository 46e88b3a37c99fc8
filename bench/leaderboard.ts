// `npx tsx bench/leaderboard.ts`: GET /api/leaderboard?period=week|month|all on a large learner base
// (default 100,000 learners and 10 M ledger rows spread over a year, in sessions of 3–8 rows a
// minute apart, as a session of attempts credits them), generated in bulk by SQL (generate_series on
// PostgreSQL, a recursive CTE on SQLite), point_days filled from it as the migration fills it, every
// index the migrations create. Measures, on the same database and in the same run:
// - before: the previous route's three statements over the raw ledger (the top N of the period,
//   the caller's row, the learners ahead of them), run one after another, as it ran them;
// - after: the route as it is (in-process requests, one at a time): whole days from point_days plus
//   the first, partial day's ledger rows, summed once in a materialized CTE read twice (top N, the caller's rank).
// Prints EXPLAIN of both and the medians as Markdown for BENCHMARKS.md.
//
//   npx tsx bench/leaderboard.ts --dialect postgres|sqlite [--learners 100000] [--events 10000000] [--runs 7]
//
// The statements timed as "before" and the EXPLAINed ones mirror src/modules/badges/leaderboard.ts
// (now and before this change), with literal values; the "after" latencies are the route's own.
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

const DAY_MS = 86_400_000;
const PERIOD_DAYS = { week: 7, month: 30 } as const;
/** A session credits 3 to 8 rows: SESSION_ROWS(s) = 3 + s % 6, 5.5 on average. */
const SESSIONS = Math.round(EVENTS / 5.5);

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
 * Learners 1..N (every 100th opted out, every 500th inactive, every 997th staff), then the ledger in
 * sessions: session s goes to a learner spread by a multiplicative hash, starts at a time spread
 * over the last year and credits 3 + s % 6 rows a minute apart, 5–50 points each; total_points set
 * to each learner's sum; point_days filled from the ledger by the migration's statement. The
 * ledger's indexes (all the migrations create) built after its rows.
 */
function generation(): string[] {
  const learner = (n: string) =>
    `'lb_' || ${n}, 'lb_' || ${n} || '@example.org', 'x', case when ${n} % 997 = 0 then 'maitre' else 'padawan' end, ` +
    `${DIALECT === 'sqlite' ? `(${n} % 500 <> 0), (${n} % 100 <> 0)` : `${n} % 500 <> 0, ${n} % 100 <> 0`}`;
  const userColumns = 'username, email, hashed_password, role, is_active, leaderboard_visible';
  const ledgerColumns = 'user_id, source_type, points_delta, balance_after, created_at';
  // user ids are 1..N: the scratch database has no other user; a session ends at least 2 minutes ago
  const ledgerRow = (s: string, r: string, at: string) => `1 + (${s} * 48271) % ${LEARNERS}, 'exercise_completed', 5 + (${s} * 31 + ${r}) % 46, 0, ${at}`;
  const secondsAgo = (s: string, r: string) => `(((${s} * 7919) % ${YEAR_SECONDS}) + 600 - 60 * ${r})`;
  const ledgerIndexes = [
    'drop index if exists ix_point_events_user_created',
    'drop index if exists ix_point_events_created_user',
    'drop index if exists idx_users_total_points',
  ];
  const sums = `update users set total_points = s.total from (select user_id, sum(points_delta) as total from point_events group by user_id) as s where users.id = s.user_id`;
  // as the migration point_days_fill does (drizzle/*/0019_point_days_fill.sql)
  const day = DIALECT === 'postgres' ? 'floor(extract(epoch from created_at) / 86400)::integer' : 'cast(created_at / 86400000 as integer)';
  const fillDays = `insert into point_days (user_id, day, points) select user_id, ${day}, sum(points_delta) from point_events group by 1, 2`;
  const createIndexes = [
    'create index ix_point_events_user_created on point_events (user_id, created_at)',
    'create index ix_point_events_created_user on point_events (created_at, user_id, points_delta)',
    'create index idx_users_total_points on users (total_points)',
  ];
  if (DIALECT === 'postgres') {
    return [
      ...ledgerIndexes,
      `insert into users (${userColumns}) select ${learner('g')} from generate_series(1, ${LEARNERS}) as g`,
      // no per-row foreign key check while generating (every user_id exists by construction)
      'set session_replication_role = replica',
      `insert into point_events (${ledgerColumns}) select ${ledgerRow('s', 'r', `now() - ${secondsAgo('s', 'r')} * interval '1 second'`)} from generate_series(1, ${SESSIONS}::bigint) as s, generate_series(0, 7) as r where r < 3 + s % 6`,
      fillDays,
      'set session_replication_role = origin',
      sums,
      ...createIndexes,
      'vacuum analyze users',
      'vacuum analyze point_events',
      'vacuum analyze point_days',
    ];
  }
  const now = Date.now();
  return [
    ...ledgerIndexes,
    'pragma foreign_keys = off',
    `with recursive g(n) as (select 1 union all select n + 1 from g where n < ${LEARNERS}) insert into users (${userColumns}) select ${learner('n')} from g`,
    `with recursive g(n) as (select 1 union all select n + 1 from g where n < ${SESSIONS}), r(k) as (values (0), (1), (2), (3), (4), (5), (6), (7)) insert into point_events (${ledgerColumns}) select ${ledgerRow('n', 'k', `${now} - ${secondsAgo('n', 'k')} * 1000`)} from g join r on r.k < 3 + n % 6`,
    fillDays,
    sums,
    'pragma foreign_keys = on',
    ...createIndexes,
    'analyze',
  ];
}

// ---------- what is measured ----------

/**
 * The board's statements with literal values: `before`, the previous route's three over the raw
 * ledger (top N, the caller's row, the learners ahead); `after`, the route's one statement now.
 */
function boardStatements(period: keyof typeof PERIOD_DAYS, nowMs: number, me: { id: number; points: number }): { before: string[]; after: string } {
  const sinceMs = nowMs - PERIOD_DAYS[period] * DAY_MS;
  const literal = (ms: number) => (DIALECT === 'sqlite' ? String(ms) : `'${new Date(ms).toISOString()}'`);
  const firstDay = Math.floor(sinceMs / DAY_MS);
  const ranked = `u.role = 'padawan' and u.is_active = ${DIALECT === 'sqlite' ? 1 : 'true'} and u.leaderboard_visible = ${DIALECT === 'sqlite' ? 1 : 'true'}`;
  const raw = `select u.id, u.username, p.total as points from (select user_id, sum(points_delta) as total from point_events where created_at >= ${literal(sinceMs)} group by user_id) as p join users u on u.id = p.user_id where ${ranked} and p.total > 0`;
  const rows =
    `select user_id, points from point_days where day > ${firstDay} union all ` +
    `select user_id, points_delta from point_events where created_at >= ${literal(sinceMs)} and created_at < ${literal((firstDay + 1) * DAY_MS)}`;
  const board = `select u.id, u.username, sum(period_rows.points) as points from (${rows}) as period_rows join users u on u.id = period_rows.user_id where ${ranked} group by u.id, u.username having sum(period_rows.points) > 0`;
  return {
    before: [
      `select * from (${raw}) as board order by points desc, username asc limit 10`,
      `select * from (${raw}) as board where id = ${me.id}`,
      `select count(*) from (${raw}) as board where points > ${me.points}`,
    ],
    after:
      `select * from (with board as materialized (${board}) ` +
      `select id, username, points, null as ahead, 0 as mine from (select id, username, points from board order by points desc, username asc limit 10) as top_rows ` +
      `union all select id, username, points, (select count(*) from board as ahead where ahead.points > mine.points) as ahead, 1 as mine from board as mine where mine.id = ${me.id}) as ranked_board ` +
      `order by mine, points desc, username asc`,
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
    log(`after, ${period}: median ${median(all)} ms (${all.join(', ')})`);
  }
  return out;
}

/** The previous route's three statements, one after another on one connection: median of RUNS after one warm-up. */
async function rawLedgerLatency(database: Database, url: string, statements: string[], label: string): Promise<{ median: number; all: number[] }> {
  const client = database.dialect === 'postgres' ? new pg.Client({ connectionString: url }) : null;
  await client?.connect();
  const runAll = async () => {
    for (const statement of statements) {
      if (client) await client.query(statement);
      else if (database.dialect === 'sqlite') database.reader.prepare(statement).all();
    }
  };
  try {
    await runAll();
    const all: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await runAll();
      all.push(Math.round((performance.now() - started) * 10) / 10);
    }
    log(`before, ${label}: median ${median(all)} ms (${all.join(', ')})`);
    return { median: median(all), all };
  } finally {
    await client?.end();
  }
}

// ---------- the run ----------

const { url, drop } = await scratchUrl();
const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: url, JWT_SECRET, SEED_ON_START: 'false', PG_STATEMENT_TIMEOUT_MS: '600000' });
const database = openConfiguredDatabase(config);
try {
  await applyMigrations(database);
  const started = performance.now();
  log(`${DIALECT}: generating ${LEARNERS} learners and ~${EVENTS} ledger rows in ${SESSIONS} sessions…`);
  await exec(database, url, generation());
  const generated = seconds(started);
  const [counts] = await rows(
    database,
    url,
    `select (select count(*) from point_events) as ledger, (select count(*) from point_days) as days, (select count(*) from (select distinct user_id from point_events) as l) as learners`,
  );
  log(`generated in ${generated}: ${JSON.stringify(counts)}`);

  const app = await buildApp({ config, database });
  // a ranked learner credited in the last day (so on every board), the first such from the middle of
  // the ids: their rank is counted, not read from the top N
  const recent = DIALECT === 'sqlite' ? String(Date.now() - DAY_MS) : `now() - interval '1 day'`;
  const [me] = (await rows(
    database,
    url,
    `select u.id, u.username, u.total_points from users u where u.id >= ${Math.floor(LEARNERS / 2)} and u.role = 'padawan' and u.is_active = ${DIALECT === 'sqlite' ? 1 : 'true'} and u.leaderboard_visible = ${DIALECT === 'sqlite' ? 1 : 'true'} and exists (select 1 from point_events p where p.user_id = u.id and p.created_at >= ${recent}) order by u.id limit 1`,
  )) as {
    id: number;
    username: string;
    total_points: number;
  }[];
  // a signed-in session, as a sign-in makes (access tokens of no session are refused)
  await exec(database, url, [
    `insert into sessions (user_id, family_id, expires_at) values (${Number(me.id)}, 'bench-leaderboard', ${DIALECT === 'sqlite' ? Date.now() + DAY_MS : "now() + interval '1 day'"})`,
  ]);
  const [session] = await rows(database, url, `select id from sessions where user_id = ${Number(me.id)}`);
  const token = app.signAccessToken({ id: Number(me.id), role: 'padawan', username: me.username }, 0, Number(session.id));
  const uptime = () =>
    os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' ');
  const loadBefore = uptime();

  const report: string[] = [];
  const windowRows: string[] = [];
  const before: Record<string, { median: number; all: number[] }> = {};
  for (const period of ['week', 'month'] as const) {
    const nowMs = Date.now();
    const sinceMs = nowMs - PERIOD_DAYS[period] * DAY_MS;
    const mine = (await rows(database, url, boardStatements(period, nowMs, { id: Number(me.id), points: 0 }).before[1]))[0];
    const statements = boardStatements(period, nowMs, { id: Number(me.id), points: Number(mine?.points ?? 0) });
    before[period] = await rawLedgerLatency(database, url, statements.before, period);
    const literal = DIALECT === 'sqlite' ? String(sinceMs) : `'${new Date(sinceMs).toISOString()}'`;
    const [window] = await rows(
      database,
      url,
      `select (select count(*) from point_events where created_at >= ${literal}) as ledger, (select count(*) from point_days where day > ${Math.floor(sinceMs / DAY_MS)}) as days`,
    );
    windowRows.push(`${period}: ${Number(window.ledger).toLocaleString('en-US')} ledger rows, ${Number(window.days).toLocaleString('en-US')} point_days rows`);
  }
  const after = await latencies(app, token);
  const loadAfter = uptime();

  report.push(`Load average before / after the timings: ${loadBefore} / ${loadAfter}`, '');
  report.push(`Rows in the window: ${windowRows.join('; ')}`, '');
  report.push('| period | before: raw ledger, 3 statements | after: the route (point_days + first day) |', '|---|---|---|');
  for (const period of PERIODS) {
    const was = before[period] ? `${before[period].median} ms (${before[period].all.join(', ')})` : 'unchanged';
    report.push(`| ${period} | ${was} | ${after[period].median} ms (${after[period].all.join(', ')}) |`);
  }
  report.push('');
  for (const period of ['week', 'month'] as const) {
    const statements = boardStatements(period, Date.now(), { id: Number(me.id), points: 0 });
    report.push(`${period}, after (the route's statement):`, '```', await explain(database, url, statements.after), '```');
  }
  const previous = boardStatements('month', Date.now(), { id: Number(me.id), points: 0 });
  report.push(`month, before (the top N over the raw ledger):`, '```', await explain(database, url, previous.before[0]), '```', '');
  await app.close();
  process.stdout.write(
    `\n${DIALECT}: ${LEARNERS} learners, ${Number(counts.ledger).toLocaleString('en-US')} ledger rows, ${Number(counts.days).toLocaleString('en-US')} point_days rows (generated in ${generated})\n\n${report.join('\n')}\n`,
  );
} finally {
  await database.close().catch(() => {});
  await drop();
}

// `npm run bench`: the API benchmark and the mixed scenario, on SQLite and on PostgreSQL, each
// figure beside a bare reference measured in the same run (bench/bare-server.ts: the same SQL
// through the raw driver, no framework work). Writes its section of BENCHMARKS.md.
//
//   npx tsx bench/run.ts [--runs 3] [--duration 10] [--connections 50] [--dialect sqlite|postgres]
//                        [--scenario get|list|attempt|mixed] [--no-write] [--profile]
//
// --profile writes a V8 CPU profile of the app server to .tmp/profiles/ (summarize it with
// `npx tsx bench/profile-summary.ts FILE`).
//
// The servers run compiled in child processes (src/server.ts as in production, LOG_LEVEL=warn;
// the bare server), autocannon in this one, all on 127.0.0.1. Runs of the app and of the bare server
// alternate; figures are medians over --runs. PostgreSQL: BENCH_DATABASE_URL, else
// TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test (the benchmark creates and drops
// its own database there).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import type { Dialect } from '../src/db/client.js';
import { openConfiguredDatabase } from '../src/db/configured.js';
import { DIFFICULTIES, EXERCISE_TYPES } from '../src/db/enums.js';
import { applyMigrations } from '../src/db/migrate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    dialect: { type: 'string' },
    scenario: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const DIALECTS: Dialect[] = args.dialect ? [args.dialect as Dialect] : ['sqlite', 'postgres'];
const PG_SERVER = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const JWT_SECRET = 'benchmark-secret-that-is-long-enough-for-hs256';
const EXERCISES = 360;
const LEARNERS = 50;
const TARGETS = { read: 0.8, attempt: 0.6, p99Ms: 50, rssMb: 200 };

// ---------- the database ----------

interface BenchDatabase {
  url: string;
  learners: { id: number; token: string }[];
  exercises: { id: number; answer: string }[];
  drop(): Promise<void>;
}

async function prepareDatabase(dialect: Dialect): Promise<BenchDatabase> {
  let url: string;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-bench-'));
    url = `sqlite:${path.join(dir, 'bench.db')}`;
    drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `mathakine_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_SERVER });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
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

  const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: url, JWT_SECRET, SEED_ON_START: 'false' });
  const database = openConfiguredDatabase(config);
  await applyMigrations(database);
  const { exercises, users } = database.tables;
  const exerciseRows = await database.transaction((tx) =>
    tx
      .insert(exercises)
      .values(
        Array.from({ length: EXERCISES }, (_, i) => {
          const a = 3 + (i % 17);
          const b = 5 + (i % 23);
          return {
            title: `Exercice ${i + 1}`,
            exercise_type: EXERCISE_TYPES[i % EXERCISE_TYPES.length],
            difficulty: DIFFICULTIES[i % DIFFICULTIES.length],
            question: `${a} + ${b} = ?`,
            correct_answer: String(a + b),
            explanation: `${a} + ${b} font ${a + b}.`,
            choices: [String(a + b), String(a + b + 1), String(a + b - 1)],
          };
        }),
      )
      .returning({ id: exercises.id, answer: exercises.correct_answer }),
  );
  const userRows = await database.transaction((tx) =>
    tx
      .insert(users)
      .values(Array.from({ length: LEARNERS }, (_, i) => ({ username: `bench_${i}`, email: `bench_${i}@example.org`, hashed_password: 'not-used', role: 'padawan' as const })))
      .returning({ id: users.id, username: users.username }),
  );
  // An app instance only to sign access tokens with the servers' secret.
  const signer = await buildApp({ config, database });
  const learners = userRows.map((u) => ({ id: u.id, token: signer.signAccessToken({ id: u.id, role: 'padawan', username: u.username }) }));
  await signer.close(); // closes the database too
  return { url, learners, exercises: exerciseRows, drop };
}

// ---------- the servers ----------

interface Server {
  kind: 'app' | 'bare';
  child: ChildProcess;
  base: string;
  prefix: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Both servers compiled to JavaScript, as the Docker image runs the app (`node dist/server.js`),
 * into a scratch folder under .tmp/ (node_modules resolves from the project; drizzle/ is linked).
 */
function compile(): string {
  const out = path.join(ROOT, '.tmp', `bench-build-${process.pid}`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const tsconfig = path.join(out, 'tsconfig.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: { rootDir: ROOT, outDir: out, noEmit: false, sourceMap: false },
      include: [path.join(ROOT, 'src'), path.join(ROOT, 'bench', 'bare-server.ts'), path.join(ROOT, 'bench', 'sql.ts')],
    }),
  );
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('tsc failed');
  fs.symlinkSync(path.join(ROOT, 'drizzle'), path.join(out, 'drizzle'));
  return out;
}

let buildDir = '';

/**
 * How the Docker image starts the server: the node flags of the Dockerfile's CMD and the ENV of its
 * last stage, so the app is measured with the memory settings it runs with in production.
 */
function imageRuntime(): { nodeFlags: string[]; env: Record<string, string> } {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const cmd = /^CMD (\[.*\])$/m.exec(runtimeStage);
  if (!cmd) throw new Error('the Dockerfile has no CMD in exec form');
  const [node, ...args] = JSON.parse(cmd[1]) as string[];
  if (node !== 'node' || args.at(-1) !== 'dist/server.js') throw new Error(`unexpected CMD ${cmd[1]}`);
  const env: Record<string, string> = {};
  for (const line of runtimeStage.matchAll(/^ENV (.*)$/gm)) {
    for (const pair of line[1].matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[pair[1]] = pair[2];
  }
  return { nodeFlags: args.slice(0, -1), env };
}

async function startServer(kind: 'app' | 'bare', url: string): Promise<Server> {
  const port = await freePort();
  const entry = kind === 'app' ? 'src/server.js' : 'bench/bare-server.js';
  const profile = kind === 'app' && args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, '.tmp', 'profiles')}`] : [];
  const runtime = kind === 'app' ? imageRuntime() : { nodeFlags: [], env: {} };
  const child = spawn(process.execPath, [...runtime.nodeFlags, ...profile, entry], {
    cwd: buildDir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      ...runtime.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: url,
      JWT_SECRET,
      SEED_ON_START: 'false',
      MIGRATE_ON_START: 'false',
      RATE_LIMIT_PER_MINUTE: '100000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const health = kind === 'app' ? '/admin/health' : '/bare/health';
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${kind} server exited with ${child.exitCode}`);
    const ok = await fetch(`${base}${health}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { kind, child, base, prefix: kind === 'app' ? '/api' : '/bare' };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${kind} server did not start`);
}

async function stopServer(server: Server) {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** Resident memory of the server process now, and its peak so far (MB). */
function memoryOf(server: Server): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

// ---------- the scenarios ----------

type ScenarioName = 'get' | 'list' | 'attempt' | 'mixed';
const SCENARIOS: { name: ScenarioName; label: string; kind: 'read' | 'attempt' | 'mixed' }[] = [
  { name: 'get', label: 'GET /api/exercises/:id', kind: 'read' },
  { name: 'list', label: 'GET /api/exercises?limit=20', kind: 'read' },
  { name: 'attempt', label: 'POST /api/exercises/:id/attempts', kind: 'attempt' },
  { name: 'mixed', label: 'mixed: list 20 % · fetch 35 % · attempt 30 % · progress 15 %', kind: 'mixed' },
];

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];

function requestFor(scenario: ScenarioName, server: Server, data: BenchDatabase): autocannon.Request {
  const learner = pick(data.learners);
  const headers: Record<string, string> = { authorization: `Bearer ${learner.token}`, 'x-user-id': String(learner.id) };
  let action: Exclude<ScenarioName, 'mixed'> | 'progress' = scenario === 'mixed' ? 'get' : scenario;
  if (scenario === 'mixed') {
    const roll = Math.random();
    action = roll < 0.2 ? 'list' : roll < 0.55 ? 'get' : roll < 0.85 ? 'attempt' : 'progress';
  }
  const exercise = pick(data.exercises);
  switch (action) {
    case 'get':
      return { method: 'GET', path: `${server.prefix}/exercises/${exercise.id}`, headers };
    case 'list':
      return { method: 'GET', path: `${server.prefix}/exercises?limit=20&offset=${20 * Math.floor(Math.random() * 5)}`, headers };
    case 'progress':
      return { method: 'GET', path: `${server.prefix}/progress`, headers };
    case 'attempt':
      return {
        method: 'POST',
        path: `${server.prefix}/exercises/${exercise.id}/attempts`,
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ user_answer: Math.random() < 0.7 ? exercise.answer : '0', time_spent: 1 + Math.round(Math.random() * 20) }),
      };
  }
}

interface Measure {
  rps: number;
  p99: number;
  failures: number;
}

async function measure(scenario: ScenarioName, server: Server, data: BenchDatabase, duration: number): Promise<Measure> {
  const result = await autocannon({
    url: server.base,
    connections: CONNECTIONS,
    duration,
    requests: [{ setupRequest: () => requestFor(scenario, server, data) }],
  });
  return { rps: result.requests.average, p99: result.latency.p99, failures: result.non2xx + result.errors + result.timeouts };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

interface Row {
  dialect: Dialect;
  scenario: (typeof SCENARIOS)[number];
  app: Measure[];
  bare: Measure[];
  appPeakMb: number;
}

async function benchDialect(dialect: Dialect): Promise<Row[]> {
  const data = await prepareDatabase(dialect);
  const app = await startServer('app', data.url);
  const bare = await startServer('bare', data.url);
  const rows: Row[] = [];
  try {
    for (const scenario of SCENARIOS.filter((s) => !args.scenario || s.name === args.scenario)) {
      const row: Row = { dialect, scenario, app: [], bare: [], appPeakMb: 0 };
      // warm both (JIT, caches, pool) before measuring
      await measure(scenario.name, bare, data, 2);
      await measure(scenario.name, app, data, 2);
      for (let run = 0; run < RUNS; run++) {
        row.bare.push(await measure(scenario.name, bare, data, DURATION));
        row.app.push(await measure(scenario.name, app, data, DURATION));
        const last = (list: Measure[]) => list[list.length - 1];
        process.stdout.write(
          `${dialect} ${scenario.name} run ${run + 1}: app ${last(row.app).rps.toFixed(0)} req/s p99 ${last(row.app).p99} ms · bare ${last(row.bare).rps.toFixed(0)} req/s p99 ${last(row.bare).p99} ms\n`,
        );
      }
      row.appPeakMb = memoryOf(app).peak;
      rows.push(row);
    }
  } finally {
    await stopServer(app);
    await stopServer(bare);
    await data.drop();
  }
  return rows;
}

// ---------- the report ----------

const START = '<!-- bench/run.ts: start -->';
const END = '<!-- bench/run.ts: end -->';

function report(rows: Row[]): string {
  const date = new Date().toISOString().slice(0, 10);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    START,
    '## API benchmark',
    '',
    `\`npm run bench\` (bench/run.ts), ${date}: ${os.cpus().length} cores (${cpu}), Node ${process.version}, PostgreSQL on the same machine.`,
    `autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, medians of ${RUNS} runs. The app: src/server.ts compiled, started as the`,
    `Dockerfile's CMD starts it (\`node ${imageRuntime().nodeFlags.join(' ')}\`), NODE_ENV=production, LOG_LEVEL=warn (no per-request log lines).`,
    'The bare reference (bench/bare-server.ts): a plain Fastify route sending the SQL text of the app\'s own prepared queries (taken at',
    'start-up) through better-sqlite3 / pg (named statements, as the app\'s), without validation, auth, ORM or plugins. Both run in',
    `child processes and alternate; load average before / after: ${LOAD_BEFORE} / ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}. Requests pick one of`,
    `${LEARNERS} learners (Bearer token) and one of ${EXERCISES} exercises at random. Targets: reads ≥ ${TARGETS.read}× the bare route,`,
    `attempts ≥ ${TARGETS.attempt}×, p99 < ${TARGETS.p99Ms} ms, resident memory < ${TARGETS.rssMb} MB.`,
    '',
    '| dialect | route | app req/s | bare req/s | ratio | target | app p99 | bare p99 | app peak RSS | failed requests | verdict |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const appRps = median(row.app.map((m) => m.rps));
    const bareRps = median(row.bare.map((m) => m.rps));
    const ratio = appRps / bareRps;
    const target = row.scenario.kind === 'read' ? TARGETS.read : row.scenario.kind === 'attempt' ? TARGETS.attempt : null;
    const appP99 = median(row.app.map((m) => m.p99));
    const failures = row.app.reduce((sum, m) => sum + m.failures, 0) + row.bare.reduce((sum, m) => sum + m.failures, 0);
    const misses = [
      target !== null && ratio < target ? 'ratio' : null,
      appP99 >= TARGETS.p99Ms ? 'p99' : null,
      row.appPeakMb >= TARGETS.rssMb ? 'memory' : null,
      failures > 0 ? 'failures' : null,
    ].filter(Boolean);
    lines.push(
      `| ${row.dialect} | ${row.scenario.label} | ${appRps.toFixed(0)} | ${bareRps.toFixed(0)} | ${ratio.toFixed(2)} | ${target === null ? '—' : `≥ ${target}`} | ${appP99} ms | ${median(row.bare.map((m) => m.p99))} ms | ${row.appPeakMb.toFixed(0)} MB | ${failures} | ${misses.length ? `missed: ${misses.join(', ')}` : 'met'} |`,
    );
  }
  lines.push('', 'Every run, in req/s (app / bare):', '');
  for (const row of rows) {
    lines.push(`- ${row.dialect}, ${row.scenario.label}: ${row.app.map((m, i) => `${m.rps.toFixed(0)} / ${row.bare[i].rps.toFixed(0)}`).join(' · ')}`);
  }
  lines.push(END);
  return lines.join('\n');
}

/** Replaces this benchmark's section of BENCHMARKS.md (between its markers), keeping every other section. */
function writeReport(section: string) {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start !== -1 && end > start ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}` : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}

const LOAD_BEFORE = os.loadavg().map((n) => n.toFixed(1)).join(' ');
buildDir = compile();
const rows: Row[] = [];
try {
  for (const dialect of DIALECTS) rows.push(...(await benchDialect(dialect)));
} finally {
  fs.rmSync(buildDir, { recursive: true, force: true });
}
const section = report(rows);
process.stdout.write(`\n${section}\n`);
if (!args['no-write']) writeReport(section);

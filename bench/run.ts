// `npm run bench`: the API benchmark and the mixed scenario, on SQLite and on PostgreSQL, each
// figure beside a bare reference measured in the same run (bench/bare-server.ts: the same SQL
// through the raw driver, no framework work). Writes its section of BENCHMARKS.md.
//
//   npx tsx bench/run.ts [--runs 3] [--duration 10] [--connections 50] [--dialect sqlite|postgres]
//                        [--scenario get|list|attempt|mixed|conditional] [--no-write] [--profile]
//
// --profile writes a V8 CPU profile of the app server to .tmp/profiles/ (summarize it with
// `npx tsx bench/profile-summary.ts FILE`).
//
// The servers run compiled in child processes (src/server.ts as in production, LOG_LEVEL=warn;
// the bare server), autocannon in this one, all on 127.0.0.1. Runs of the app and of the bare server
// alternate; figures are medians over --runs. PostgreSQL: BENCH_DATABASE_URL, else
// TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test (the benchmark creates and drops
// its own database there).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import type { Dialect } from '../src/db/client.js';
import { openLoop, type OpenLoopResult } from './open-loop.js';
import {
  compile,
  EXERCISES,
  imageRuntime,
  LEARNERS,
  measure as measureWith,
  median,
  memoryOf,
  pick,
  prepareDatabase,
  ROOT,
  startServer,
  stopServer,
  type BenchDatabase,
  type Measure,
  type Server,
} from './harness.js';

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
// issue #13: the app against the bare route, per route; every p99 at most 1.5× the bare route's
const TARGETS = { get: 0.5, list: 0.8, attempt: 0.6, p99Ratio: 1.5, rssMb: 200 };

// ---------- the scenarios ----------

type ScenarioName = 'get' | 'list' | 'attempt' | 'mixed';
const SCENARIOS: { name: ScenarioName; label: string; kind: 'read' | 'attempt' | 'mixed' }[] = [
  { name: 'get', label: 'GET /api/exercises/:id', kind: 'read' },
  { name: 'list', label: 'GET /api/exercises?limit=20', kind: 'read' },
  { name: 'attempt', label: 'POST /api/exercises/:id/attempts', kind: 'attempt' },
  { name: 'mixed', label: 'mixed: list 20 % · fetch 35 % · attempt 30 % · progress 15 %', kind: 'mixed' },
];

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

function measure(scenario: ScenarioName, server: Server, data: BenchDatabase, duration: number): Promise<Measure> {
  return measureWith(server, () => requestFor(scenario, server, data), duration, CONNECTIONS);
}

// A closed loop at saturation makes latency a restatement of throughput: each of the 50
// connections waits for the 49 requests ahead of it, so p99 ≈ connections / req/s × the tail's
// shape, and a server at half the bare route's rate has about twice its p99 whatever its tail. The
// same requests are therefore also sent open-loop (bench/open-loop.ts) at one fixed rate to both
// servers, below what either sustains (this share of the app's median closed-loop rate), where p99
// is the latency a request meets on a busy instance that is not overloaded.
const EQUAL_LOAD_SHARE = 0.5;

function openLoopAt(scenario: ScenarioName, server: Server, data: BenchDatabase, rate: number): Promise<OpenLoopResult> {
  return openLoop(server.base, () => requestFor(scenario, server, data), rate, DURATION);
}

// ---------- conditional reads: a 304 of the list against its 200, the app alone ----------

const CONDITIONAL_TARGET = 1.3;

interface ConditionalRow {
  dialect: Dialect;
  full: Measure[];
  notModified: Measure[];
}

/** Each learner's current ETag of each of the five list pages the scenarios ask for. */
async function listEtags(app: Server, data: BenchDatabase): Promise<Map<string, string>> {
  const etags = new Map<string, string>();
  for (const learner of data.learners) {
    for (let page = 0; page < 5; page++) {
      const res = await fetch(`${app.base}/api/exercises?limit=20&offset=${20 * page}`, { headers: { authorization: `Bearer ${learner.token}` } });
      await res.arrayBuffer();
      const etag = res.headers.get('etag');
      if (res.status !== 200 || !etag) throw new Error(`the list answered ${res.status} without an ETag`);
      etags.set(`${learner.id}:${page}`, etag);
    }
  }
  return etags;
}

async function benchConditional(dialect: Dialect, app: Server, data: BenchDatabase): Promise<ConditionalRow> {
  const row: ConditionalRow = { dialect, full: [], notModified: [] };
  const etags = await listEtags(app, data);
  const request = (conditional: boolean) => (): autocannon.Request => {
    const learner = pick(data.learners);
    const page = Math.floor(Math.random() * 5);
    const headers: Record<string, string> = { authorization: `Bearer ${learner.token}` };
    if (conditional) headers['if-none-match'] = etags.get(`${learner.id}:${page}`)!;
    return { method: 'GET', path: `/api/exercises?limit=20&offset=${20 * page}`, headers };
  };
  await measureWith(app, request(false), 2, CONNECTIONS);
  await measureWith(app, request(true), 2, CONNECTIONS);
  for (let run = 0; run < RUNS; run++) {
    row.full.push(await measureWith(app, request(false), DURATION, CONNECTIONS));
    row.notModified.push(await measureWith(app, request(true), DURATION, CONNECTIONS));
    const [full, hit] = [row.full.at(-1)!, row.notModified.at(-1)!];
    process.stdout.write(
      `${dialect} conditional run ${run + 1}: 200 ${full.rps.toFixed(0)} req/s · 304 ${hit.rps.toFixed(0)} req/s (${hit.notModified} answers 304)\n`,
    );
  }
  return row;
}

interface Row {
  dialect: Dialect;
  scenario: (typeof SCENARIOS)[number];
  app: Measure[];
  bare: Measure[];
  /** at EQUAL_LOAD_SHARE of the app's median rate, both servers */
  equalLoad: { rate: number; app: OpenLoopResult[]; bare: OpenLoopResult[] };
  appPeakMb: number;
}

async function benchDialect(dialect: Dialect): Promise<Row[]> {
  const data = await prepareDatabase(dialect);
  const app = await startServer('app', data.url, { buildDir, profile: args.profile });
  const bare = await startServer('bare', data.url, { buildDir });
  const rows: Row[] = [];
  try {
    if (!args.scenario || args.scenario === 'conditional') conditionalRows.push(await benchConditional(dialect, app, data));
    for (const scenario of SCENARIOS.filter((s) => !args.scenario || s.name === args.scenario)) {
      const row: Row = { dialect, scenario, app: [], bare: [], equalLoad: { rate: 0, app: [], bare: [] }, appPeakMb: 0 };
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
      const rate = Math.round(EQUAL_LOAD_SHARE * median(row.app.map((m) => m.rps)));
      row.equalLoad.rate = rate;
      for (let run = 0; run < RUNS; run++) {
        row.equalLoad.bare.push(await openLoopAt(scenario.name, bare, data, rate));
        row.equalLoad.app.push(await openLoopAt(scenario.name, app, data, rate));
        process.stdout.write(
          `${dialect} ${scenario.name} at ${rate} req/s, run ${run + 1}: app p99 ${row.equalLoad.app.at(-1)!.p99} ms · bare p99 ${row.equalLoad.bare.at(-1)!.p99} ms\n`,
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
    "The bare reference (bench/bare-server.ts): a plain Fastify route sending the SQL text of the app's own prepared queries (taken at",
    "start-up) through better-sqlite3 / pg (named statements, as the app's), without validation, auth, ORM or plugins. Both run in",
    `child processes and alternate; load average before / after: ${LOAD_BEFORE} / ${os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}. Requests pick one of`,
    `${LEARNERS} learners (Bearer token) and one of ${EXERCISES} exercises at random. Targets: GET by id ≥ ${TARGETS.get}× the bare route,`,
    `list ≥ ${TARGETS.list}×, attempts ≥ ${TARGETS.attempt}×, app p99 ≤ ${TARGETS.p99Ratio}× the bare p99, resident memory < ${TARGETS.rssMb} MB.`,
    '',
    '| dialect | route | app req/s | bare req/s | ratio | target | app p99 | bare p99 | app peak RSS | failed requests | verdict |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const appRps = median(row.app.map((m) => m.rps));
    const bareRps = median(row.bare.map((m) => m.rps));
    const ratio = appRps / bareRps;
    const target = row.scenario.name === 'mixed' ? null : TARGETS[row.scenario.name];
    const appP99 = median(row.app.map((m) => m.p99));
    const bareP99 = median(row.bare.map((m) => m.p99));
    const failures = row.app.reduce((sum, m) => sum + m.failures, 0) + row.bare.reduce((sum, m) => sum + m.failures, 0);
    const misses = [
      target !== null && ratio < target ? 'ratio' : null,
      appP99 > TARGETS.p99Ratio * Math.max(bareP99, 1) ? 'p99' : null,
      row.appPeakMb >= TARGETS.rssMb ? 'memory' : null,
      failures > 0 ? 'failures' : null,
    ].filter(Boolean);
    lines.push(
      `| ${row.dialect} | ${row.scenario.label} | ${appRps.toFixed(0)} | ${bareRps.toFixed(0)} | ${ratio.toFixed(2)} | ${target === null ? '—' : `≥ ${target}`} | ${appP99} ms | ${bareP99} ms | ${row.appPeakMb.toFixed(0)} MB | ${failures} | ${misses.length ? `missed: ${misses.join(', ')}` : 'met'} |`,
    );
  }
  lines.push(
    '',
    `The same requests at one fixed rate for both servers, ${EQUAL_LOAD_SHARE * 100} % of the app's median rate above, open loop (bench/open-loop.ts:`,
    'evenly spaced, sent whether or not earlier ones were answered, each timed from when it was due), medians of the runs: the latency',
    'of a busy instance that is not overloaded. At saturation (the table above) a closed loop makes p99 about connections / req/s,',
    'so that p99 ratio mostly restates the throughput ratio.',
    '',
    '| dialect | route | offered req/s | app p99 | bare p99 | p99 ratio | target | app / bare p50 | verdict |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const row of rows) {
    const { rate, app, bare } = row.equalLoad;
    const appP99 = median(app.map((m) => m.p99));
    const bareP99 = median(bare.map((m) => m.p99));
    const served = app.every((m) => m.failures === 0 && m.rps >= 0.95 * rate) && bare.every((m) => m.failures === 0);
    const ok = appP99 <= TARGETS.p99Ratio * Math.max(bareP99, 1) && served;
    lines.push(
      `| ${row.dialect} | ${row.scenario.label} | ${rate} | ${appP99} ms | ${bareP99} ms | ${(appP99 / Math.max(bareP99, 1)).toFixed(2)} | ≤ ${TARGETS.p99Ratio} | ${median(app.map((m) => m.p50))} / ${median(bare.map((m) => m.p50))} ms | ${ok ? 'met' : served ? 'missed' : 'missed: rate not served'} |`,
    );
  }
  if (conditionalRows.length) {
    lines.push(
      '',
      `Conditional reads: the same list (\`GET /api/exercises?limit=20\`, the five pages) answered 200, and 304 to an \`If-None-Match\` holding the`,
      `learner's current ETag; the app alone, alternated runs. Target: the 304 at ≥ ${CONDITIONAL_TARGET}× the rate of the 200.`,
      '',
      '| dialect | 200 req/s | 304 req/s | ratio | target | 200 p99 | 304 p99 | bytes per answer 200 / 304 | verdict |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const row of conditionalRows) {
      const full = median(row.full.map((m) => m.rps));
      const hit = median(row.notModified.map((m) => m.rps));
      const failures = [...row.full, ...row.notModified].reduce((sum, m) => sum + m.failures, 0);
      const allNotModified = row.notModified.every((m) => m.notModified > 0 && m.failures === 0);
      const ok = hit / full >= CONDITIONAL_TARGET && failures === 0 && allNotModified;
      lines.push(
        `| ${row.dialect} | ${full.toFixed(0)} | ${hit.toFixed(0)} | ${(hit / full).toFixed(2)} | ≥ ${CONDITIONAL_TARGET} | ${median(row.full.map((m) => m.p99))} ms | ${median(row.notModified.map((m) => m.p99))} ms | ${median(row.full.map((m) => m.bytesPerRequest)).toFixed(0)} / ${median(row.notModified.map((m) => m.bytesPerRequest)).toFixed(0)} | ${ok ? 'met' : 'missed'} |`,
      );
    }
  }
  lines.push('', 'Every run, in req/s (app / bare):', '');
  for (const row of rows) {
    lines.push(`- ${row.dialect}, ${row.scenario.label}: ${row.app.map((m, i) => `${m.rps.toFixed(0)} / ${row.bare[i].rps.toFixed(0)}`).join(' · ')}`);
  }
  for (const row of conditionalRows) {
    lines.push(
      `- ${row.dialect}, conditional list (200 / 304): ${row.full.map((m, i) => `${m.rps.toFixed(0)} / ${row.notModified[i].rps.toFixed(0)}`).join(' · ')}`,
    );
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
  const next = start !== -1 && end > start ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}` : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}

const conditionalRows: ConditionalRow[] = [];
const LOAD_BEFORE = os
  .loadavg()
  .map((n) => n.toFixed(1))
  .join(' ');
const buildDir = compile();
const rows: Row[] = [];
try {
  for (const dialect of DIALECTS) rows.push(...(await benchDialect(dialect)));
} finally {
  fs.rmSync(buildDir, { recursive: true, force: true });
}
const section = report(rows);
process.stdout.write(`\n${section}\n`);
if (!args['no-write']) writeReport(section);

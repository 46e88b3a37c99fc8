// `npm run bench:capacity`: how many concurrently active learners one instance holds with a p99
// under 200 ms. A learner is a loop: one request of the mixed workload (list 20 % · fetch 35 % ·
// attempt 30 % · progress 15 %), then a pause drawn uniformly in [0.5, 1.5] × --pause seconds
// (5 s: reading the exercise, thinking, typing), again. The number of learners doubles until the
// p99 of a level reaches the target (or requests fail), then bisects between the last level held
// and the first missed. Setups: SQLite, PostgreSQL, PostgreSQL with one streaming replica
// (.ci/replica.sh at 127.0.0.1:5434). Writes its section of BENCHMARKS.md.
//
//   npx tsx bench/capacity.ts [--setups sqlite,postgres,replica] [--pause 5] [--seconds 15]
//                             [--start 250] [--max 16000] [--bisect 2] [--no-write]
//
// Each level: the learners start spread over one pause, then every answer is timed for --seconds.
// The learners are simulated in this process with keep-alive connections (one per learner), so the
// load generator shares the machine's cores with the app and the database, as in bench/run.ts.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Dialect } from '../src/db/client.js';
import {
  compile,
  memoryOf,
  pick,
  prepareDatabase,
  replicaUrlOf,
  startServer,
  stopServer,
  waitForReplay,
  writeBenchmarkSection,
  type BenchDatabase,
  type Server,
} from './harness.js';

const { values: args } = parseArgs({
  options: {
    setups: { type: 'string', default: 'sqlite,postgres,replica' },
    pause: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '15' },
    start: { type: 'string', default: '250' },
    max: { type: 'string', default: '16000' },
    bisect: { type: 'string', default: '2' },
    'no-write': { type: 'boolean', default: false },
  },
});
type Setup = 'sqlite' | 'postgres' | 'replica';
const SETUPS = args.setups.split(',') as Setup[];
const PAUSE_MS = 1000 * Number(args.pause);
const MEASURE_MS = 1000 * Number(args.seconds);
const START = Number(args.start);
const MAX = Number(args.max);
const BISECT = Number(args.bisect);
const P99_TARGET_MS = 200;
/** accounts the learners sign in as; beyond that, learners share accounts (the same SQL either way) */
const ACCOUNTS = 2_000;

interface Level {
  learners: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  held: boolean;
}

function mixedRequest(data: BenchDatabase): { method: string; path: string; body?: string } {
  const exercise = pick(data.exercises);
  const roll = Math.random();
  if (roll < 0.2) return { method: 'GET', path: `/api/exercises?limit=20&offset=${20 * Math.floor(Math.random() * 5)}` };
  if (roll < 0.55) return { method: 'GET', path: `/api/exercises/${exercise.id}` };
  if (roll < 0.85) {
    const body = JSON.stringify({ user_answer: Math.random() < 0.7 ? exercise.answer : '0', time_spent: 1 + Math.round(Math.random() * 20) });
    return { method: 'POST', path: `/api/exercises/${exercise.id}/attempts`, body };
  }
  return { method: 'GET', path: '/api/progress' };
}

function send(agent: http.Agent, base: URL, token: string, request: { method: string; path: string; body?: string }): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        headers: {
          authorization: `Bearer ${token}`,
          ...(request.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(request.body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);

/** `learners` learners against `server` for one ramp (a pause) and MEASURE_MS of timed answers. */
async function runLevel(server: Server, data: BenchDatabase, learners: number): Promise<Level> {
  const base = new URL(server.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const rampEnd = performance.now() + PAUSE_MS;
  const stopAt = rampEnd + MEASURE_MS;
  const latencies: number[] = [];
  let failures = 0;
  const learner = async (index: number) => {
    const account = data.learners[index % data.learners.length];
    await sleep(Math.random() * PAUSE_MS); // arrivals spread over one pause
    while (performance.now() < stopAt) {
      const started = performance.now();
      const status = await send(agent, base, account.token, mixedRequest(data));
      if (started >= rampEnd && started < stopAt) {
        latencies.push(performance.now() - started);
        if (status < 200 || status >= 300) failures++;
      }
      await sleep(PAUSE_MS * (0.5 + Math.random()));
    }
  };
  await Promise.all(Array.from({ length: learners }, (_, i) => learner(i)));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const p99 = quantile(latencies, 0.99);
  return {
    learners,
    requests: latencies.length,
    rps: latencies.length / (MEASURE_MS / 1000),
    p50: quantile(latencies, 0.5),
    p99,
    failures,
    held: p99 < P99_TARGET_MS && failures === 0,
  };
}

interface SetupResult {
  setup: Setup;
  levels: Level[];
  capacity: Level | null;
  peakRssMb: number;
}

async function capacityOf(setup: Setup, buildDir: string): Promise<SetupResult> {
  const dialect: Dialect = setup === 'sqlite' ? 'sqlite' : 'postgres';
  const data = await prepareDatabase(dialect, ACCOUNTS);
  const env: Record<string, string> = {};
  if (setup === 'replica') {
    const replicaUrl = replicaUrlOf(data.url);
    await waitForReplay(replicaUrl, data.exercises.length);
    env.DATABASE_REPLICA_URLS = replicaUrl;
  }
  const server = await startServer('app', data.url, { buildDir, env });
  const levels: Level[] = [];
  const report = (level: Level) => {
    levels.push(level);
    process.stdout.write(
      `${setup}: ${level.learners} learners → ${level.rps.toFixed(0)} req/s, p50 ${level.p50.toFixed(0)} ms, p99 ${level.p99.toFixed(0)} ms, ${level.failures} failed: ${level.held ? 'held' : 'missed'}\n`,
    );
    return level;
  };
  try {
    await runLevel(server, data, Math.min(START, 100)); // warm-up (JIT, pools)
    let held: Level | null = null;
    let missed: Level | null = null;
    for (let learners = START; learners <= MAX; learners *= 2) {
      const level = report(await runLevel(server, data, learners));
      if (!level.held) {
        missed = level;
        break;
      }
      held = level;
    }
    for (let i = 0; i < BISECT && missed; i++) {
      const learners = Math.round(((held?.learners ?? 0) + missed.learners) / 2);
      if (learners === held?.learners || learners === missed.learners) break;
      const level = report(await runLevel(server, data, learners));
      if (level.held) held = level;
      else missed = level;
    }
    return { setup, levels, capacity: held, peakRssMb: memoryOf(server).peak };
  } finally {
    await stopServer(server);
    await data.drop();
  }
}

// ---------- the report ----------

const LABELS: Record<Setup, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL', replica: 'PostgreSQL + 1 replica' };

function report(results: SetupResult[], loadBefore: string): string {
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    '## Capacity: active learners per instance',
    '',
    `\`npm run bench:capacity\` (bench/capacity.ts), ${date}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; the app compiled and started`,
    `as the Docker image starts it, PostgreSQL (and its replica) on the same machine, the simulated learners in the benchmark's process.`,
    `A learner: one request of the mix (list 20 % · fetch 35 % · attempt 30 % · progress 15 %), then a pause of ${PAUSE_MS / 1000} s on average`,
    `(uniform in [${(PAUSE_MS / 2000).toFixed(1)}, ${((1.5 * PAUSE_MS) / 1000).toFixed(1)}] s), one keep-alive connection each. A level holds when the p99 of the answers timed over`,
    `${MEASURE_MS / 1000} s (after one pause of ramp-up) is under ${P99_TARGET_MS} ms with no failed request; learners double until a level is missed, then bisect.`,
    `Load average before / after: ${loadBefore} / ${os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}.`,
    '',
    '| setup | learners held (p99 < 200 ms) | req/s there | p50 | p99 | first level missed | app peak RSS |',
    '|---|---:|---:|---:|---:|---|---:|',
  ];
  for (const r of results) {
    const c = r.capacity;
    const firstMissed = r.levels.filter((l) => !l.held).sort((a, b) => a.learners - b.learners)[0];
    lines.push(
      `| ${LABELS[r.setup]} | ${c ? c.learners.toLocaleString('en-US') : '< ' + START} | ${c ? c.rps.toFixed(0) : '—'} | ${c ? c.p50.toFixed(0) + ' ms' : '—'} | ${c ? c.p99.toFixed(0) + ' ms' : '—'} | ${firstMissed ? `${firstMissed.learners.toLocaleString('en-US')} (p99 ${firstMissed.p99.toFixed(0)} ms${firstMissed.failures ? `, ${firstMissed.failures} failed` : ''})` : 'none up to ' + MAX} | ${r.peakRssMb.toFixed(0)} MB |`,
    );
  }
  lines.push('', 'Every level (learners: req/s, p99):', '');
  for (const r of results) {
    lines.push(
      `- ${LABELS[r.setup]}: ${r.levels.map((l) => `${l.learners}: ${l.rps.toFixed(0)} req/s, ${l.p99.toFixed(0)} ms${l.failures ? `, ${l.failures} failed` : ''}`).join(' · ')}`,
    );
  }
  return lines.join('\n');
}

const loadBefore = os
  .loadavg()
  .map((n) => n.toFixed(1))
  .join(' ');
const buildDir = compile();
const results: SetupResult[] = [];
try {
  for (const setup of SETUPS) results.push(await capacityOf(setup, buildDir));
} finally {
  fs.rmSync(buildDir, { recursive: true, force: true });
}
const section = report(results, loadBefore);
process.stdout.write(`\n${section}\n`);
if (!args['no-write']) writeBenchmarkSection('bench/capacity.ts', section);

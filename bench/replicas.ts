// `npm run bench:replicas`: the read-heavy mix (90 % catalogue reads, 10 % attempts) on PostgreSQL,
// on the primary alone and then with one streaming replica (.ci/replica.sh, 127.0.0.1:5434), and the
// CPU each server spent. Runs alternate; figures are medians. Writes its section of BENCHMARKS.md.
//
//   npx tsx bench/replicas.ts [--runs 3] [--duration 10] [--connections 50] [--no-write]
//
// CPU: the utime + stime of every process of each cluster (its postmaster and backends, found by
// the cluster name Debian puts in their titles), read from /proc before and after each run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type autocannon from 'autocannon';
import {
  compile,
  measure,
  median,
  pick,
  prepareDatabase,
  replicaUrlOf,
  ROOT,
  startServer,
  stopServer,
  waitForReplay,
  type BenchDatabase,
  type Measure,
  type Server,
} from './harness.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'no-write': { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const CLUSTERS = { primary: process.env.BENCH_PRIMARY_CLUSTER || 'main', replica: process.env.BENCH_REPLICA_CLUSTER || 'replica' };
const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds used so far by the live processes of a Debian cluster (`15/main: …` titles, `-D …/15/main`). */
function clusterCpuSeconds(cluster: string): number {
  const title = new RegExp(`(\\d+/${cluster}:|/${cluster}(\\s|$))`);
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!cmdline.includes('postgres') || !title.test(cmdline)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / TICKS_PER_SECOND;
}

function mixRequest(server: Server, data: BenchDatabase): autocannon.Request {
  const learner = pick(data.learners);
  const headers = { authorization: `Bearer ${learner.token}` };
  const exercise = pick(data.exercises);
  const roll = Math.random();
  if (roll < 0.45) return { method: 'GET', path: `${server.prefix}/exercises/${exercise.id}`, headers };
  if (roll < 0.9) return { method: 'GET', path: `${server.prefix}/exercises?limit=20&offset=${20 * Math.floor(Math.random() * 5)}`, headers };
  return {
    method: 'POST',
    path: `${server.prefix}/exercises/${exercise.id}/attempts`,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ user_answer: Math.random() < 0.7 ? exercise.answer : '0', time_spent: 5 }),
  };
}

interface Run extends Measure {
  primaryCpu: number;
  replicaCpu: number;
}

type Setup = 'primary alone' | 'with one replica';

const START = '<!-- bench/replicas.ts: start -->';
const END = '<!-- bench/replicas.ts: end -->';

const LOAD_BEFORE = os
  .loadavg()
  .map((n) => n.toFixed(1))
  .join(' ');
const buildDir = compile();
const data = await prepareDatabase('postgres');
const replicaUrl = replicaUrlOf(data.url);
const results: Record<Setup, Run[]> = { 'primary alone': [], 'with one replica': [] };
try {
  await waitForReplay(replicaUrl, data.exercises.length);
  const servers: Record<Setup, Server> = {
    'primary alone': await startServer('app', data.url, { buildDir }),
    'with one replica': await startServer('app', data.url, { buildDir, env: { DATABASE_REPLICA_URLS: replicaUrl } }),
  };
  try {
    for (const server of Object.values(servers)) await measure(server, () => mixRequest(server, data), 2, CONNECTIONS); // warm-up
    for (let run = 0; run < RUNS; run++) {
      for (const setup of Object.keys(servers) as Setup[]) {
        const server = servers[setup];
        const before = { primary: clusterCpuSeconds(CLUSTERS.primary), replica: clusterCpuSeconds(CLUSTERS.replica) };
        const result = await measure(server, () => mixRequest(server, data), DURATION, CONNECTIONS);
        const cpu = (cluster: 'primary' | 'replica') => (clusterCpuSeconds(CLUSTERS[cluster]) - before[cluster]) / DURATION;
        results[setup].push({ ...result, primaryCpu: cpu('primary'), replicaCpu: cpu('replica') });
        process.stdout.write(
          `${setup} run ${run + 1}: ${result.rps.toFixed(0)} req/s p99 ${result.p99} ms · primary ${cpu('primary').toFixed(2)} cores · replica ${cpu('replica').toFixed(2)} cores\n`,
        );
      }
    }
  } finally {
    for (const server of Object.values(servers)) await stopServer(server);
  }
} finally {
  await data.drop();
  fs.rmSync(buildDir, { recursive: true, force: true });
}

const cores = os.cpus().length;
const lines = [
  START,
  '## Read replicas: a read-heavy mix',
  '',
  `\`npm run bench:replicas\` (bench/replicas.ts), ${new Date().toISOString().slice(0, 10)}: ${cores} cores, Node ${process.version}; the primary and its`,
  `streaming replica (.ci/replica.sh) are two PostgreSQL clusters on this same machine, beside the app and autocannon. Mix: 45 % GET`,
  `/api/exercises/:id, 45 % GET /api/exercises?limit=20, 10 % POST attempts, ${CONNECTIONS} connections, ${DURATION} s per run, medians of ${RUNS};`,
  `the two setups alternate. CPU: seconds of CPU per second of the run used by each cluster's processes (1.00 = one core of ${cores}).`,
  `Load average before / after: ${LOAD_BEFORE} / ${os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}.`,
  '',
  '| setup | req/s | p99 | primary CPU | its share of the database CPU | replica CPU | failed requests |',
  '|---|---:|---:|---:|---:|---:|---:|',
];
for (const [setup, runs] of Object.entries(results)) {
  const primary = median(runs.map((r) => r.primaryCpu));
  const replica = median(runs.map((r) => r.replicaCpu));
  const share = primary + replica > 0 ? (100 * primary) / (primary + replica) : 100;
  lines.push(
    `| ${setup} | ${median(runs.map((r) => r.rps)).toFixed(0)} | ${median(runs.map((r) => r.p99))} ms | ${primary.toFixed(2)} cores | ${share.toFixed(0)} % | ${setup === 'primary alone' ? '—' : `${replica.toFixed(2)} cores`} | ${runs.reduce((sum, r) => sum + r.failures, 0)} |`,
  );
}
lines.push(
  '',
  'Every run (req/s, primary CPU):',
  '',
  ...Object.entries(results).map(([setup, runs]) => `- ${setup}: ${runs.map((r) => `${r.rps.toFixed(0)} req/s, ${r.primaryCpu.toFixed(2)}`).join(' · ')}`),
  END,
);
const section = lines.join('\n');
process.stdout.write(`\n${section}\n`);
if (!args['no-write']) {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const current = fs.readFileSync(file, 'utf8');
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  fs.writeFileSync(
    file,
    start !== -1 && end > start ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}` : `${current.trimEnd()}\n\n${section}\n`,
  );
}

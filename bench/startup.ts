// `npm run bench:startup`: the time from process start to the first healthy `GET /admin/health`
// (what Render waits on at each deploy), on SQLite and on PostgreSQL, the app started as the Docker
// image starts it (its node flags and ENV: migrations on start, nothing pending) on the benchmark's
// database; and the resident memory right after start. Runs alternate; figures are medians. Writes
// its section of BENCHMARKS.md (the resident memory under load is bench/run.ts's and capacity.ts's).
//
//   npx tsx bench/startup.ts [--runs 5] [--no-write]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Dialect } from '../src/db/client.js';
import { compile, imageRuntime, JWT_SECRET, median, prepareDatabase, writeBenchmarkSection, type BenchDatabase } from './harness.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, 'no-write': { type: 'boolean', default: false } } });
const RUNS = Number(args.runs);
const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

interface Start {
  ms: number;
  rssMb: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Spawns the server and polls /admin/health every 5 ms until it answers 200. */
async function timeStart(buildDir: string, data: BenchDatabase): Promise<Start> {
  const port = await freePort();
  const runtime = imageRuntime();
  const started = performance.now();
  const child = spawn(process.execPath, [...runtime.nodeFlags, 'src/server.js'], {
    cwd: buildDir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      ...runtime.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: data.url,
      JWT_SECRET,
      SEED_ON_START: 'false',
    },
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/admin/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (performance.now() - started > 60_000) throw new Error('no healthy answer in 60 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const ms = performance.now() - started;
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssMb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
    return { ms, rssMb };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const loadBefore = os
  .loadavg()
  .map((n) => n.toFixed(1))
  .join(' ');
const buildDir = compile();
const results = new Map<Dialect, Start[]>(DIALECTS.map((d) => [d, []]));
const databases = new Map<Dialect, BenchDatabase>();
try {
  for (const dialect of DIALECTS) databases.set(dialect, await prepareDatabase(dialect));
  for (const dialect of DIALECTS) await timeStart(buildDir, databases.get(dialect)!); // warm the file cache
  for (let run = 0; run < RUNS; run++) {
    for (const dialect of DIALECTS) {
      const start = await timeStart(buildDir, databases.get(dialect)!);
      results.get(dialect)!.push(start);
      process.stdout.write(`${dialect} run ${run + 1}: healthy after ${start.ms.toFixed(0)} ms, ${start.rssMb.toFixed(0)} MB resident\n`);
    }
  }
} finally {
  for (const data of databases.values()) await data.drop();
  fs.rmSync(buildDir, { recursive: true, force: true });
}

const lines = [
  '## Start-up: process start to a healthy /admin/health',
  '',
  `\`npm run bench:startup\` (bench/startup.ts), ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, Node ${process.version}; src/server.ts compiled, started with the`,
  `Dockerfile's node flags and ENV (\`node ${imageRuntime().nodeFlags.join(' ')}\`; migrations checked at start, none pending), polled every 5 ms.`,
  `Medians of ${RUNS} alternated runs; load average before / after: ${loadBefore} / ${os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}.`,
  '',
  '| dialect | to healthy (median) | every run | RSS when healthy |',
  '|---|---:|---|---:|',
  ...DIALECTS.map((dialect) => {
    const runs = results.get(dialect)!;
    return `| ${dialect} | ${median(runs.map((r) => r.ms)).toFixed(0)} ms | ${runs.map((r) => r.ms.toFixed(0)).join(' · ')} ms | ${median(runs.map((r) => r.rssMb)).toFixed(0)} MB |`;
  }),
];
process.stdout.write(`\n${lines.join('\n')}\n`);
if (!args['no-write']) writeBenchmarkSection('bench/startup.ts', lines.join('\n'));

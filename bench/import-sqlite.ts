// SQLite → PostgreSQL import: `mathakine db import` (verification included) against pgloader
// (no verification) on the same legacy file, into fresh databases, same machine, same run, rounds
// interleaved. Then peak memory of our import for two sizes of the attempts table.
//
//   npx tsx bench/import-sqlite.ts [--attempts 1000000] [--small-attempts 200000] [--rounds 3] [--tsx]
//
// Our CLI runs compiled, as the Docker image runs it (tsc into a temporary folder, not ./dist);
// --tsx runs bin/mathakine.js from the TypeScript sources instead.
// PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test
// (any database on the server: the benchmark creates and drops its own). Needs /usr/bin/time and
// pgloader (Debian: apt-get install -y pgloader). Prints a Markdown section for BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildBulkLegacyDatabase, type BulkSizes } from './import-fixture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    attempts: { type: 'string', default: '1000000' },
    'small-attempts': { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    tsx: { type: 'boolean', default: false },
  },
});
const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

const sizes = (attempts: number): BulkSizes => ({ users: 10_000, exercises: 5_000, attempts, challenges: 500, challengeAttempts: 50_000 });
const withDatabase = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(name: string): Promise<string> {
  await admin(async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
  return withDatabase(name);
}

const dropDatabase = (name: string) => admin((c) => c.query(`drop database if exists ${name} with (force)`));

async function count(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

interface Timed {
  seconds: number;
  peakRssMb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time: wall clock from here, peak RSS from the kernel. */
function timed(command: string, commandArgs: string[]): Timed {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb %M', command, ...commandArgs], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}):\n${result.stderr.slice(-3000)}`);
  const rss = /peak-rss-kb (\d+)/.exec(result.stderr);
  return { seconds, peakRssMb: rss ? Number(rss[1]) / 1024 : NaN, stdout: result.stdout };
}

/** The CLI compiled as in production, in a temporary folder laid out like the project (dist, drizzle, node_modules). */
function compiledCli(): string {
  const build = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-build-'));
  fs.cpSync(path.join(ROOT, 'drizzle'), path.join(build, 'drizzle'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(build, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(build, 'node_modules'));
  // type errors elsewhere in a tree under work do not stop tsc from emitting
  spawnSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', path.join(build, 'dist')], { cwd: ROOT, stdio: 'ignore' });
  const cli = path.join(build, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('tsc produced no dist/cli.js');
  return cli;
}

let cliEntry = path.join(ROOT, 'bin', 'mathakine.js');

function runOurs(file: string, url: string): Timed & { phases: Record<string, number> } {
  const run = timed(process.execPath, [cliEntry, 'db', 'import', file, '--to', url, '--json']);
  const report = JSON.parse(run.stdout) as { ok: boolean; error: string | null; phases: Record<string, number> };
  if (!report.ok) throw new Error(`db import failed: ${report.error}`);
  return { ...run, phases: report.phases };
}

function runPgloader(file: string, url: string): Timed {
  return timed('pgloader', ['--on-error-stop', file, url]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fixed = (n: number, digits = 2) => n.toFixed(digits);

function dataFile(attempts: number): string {
  const dir = path.join(os.tmpdir(), 'mathakine-bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `legacy-${attempts}.db`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`building ${file}...\n`);
    buildBulkLegacyDatabase(file, sizes(attempts));
  }
  return file;
}

async function main() {
  const attempts = Number(args.attempts);
  const smallAttempts = Number(args['small-attempts']);
  const rounds = Number(args.rounds);
  const pgloaderVersion = spawnSync('pgloader', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  if (!pgloaderVersion) throw new Error('pgloader is not installed (apt-get install -y pgloader)');

  const file = dataFile(attempts);
  const small = dataFile(smallAttempts);
  if (!args.tsx) cliEntry = compiledCli();
  const { users, exercises, challenges, challengeAttempts } = sizes(attempts);
  // + 3 progress rows per user, 10,000 results, 1 schema_version
  const totalRows = users + exercises + attempts + challenges + challengeAttempts + 3 * users + 10_001;

  const serverVersion = await admin(async (c) => (await c.query('show server_version')).rows[0].server_version as string);
  const loadBefore = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const ours: (Timed & { phases: Record<string, number> })[] = [];
  const theirs: Timed[] = [];
  for (let round = 1; round <= rounds; round++) {
    // alternate who goes first, so neither always gets the warmer cache
    const order = round % 2 === 1 ? ['ours', 'pgloader'] : ['pgloader', 'ours'];
    for (const tool of order) {
      const name = `bench_import_${tool}`;
      const url = await freshDatabase(name);
      if (tool === 'ours') ours.push(runOurs(file, url));
      else theirs.push(runPgloader(file, url));
      const copied = await count(url, 'attempts');
      if (copied !== attempts) throw new Error(`${tool} copied ${copied} attempts of ${attempts}`);
      process.stderr.write(`round ${round} ${tool}: ${fixed((tool === 'ours' ? ours : theirs).at(-1)!.seconds)} s\n`);
      await dropDatabase(name);
    }
  }

  const smallUrl = await freshDatabase('bench_import_small');
  const smallRun = runOurs(small, smallUrl);
  await dropDatabase('bench_import_small');

  const oursMedian = median(ours.map((r) => r.seconds));
  const theirsMedian = median(theirs.map((r) => r.seconds));
  const phaseMedian = (phase: string) => median(ours.map((r) => r.phases[phase] ?? 0));
  const cpu = os.cpus();
  const lines = [
    '## SQLite → PostgreSQL import',
    '',
    `\`npx tsx bench/import-sqlite.ts --attempts ${attempts} --rounds ${rounds}${args.tsx ? ' --tsx' : ''}\` on ${cpu.length} × ${cpu[0]?.model.trim()}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, PostgreSQL ${serverVersion} on the same machine, ${pgloaderVersion}; ` +
      `our CLI ${args.tsx ? 'from the TypeScript sources (tsx)' : 'compiled (tsc), as the Docker image runs it'}. ` +
      `Load average before / after: ${loadBefore} / ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}.`,
    `Legacy file: ${totalRows.toLocaleString('en-US')} rows (${attempts.toLocaleString('en-US')} attempts, 10,000 users, 5,000 exercises, ` +
      `30,000 progress, 500 + 50,000 challenges and their attempts, 10,000 results), ${fixed(fs.statSync(file).size / 2 ** 20, 0)} MB. ` +
      'Each run into a fresh database; wall clock of the whole command, rounds interleaved.',
    '',
    '| run | `mathakine db import` (with verification) | pgloader (no verification) |',
    '|---|---:|---:|',
    ...ours.map((r, i) => `| ${i + 1} | ${fixed(r.seconds)} s | ${fixed(theirs[i].seconds)} s |`),
    `| **median** | **${fixed(oursMedian)} s** | **${fixed(theirsMedian)} s** |`,
    '',
    `Ratio (ours / pgloader, medians): **${fixed(oursMedian / theirsMedian)}**. ` +
      `Our phases (medians): prepare ${fixed(phaseMedian('prepare'))} s, copy ${fixed(phaseMedian('copy'))} s, ` +
      `indexes and foreign keys ${fixed(phaseMedian('indexes'))} s, verification ${fixed(phaseMedian('verify'))} s, ` +
      `legacy area ${fixed(phaseMedian('legacy'))} s, commit ${fixed(phaseMedian('commit'))} s ` +
      '(the rest is process start-up).',
    '',
    '| peak RSS | attempts | ours | pgloader |',
    '|---|---:|---:|---:|',
    `| small file | ${smallAttempts.toLocaleString('en-US')} | ${fixed(smallRun.peakRssMb, 0)} MB | |`,
    `| large file | ${attempts.toLocaleString('en-US')} | ${fixed(median(ours.map((r) => r.peakRssMb)), 0)} MB | ${fixed(median(theirs.map((r) => r.peakRssMb)), 0)} MB |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} finally {
  // the temporary compiled build (its node_modules is a symlink: only the link goes)
  if (cliEntry.includes('mathakine-build-')) fs.rmSync(path.dirname(path.dirname(cliEntry)), { recursive: true, force: true });
}

// What the benchmarks share: a scratch database filled with exercises and learners, the servers
// compiled and started as the Docker image starts them, and autocannon measures.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import type { Dialect } from '../src/db/client.js';
import { openConfiguredDatabase } from '../src/db/configured.js';
import { DIFFICULTIES, EXERCISE_TYPES } from '../src/db/enums.js';
import { applyMigrations } from '../src/db/migrate.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PG_SERVER = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const JWT_SECRET = 'benchmark-secret-that-is-long-enough-for-hs256';
export const EXERCISES = 360;
export const LEARNERS = 50;

// ---------- the database ----------

export interface BenchDatabase {
  url: string;
  learners: { id: number; token: string }[];
  exercises: { id: number; answer: string }[];
  drop(): Promise<void>;
}

export async function prepareDatabase(dialect: Dialect, learnerCount = LEARNERS): Promise<BenchDatabase> {
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
      .values(
        Array.from({ length: learnerCount }, (_, i) => ({
          username: `bench_${i}`,
          email: `bench_${i}@example.org`,
          hashed_password: 'not-used',
          role: 'padawan' as const,
        })),
      )
      .returning({ id: users.id, username: users.username }),
  );
  // One signed-in session each (access tokens name theirs: the per-request check reads it), and an
  // app instance only to sign access tokens with the servers' secret.
  const sessionRows = await database.transaction((tx) =>
    tx
      .insert(database.tables.sessions)
      .values(userRows.map((u) => ({ user_id: u.id, family_id: `bench-${u.id}`, expires_at: new Date(Date.now() + 86_400_000) })))
      .returning({ id: database.tables.sessions.id, user_id: database.tables.sessions.user_id }),
  );
  const sessionOf = new Map(sessionRows.map((r) => [r.user_id, r.id]));
  const signer = await buildApp({ config, database });
  const learners = userRows.map((u) => ({
    id: u.id,
    token: signer.signAccessToken({ id: u.id, role: 'padawan', username: u.username }, 0, sessionOf.get(u.id)),
  }));
  await signer.close(); // closes the database too
  return { url, learners, exercises: exerciseRows, drop };
}

// ---------- the replica ----------

export const REPLICA_SERVER = process.env.BENCH_REPLICA_URL || 'postgres://postgres@127.0.0.1:5434/postgres';

/** The same database on the streaming replica (.ci/replica.sh). */
export function replicaUrlOf(primaryUrl: string): string {
  const replica = new URL(REPLICA_SERVER);
  const url = new URL(primaryUrl);
  url.hostname = replica.hostname;
  url.port = replica.port;
  return url.toString();
}

/** Waits until the replica has replayed the benchmark database's exercises. */
export async function waitForReplay(url: string, exercises: number) {
  for (let i = 0; i < 100; i++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const { rows } = await client.query('select count(*)::int as n from exercises');
      if (rows[0].n >= exercises) return;
    } catch {
      // not replayed yet
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the replica at ${url} did not replay the benchmark database (run bash .ci/replica.sh)`);
}

// ---------- the servers ----------

export interface Server {
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
export function compile(): string {
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
  // the admin page's static files, as `npm run build` copies them
  fs.cpSync(path.join(ROOT, 'src/modules/admin/page'), path.join(out, 'src/modules/admin/page'), { recursive: true });
  return out;
}

/**
 * How the Docker image starts the server: the node flags of the Dockerfile's CMD and the ENV of its
 * last stage, so the app is measured with the memory settings it runs with in production.
 */
export function imageRuntime(): { nodeFlags: string[]; env: Record<string, string> } {
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

export interface StartOptions {
  /** the compiled tree (compile()) */
  buildDir: string;
  /** write a V8 CPU profile of the app to .tmp/profiles/ */
  profile?: boolean;
  /** more environment for the app (replicas, pool sizes) */
  env?: Record<string, string>;
}

export async function startServer(kind: 'app' | 'bare', url: string, { buildDir, profile: withProfile = false, env = {} }: StartOptions): Promise<Server> {
  const port = await freePort();
  const entry = kind === 'app' ? 'src/server.js' : 'bench/bare-server.js';
  const profile = kind === 'app' && withProfile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, '.tmp', 'profiles')}`] : [];
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
      ...env,
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

export async function stopServer(server: Server) {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** Resident memory of the server process now, and its peak so far (MB). */
export function memoryOf(server: Server): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

// ---------- measuring ----------

export interface Measure {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  /** answers 304 (conditional requests; not failures) */
  notModified: number;
  /** response bytes (headers and body) per request */
  bytesPerRequest: number;
}

/** `connections` clients for `duration` seconds, each request made by `next()`. */
export async function measure(server: Server, next: () => autocannon.Request, duration: number, connections: number): Promise<Measure> {
  const result = await autocannon({ url: server.base, connections, duration, requests: [{ setupRequest: next }] });
  const notModified = (result.statusCodeStats as Record<string, { count: number }> | undefined)?.['304']?.count ?? 0;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx - notModified + result.errors + result.timeouts,
    notModified,
    bytesPerRequest: result.requests.total ? result.throughput.total / result.requests.total : 0,
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Replaces the section between `<!-- name: start -->` and `<!-- name: end -->` of BENCHMARKS.md (appends it the first time). */
export function writeBenchmarkSection(name: string, body: string): string {
  const [start, end] = [`<!-- ${name}: start -->`, `<!-- ${name}: end -->`];
  const section = `${start}\n${body}\n${end}`;
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const current = fs.readFileSync(file, 'utf8');
  const at = current.indexOf(start);
  const until = current.indexOf(end);
  fs.writeFileSync(
    file,
    at !== -1 && until > at ? `${current.slice(0, at)}${section}${current.slice(until + end.length)}` : `${current.trimEnd()}\n\n${section}\n`,
  );
  return section;
}

export const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];

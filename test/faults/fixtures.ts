// What the fault tests share: an exercise to answer, a TCP proxy in front of PostgreSQL that can
// be cut and restored (PostgreSQL "going away" without touching the shared cluster), and a
// bounded in-process load that records every answer.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { PROJECT_ROOT } from '../deploy/server-process.js';
import type { TestContext } from '../helpers/app.js';

export async function createExercise(ctx: Pick<TestContext, 'database'>) {
  const { exercises } = ctx.database.tables;
  const [row] = await ctx.database.transaction((tx) =>
    tx
      .insert(exercises)
      .values({ title: 'Addition du padawan', exercise_type: 'addition', difficulty: 'initie', question: '2 + 3 = ?', correct_answer: '5' })
      .returning(),
  );
  return row;
}

export type ProxyMode = 'open' | 'reset' | 'blackhole';

export interface TcpProxy {
  port: number;
  /** open: forward; reset: drop every connection, now and new; blackhole: accept, forward nothing. */
  setMode(mode: ProxyMode): void;
  /**
   * The network drops every open connection without a word: the server's side is closed, the
   * client's stays open and silent until it next sends, which it then gets reset (nothing of it
   * reaches the server). New connections go through.
   */
  dropSilently(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 5432);
  const targetHost = target.hostname;
  let mode: ProxyMode = 'open';
  const pairs = new Set<{ client: net.Socket; upstream?: net.Socket }>();

  const server = net.createServer((client) => {
    client.on('error', () => client.destroy());
    if (mode === 'reset') return client.resetAndDestroy();
    const pair: { client: net.Socket; upstream?: net.Socket } = { client };
    pairs.add(pair);
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (mode === 'blackhole') return; // accepted, never answered
    const upstream = net.connect(targetPort, targetHost);
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');

  return {
    port: address.port,
    setMode(next) {
      mode = next;
      if (next === 'open') return;
      for (const pair of pairs) {
        if (next === 'reset') {
          pair.client.resetAndDestroy();
          pair.upstream?.destroy();
        } else {
          // stop forwarding in both directions: the connection stays open and silent
          pair.client.unpipe();
          pair.upstream?.unpipe();
          pair.client.pause();
          pair.upstream?.pause();
        }
      }
    },
    dropSilently() {
      for (const pair of pairs) {
        pair.upstream
          ?.removeAllListeners('close')
          .removeAllListeners('error')
          .on('error', () => {});
        pair.client.unpipe();
        pair.upstream?.unpipe();
        pair.upstream?.destroy();
        pair.client.once('data', () => pair.client.resetAndDestroy()).resume();
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `url` with its host and port replaced by the proxy's. */
export function throughProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}

export interface Answer {
  at: number;
  ms: number;
  status: number;
  body: unknown;
  retryAfter?: string;
}

/** Runs `call` from `concurrency` loops until `stop()` says so (or `maxCalls` is reached). */
export async function runLoad(
  call: (n: number) => Promise<Omit<Answer, 'at' | 'ms'>>,
  options: { concurrency: number; maxCalls: number; stop: () => boolean },
) {
  const answers: Answer[] = [];
  let started = 0;
  const loop = async () => {
    while (!options.stop() && started < options.maxCalls) {
      const n = started++;
      const at = Date.now();
      const answer = await call(n);
      answers.push({ ...answer, at, ms: Date.now() - at });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return answers;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it is true or `timeoutMs` passes; returns how long it took (or null). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await sleep(100);
  }
  return null;
}

export interface SqliteLock {
  release(): Promise<void>;
}

/** Another process takes SQLite's write lock on `file` (BEGIN EXCLUSIVE) and keeps it until release(). */
export async function lockSqliteFromAnotherProcess(file: string): Promise<SqliteLock> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1], { timeout: 10000 });
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['-e', script, file], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    void exited.then((code) => reject(new Error(`the locking process exited (${code})`)));
  });
  return {
    async release() {
      child.stdin.write('commit\n');
      await exited;
    },
  };
}

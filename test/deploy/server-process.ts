// The real server (src/server.ts compiled, as the image runs it: test/helpers/compiled.ts) in a child process, on loopback, with its
// JSON log lines collected so a test can see which requests the server accepted and answered.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledEntry } from '../helpers/compiled.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  [key: string]: unknown;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Every JSON line the server logged so far, in order. */
  logs: LogLine[];
  /** Everything it wrote that was not JSON (warnings, crashes). */
  otherOutput: string[];
  /** Resolves with the exit code (or the signal) once the process has ended and all its output is in `logs`. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGKILL if the process is still running (cleanup for failed tests). */
  kill(): void;
}

export interface StartOptions {
  /** Node arguments: the compiled entry by default, `['dist/server.js']` for a build. */
  args?: string[];
  cwd?: string;
  startTimeoutMs?: number;
}

/** Starts the server (compiled src/server.ts) with `env` (on 127.0.0.1, a free port) and resolves once it listens. */
export async function startServer(env: Record<string, string>, options: StartOptions = {}): Promise<ServerProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const child = spawn(process.execPath, options.args ?? [compiledEntry('server')], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      SEED_ON_START: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      JWT_SECRET: 'a-test-secret-that-is-long-enough-for-hs256',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const otherOutput: string[] = [];
  // 'close', not 'exit': 'exit' can come before the last of its output has been read, and a test
  // reading `logs` then would miss the final lines ("shut down cleanly").
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );

  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${startTimeoutMs} ms:\n${otherOutput.join('')}`)), startTimeoutMs);
    const collect = (stream: NodeJS.ReadableStream) => {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          try {
            const parsed = JSON.parse(line) as LogLine;
            logs.push(parsed);
            const match = /^Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(parsed.msg ?? '');
            if (match) {
              clearTimeout(timer);
              resolve(Number(match[1]));
            }
          } catch {
            otherOutput.push(`${line}\n`);
          }
        }
      });
    };
    collect(child.stdout!);
    collect(child.stderr!);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${otherOutput.join('')}`));
    });
  });

  const port = await listening;
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    otherOutput,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export interface HttpResult {
  status?: number;
  body?: string;
  /** The response's Connection header. */
  connection?: string;
  /** The socket error when no response came back (refused, reset…). */
  error?: string;
}

/** One request over `agent`; never rejects: transport failures come back as `error`. */
export function httpRequest(
  agent: http.Agent,
  baseUrl: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number },
): Promise<HttpResult> {
  return new Promise((resolve) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request = http.request(
      `${baseUrl}${options.path}`,
      {
        agent,
        method: options.method,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...options.headers },
        timeout: options.timeoutMs ?? 15_000,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body, connection: response.headers.connection }));
        response.on('error', (error: NodeJS.ErrnoException) => resolve({ status: response.statusCode, error: error.code ?? error.message }));
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end(payload);
  });
}

/** A test's cleanup: kills the server if it still runs, waits for it, drops its scratch database. */
export async function stopAndDrop(server: ServerProcess | undefined, scratch: { drop(): Promise<void> } | undefined): Promise<void> {
  server?.kill();
  await server?.exited;
  await scratch?.drop();
}

// Runs the real `mathakine` command in a child process, as a script or cron job would.
import { execFile } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve('bin/mathakine.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json) */
  json<T = any>(): T;
}

/**
 * `node bin/mathakine.js …args` with only the given variables (plus PATH/HOME), in `cwd`, so that
 * neither the project's .env nor the test runner's environment leaks in.
 */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd: string; input?: string }): Promise<CliResult> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: process.env.TMPDIR ?? '/tmp', ...options.env };
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: options.cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({
        code,
        stdout,
        stderr,
        json: () => {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`not JSON (exit ${code}):\n${stdout}\n--- stderr:\n${stderr}`);
          }
        },
      });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

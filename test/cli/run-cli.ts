// Runs the real `mathakine` command in a child process, as a script or cron job would: compiled,
// as bin/mathakine.js runs it in the Docker image (test/helpers/compiled.ts).
import { execFile } from 'node:child_process';
import { compiledEntry } from '../helpers/compiled.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json) */
  json<T = any>(): T;
}

/**
 * `mathakine …args` (the compiled CLI) with only the given variables (plus PATH/HOME), in `cwd`, so that
 * neither the project's .env nor the test runner's environment leaks in.
 */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd: string; input?: string }): Promise<CliResult> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: process.env.TMPDIR ?? '/tmp', ...options.env };
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [compiledEntry('cli'), ...args], { cwd: options.cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
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

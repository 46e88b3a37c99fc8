// How every command of src/cli/*.ts ends: its result on stdout (JSON with --json), a message on
// stderr and exit code 1 when it fails, never a stack trace for an expected failure.
import { InvalidArgumentError } from 'commander';
import { AppError } from '../errors.js';
import { errorMessage } from '../ops/progress.js';

export interface JsonOption {
  json?: boolean;
}

/**
 * Runs a command body. `fn` returns whether the command succeeded (false: exit code 1, its
 * output already printed); a thrown error is printed (as `{ ok: false, error }` with --json).
 */
export async function runCommand(options: JsonOption, fn: () => Promise<boolean | void>): Promise<void> {
  try {
    const ok = await fn();
    if (ok === false) process.exitCode = 1;
  } catch (error) {
    const message = errorMessage(error);
    if (options.json) {
      const details = error instanceof AppError && error.details ? { details: error.details } : {};
      process.stdout.write(`${JSON.stringify({ ok: false, error: message, ...details }, null, 2)}\n`);
    }
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  }
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more');
  return n;
}

export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

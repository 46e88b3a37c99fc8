// Small pieces every human-readable report shares (the CLI prints them; --json prints the report).
import { diagnoseConnectionFailure } from '../db/errors.js';
import { errorMessage } from './progress.js';

/** `0.4567` → `45.7%` (`digits` after the point); null → `n/a`. */
export const formatPercent = (ratio: number | null, digits = 1): string => (ratio === null ? 'n/a' : `${(ratio * 100).toFixed(digits)}%`);

/** A minute-precise UTC time: `2026-11-28 06:38`. */
export const formatMinute = (d: Date): string => d.toISOString().replace('T', ' ').slice(0, 16);

/** A step or check status as a fixed-width, greppable mark. */
export const statusMark = (status: string): string =>
  ({ pass: 'PASS', warn: 'WARN', fail: 'FAIL', done: 'done', skipped: 'skip', failed: 'FAIL' })[status] ?? status;

/** `1536` → `1.5 kB` (powers of 1024). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** One line for a failed database operation: the cause and the fix when it is a known connection failure. */
export function databaseErrorLine(error: unknown): string {
  const diagnosis = diagnoseConnectionFailure(error);
  return diagnosis ? `${diagnosis.cause}. Fix: ${diagnosis.fix}` : errorMessage(error);
}

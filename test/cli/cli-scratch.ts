// The prologue every CLI test shares: a migrated scratch database (optionally with sample rows), a
// temporary working directory, and the environment the `mathakine` child process gets.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Dialect } from '../../src/db/client.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/app.js';
import { insertSampleRows, migratedScratch } from '../ops/fixtures.js';
import { runCli, type CliResult } from './run-cli.js';

export interface CliScratch {
  scratch: ScratchDatabase;
  cwd: string;
  env: Record<string, string>;
  /** `mathakine …args` in `cwd` with `env` */
  cli(...args: string[]): Promise<CliResult>;
}

/**
 * Registers beforeAll/afterAll for the enclosing describe; the returned object is filled in by
 * beforeAll. `env` gets DATABASE_URL plus `options.env`; `migrated: false` leaves the database empty.
 */
export function useCliScratch(dialect: Dialect, options: { name: string; sampleRows?: boolean; migrated?: boolean; env?: Record<string, string> }): CliScratch {
  const context = { env: {} } as CliScratch;
  context.cli = (...args: string[]) => runCli(args, { env: context.env, cwd: context.cwd });
  beforeAll(async () => {
    context.scratch = options.migrated === false ? await createScratchDatabase(dialect) : await migratedScratch(dialect);
    if (options.sampleRows) await insertSampleRows(context.scratch.url);
    context.cwd = fs.mkdtempSync(path.join(os.tmpdir(), `mathakine-cli-${options.name}-`));
    context.env = { DATABASE_URL: context.scratch.url, ...options.env };
  });
  afterAll(async () => {
    await context.scratch?.drop();
    if (context.cwd) fs.rmSync(context.cwd, { recursive: true, force: true });
  });
  return context;
}

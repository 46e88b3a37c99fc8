// `mathakine db generate`: drizzle-kit generate for both dialects, made safe. drizzle-kit writes
// into a scratch copy of each migrations folder; a new migration is kept only when it touches no
// protected table and applies cleanly, with every earlier one, to a scratch database. Both
// dialects are kept together or not at all, so drizzle/pg and drizzle/sqlite never drift apart.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { z } from 'zod';
import { openDatabase, postgresConnectionConfig, type Dialect } from '../../db/client.js';
import { applyMigrations, listMigrations, migrationsFolder } from '../../db/migrate.js';
import { findProtectedTableViolations } from '../../db/protected.js';
import { postgresUrlFor } from '../../db/url.js';
import { PG_SCHEMA_FILE, refreshSqliteSchema } from '../../db/schema/copy-tables.js';
import { errorMessage, silentProgress, type Progress } from '../progress.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DRIZZLE_KIT = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'drizzle-kit');
// a drizzle-kit waiting for an answer nobody can give (no terminal) is stopped
const DRIZZLE_KIT_TIMEOUT_MS = 60_000;

export const generateReportSchema = z.object({
  ok: z.boolean(),
  kept: z.boolean().describe('true when the new migrations were written to the migrations folders'),
  dialects: z.array(
    z.object({
      dialect: z.enum(['sqlite', 'postgres']),
      folder: z.string(),
      status: z.enum(['unchanged', 'accepted', 'refused']),
      new_migrations: z.array(z.string()),
      detail: z.string(),
    }),
  ),
  error: z.string().optional(),
});
export type GenerateReport = z.infer<typeof generateReportSchema>;

export interface GenerateOptions {
  dialects?: Dialect[];
  /** drizzle-kit's --name */
  name?: string;
  /** an empty migration pair for hand-written SQL (drizzle-kit generate --custom); needs a name */
  custom?: boolean;
  /** per dialect: another schema file and migrations folder than the project's (experiments, tests) */
  schemaFile?: Partial<Record<Dialect, string>>;
  out?: Partial<Record<Dialect, string>>;
  /** a PostgreSQL server on which a scratch database can be created to validate pg migrations */
  scratchServerUrl: string;
  /** let drizzle-kit ask its questions (column renames) on this terminal */
  interactive?: boolean;
  progress?: Progress;
}

const DRIZZLE_DIALECT: Record<Dialect, string> = { postgres: 'postgresql', sqlite: 'sqlite' };

function runDrizzleKit(dialect: Dialect, scratchOut: string, options: GenerateOptions): Promise<string> {
  if (!fs.existsSync(DRIZZLE_KIT)) {
    return Promise.reject(new Error('drizzle-kit is not installed (it is a development dependency): run db generate from a development checkout'));
  }
  // drizzle-kit resolves --out relative to its working directory, even an absolute one
  const out = path.relative(PROJECT_ROOT, scratchOut);
  const schema = options.schemaFile?.[dialect];
  const args = schema
    ? ['generate', '--dialect', DRIZZLE_DIALECT[dialect], '--schema', path.relative(PROJECT_ROOT, path.resolve(schema)), '--out', out]
    : ['generate', '--config', 'drizzle.config.ts'];
  if (options.name) args.push('--name', options.name);
  if (options.custom) args.push('--custom');
  const env = { ...process.env, DRIZZLE_DIALECT: DRIZZLE_DIALECT[dialect], DRIZZLE_OUT: out };
  return new Promise((resolve, reject) => {
    // Interactive: drizzle-kit talks to the terminal itself (its output on our stderr, so that
    // stdout stays clean for --json); otherwise its output is kept for the error message.
    const child = spawn(DRIZZLE_KIT, args, {
      cwd: PROJECT_ROOT,
      env,
      timeout: DRIZZLE_KIT_TIMEOUT_MS,
      stdio: options.interactive ? ['inherit', 2, 2] : ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(output);
      const why = signal ? `stopped by ${signal}` : `exit code ${code}`;
      reject(new Error(`drizzle-kit generate (${dialect}) failed (${why}): ${output.trim().split('\n').slice(-5).join('\n')}`));
    });
  });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

/** Applies every migration of `folder` to a new, throw-away database (dropped afterwards). */
export async function validateOnScratchDatabase(dialect: Dialect, folder: string, scratchServerUrl: string): Promise<void> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-validate-'));
    const database = openDatabase(`sqlite:${path.join(dir, 'scratch.db')}`);
    try {
      await applyMigrations(database, { migrationsFolder: folder });
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const name = `mathakine_scratch_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ ...postgresConnectionConfig(scratchServerUrl), application_name: 'mathakine-cli', connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `cannot validate the PostgreSQL migration: no PostgreSQL server answers at ${new URL(scratchServerUrl).host} (${errorMessage(error)}); pass --scratch-url`,
    );
  }
  try {
    await admin.query(`create database ${name}`);
    const database = openDatabase(postgresUrlFor(scratchServerUrl, name));
    try {
      await applyMigrations(database, { migrationsFolder: folder });
    } finally {
      await database.close();
      await admin.query(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await admin.end();
  }
}

export async function generateMigrations(options: GenerateOptions): Promise<GenerateReport> {
  const progress = options.progress ?? silentProgress;
  const dialects = options.dialects ?? ['postgres', 'sqlite'];
  if (options.custom && !options.name) throw new Error('a custom migration needs a name (--custom NAME)');
  const report: GenerateReport = { ok: false, kept: false, dialects: [] };
  const accepted: { folder: string; scratch: string; changed: string[] }[] = [];
  const scratchDirs: string[] = [];

  // sqlite.ts's tables are a copy of pg.ts's: refresh it first so both dialects see one change
  // (only in a source checkout, with the project's own schema files).
  if (dialects.includes('sqlite') && !options.schemaFile?.sqlite && fs.existsSync(PG_SCHEMA_FILE)) refreshSqliteSchema();

  try {
    for (const dialect of dialects) {
      const folder = path.resolve(options.out?.[dialect] ?? migrationsFolder(dialect));
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `mathakine-generate-${dialect}-`));
      scratchDirs.push(scratch);
      if (fs.existsSync(folder)) fs.cpSync(folder, scratch, { recursive: true });
      const entry = { dialect, folder, status: 'refused' as 'unchanged' | 'accepted' | 'refused', new_migrations: [] as string[], detail: '' };
      report.dialects.push(entry);

      progress.start(`drizzle-kit generate (${dialect})`);
      try {
        await runDrizzleKit(dialect, scratch, options);
      } catch (error) {
        entry.detail = errorMessage(error);
        progress.finish(`${dialect}: ${entry.detail}`, false);
        continue;
      }
      const before = new Set(fs.existsSync(folder) ? listMigrations(dialect, folder).map((m) => m.tag) : []);
      const fresh = listMigrations(dialect, scratch).filter((m) => !before.has(m.tag));
      entry.new_migrations = fresh.map((m) => m.tag);
      if (fresh.length === 0) {
        entry.status = 'unchanged';
        entry.detail = 'the schema has no changes';
        progress.finish(`${dialect}: no changes`);
        continue;
      }

      const violations = fresh.flatMap((m) =>
        findProtectedTableViolations(fs.readFileSync(m.file, 'utf8')).map((v) => `${m.tag} ${v.statement.split('\n')[0]} (protected table ${v.table})`),
      );
      if (violations.length > 0) {
        entry.detail = `refused: touches a protected table: ${violations.join('; ')}`;
        progress.finish(`${dialect}: ${entry.detail}`, false);
        continue;
      }
      if (!options.custom) {
        progress.start(`validate on a scratch database (${dialect})`);
        try {
          await validateOnScratchDatabase(dialect, scratch, options.scratchServerUrl);
        } catch (error) {
          entry.detail = `refused: does not apply to a scratch database: ${errorMessage(error)}`;
          progress.finish(`${dialect}: ${entry.detail}`, false);
          continue;
        }
      }
      entry.status = 'accepted';
      entry.detail = options.custom
        ? `empty migration created: write its SQL in ${fresh.map((m) => path.join(folder, `${m.tag}.sql`)).join(', ')}, then run mathakine db migrate`
        : 'applies cleanly to a scratch database';
      const original = new Map(filesUnder(folder).map((f) => [f, fs.readFileSync(path.join(folder, f))]));
      const changed = filesUnder(scratch).filter((f) => !original.get(f)?.equals(fs.readFileSync(path.join(scratch, f))));
      accepted.push({ folder, scratch, changed });
      progress.finish(`${dialect}: ${fresh.map((m) => m.tag).join(', ')} accepted`);
    }

    report.ok = report.dialects.every((d) => d.status !== 'refused');
    if (!report.ok) {
      report.error = report.dialects
        .filter((d) => d.status === 'refused')
        .map((d) => `${d.dialect}: ${d.detail}`)
        .join('; ');
      return report;
    }
    for (const { folder, scratch, changed } of accepted) {
      for (const file of changed) {
        fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
        fs.copyFileSync(path.join(scratch, file), path.join(folder, file));
      }
    }
    report.kept = accepted.length > 0;
    return report;
  } finally {
    for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The report for people (the CLI without --json). */
export function formatGenerate(r: GenerateReport): string {
  return [
    ...r.dialects.map((d) => `${d.status.padEnd(9)} ${d.dialect}: ${d.new_migrations.join(', ') || '-'} ${d.detail}`),
    r.ok ? (r.kept ? 'migrations written' : 'nothing to generate') : `REFUSED, nothing written: ${r.error}`,
  ].join('\n');
}

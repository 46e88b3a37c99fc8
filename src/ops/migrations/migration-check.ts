// `mathakine db check`, Alembic's "multiple heads" check for drizzle: after two branches that both
// generated a migration are merged, the journal, the .sql files and the snapshot chain disagree.
// Each finding says what collides and how to regenerate; every migration is also applied to a
// scratch database (hand-written ones included), as `db generate` does for generated ones.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Dialect } from '../../db/client.js';
import { migrationsFolder } from '../../db/migrate.js';
import { validateOnScratchDatabase } from './generate.js';
import { errorMessage } from '../progress.js';

const REGENERATE =
  "keep the migrations that are already on main, delete the other branch's migration (its .sql, its meta/NNNN_snapshot.json and its _journal.json entry), " +
  'then run `mathakine db generate` to regenerate it on top';

export const migrationCheckSchema = z.object({
  ok: z.boolean(),
  dialects: z.array(
    z.object({
      dialect: z.enum(['sqlite', 'postgres']),
      folder: z.string(),
      migrations: z.number(),
      problems: z.array(z.string()),
      validated: z.string().describe('the scratch-database result, or why it was skipped'),
    }),
  ),
  fix: z.string().optional(),
});
export type MigrationCheck = z.infer<typeof migrationCheckSchema>;

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

/** What is inconsistent in one migrations folder (empty: sound). */
export function folderProblems(folder: string): string[] {
  const problems: string[] = [];
  const journalFile = path.join(folder, 'meta', '_journal.json');
  let entries: JournalEntry[];
  try {
    entries = (readJson(journalFile).entries as JournalEntry[]) ?? [];
  } catch (error) {
    return [`meta/_journal.json cannot be read (${errorMessage(error)}): a merge conflict left in it?`];
  }
  const sqlFiles = fs.readdirSync(folder).filter((f) => f.endsWith('.sql'));
  const tags = new Set(entries.map((e) => e.tag));

  const byNumber = new Map<string, string[]>();
  for (const f of sqlFiles) {
    const number = f.split('_')[0];
    byNumber.set(number, [...(byNumber.get(number) ?? []), f]);
  }
  for (const [number, files] of byNumber) if (files.length > 1) problems.push(`two migrations numbered ${number}: ${files.join(' and ')}`);
  for (const f of sqlFiles) if (!tags.has(f.replace(/\.sql$/, ''))) problems.push(`${f} is not in meta/_journal.json`);
  for (const e of entries) if (!sqlFiles.includes(`${e.tag}.sql`)) problems.push(`journal entry ${e.tag} has no ${e.tag}.sql`);

  entries.forEach((e, i) => {
    if (e.idx !== i) problems.push(`journal entry ${e.tag} has idx ${e.idx}, expected ${i}`);
    if (i > 0 && e.when <= entries[i - 1].when) problems.push(`${e.tag} is not newer than ${entries[i - 1].tag}: drizzle would skip one of them`);
    const file = path.join(folder, `${e.tag}.sql`);
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim() === '')
      problems.push(`${e.tag}.sql is empty: write its SQL (a --custom migration) or delete it`);
  });

  // drizzle-kit diffs the schema against the last snapshot: each must point at the one before.
  let previousId: string | null = null;
  entries.forEach((e, i) => {
    const file = path.join(folder, 'meta', `${String(i).padStart(4, '0')}_snapshot.json`);
    if (!fs.existsSync(file)) return problems.push(`meta/${path.basename(file)} is missing (for ${e.tag})`);
    let snapshot: Record<string, unknown>;
    try {
      snapshot = readJson(file);
    } catch (error) {
      return problems.push(`meta/${path.basename(file)} cannot be read (${errorMessage(error)}): a merge conflict left in it?`);
    }
    if (previousId !== null && snapshot.prevId !== previousId)
      problems.push(
        `meta/${path.basename(file)} (${e.tag}) follows snapshot ${String(snapshot.prevId)}, not the previous one ${previousId}: two branches generated from the same parent`,
      );
    previousId = String(snapshot.id);
  });
  const snapshots = fs.readdirSync(path.join(folder, 'meta')).filter((f) => /^\d+_snapshot\.json$/.test(f));
  if (snapshots.length > entries.length) problems.push(`${snapshots.length} snapshots for ${entries.length} journal entries`);
  return problems;
}

export interface MigrationCheckOptions {
  dialects?: Dialect[];
  folders?: Partial<Record<Dialect, string>>;
  /** the PostgreSQL server for the scratch database; null skips validation */
  scratchServerUrl: string | null;
}

export async function checkMigrations(options: MigrationCheckOptions): Promise<MigrationCheck> {
  const report: MigrationCheck = { ok: true, dialects: [] };
  for (const dialect of options.dialects ?? (['postgres', 'sqlite'] as Dialect[])) {
    const folder = path.resolve(options.folders?.[dialect] ?? migrationsFolder(dialect));
    const problems = folderProblems(folder);
    let validated = 'skipped (--no-validate)';
    if (problems.length) validated = 'skipped: fix the problems first';
    else if (options.scratchServerUrl !== null) {
      try {
        await validateOnScratchDatabase(dialect, folder, options.scratchServerUrl);
        validated = 'every migration applies to a scratch database';
      } catch (error) {
        problems.push(`the migrations do not apply to a scratch database: ${errorMessage(error)}`);
        validated = 'failed';
      }
    }
    const count = fs.existsSync(path.join(folder, 'meta', '_journal.json')) ? fs.readdirSync(folder).filter((f) => f.endsWith('.sql')).length : 0;
    report.dialects.push({ dialect, folder, migrations: count, problems, validated });
  }
  report.ok = report.dialects.every((d) => d.problems.length === 0);
  if (!report.ok) report.fix = REGENERATE;
  return report;
}

/** The report for people (the CLI without --json). */
export function formatMigrationCheck(r: MigrationCheck): string {
  return [
    ...r.dialects.flatMap((d) => [
      `${d.problems.length ? 'FAIL' : 'ok  '}  ${d.dialect} (${d.folder}): ${d.migrations} migrations; ${d.validated}`,
      ...d.problems.map((p) => `      ${p}`),
    ]),
    ...(r.fix ? [`fix: ${r.fix}`] : []),
  ].join('\n');
}

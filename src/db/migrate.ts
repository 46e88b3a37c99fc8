// Applying drizzle-kit's migrations (drizzle/pg, drizzle/sqlite) and reporting which are applied.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import type { Database, Dialect } from './client.js';
import { findProtectedTableViolations } from './protected.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Any number will do as long as every instance uses the same one.
const MIGRATION_LOCK_KEY = 4_242_001;

export function migrationsFolder(dialect: Dialect): string {
  return path.join(PROJECT_ROOT, 'drizzle', dialect === 'postgres' ? 'pg' : 'sqlite');
}

export interface MigrationEntry {
  tag: string;
  /** drizzle's folderMillis: when the migration was generated */
  createdAt: Date;
  file: string;
}

export function listMigrations(dialect: Dialect, folder = migrationsFolder(dialect)): MigrationEntry[] {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries.map((e) => ({ tag: e.tag, createdAt: new Date(e.when), file: path.join(folder, `${e.tag}.sql`) }));
}

export class ProtectedTableError extends Error {
  constructor(readonly violations: { migration: string; table: string; statement: string }[]) {
    super(
      `Refusing migrations that drop or alter protected tables: ${violations
        .map((v) => `${v.migration} touches ${v.table}`)
        .join('; ')}`,
    );
    this.name = 'ProtectedTableError';
  }
}

/** Throws ProtectedTableError when any of `migrations` would drop or alter a protected table. */
export function assertMigrationsSafe(migrations: MigrationEntry[]): void {
  const violations = migrations.flatMap((m) =>
    findProtectedTableViolations(fs.readFileSync(m.file, 'utf8')).map((v) => ({ migration: m.tag, ...v })),
  );
  if (violations.length > 0) throw new ProtectedTableError(violations);
}

export interface MigrationStatus {
  applied: { tag: string; createdAt: Date }[];
  pending: { tag: string; createdAt: Date }[];
}

async function appliedMillis(database: Database): Promise<number[]> {
  // drizzle records each applied migration's folderMillis in created_at.
  if (database.dialect === 'postgres') {
    const [exists] = await database.query<{ present: boolean }>(
      sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
    );
    if (!exists?.present) return [];
    const rows = await database.query<{ created_at: string }>(sql`select created_at from drizzle.__drizzle_migrations`);
    return rows.map((r) => Number(r.created_at));
  }
  const [exists] = await database.query<{ n: number }>(
    sql`select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'`,
  );
  if (!exists?.n) return [];
  const rows = await database.query<{ created_at: number }>(sql`select created_at from __drizzle_migrations`);
  return rows.map((r) => Number(r.created_at));
}

export interface MigrationOptions {
  /** Defaults to the project's drizzle/<dialect> folder. */
  migrationsFolder?: string;
}

export async function migrationStatus(database: Database, options: MigrationOptions = {}): Promise<MigrationStatus> {
  const all = listMigrations(database.dialect, options.migrationsFolder);
  const applied = new Set(await appliedMillis(database));
  const lastApplied = Math.max(0, ...applied);
  return {
    applied: all.filter((m) => applied.has(m.createdAt.getTime())).map(({ tag, createdAt }) => ({ tag, createdAt })),
    // drizzle applies every migration newer than the last one applied
    pending: all.filter((m) => m.createdAt.getTime() > lastApplied).map(({ tag, createdAt }) => ({ tag, createdAt })),
  };
}

/** Applies pending migrations (after the protected-table guard); returns the tags applied. */
export async function applyMigrations(database: Database, options: MigrationOptions = {}): Promise<string[]> {
  const folder = options.migrationsFolder ?? migrationsFolder(database.dialect);
  const before = await migrationStatus(database, { migrationsFolder: folder });
  if (before.pending.length === 0) return [];
  const pendingTags = new Set(before.pending.map((p) => p.tag));
  assertMigrationsSafe(listMigrations(database.dialect, folder).filter((m) => pendingTags.has(m.tag)));
  const migrationsConfig = { migrationsFolder: folder };

  if (database.dialect === 'sqlite') {
    await database.withWriter((writer, writeDb) => {
      // A CHECK change rebuilds the table (create, copy, drop, rename). The DROP would cascade-delete
      // every row referencing it, and `PRAGMA foreign_keys=OFF` inside drizzle's migration
      // transaction is a no-op: switch them off around the transaction, then check them.
      writer.pragma('foreign_keys = OFF');
      try {
        migrateSqlite(writeDb, migrationsConfig);
        const violations = writer.pragma('foreign_key_check') as { table: string; parent: string }[];
        if (violations.length > 0) {
          const pairs = [...new Set(violations.map((v) => `${v.table} → ${v.parent}`))].join(', ');
          throw new Error(`migrations left rows with dangling foreign keys: ${pairs}`);
        }
      } finally {
        writer.pragma('foreign_keys = ON');
      }
    });
  } else {
    // Two instances starting together must not both run the same migrations.
    const client = await database.pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        await migratePg(drizzlePg({ client }), migrationsConfig);
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }
  const after = await migrationStatus(database, { migrationsFolder: folder });
  return before.pending.filter((p) => !after.pending.some((q) => q.tag === p.tag)).map((p) => p.tag);
}

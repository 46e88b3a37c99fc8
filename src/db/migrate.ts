// Applying drizzle-kit's migrations (drizzle/pg, drizzle/sqlite) and reporting which are applied.
import { createHash } from 'node:crypto';
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
    super(`Refusing migrations that drop or alter protected tables: ${violations.map((v) => `${v.migration} touches ${v.table}`).join('; ')}`);
    this.name = 'ProtectedTableError';
  }
}

/** Throws ProtectedTableError when any of `migrations` would drop or alter a protected table. */
export function assertMigrationsSafe(migrations: MigrationEntry[]): void {
  const violations = migrations.flatMap((m) => findProtectedTableViolations(fs.readFileSync(m.file, 'utf8')).map((v) => ({ migration: m.tag, ...v })));
  if (violations.length > 0) throw new ProtectedTableError(violations);
}

export interface MigrationStatus {
  applied: { tag: string; createdAt: Date }[];
  pending: { tag: string; createdAt: Date }[];
}

async function appliedMillis(database: Database): Promise<number[]> {
  // drizzle records each applied migration's folderMillis in created_at.
  if (database.dialect === 'postgres') {
    const [exists] = await database.query<{ present: boolean }>(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
    if (!exists?.present) return [];
    const rows = await database.query<{ created_at: string }>(sql`select created_at from drizzle.__drizzle_migrations`);
    return rows.map((r) => Number(r.created_at));
  }
  const [exists] = await database.query<{ n: number }>(sql`select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'`);
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

/** A migration named by its tag, its number (`0001`, `1`) or `head` (the newest). */
export function resolveMigration(entries: MigrationEntry[], ref: string): MigrationEntry {
  const found =
    ref === 'head'
      ? entries.at(-1)
      : (entries.find((m) => m.tag === ref) ?? entries.find((m) => /^\d+$/.test(ref) && Number(m.tag.split('_')[0]) === Number(ref)));
  if (!found) throw new Error(`no migration ${ref}; known: ${entries.map((m) => m.tag).join(', ') || 'none'} (or head)`);
  return found;
}

// drizzle's own bookkeeping table, created as its migrator creates it.
const PG_MIGRATIONS_TABLE_DDL = [
  'create schema if not exists drizzle',
  'create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)',
];
const SQLITE_MIGRATIONS_TABLE_DDL = 'create table if not exists __drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)';

export interface StampResult {
  stamped: string;
  recorded: string[];
  forgotten: string[];
}

/**
 * Alembic's `stamp`: records the database as being at `ref` without running any SQL (for a
 * database restored or created by hand). Migrations up to `ref` are recorded as drizzle records
 * them (sha256 of the file, generation time); newer ones recorded here are forgotten, so that
 * `migrate` runs them again. One transaction.
 */
export async function stampMigrations(database: Database, ref: string, options: MigrationOptions = {}): Promise<StampResult> {
  const entries = listMigrations(database.dialect, options.migrationsFolder);
  const target = resolveMigration(entries, ref);
  const upTo = entries.filter((m) => m.createdAt <= target.createdAt);
  const newer = entries.filter((m) => m.createdAt > target.createdAt);
  const already = new Set(await appliedMillis(database));
  const toRecord = upTo.filter((m) => !already.has(m.createdAt.getTime()));
  const toForget = newer.filter((m) => already.has(m.createdAt.getTime()));
  const hash = (m: MigrationEntry) => createHash('sha256').update(fs.readFileSync(m.file, 'utf8')).digest('hex');
  const cutoff = target.createdAt.getTime();

  if (database.dialect === 'sqlite') {
    await database.withWriter((writer) =>
      writer.transaction(() => {
        writer.exec(SQLITE_MIGRATIONS_TABLE_DDL);
        writer.prepare('delete from __drizzle_migrations where created_at > ?').run(cutoff);
        const insert = writer.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)');
        for (const m of toRecord) insert.run(hash(m), m.createdAt.getTime());
      })(),
    );
  } else {
    const client = await database.pool.connect();
    try {
      await client.query('begin');
      for (const statement of PG_MIGRATIONS_TABLE_DDL) await client.query(statement);
      await client.query('delete from drizzle.__drizzle_migrations where created_at > $1', [cutoff]);
      for (const m of toRecord)
        await client.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', [hash(m), m.createdAt.getTime()]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }
  return { stamped: target.tag, recorded: toRecord.map((m) => m.tag), forgotten: toForget.map((m) => m.tag) };
}

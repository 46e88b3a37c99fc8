// `db import-sqlite`: a legacy file full of awkward values and one of our own databases, imported
// into real PostgreSQL databases and checked value by value; bad rows, --skip-bad-rows, refused and
// interrupted runs (the target must stay exactly as it was), --dry-run, SSL URLs, and the CLI.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { getTableName, is, Table } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { buildApp } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { applyMigrations, listMigrations } from '../../src/db/migrate.js';
import * as pgSchema from '../../src/db/schema/pg.js';
import { importDatabase as importSqlite } from '../../src/ops/import/run.js';
import { NOT_IMPORTED_TABLES } from '../../src/ops/import/plan.js';
import type { ImportReport } from '../../src/ops/import/report.js';
import { createScratchDatabase, testConfig } from '../helpers/app.js';
import { AWKWARD_ROWS, buildLegacyFixture, type LegacyRow } from '../helpers/legacy-fixture.js';

// every table the import copies: all of the schema's but those describing the database itself (content_versions)
const SCHEMA_TABLES = (Object.values(pgSchema) as unknown[])
  .filter((t): t is PgTable => is(t, PgTable))
  .map((t) => getTableConfig(t))
  .filter((c) => !NOT_IMPORTED_TABLES.includes(c.name))
  .map((c) => ({ name: c.name, key: c.columns.find((col) => col.primary)!.name }));

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function tempFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-import-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, name);
}

async function scratchTarget(): Promise<string> {
  const scratch = await createScratchDatabase('postgres');
  cleanups.push(scratch.drop);
  return scratch.url;
}

/** A URL naming a database that does not exist yet (dropped after the tests if it gets created). */
function missingTarget(): string {
  const url = new URL(inject('testDatabaseUrl'));
  const name = `mathakine_import_${randomBytes(5).toString('hex')}`;
  url.pathname = `/${name}`;
  cleanups.push(async () => {
    const admin = new pg.Client({ connectionString: inject('testDatabaseUrl') });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  return url.toString();
}

async function query<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set timezone = 'UTC'`);
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Every table's rows, as PostgreSQL prints them: "exactly as before" means this is unchanged. */
async function snapshot(url: string): Promise<Record<string, { rows: number; digest: string }>> {
  const result: Record<string, { rows: number; digest: string }> = {};
  for (const { name, key } of SCHEMA_TABLES) {
    const [row] = await query<{ rows: number; digest: string }>(
      url,
      `select count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t."${key}"), '')) as digest from "${name}" t`,
    );
    result[name] = row;
  }
  return result;
}

function legacyFixture(extra: Record<string, Iterable<LegacyRow>> = {}): string {
  const file = tempFile('legacy.db');
  buildLegacyFixture(file, extra);
  return file;
}

const run = importSqlite;

/** Many plain legacy attempts (ids from 1000), enough for a copy that takes a moment. */
function* manyAttempts(count: number): Generator<LegacyRow> {
  for (let i = 0; i < count; i++) {
    yield {
      id: 1000 + i,
      user_id: 1 + (i % 3),
      exercise_id: 1 + (i % 4),
      user_answer: String(i),
      is_correct: i % 2,
      time_spent: i / 8,
      created_at: '2024-01-01 00:00:00.5',
    };
  }
}

const BAD_ROWS: Record<string, LegacyRow[]> = {
  exercises: [{ id: 10, title: 'cassé', exercise_type: 'ADDITION', difficulty: 'INITIE', question: '?', correct_answer: '1', choices: '{"broken": ' }],
  logic_challenges: [{ id: 20, title: 'télépathie', challenge_type: 'TELEPATHY', age_group: 'ALL_AGES' }],
  attempts: [
    { id: 30, user_id: 999, exercise_id: 1, user_answer: '4', is_correct: 1 },
    { id: 31, user_id: 1, exercise_id: 10, user_answer: '1', is_correct: 1 },
  ],
};

const suite = inject('pgAvailable') ? describe : describe.skip;

suite('db import-sqlite', () => {
  it('imports a legacy database value for value into a database it creates, and verifies every table', async () => {
    const source = legacyFixture();
    const target = missingTarget();
    const report = await run({ source, target });

    expect(report.error).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.targetState).toBe('imported');
    expect(report.target.created).toBe(true);
    expect(report.source.kind).toBe('legacy');
    expect(report.tables.map((t) => t.table).sort()).toEqual(SCHEMA_TABLES.map((t) => t.name).sort());
    for (const table of report.tables) {
      expect(table.verified, table.table).toBe(true);
      expect(table.targetRows, table.table).toBe(AWKWARD_ROWS[table.table]?.length ?? 0);
      expect(table.targetChecksum, table.table).toBe(table.sourceChecksum);
    }
    expect(report.legacy.map((t) => [t.target, t.rows])).toEqual([
      ['legacy.users', 4],
      ['legacy.alembic_version', 1],
    ]);
    expect(report.tables.find((t) => t.table === 'users')!.legacyColumns).toEqual(['legacy_session_token']);
    expect(report.tables.find((t) => t.table === 'progress')!.missingColumns).toEqual(['timed_attempts']);
    // drizzle's bookkeeping is the target's own, not copied
    expect(await query(target, 'select hash from drizzle.__drizzle_migrations')).toHaveLength(listMigrations('postgres').length);

    const users = await query(
      target,
      `select id, username, email, role, is_active, full_name, learning_style, preferred_difficulty, preferred_theme,
              accessibility_settings, total_points, current_level, experience_points, jedi_rank,
              created_at::text as created_at, updated_at::text as updated_at from users order by id`,
    );
    expect(users[0]).toEqual({
      id: 1,
      username: 'Élodie Ñandú 😀',
      email: 'elodie@example.com',
      role: 'archiviste',
      is_active: true,
      full_name: `O'Brien "Quoted" back\\slash\ttab\nnew\r\nline`,
      learning_style: null,
      preferred_difficulty: 'PADAWAN', // free text: kept as written
      preferred_theme: null,
      accessibility_settings: {
        thème: 'sombre',
        taille: { police: 1.5, emoji: '🚀' },
        liste: [1, 2.5, 0, 1e21, { ü: null }],
        échappé: 'é\n"q" \\ \t',
        z: true,
        a: false,
      },
      total_points: 2147483647,
      current_level: -2147483648,
      experience_points: 0,
      jedi_rank: 'maître 🗡',
      created_at: '2023-01-15 10:30:00+00',
      updated_at: '2023-01-15 10:30:00.123456+00',
    });
    expect(users[1]).toMatchObject({
      role: 'maitre',
      is_active: false,
      full_name: '\\N', // a backslash and an N, not NULL
      learning_style: '\x01\x02\x7f\x1b[31mrouge\x1b[0m \b \v \f \x1f',
      preferred_theme: '',
      accessibility_settings: null, // JSON 'null'
      total_points: 0,
      current_level: 1,
      experience_points: 0,
      jedi_rank: 'youngling',
      created_at: '2023-01-15 08:30:00.5+00',
      updated_at: '2023-07-01 05:29:59+00',
    });
    // NULLs read as the original read them (null-readings.ts): is_active NULL refused the account; no creation time, its last change
    expect(users[2]).toMatchObject({
      id: 3,
      role: 'gardien',
      is_active: false,
      email: '"quoted"@example.com',
      created_at: '2024-02-29 12:00:00.000001+00',
      updated_at: '2024-02-29 12:00:00.000001+00',
    });
    expect(users[3]).toMatchObject({
      id: 5,
      role: 'padawan',
      username: 'tab\tname',
      accessibility_settings: {},
      created_at: '1999-12-31 23:59:59.999999+00',
      updated_at: '2023-11-14 22:13:20.123+00', // integer milliseconds
    });

    const exercises = await query(
      target,
      `select id, title, exercise_type, difficulty, age_group, question, choices, explanation, hint, complexity, ai_generated,
              is_active, is_archived, view_count, creator_id from exercises order by id`,
    );
    expect(exercises).toEqual([
      {
        id: 1,
        title: 'Addition 😀 "facile"',
        exercise_type: 'addition',
        difficulty: 'initie',
        age_group: 'GROUP_10_12', // exercises.age_group is free text
        question: 'Combien font 2 + 2 ?\nRéponds vite',
        choices: ['3', '4', '5'],
        explanation: 'C:\\chemin\\vers\\fichier',
        hint: '\\N',
        complexity: null, // not rated, as in the source
        ai_generated: false,
        is_active: true,
        is_archived: false,
        view_count: 2147483647,
        creator_id: 1,
      },
      {
        id: 2,
        title: 'Soustraction',
        exercise_type: 'soustraction',
        difficulty: 'chevalier',
        age_group: null,
        question: '10 - 3 ?',
        choices: null,
        explanation: null,
        hint: null,
        complexity: 5,
        ai_generated: true,
        is_active: true,
        is_archived: true,
        view_count: -2147483648,
        creator_id: null,
      },
      {
        id: 3,
        title: 'Multiplication',
        exercise_type: 'multiplication',
        difficulty: 'maitre',
        age_group: null,
        question: '6 × 7 = ?',
        choices: [{ label: '∞', value: null }, [], {}, '😀'],
        explanation: '',
        hint: null,
        complexity: 3,
        ai_generated: false,
        is_active: false,
        is_archived: false,
        view_count: 0,
        creator_id: 2,
      },
      {
        id: 4,
        title: 'Division\ttabulée',
        exercise_type: 'division',
        difficulty: 'padawan',
        age_group: '9-12',
        question: '84 ÷ 2 ?',
        choices: null,
        explanation: null,
        hint: null,
        complexity: 2,
        ai_generated: false,
        is_active: true,
        is_archived: false,
        view_count: 0,
        creator_id: 3,
      },
    ]);

    const attempts = await query<Record<string, unknown>>(
      target,
      'select id, user_answer, time_spent, attempt_number, hints_used, device_info, created_at::text as created_at from attempts order by id',
    );
    expect(attempts.map((a) => a.user_answer)).toEqual(['4', '\\N', '', `l'élève a dit "42"`, '42', '7']);
    expect(attempts.map((a) => a.time_spent)).toEqual([0.1, 1e-7, 12345.678, null, 3, 1.7976931348623157e308]);
    expect(attempts.map((a) => a.attempt_number)).toEqual([1, 2, 1, 1, 1, 1]);
    expect(attempts.map((a) => a.hints_used)).toEqual([0, 1, 0, 0, 0, 0]);
    expect(attempts.map((a) => a.device_info)).toEqual([null, null, null, 'Mozilla/5.0\t(X11)', null, null]);
    expect(attempts.slice(0, 5).map((a) => a.created_at)).toEqual([
      '2023-03-01 08:00:00+00',
      '2023-03-01 08:00:00.25+00',
      '2023-03-01 08:00:00+00',
      '2023-03-02 09:15:30.0005+00',
      '2023-03-03 10:00:00+00',
    ]);

    expect(
      await query(
        target,
        `select id, exercise_type, difficulty, total_attempts, timed_attempts, average_time, completion_rate, concept_mastery,
                learning_curve, awards, mastery_level, recommendations, last_active_date::text as last_active_date from progress order by id`,
      ),
    ).toEqual([
      {
        id: 1,
        exercise_type: 'addition',
        difficulty: 'initie',
        total_attempts: 4,
        timed_attempts: 4, // the legacy average was over every attempt
        average_time: 2.5,
        completion_rate: 75,
        concept_mastery: { addition: { niveau: 'élevé', score: 0.75 } },
        learning_curve: [1, 2, 3],
        awards: [],
        mastery_level: 3,
        recommendations: 'Continue ! 💪',
        last_active_date: '2023-03-01 07:00:00+00',
      },
      {
        id: 2,
        exercise_type: 'soustraction',
        difficulty: 'padawan',
        total_attempts: 0,
        timed_attempts: 0,
        average_time: null,
        completion_rate: 66.66666666666667,
        concept_mastery: null,
        learning_curve: null,
        awards: null,
        mastery_level: 1,
        recommendations: null,
        last_active_date: null,
      },
    ]);

    expect(
      await query(
        target,
        'select challenge_type, age_group, difficulty, is_active, estimated_time_minutes, difficulty_rating from logic_challenges order by id',
      ),
    ).toEqual([
      // estimated_time_minutes NULL: not given; is_active NULL (2-5): the original never served them (`is_active IS TRUE`)
      { challenge_type: 'sequence', age_group: '10-12', difficulty: 'initie', is_active: true, estimated_time_minutes: null, difficulty_rating: 4.5 },
      { challenge_type: 'riddle', age_group: '13+', difficulty: null, is_active: false, estimated_time_minutes: null, difficulty_rating: 3 },
      { challenge_type: 'pattern', age_group: 'all', difficulty: 'chevalier', is_active: false, estimated_time_minutes: null, difficulty_rating: 1 },
      { challenge_type: 'deduction', age_group: 'enfant', difficulty: 'maitre', is_active: false, estimated_time_minutes: null, difficulty_rating: 5 },
      { challenge_type: 'spatial', age_group: '9-12', difficulty: 'padawan', is_active: false, estimated_time_minutes: null, difficulty_rating: 2.25 },
    ]);
    expect(await query(target, 'select hints, visual_data, generation_parameters, success_rate from logic_challenges where id = 1')).toEqual([
      {
        hints: ['Regarde bien', 'Encore 😀'],
        visual_data: {
          grille: [
            [1, 2],
            [3, null],
          ],
          couleur: '#ff0000',
        },
        generation_parameters: null,
        success_rate: 0.333,
      },
    ]);
    expect(await query(target, 'select notes, hints_used, attempt_number, created_at::text as created_at from logic_challenge_attempts order by id')).toEqual([
      { notes: 'première\ttentative', hints_used: 1, attempt_number: 1, created_at: '2023-05-10 10:10:10.10101+00' },
      { notes: null, hints_used: 0, attempt_number: 1, created_at: '2023-05-10 10:10:11+00' },
    ]);

    // protected legacy tables: copied as they are (their NULLs kept where the column allows them)
    expect(
      await query(target, 'select id, exercise_id, is_correct, attempt_count, time_spent, created_at::text as created_at from results order by id'),
    ).toEqual([
      { id: 1, exercise_id: 999, is_correct: true, attempt_count: null, time_spent: 1.5, created_at: null },
      { id: 2, exercise_id: 1, is_correct: false, attempt_count: 3, time_spent: null, created_at: '2022-01-01 00:00:00+00' },
    ]);
    expect(await query(target, 'select * from statistics')).toEqual([
      {
        id: 1,
        user_id: null,
        session_id: 'sess-ü',
        exercise_type: 'ADDITION',
        difficulty: 'INITIE',
        total_attempts: null,
        correct_attempts: 0,
        avg_time: 0,
        last_updated: new Date('2022-05-05T05:05:05Z'),
      },
    ]);
    expect(await query(target, 'select * from user_stats')).toEqual([
      { id: 7, exercise_type: null, difficulty: 'padawan', total_attempts: 3, correct_attempts: null, last_updated: null },
    ]);
    expect(await query(target, 'select version from schema_version')).toEqual([{ version: 3 }]);

    // every identity sequence follows its table's largest id, protected tables included
    const nextIds = Object.fromEntries(report.sequences.map((s) => [s.table, s.nextValue]));
    expect(nextIds).toMatchObject({ users: 6, exercises: 5, attempts: 10, results: 3, statistics: 2, user_stats: 8, refresh_tokens: 1 });
    expect(await query(target, 'select last_value, is_called from user_stats_id_seq')).toEqual([{ last_value: '7', is_called: true }]);
  });

  it('round-trips a database written by this service, every row equal through the data layer', async () => {
    const sourceUrl = `sqlite:${tempFile('ours.db')}`;
    const sqlite = openDatabase(sourceUrl);
    await applyMigrations(sqlite);
    const {
      users,
      exercises,
      attempts,
      progress,
      logicChallenges,
      logicChallengeAttempts,
      refreshTokens,
      results,
      statistics,
      userStats,
      schemaVersion,
      dashboardSnapshots,
      maintenanceRuns,
      signInFailures,
    } = sqlite.tables;
    const { sessions, accountTokens, erasedAccounts, achievements, userAchievements, pointEvents, recommendations } = sqlite.tables;
    const at = (iso: string) => new Date(iso);
    await sqlite.transaction(async (tx) => {
      await tx.insert(users).values([
        {
          username: 'Anakin 😀',
          email: 'a@x.org',
          hashed_password: 'h',
          full_name: 'tab\there "q" \\ n\nl',
          role: 'archiviste',
          accessibility_settings: { dys: true, taille: [1, 2.5] },
          created_at: at('2020-02-29T23:59:59.999Z'),
          updated_at: at('1970-01-01T00:00:00.001Z'),
          total_points: 2147483647,
        },
        { username: 'obi', email: 'o@x.org', hashed_password: 'h', is_active: false, grade_level: -1 },
      ]);
      await tx.insert(exercises).values([
        {
          title: 'É1',
          exercise_type: 'fractions',
          difficulty: 'chevalier',
          question: 'q\\N',
          correct_answer: '1/2',
          choices: ['1/2', { nested: ['ü', null] }],
          creator_id: 1,
          complexity: 5,
          ai_generated: true,
        },
        { title: 'É2', exercise_type: 'texte', difficulty: 'initie', question: '', correct_answer: '', choices: null, creator_id: null },
      ]);
      await tx.insert(attempts).values([
        { user_id: 1, exercise_id: 1, user_answer: '1/2', is_correct: true, time_spent: 0.30000000000000004, created_at: at('2024-05-05T05:05:05.005Z') },
        { user_id: 2, exercise_id: 2, user_answer: '', is_correct: false, time_spent: null, hints_used: 3 },
      ]);
      await tx.insert(progress).values({
        user_id: 1,
        exercise_type: 'fractions',
        difficulty: 'chevalier',
        total_attempts: 1,
        correct_attempts: 1,
        timed_attempts: 1,
        average_time: 0.3,
        completion_rate: 100,
        concept_mastery: { a: 1 },
        learning_curve: [],
        awards: null,
        last_active_date: at('2024-05-05T05:05:05.005Z'),
      });
      await tx.insert(logicChallenges).values({
        title: 'L',
        challenge_type: 'chess',
        age_group: '13-15',
        difficulty: null,
        hints: ['un', 'deux'],
        visual_data: { x: [1, { y: 'z' }] },
        creator_id: 2,
        difficulty_rating: 4.75,
      });
      await tx.insert(logicChallengeAttempts).values({ user_id: 2, challenge_id: 1, user_solution: 'e4', is_correct: true, time_spent: 1e-9, notes: '\r\n' });
      await tx.insert(refreshTokens).values({ user_id: 1, family_id: 'f', token_hash: 'abc', expires_at: at('2030-01-01T00:00:00Z'), used_at: null });
      await tx.insert(results).values({ exercise_id: 1, is_correct: true, attempt_count: null, time_spent: 2.5, created_at: null });
      await tx.insert(statistics).values({ session_id: 's', difficulty: 'x', correct_attempts: 1, avg_time: 1.5 });
      await tx.insert(userStats).values({ difficulty: 'y', total_attempts: 2 });
      await tx.insert(schemaVersion).values({ version: 7 });
      await tx.insert(dashboardSnapshots).values({ source: 'maintenance', created_at: at('2024-06-06T06:06:06.006Z'), data: { relations: { users: 8192 } } });
      await tx.insert(maintenanceRuns).values({
        started_at: at('2024-06-06T06:06:00.000Z'),
        finished_at: at('2024-06-06T06:06:06.006Z'),
        ok: false,
        steps: [{ name: 'backup', ok: false, summary: 'disk full', duration_ms: 12 }],
      });
      await tx.insert(signInFailures).values({
        identifier_hash: 'ab12',
        client_key: '2001:db8:1:2::/64',
        failures: 3,
        window_start: at('2024-06-06T06:00:00.000Z'),
        last_failure_at: at('2024-06-06T06:05:05.005Z'),
      });
      await tx
        .insert(sessions)
        .values({ user_id: 1, family_id: 'f', expires_at: at('2030-01-01T00:00:00Z'), user_agent: 'Mozilla/5.0 😀', ip_address: '2001:db8::1' });
      await tx
        .insert(accountTokens)
        .values({ user_id: 1, purpose: 'password_reset', token_hash: 'cafe', email: 'a@x.org', expires_at: at('2030-01-01T00:00:00Z') });
      await tx.insert(erasedAccounts).values({ user_id: 99, fingerprint: 'f1' });
      await tx.insert(achievements).values({ code: 'first_step', name: 'Premier pas', requirements: { attempts_count: 1 }, points_reward: 10 });
      await tx.insert(userAchievements).values({ user_id: 1, achievement_id: 1, progress_data: { done: 1 } });
      await tx.insert(pointEvents).values({
        user_id: 1,
        source_type: 'badge_awarded',
        source_id: 1,
        points_delta: 2147483647,
        balance_after: 2147483647,
        details: { code: 'first_step' },
      }); // total_points == the ledger, as this service keeps it
      await tx
        .insert(recommendations)
        .values({ user_id: 1, exercise_id: 1, exercise_type: 'fractions', difficulty: 'chevalier', reason_code: 'weakest_type', shown_count: 2 });
    });

    const target = await scratchTarget();
    const report = await run({ source: sourceUrl.slice('sqlite:'.length), target });
    await sqlite.close();
    expect(report.error).toBeNull();
    expect(report.source.kind).toBe('mathakine');
    expect(report.tables.every((t) => t.verified && t.missingColumns.length === 0 && t.legacyColumns.length === 0)).toBe(true);
    expect(report.legacy).toEqual([]);

    const reopenedSqlite = openDatabase(sourceUrl);
    const postgres = openDatabase(target);
    try {
      for (const { name, key } of SCHEMA_TABLES) {
        const read = async (database: Database) => {
          const table = (Object.values(database.tables) as unknown[]).find((t) => is(t, Table) && getTableName(t as Table) === name) as PgTable;
          return database.db
            .select()
            .from(table)
            .orderBy((table as unknown as Record<string, never>)[key]);
        };
        const fromSqlite = await read(reopenedSqlite);
        expect(fromSqlite.length, name).toBeGreaterThan(0);
        expect(await read(postgres), name).toEqual(fromSqlite);
      }
    } finally {
      await reopenedSqlite.close();
      await postgres.close();
    }
  });

  it('leaves a database the app serves, and new rows get ids after the imported ones', async () => {
    const source = legacyFixture();
    const target = await scratchTarget();
    expect((await run({ source, target })).ok).toBe(true);

    const config = testConfig(target);
    const database = openConfiguredDatabase(config);
    const app = await buildApp({ config, database });
    await app.ready();
    try {
      const health = await app.inject({ method: 'GET', url: '/admin/health' });
      expect(health.statusCode, health.body).toBe(200);
      expect(health.json()).toMatchObject({ status: 'pass' });

      const { users, exercises, attempts, results, userStats } = database.tables;
      const inserted = await database.transaction(async (tx) => {
        const [user] = await tx.insert(users).values({ username: 'nouveau', email: 'nouveau@example.com', hashed_password: 'h' }).returning();
        const [exercise] = await tx
          .insert(exercises)
          .values({ title: 'n', exercise_type: 'addition', difficulty: 'initie', question: '1+1', correct_answer: '2' })
          .returning();
        const [attempt] = await tx.insert(attempts).values({ user_id: user.id, exercise_id: exercise.id, user_answer: '2', is_correct: true }).returning();
        const [result] = await tx.insert(results).values({ exercise_id: exercise.id, is_correct: true }).returning();
        const [stat] = await tx.insert(userStats).values({ difficulty: 'initie' }).returning();
        return { user: user.id, exercise: exercise.id, attempt: attempt.id, result: result.id, stat: stat.id };
      });
      expect(inserted).toEqual({ user: 6, exercise: 5, attempt: 10, result: 3, stat: 8 });

      // through the learning API too, when it is there: an imported exercise can be read and attempted
      if (app.hasRoute({ method: 'GET', url: '/api/exercises/:id' }) && app.hasRoute({ method: 'POST', url: '/api/exercises/:id/attempts' })) {
        const register = await app.inject({
          method: 'POST',
          url: '/api/auth/register',
          payload: { username: 'apprenti', email: 'apprenti@example.com', password: 'motdepasse-123' },
        });
        expect(register.statusCode).toBe(201);
        const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'apprenti', password: 'motdepasse-123' } });
        const headers = { authorization: `Bearer ${login.json().access_token}` };
        // (exercise 1's view_count is the largest integer: the app cannot count one more view)
        const exercise = await app.inject({ method: 'GET', url: '/api/exercises/4', headers });
        expect(exercise.statusCode, exercise.body).toBe(200);
        expect(exercise.json()).toMatchObject({ id: 4, title: 'Division\ttabulée', exercise_type: 'division', difficulty: 'padawan' });
        const attempt = await app.inject({ method: 'POST', url: '/api/exercises/4/attempts', headers, payload: { user_answer: '42' } });
        expect(attempt.statusCode).toBe(201);
        expect(attempt.json().is_correct).toBe(true);
        expect(attempt.json().attempt.id).toBeGreaterThan(10);
      }
    } finally {
      await app.close();
    }
  });

  it('fails on rows it cannot convert, naming each one, and imports nothing', async () => {
    const source = legacyFixture(BAD_ROWS);
    const target = await scratchTarget();
    const report = await run({ source, target });

    expect(report.ok).toBe(false);
    expect(report.targetState).toBe('unchanged');
    expect(report.error).toMatch(/4 row\(s\) cannot be converted \(first: exercises id 10, choices: invalid JSON/);
    expect(report.badRows).toEqual([
      { table: 'exercises', id: 10, column: 'choices', reason: expect.stringMatching(/^invalid JSON/) },
      { table: 'attempts', id: 30, column: 'user_id', reason: 'references users id 999, which does not exist' },
      { table: 'attempts', id: 31, column: 'exercise_id', reason: 'references exercises id 10, a bad row left out' },
      { table: 'logic_challenges', id: 20, column: 'challenge_type', reason: expect.stringContaining('unknown value "TELEPATHY"') },
    ]);
    for (const { rows } of Object.values(await snapshot(target))) expect(rows).toBe(0);
  });

  it('reports values PostgreSQL cannot hold (or would change) as bad rows instead of altering them', async () => {
    const source = legacyFixture({
      users: [
        { id: 10, username: 'LUKE', email: 'other@jedi.org', hashed_password: 'x' }, // 'luke' exists: unique case-insensitively
        { id: 11, username: 'nul', email: 'nul@x.org', hashed_password: 'x', full_name: 'a\0b' },
        { id: 12, username: 'blob', email: 'blob@x.org', hashed_password: 'x', full_name: Buffer.from([0xc3, 0x28]) },
        { id: 13, username: 'fffd', email: 'fffd@x.org', hashed_password: 'x', full_name: 'un vrai \uFFFD' },
        { id: 14, username: 'invalid-utf8', email: 'i@x.org', hashed_password: 'x' },
        { id: 15, username: 'big', email: 'big@x.org', hashed_password: 'x', total_points: 2147483648 },
        { id: 16, username: 'date', email: 'date@x.org', hashed_password: 'x', created_at: '2023-02-30 10:00:00' },
        { id: 17, username: 'json', email: 'json@x.org', hashed_password: 'x', accessibility_settings: '{"nul": "\\u0000"}' },
        { id: 18, username: 'bool', email: 'bool@x.org', hashed_password: 'x', is_active: 2 },
      ],
      exercises: [{ id: 9, title: 't', exercise_type: 'ADDITION', difficulty: 'INITIE', question: 'q', correct_answer: 'a', complexity: 9 }],
    });
    const db = new BetterSqlite3(source);
    db.prepare(`update users set full_name = cast(x'61ff62' as text) where id = 14`).run(); // invalid UTF-8 stored as text
    db.close();

    const target = await scratchTarget();
    const report = await run({ source, target, skipBadRows: true });
    expect(report.error).toBeNull();
    expect(report.badRows).toEqual([
      { table: 'users', id: 10, column: 'username', reason: 'duplicate of id 2 for unique index users_username_lower_key' },
      { table: 'users', id: 11, column: 'full_name', reason: 'contains a NUL character, which PostgreSQL text cannot store' },
      { table: 'users', id: 12, column: 'full_name', reason: 'binary value (2 bytes) that is not UTF-8 text' },
      { table: 'users', id: 14, column: 'full_name', reason: 'text that is not valid UTF-8' },
      { table: 'users', id: 15, column: 'total_points', reason: "2147483648 is outside PostgreSQL's integer range" },
      { table: 'users', id: 16, column: 'created_at', reason: "'2023-02-30 10:00:00' is not a valid date and time" },
      { table: 'users', id: 17, column: 'accessibility_settings', reason: expect.stringContaining('jsonb cannot store') },
      { table: 'users', id: 18, column: 'is_active', reason: '2 is not a boolean (0 or 1)' },
      { table: 'exercises', id: 9, column: 'complexity', reason: '9 is outside 1-5' },
    ]);
    expect(await query(target, 'select id, full_name from users where id >= 10')).toEqual([{ id: 13, full_name: 'un vrai \uFFFD' }]);
    // nothing dropped: the rows left out are kept whole in the legacy area, bytes no text can hold as \x hex
    expect(await query(target, 'select id, full_name, total_points from legacy.users_rejected order by source_row')).toEqual([
      { id: '10', full_name: null, total_points: null },
      { id: '11', full_name: '\\x610062', total_points: null },
      { id: '12', full_name: '\\xc328', total_points: null },
      { id: '14', full_name: '\\x61ff62', total_points: null },
      { id: '15', full_name: null, total_points: '2147483648' },
      { id: '16', full_name: null, total_points: null },
      { id: '17', full_name: null, total_points: null },
      { id: '18', full_name: null, total_points: null },
    ]);
    expect(report.legacy.find((t) => t.target === 'legacy.exercises_rejected')).toMatchObject({ rows: 1, verified: true });
  });

  it('keeps random doubles, instants and text exactly, and its checksums agree with PostgreSQL on them', async () => {
    const random = (() => {
      let state = 20240601;
      return () => (state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
    })();
    const bits = new DataView(new ArrayBuffer(8));
    const doubles: number[] = [0, -0, 1e-320, -5e-324, 2 ** 53, 2 ** 54 + 4, 1e21, 1e300, Infinity, -Infinity, 0.1 + 0.2, 1e-5, 123456789012345.6];
    while (doubles.length < 3000) {
      bits.setUint32(0, Math.floor(random() * 2 ** 32));
      bits.setUint32(4, Math.floor(random() * 2 ** 32));
      const anyBits = bits.getFloat64(0);
      const scaled = (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
      for (const d of [anyBits, scaled]) if (!Number.isNaN(d)) doubles.push(d);
    }
    const minMs = Date.parse('0001-01-01T00:00:00Z');
    const maxMs = Date.parse('9999-12-31T23:59:59.999Z');
    const randomText = () =>
      Array.from({ length: 1 + Math.floor(random() * 12) }, () => {
        const codePoint = 1 + Math.floor(random() * 0x10ffff);
        return codePoint >= 0xd800 && codePoint <= 0xdfff ? '\t' : String.fromCodePoint(codePoint);
      }).join('');
    const rows = doubles.map((time_spent, i) => ({
      id: 1000 + i,
      exercise_id: i,
      is_correct: i % 2,
      time_spent,
      created_at: minMs + Math.floor(random() * (maxMs - minMs)), // integer milliseconds, as our schema stores them
      session: randomText(),
    }));
    const source = legacyFixture({
      results: rows.map(({ session: _session, ...row }) => row),
      statistics: rows.map((r) => ({ id: r.id, session_id: r.session, difficulty: r.session, correct_attempts: 0, avg_time: r.time_spent })),
    });
    const target = await scratchTarget();
    const report = await run({ source, target });
    expect(report.error).toBeNull();
    expect(report.tables.find((t) => t.table === 'results')).toMatchObject({ imported: rows.length + 2, verified: true });
    expect(report.tables.find((t) => t.table === 'statistics')).toMatchObject({ imported: rows.length + 1, verified: true });

    // compared with what SQLite holds (it stores -0 as 0)
    const db = new BetterSqlite3(source, { readonly: true });
    const stored = db.prepare('select time_spent, created_at from results where id >= 1000 order by id').all() as { time_spent: number; created_at: number }[];
    db.close();
    expect(stored.map((r) => r.created_at)).toEqual(rows.map((r) => r.created_at));
    const results = await query<{ time_spent: number; created_at: Date }>(target, 'select time_spent, created_at from results where id >= 1000 order by id');
    expect(results.map((r) => r.time_spent)).toEqual(stored.map((r) => r.time_spent)); // toEqual tells -0 from 0
    expect(results.map((r) => r.created_at.getTime())).toEqual(rows.map((r) => r.created_at));
    const statistics = await query<{ session_id: string }>(target, 'select session_id from statistics where id >= 1000 order by id');
    expect(statistics.map((s) => s.session_id)).toEqual(rows.map((r) => r.session));
  });

  it('with --skip-bad-rows imports every other row, and reports the ones it skipped', async () => {
    const source = legacyFixture(BAD_ROWS);
    const target = await scratchTarget();
    const report = await run({ source, target, skipBadRows: true });

    expect(report.error).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.badRowCount).toBe(4);
    expect(report.badRows.map((b) => `${b.table} ${String(b.id)}`)).toEqual(['exercises 10', 'attempts 30', 'attempts 31', 'logic_challenges 20']);
    expect(report.tables.every((t) => t.verified)).toBe(true);
    const attempts = report.tables.find((t) => t.table === 'attempts')!;
    expect([attempts.sourceRows, attempts.skipped, attempts.imported, attempts.targetRows]).toEqual([8, 2, 6, 6]);
    expect(
      await query(
        target,
        'select id from exercises where id = 10 union all select id from attempts where id in (30, 31) union all select id from logic_challenges where id = 20',
      ),
    ).toEqual([]);
  });

  it('refuses a target that is not empty unless told to truncate it, then replaces its rows', async () => {
    const target = await scratchTarget();
    expect((await run({ source: legacyFixture(), target })).ok).toBe(true);
    const before = await snapshot(target);

    const second = legacyFixture({ attempts: manyAttempts(10) });
    const refused = await run({ source: second, target });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/the target is not empty \(rows in .*users.*\); pass --truncate/);
    expect(refused.targetState).toBe('unchanged');
    expect(await snapshot(target)).toEqual(before);

    const replaced = await run({ source: second, target, truncate: true });
    expect(replaced.ok).toBe(true);
    expect((await snapshot(target)).attempts.rows).toBe(AWKWARD_ROWS.attempts.length + 10);
  });

  it('leaves the target exactly as before when a run is interrupted or finds a bad row late', async () => {
    const target = await scratchTarget();
    expect((await run({ source: legacyFixture(), target })).ok).toBe(true);
    const before = await snapshot(target);

    // interrupted while loading the biggest table (what Ctrl-C does in the CLI)
    const big = legacyFixture({ attempts: manyAttempts(20_000) });
    const interrupt = new AbortController();
    const finishedTables: string[] = [];
    let loading = '';
    const interrupted = await run({
      source: big,
      target,
      truncate: true,
      signal: interrupt.signal,
      progress: {
        start: (label) => void (loading = label),
        update: (rows) => void (loading === 'attempts' && rows > 0 && interrupt.abort()),
        finish: (summary, ok) => void (ok !== false && finishedTables.push(summary.split(':')[0])),
      },
    });
    expect(interrupt.signal.aborted).toBe(true);
    expect(finishedTables).toContain('users'); // earlier tables were loaded (in the transaction)...
    expect(finishedTables).not.toContain('attempts'); // ...and this one was not finished
    expect(interrupted).toMatchObject({ ok: false, interrupted: true, error: 'interrupted', targetState: 'unchanged' });
    expect(await snapshot(target)).toEqual(before);

    // a bad row in the last table copied, after every other table went in
    const lateBadRow = legacyFixture({ attempts: manyAttempts(500), user_stats: [{ id: 8, difficulty: 'x', total_attempts: 'beaucoup' }] });
    const failed = await run({ source: lateBadRow, target, truncate: true });
    expect(failed.error).toMatch(/^1 row\(s\) cannot be converted \(first: user_stats id 8/);
    expect(failed.tables.at(-1)?.table).toBe('user_stats');
    expect(failed.badRows).toEqual([{ table: 'user_stats', id: 8, column: 'total_attempts', reason: '"beaucoup" is not an integer' }]);
    expect(failed.targetState).toBe('unchanged');
    expect(await snapshot(target)).toEqual(before);
  });

  it('--dry-run reads and converts everything, reports, and writes nothing', async () => {
    const missing = missingTarget();
    const clean = await run({ source: legacyFixture(), target: missing, dryRun: true });
    expect(clean.error).toBeNull();
    expect(clean).toMatchObject({ ok: true, dryRun: true, targetState: 'untouched', target: { exists: false, created: false } });
    expect(clean.tables.find((t) => t.table === 'users')).toMatchObject({ sourceRows: 4, imported: 4, verified: null, targetRows: null });
    const admin = inject('testDatabaseUrl');
    expect(await query(admin, 'select 1 from pg_database where datname = $1', [new URL(missing).pathname.slice(1)])).toEqual([]);

    const target = await scratchTarget();
    const bad = await run({ source: legacyFixture(BAD_ROWS), target, dryRun: true });
    expect(bad.ok).toBe(false);
    expect(bad.badRowCount).toBe(4);
    expect(bad.target.migrationsPending.length).toBeGreaterThan(0); // not even the schema was written
    expect(await query(target, `select 1 from pg_tables where schemaname = 'public'`)).toEqual([]);
  });

  it('says clearly when the target database is missing and the role may not create it', async () => {
    const role = `mathakine_import_${randomBytes(4).toString('hex')}`;
    const admin = inject('testDatabaseUrl');
    await query(admin, `create role ${role} login nocreatedb password 'import-test'`);
    cleanups.push(async () => void (await query(admin, `drop role if exists ${role}`)));
    const url = new URL(missingTarget());
    url.username = role;
    url.password = 'import-test';

    const report = await run({ source: legacyFixture(), target: url.toString() });
    expect(report.ok).toBe(false);
    expect(report.targetState).toBe('untouched');
    expect(report.error).toMatch(new RegExp(`database "mathakine_import_\\w+" does not exist and ${role} may not create databases`));
  });

  it('--to honours sslmode=require (Render external URLs)', async () => {
    const [{ ssl }] = await query<{ ssl: string }>(inject('testDatabaseUrl'), 'show ssl');
    const url = new URL(await scratchTarget());
    url.searchParams.set('sslmode', 'require');
    const report = await run({ source: legacyFixture(), target: url.toString() });
    if (ssl === 'off') {
      // the local test server has no SSL: asking for it must fail instead of silently connecting in clear text
      expect(report.ok).toBe(false);
      expect(report.error).toMatch(/SSL/i);
    } else {
      expect(report.ok).toBe(true);
    }
  });

  describe('the CLI (node bin/mathakine.js)', () => {
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['bin/mathakine.js', 'db', 'import-sqlite', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

    it('prints help, imports with --json, refuses a second run and names bad rows, with exit codes', async () => {
      const help = cli(['--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/--to <target>/);
      expect(help.stdout).toMatch(/--skip-bad-rows/);
      expect(help.stdout).toMatch(/--dry-run/);

      const target = await scratchTarget();
      const source = legacyFixture();
      const imported = cli([source, '--to', target, '--json']);
      expect(imported.status, imported.stderr).toBe(0);
      const report = JSON.parse(imported.stdout) as ImportReport;
      expect(report).toMatchObject({ ok: true, targetState: 'imported' });
      expect(imported.stderr).toMatch(/^attempts: 6 rows to read$/m); // plain progress lines off a terminal
      expect(imported.stderr).toMatch(/^✓ attempts: 6 rows imported, 0 bad, verified \(\d+\.\d s\)$/m);

      const again = cli([source, '--to', target]);
      expect(again.status).toBe(1);
      expect(again.stdout).toMatch(/FAILED: the target is not empty/);
      expect(again.stdout).toMatch(/Target: unchanged/);

      const bad = cli([legacyFixture(BAD_ROWS), '--to', target, '--truncate']);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(/exercises id 10, choices: invalid JSON/);
      expect(bad.stdout).toMatch(/attempts id 30, user_id: references users id 999/);

      const missingFile = cli([path.join(os.tmpdir(), 'no-such-file.db'), '--to', target]);
      expect(missingFile.status).toBe(1);
      expect(missingFile.stdout).toMatch(/no such file/);
    });

    it('on Ctrl-C (SIGINT) rolls back and exits 130; killed outright, the server rolls back: the target is unchanged either way', async () => {
      const target = await scratchTarget();
      expect((await run({ source: legacyFixture(), target })).ok).toBe(true);
      const before = await snapshot(target);
      const big = legacyFixture({ attempts: manyAttempts(200_000) });

      for (const signal of ['SIGINT', 'SIGKILL'] as const) {
        const child = spawn(process.execPath, ['bin/mathakine.js', 'db', 'import-sqlite', big, '--to', target, '--truncate'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        child.stdout.on('data', (data: Buffer) => (stdout += data));
        // 'close': after 'exit' the last of stdout may still be unread
        const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
        // wait until it is copying the big table, then interrupt
        await new Promise<void>((resolve) => {
          let stderr = '';
          child.stderr.on('data', (data: Buffer) => {
            stderr += data;
            if (/attempts: 200,006 rows to read/.test(stderr)) resolve();
          });
          child.on('exit', () => resolve());
        });
        child.kill(signal);
        const code = await exited;
        if (signal === 'SIGINT') {
          expect(code).toBe(130);
          expect(stdout).toMatch(/FAILED: interrupted/);
        } else {
          expect(code).toBeNull();
        }
        // the killed backend may take a moment to notice the closed connection
        for (let i = 0; i < 100; i++) {
          const busy = await query(target, `select 1 from pg_stat_activity where application_name = 'mathakine-import' and datname = current_database()`);
          if (busy.length === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(await snapshot(target), signal).toEqual(before);
      }
    });
  });
});

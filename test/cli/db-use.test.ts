// `mathakine db use sqlite|postgres` rewrites only DATABASE_URL in .env; `db status` shows which
// database that is, whether it answers and its migrations.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDialect, type ScratchDatabase } from '../helpers/app.js';
import { listMigrations } from '../../src/db/migrate.js';
import { migratedScratch } from '../ops/fixtures.js';
import { runCli } from './run-cli.js';

const ORIGINAL_ENV = [
  '# Mathakine settings',
  'NODE_ENV=development',
  '',
  '# The database: sqlite:PATH or postgres://…',
  'DATABASE_URL=sqlite:./data/mathakine.db',
  '   # an indented comment',
  'POSTGRES_USER=rebel',
  "POSTGRES_PASSWORD='p@ss #word'",
  'POSTGRES_HOST=db.example.org',
  'POSTGRES_PORT=6543',
  'POSTGRES_DB=mathakine',
  'export JWT_ACCESS_TTL_SECONDS=900',
  'CORS_ORIGINS=http://localhost:5173 # trailing comment',
  '',
].join('\n');

describe('mathakine db use', () => {
  let cwd: string;
  const envFile = () => path.join(cwd, '.env');
  const use = (...args: string[]) => runCli(['db', 'use', ...args], { cwd });

  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-cli-use-'));
    fs.writeFileSync(envFile(), ORIGINAL_ENV);
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  const otherLines = (content: string) => content.split('\n').filter((l) => !l.startsWith('DATABASE_URL='));

  it('switches to PostgreSQL and back without losing or changing another line', async () => {
    const toPg = await use('postgres', '--url', 'postgres://admin:s3cret@pg.example.org:5432/mathakine?sslmode=require', '--json');
    expect(toPg.code, toPg.stderr).toBe(0);
    const result = toPg.json();
    expect(result).toMatchObject({ created: false, previous: 'sqlite:./data/mathakine.db', database: 'PostgreSQL pg.example.org:5432/mathakine' });
    expect(result.database_url).toBe('postgres://admin:***@pg.example.org:5432/mathakine?sslmode=require');
    expect(toPg.stdout).not.toMatch(/s3cret/);

    const switched = fs.readFileSync(envFile(), 'utf8');
    expect(otherLines(switched)).toEqual(otherLines(ORIGINAL_ENV));
    expect(switched.split('\n').filter((l) => l.startsWith('DATABASE_URL='))).toEqual([
      'DATABASE_URL=postgres://admin:s3cret@pg.example.org:5432/mathakine?sslmode=require',
    ]);
    expect(switched.split('\n').indexOf(switched.split('\n').find((l) => l.startsWith('DATABASE_URL='))!)).toBe(4);

    const back = await use('sqlite');
    expect(back.code, back.stderr).toBe(0);
    expect(fs.readFileSync(envFile(), 'utf8')).toBe(ORIGINAL_ENV);
  });

  it("builds the PostgreSQL URL from the guide's POSTGRES_* variables", async () => {
    const res = await use('postgres', '--json');
    expect(res.code, res.stderr).toBe(0);
    const line = fs.readFileSync(envFile(), 'utf8').split('\n')[4];
    expect(line).toBe('DATABASE_URL=postgres://rebel:p%40ss%20%23word@db.example.org:6543/mathakine');
    expect(res.json().database_url).toBe('postgres://rebel:***@db.example.org:6543/mathakine');

    const status = await runCli(['db', 'status', '--json'], { cwd });
    expect(status.json()).toMatchObject({ dialect: 'postgres', source: '.env', database: 'PostgreSQL db.example.org:6543/mathakine' });
  });

  it('takes --path for SQLite, keeps CRLF line endings, and creates .env when there is none', async () => {
    fs.writeFileSync(envFile(), ORIGINAL_ENV.replace(/\n/g, '\r\n'));
    expect((await use('sqlite', '--path', './data/other.db')).code).toBe(0);
    expect(fs.readFileSync(envFile(), 'utf8')).toBe(ORIGINAL_ENV.replace('sqlite:./data/mathakine.db', 'sqlite:./data/other.db').replace(/\n/g, '\r\n'));

    fs.rmSync(envFile());
    const created = await use('sqlite', '--json');
    expect(created.json()).toMatchObject({ created: true, previous: null });
    expect(fs.readFileSync(envFile(), 'utf8')).toBe('DATABASE_URL=sqlite:./data/mathakine.db\n');
  });

  it('refuses what it cannot switch to, leaving .env alone', async () => {
    fs.writeFileSync(envFile(), '# nothing about postgres here\nDATABASE_URL=sqlite:./x.db\n');
    for (const args of [['postgres'], ['mysql'], ['postgres', '--url', 'mysql://nope'], ['sqlite', '--url', 'postgres://x@y/z']]) {
      const res = await use(...args);
      expect(res.code, args.join(' ')).not.toBe(0);
      expect(res.stderr).toMatch(/error/);
    }
    expect(fs.readFileSync(envFile(), 'utf8')).toBe('# nothing about postgres here\nDATABASE_URL=sqlite:./x.db\n');
  });
});

describeEachDialect('mathakine db status', (dialect) => {
  let scratch: ScratchDatabase;
  let cwd: string;
  beforeAll(async () => {
    scratch = await migratedScratch(dialect);
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-cli-status-'));
  });
  afterAll(async () => {
    await scratch?.drop();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('shows the database, that it answers, and the applied migrations with their dates', async () => {
    const res = await runCli(['db', 'status', '--json'], { cwd, env: { DATABASE_URL: scratch.url } });
    expect(res.code, res.stderr).toBe(0);
    const status = res.json();
    expect(status).toMatchObject({ dialect, source: 'environment', reachable: true });
    expect(status.migrations.pending).toEqual([]);
    const committed = listMigrations(dialect);
    expect(status.migrations.applied).toEqual(committed.map((m) => ({ tag: m.tag, created_at: m.createdAt.toISOString() })));

    const human = await runCli(['db', 'status'], { cwd, env: { DATABASE_URL: scratch.url } });
    expect(human.stdout).toMatch(/reachable: yes/);
    for (const { tag } of committed) expect(human.stdout).toMatch(new RegExp(`applied\\s+${tag}\\s+generated \\d{4}-\\d{2}-\\d{2}`));
  });

  it('says so, with exit code 1, when the database is not there', async () => {
    const url = dialect === 'postgres' ? 'postgres://postgres@127.0.0.1:1/nowhere' : `sqlite:${path.join(cwd, 'missing.db')}`;
    const res = await runCli(['db', 'status', '--json'], { cwd, env: { DATABASE_URL: url, PG_CONNECTION_TIMEOUT_MS: '1000' } });
    expect(res.code).toBe(1);
    expect(res.json()).toMatchObject({ reachable: false, migrations: null, error: expect.any(String) });
    if (dialect === 'sqlite') expect(fs.existsSync(path.join(cwd, 'missing.db'))).toBe(false);
  });
});

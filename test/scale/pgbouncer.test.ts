// PgBouncer in transaction mode (.ci/pgbouncer.sh, Debian's 1.18) in front of PostgreSQL: the
// settings the README's "Scaling out" asks for behind a pooler, checked against the real one.
// The attempts, concurrency and auth suites also run through it (their [postgres+pgbouncer] runs).
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import {
  createMigratedScratchDatabase,
  PGBOUNCER_DATABASE_STATEMENT_TIMEOUT,
  scratchConfig,
  testConfig,
  type ScratchDatabase,
  type TestContext,
} from '../helpers/app.js';
import { createUser } from '../helpers/users.js';
import { createExercise } from '../modules/exercises/fixtures.js';

interface LoggedStatement {
  sql: string;
  failed?: string;
}

/**
 * Statements whose effect outlives their transaction: behind a transaction-mode pooler it stays on
 * a server connection that the next client gets. SET LOCAL and pg_advisory_xact_lock end with the
 * transaction and are safe.
 */
const SESSION_LEVEL =
  /^\s*(set\s+(?!local\b)|reset\b|discard\b|listen\b|unlisten\b|prepare\b|declare\b|load\b|create\s+(temp|temporary)\b)|pg_(try_)?advisory_(un)?lock(_shared)?\s*\(/i;

const run = inject('pgAvailable') && inject('pgbouncerAvailable') ? describe : describe.skip;

run('PostgreSQL behind PgBouncer in transaction mode', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function scratchBehindPooler(): Promise<ScratchDatabase> {
    const scratch = await createMigratedScratchDatabase('postgres+pgbouncer');
    cleanups.push(() => scratch.drop());
    return scratch;
  }

  /** The app on a migrated database through the pooler, every statement it sends logged (DB_LOG_QUERIES). */
  async function appBehindPooler(overrides: Record<string, string> = {}, { direct = false } = {}): Promise<TestContext & { statements: LoggedStatement[] }> {
    const scratch = await scratchBehindPooler();
    const config = scratchConfig(scratch, { DB_LOG_QUERIES: 'true', ...(direct ? { DATABASE_DIRECT_URL: scratch.directUrl! } : {}), ...overrides });
    const statements: LoggedStatement[] = [];
    const database = openConfiguredDatabase(config, { info: (entry) => statements.push(entry as LoggedStatement), warn: () => {}, error: () => {} });
    const app = await buildApp({ config, database });
    cleanups.push(() => app.close());
    await app.ready();
    return { app, database, config, url: scratch.url, statements, close: () => app.close() };
  }

  async function query<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(text)).rows;
    } finally {
      await client.end();
    }
  }

  /** The pooler closes its server connections to the database, as it does after server_lifetime or server_idle_timeout. */
  async function poolerReplacesServerConnections(url: string) {
    const adminConsole = new URL(inject('testPgbouncerUrl'));
    adminConsole.pathname = '/pgbouncer';
    await query(adminConsole.toString(), `RECONNECT ${new URL(url).pathname.slice(1)}`);
  }

  it('breaks named statements once the pooler replaces a server connection; PG_NAMED_STATEMENTS=false sends them unnamed', async () => {
    const outcomes: Record<string, { before: number; after: number; failures: string[] }> = {};
    for (const named of ['true', 'false']) {
      // one client connection: it remembers which statements it prepared; the server it lands on may not have them
      const ctx = await appBehindPooler({ PG_NAMED_STATEMENTS: named, PG_POOL_MAX: '1' });
      const author = await createUser(ctx, 'maitre');
      const exercise = await createExercise(ctx, author);
      const read = () => ctx.app.inject({ method: 'GET', url: `/api/exercises/${exercise.id}`, headers: author.headers });
      const before = (await read()).statusCode;
      await poolerReplacesServerConnections(ctx.url);
      const after = (await read()).statusCode;
      outcomes[named] = { before, after, failures: ctx.statements.flatMap((s) => (s.failed ? [s.failed] : [])) };
    }
    expect(outcomes.true.before).toBe(200);
    expect(outcomes.true.after).toBe(500);
    expect(outcomes.true.failures).toEqual([expect.stringMatching(/prepared statement "[^"]+" does not exist/)]);
    expect(outcomes.false).toEqual({ before: 200, after: 200, failures: [] });
  });

  it('refuses the statement_timeout startup parameter; with PG_STATEMENT_TIMEOUT_MS=0 the database setting applies', async () => {
    const scratch = await scratchBehindPooler();
    const withTimeout = openConfiguredDatabase(testConfig(scratch.url, { PG_NAMED_STATEMENTS: 'false' }));
    cleanups.push(() => withTimeout.close());
    await expect(withTimeout.ping(5_000)).rejects.toThrow(/unsupported startup parameter: statement_timeout/);

    const behindPooler = openConfiguredDatabase(scratchConfig(scratch));
    cleanups.push(() => behindPooler.close());
    expect(scratchConfig(scratch).PG_STATEMENT_TIMEOUT_MS).toBe(0);
    const [setting] = await behindPooler.query<{ statement_timeout: string }>(sql`show statement_timeout`);
    expect(setting.statement_timeout).toBe(PGBOUNCER_DATABASE_STATEMENT_TIMEOUT);
  });

  it('hands a session’s SET and advisory locks to the next client: what the migrator and maintenance sessions use must go direct', async () => {
    const scratch = await scratchBehindPooler();
    const first = new pg.Client({ connectionString: scratch.url });
    await first.connect();
    await first.query(`set statement_timeout = '1234ms'`);
    await first.query('select pg_advisory_lock(4242)');
    await first.end();

    // the next client of the pooler gets the same server connection, and the first one's session
    expect(await query(scratch.url, 'show statement_timeout')).toEqual([{ statement_timeout: '1234ms' }]);
    expect(await query(scratch.directUrl!, 'select pg_try_advisory_lock(4242) as locked')).toEqual([{ locked: false }]);
    // the app's own session-level statements, all off the request path (src/db/migrate.ts, src/ops/connection/pg-session.ts)
    const appSessionStatements = ['select pg_advisory_lock($1)', 'select pg_advisory_unlock($1)', 'set statement_timeout = 0'];
    expect(appSessionStatements.filter((sql) => SESSION_LEVEL.test(sql))).toEqual(appSessionStatements);
    expect(SESSION_LEVEL.test(`set local timezone = 'UTC'`)).toBe(false);
  });

  it('keeps maintenance sessions off the pooler with DATABASE_DIRECT_URL: optimize leaves no SET behind for the API', async () => {
    const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';
    const optimize = async (direct: boolean) => {
      const ctx = await appBehindPooler({ ADMIN_TOKEN }, { direct });
      const res = await ctx.app.inject({ method: 'POST', url: '/admin/optimize', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().ok).toBe(true);
      // what the next clients of the pooler get, as the API would
      return (await Promise.all(Array.from({ length: 3 }, () => query<{ statement_timeout: string }>(ctx.url, 'show statement_timeout')))).map(
        ([row]) => row.statement_timeout,
      );
    };
    // without it, the maintenance session's SET stays on a server connection of the pooler
    expect(await optimize(false)).toContain('0');
    expect(await optimize(true)).not.toContain('0');
  });

  it('sends no session-level statement on the request path (sign-up to sign-out, exercises, attempts, progress)', async () => {
    const ctx = await appBehindPooler();
    const credentials = { username: 'rey_skywalker', password: 'the-force-is-with-me' };
    const inject = (method: 'GET' | 'POST', url: string, payload?: object, headers?: Record<string, string>) =>
      ctx.app.inject({ method, url, payload, headers });
    expect((await inject('POST', '/api/auth/register', { ...credentials, email: 'rey@example.org' })).statusCode).toBe(201);
    const login = await inject('POST', '/api/auth/login', credentials);
    expect(login.statusCode).toBe(200);
    const tokens = login.json<{ access_token: string; refresh_token: string }>();
    const learner = { authorization: `Bearer ${tokens.access_token}` };

    const maitre = await createUser(ctx, 'maitre');
    const exercise = await createExercise(ctx, maitre, { correct_answer: '12' });
    expect((await inject('GET', '/api/exercises?limit=5', undefined, learner)).statusCode).toBe(200);
    expect((await inject('GET', `/api/exercises/${exercise.id}`, undefined, learner)).statusCode).toBe(200);
    for (const attempt of [{ user_answer: '11' }, { user_answer: '12', time_spent: 3 }]) {
      expect((await inject('POST', `/api/exercises/${exercise.id}/attempts`, attempt, learner)).statusCode).toBe(201);
    }
    for (const url of ['/api/progress', '/api/attempts', '/api/users/me', '/api/auth/me']) {
      expect((await inject('GET', url, undefined, learner)).statusCode, url).toBe(200);
    }
    const refreshed = await inject('POST', '/api/auth/refresh', { refresh_token: tokens.refresh_token });
    expect(refreshed.statusCode).toBe(200);
    expect((await inject('POST', '/api/auth/logout', { refresh_token: refreshed.json().refresh_token }, learner)).statusCode).toBeLessThan(300);

    expect(ctx.statements.filter((s) => s.failed)).toEqual([]);
    expect(ctx.statements.filter((s) => /^begin\b/i.test(s.sql)).length).toBeGreaterThan(3); // transactions went through
    expect(ctx.statements.filter((s) => SESSION_LEVEL.test(s.sql)).map((s) => s.sql)).toEqual([]);
  });
});

// What reaches the logs: the production logger (src/logger.ts) captured while a learner signs
// up, signs in, uses the API with a Bearer token, refreshes, fails to sign in, and hits a
// database failure. Passwords, their hashes, access and refresh tokens never appear; a failed
// query is logged with its SQL but without its bound values.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { loggerOptions } from '../../src/logger.js';
import { createMigratedScratchDatabase, describeEachDialect, testConfig, type ScratchDatabase } from '../helpers/app.js';

describeEachDialect('logs', (dialect) => {
  let scratch: ScratchDatabase | undefined;
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    await scratch?.drop();
    app = scratch = undefined;
  });

  it('never contain a password, a password hash or a token', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    // The production options, at the most verbose level.
    const options = loggerOptions({ NODE_ENV: 'production', LOG_LEVEL: 'trace' });
    if (typeof options !== 'object' || options === null) throw new Error('expected pino options');
    const logger = pino(options, sink);

    scratch = await createMigratedScratchDatabase(dialect);
    const config = testConfig(scratch.url);
    const database: Database = openConfiguredDatabase(config);
    app = await buildApp({ config, database, logger });
    await app.ready();

    const password = 'Sup3r-Secret-Kyber-Crystal';
    const registered = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'logged_padawan', email: 'logged@example.org', password },
    });
    expect(registered.statusCode).toBe(201);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'logged_padawan', password } });
    expect(login.statusCode).toBe(200);
    const { access_token: accessToken, refresh_token: refreshToken } = login.json<{ access_token: string; refresh_token: string }>();
    const bearer = { authorization: `Bearer ${accessToken}` };
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/admin/stats', headers: bearer })).statusCode).toBe(403);
    const refreshed = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    const newRefreshToken = refreshed.json<{ refresh_token: string }>().refresh_token;
    // failures: wrong password, reused refresh token, malformed body carrying a password
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'logged_padawan', password: `${password}!` } })).statusCode).toBe(
      401,
    );
    expect((await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: refreshToken } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'logged_padawan', password, extra: password } })).statusCode).toBe(
      400,
    );
    const [stored] = await database.db.select({ hash: database.tables.users.hashed_password }).from(database.tables.users);

    // The database goes away: the failed queries are logged (warn) with the request.
    await database.close();
    const failed = await app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer });
    expect(failed.statusCode).toBe(503);
    const failedRefresh = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: newRefreshToken } });
    expect(failedRefresh.statusCode).toBe(503);

    const output = lines.join('');
    expect(output).toContain('"msg":"incoming request"'); // something was logged
    expect(output).toContain('database unavailable');
    const secrets = {
      password,
      hashed_password: stored.hash,
      access_token: accessToken,
      refresh_token: refreshToken,
      new_refresh_token: newRefreshToken,
      refresh_token_hash: createHash('sha256').update(newRefreshToken).digest('hex'),
      jwt_secret: config.JWT_SECRET!,
    };
    for (const [name, secret] of Object.entries(secrets)) expect(output.includes(secret), `${name} is in the logs`).toBe(false);
    // A failed query keeps its SQL for debugging, never its values.
    const failedQueries = [...output.matchAll(/Failed query: (?:[^"\\]|\\.)*?params: (.{10})/g)];
    // (drizzle wraps driver errors with the query on PostgreSQL; better-sqlite3 fails before that)
    if (dialect === 'postgres') expect(failedQueries.length).toBeGreaterThan(0);
    for (const match of failedQueries) expect(match[1]).toBe('[redacted]');
  });

  it("bind each request's lines to its request id, and write nothing below the level (the request's logger is made at its first line)", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const options = loggerOptions({ NODE_ENV: 'production', LOG_LEVEL: 'warn' });
    if (typeof options !== 'object' || options === null) throw new Error('expected pino options');
    scratch = await createMigratedScratchDatabase(dialect);
    const config = testConfig(scratch.url);
    const database: Database = openConfiguredDatabase(config);
    app = await buildApp({ config, database, logger: pino(options, sink) });
    const registered = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'quiet_padawan', email: 'quiet@example.org', password: 'Sup3r-Secret-Kyber-Crystal' },
    });
    expect(registered.statusCode).toBe(201);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'quiet_padawan', password: 'Sup3r-Secret-Kyber-Crystal' } });
    const bearer = { authorization: `Bearer ${login.json().access_token}` };
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer })).statusCode).toBe(200);
    expect(lines).toEqual([]); // info lines (incoming request, request completed) are below warn

    await database.close();
    const failed = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { ...bearer, 'x-request-id': 'req-lazy-logger-1' } });
    expect(failed.statusCode).toBe(503);
    const logged = lines.map((line) => JSON.parse(line) as { level: number; reqId?: string; msg: string });
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((line) => line.level >= 40 && line.reqId === 'req-lazy-logger-1')).toBe(true);
  });
});

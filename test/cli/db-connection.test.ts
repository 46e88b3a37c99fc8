// The guide's troubleshooting, built in: an unknown database (3D000), a refused connection and an
// SSL mismatch each give one line naming the cause and the fix in `db health` and `db status`, and
// a 503 (never a 500) to API clients. PostgreSQL only: these are failures to reach a server.
import os from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { diagnoseConnectionFailure } from '../../src/db/errors.js';
import { testConfig } from '../helpers/app.js';
import { runCli } from './run-cli.js';

const server = new URL(inject('testDatabaseUrl'));
const urlWith = (change: (u: URL) => void) => {
  const url = new URL(server);
  change(url);
  return url.toString();
};

const CASES = [
  [
    'an unknown database',
    urlWith((u) => (u.pathname = '/mathakine_no_such_database')),
    /the database does not exist \(3D000\).*Fix: create it \(createdb\).*psql/,
  ],
  ['a refused connection', urlWith((u) => (u.port = '1')), /no PostgreSQL server answers \(ECONNREFUSED\).*Fix: start the server or correct the host and port/],
  ['an SSL mismatch', urlWith((u) => u.searchParams.set('sslmode', 'require')), /SSL mismatch: .*SSL.*Fix: match sslmode in DATABASE_URL/],
] as const;

describe('database connection failures: cause and fix', () => {
  it.each(CASES)(
    '%s: db health and db status name the cause and the fix',
    async (_name, url, expected) => {
      const env = { DATABASE_URL: url, PG_CONNECTION_TIMEOUT_MS: '3000' };
      const health = await runCli(['db', 'health', '--json'], { cwd: os.tmpdir(), env });
      expect(health.code).toBe(1);
      expect(health.json().output).toMatch(expected);
      const status = await runCli(['db', 'status'], { cwd: os.tmpdir(), env });
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(/reachable: NO: /);
      expect(status.stdout).toMatch(expected);
    },
    60_000,
  );

  it.each(CASES)(
    '%s: API clients get a 503, never a 500',
    async (_name, url) => {
      const config = testConfig(url, { PG_CONNECTION_TIMEOUT_MS: '3000' });
      const app = await buildApp({ config, database: openConfiguredDatabase(config) });
      try {
        const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'yoda', password: 'do-or-do-not' } });
        expect(res.statusCode).toBe(503);
        expect(res.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
      } finally {
        await app.close();
      }
    },
    30_000,
  );

  it('a wrong password (28P01) is diagnosed too (the test server trusts every local user, so the error is built here)', () => {
    const error = Object.assign(new Error('password authentication failed for user "mathakine"'), { code: '28P01' });
    expect(diagnoseConnectionFailure(new Error('query failed', { cause: error }))).toEqual({
      cause: expect.stringMatching(/^authentication failed \(28P01\): wrong user or password/),
      fix: expect.stringMatching(/check DATABASE_URL .*psql/),
    });
  });
});

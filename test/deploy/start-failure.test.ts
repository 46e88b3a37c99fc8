// `npm start` that cannot reach its database dies with one line naming the cause and the fix (what
// Render's deploy log shows), the same line `mathakine db status` gives for the same URL: one
// classification (src/db/errors.ts, through src/ops/format.ts). PostgreSQL: a SQLite file is
// created by the server when missing.
import os from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { startServer } from './server-process.js';

const runOnPostgres = inject('pgAvailable') ? describe : describe.skip;

/** What the server wrote before it exited without listening. */
async function startFailure(databaseUrl: string): Promise<string> {
  const failure = await startServer({ DATABASE_URL: databaseUrl }).then(
    (server) => {
      server.kill();
      throw new Error('the server started');
    },
    (error: Error) => error.message,
  );
  return failure;
}

runOnPostgres('start-up names its database failures [postgres]', () => {
  const server = new URL(inject('testDatabaseUrl'));
  const url = (change: (u: URL) => void) => {
    const u = new URL(server.toString());
    change(u);
    return u.toString();
  };
  const cases = {
    'a database that does not exist': {
      url: url((u) => (u.pathname = `/mathakine_missing_${process.pid}`)),
      cause: /the database does not exist \(3D000\).*Fix: create it \(createdb\)/,
    },
    'no server on the port': { url: url((u) => (u.port = '1')), cause: /no PostgreSQL server answers \(ECONNREFUSED\).*Fix: start the server/ },
    'a user that does not exist': {
      url: url((u) => (u.username = `nobody_${process.pid}`)),
      cause: /authentication failed \(28\w\w\w\).*Fix: check DATABASE_URL/,
    },
  };

  for (const [name, { url: databaseUrl, cause }] of Object.entries(cases)) {
    it(`${name}: one line with the cause and the fix, as db status says it`, async () => {
      const [output, status] = await Promise.all([
        startFailure(databaseUrl),
        runCli(['db', 'status', '--json'], { cwd: os.tmpdir(), env: { DATABASE_URL: databaseUrl } }),
      ]);
      const lines = output.split('\n').filter((l) => l.startsWith('Failed to start: '));
      expect(lines, output).toHaveLength(1);
      expect(lines[0]).toMatch(cause);
      expect(lines[0]).not.toMatch(/Failed query/);
      const report = status.json();
      expect(report.reachable).toBe(false);
      expect(lines[0]).toBe(`Failed to start: ${report.error}`);
    }, 60_000);
  }
});

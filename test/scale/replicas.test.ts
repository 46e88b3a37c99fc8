// Read replicas on a real streaming standby (.ci/replica.sh): reads go to the replica, a learner
// always sees their own writes on their next request (on any instance), credentials are checked on
// the primary whatever token a sign-in carries, a replica that lags past
// REPLICA_MAX_LAG_SECONDS or is down is skipped without an error, and health reports each one.
// Lag is made by pausing the standby's replay (pg_wal_replay_pause()). PostgreSQL only: on SQLite
// the setting is refused.
import os from 'node:os';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { createScratchDatabase, testConfig, type ScratchDatabase } from '../helpers/app.js';
import { createUser, TEST_PASSWORD, type TestUser } from '../helpers/users.js';
import { runCli } from '../cli/run-cli.js';
import { startTcpProxy, throughProxy, waitFor, type TcpProxy } from '../faults/fixtures.js';

const runOnReplica = inject('pgAvailable') && inject('replicaAvailable') ? describe : describe.skip;

function onReplica(url: string): string {
  const replica = new URL(inject('testReplicaUrl'));
  const u = new URL(url);
  u.hostname = replica.hostname;
  u.port = replica.port;
  return u.toString();
}

/** Runs one statement on the standby's server (replay control is server-wide). */
async function onStandby(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('testReplicaUrl') });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
const pauseReplay = () => onStandby('select pg_wal_replay_pause()');
const resumeReplay = () => onStandby('select pg_wal_replay_resume()');

describe('read replicas [sqlite]', () => {
  it('are refused with a SQLite database, naming the variable', () => {
    expect(() => parseConfig({ DATABASE_URL: 'sqlite:./x.db', DATABASE_REPLICA_URLS: 'postgres://postgres@127.0.0.1:5434/x' })).toThrow(
      /DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL/,
    );
  });
});

runOnReplica('read replicas [postgres]', () => {
  let scratch: ScratchDatabase;
  let replicaUrl: string;
  const apps: App[] = [];
  let maitre: TestUser;
  let learner: TestUser;

  /** An app reading from the replica (or `replicas`), checking it every 100 ms. */
  async function appWithReplicas(overrides: Record<string, string> = {}, replicas = replicaUrl): Promise<App> {
    const config = testConfig(scratch.url, { DATABASE_REPLICA_URLS: replicas, REPLICA_CHECK_INTERVAL_MS: '100', REPLICA_MAX_LAG_SECONDS: '30', ...overrides });
    const app = await buildApp({ config, database: openConfiguredDatabase(config) });
    apps.push(app);
    await app.ready();
    return app;
  }
  const fullHealth = async (app: App, admin: TestUser) =>
    (await app.inject({ method: 'GET', url: '/admin/health?full=true', headers: admin.headers })).json().checks['replicas:lag'] as {
      componentId: string;
      status: string;
      observedValue?: number;
      output: string;
    }[];
  const streaming = (app: App) => async () => app.database.dialect === 'postgres' && app.database.replicas!.statuses().every((r) => r.state === 'streaming');
  const titles = async (app: App, user: TestUser) =>
    ((await app.inject({ method: 'GET', url: '/api/exercises?limit=100', headers: user.headers })).json().items as { title: string }[]).map((e) => e.title);
  const newExercise = async (app: App, title: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/exercises',
      headers: maitre.headers,
      payload: { title, exercise_type: 'addition', difficulty: 'initie', question: '2 + 2 = ?', correct_answer: '4' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: number };
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase('postgres');
    const database = openConfiguredDatabase(testConfig(scratch.url));
    await applyMigrations(database);
    await database.close();
    replicaUrl = onReplica(scratch.url);
    // the standby has the new database once it replayed its creation
    const ready = await waitFor(async () => {
      const client = new pg.Client({ connectionString: replicaUrl });
      try {
        await client.connect();
        return (await client.query(`select count(*)::int as n from pg_tables where tablename = 'users'`)).rows[0].n === 1;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => {});
      }
    }, 15_000);
    expect(ready, 'the standby replays the new database').not.toBeNull();
    const app = await appWithReplicas();
    maitre = await createUser({ app, database: app.database }, 'archiviste');
    learner = await createUser({ app, database: app.database }, 'padawan');
  });
  afterAll(async () => {
    await resumeReplay().catch(() => {});
    await Promise.all(apps.map((app) => app.close()));
    await scratch?.drop();
  });

  it('serves reads from the replica: what it has not replayed is not there yet', async () => {
    const app = await appWithReplicas();
    expect(await waitFor(streaming(app), 10_000)).not.toBeNull();
    await newExercise(app, 'Avant la pause');
    await waitFor(async () => (await titles(app, learner)).includes('Avant la pause'), 10_000);
    await pauseReplay();
    try {
      await newExercise(app, 'Pendant la pause');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // within REPLICA_MAX_LAG_SECONDS (30 s here) the replica still serves: the catalogue is stale
      expect(await titles(app, learner)).toContain('Avant la pause');
      expect(await titles(app, learner)).not.toContain('Pendant la pause');
    } finally {
      await resumeReplay();
    }
    expect(await waitFor(async () => (await titles(app, learner)).includes('Pendant la pause'), 10_000)).not.toBeNull();
  });

  it('shows a learner their own writes on their next request, on any instance, however far behind the replica is', async () => {
    const one = await appWithReplicas();
    const other = await appWithReplicas();
    expect(await waitFor(streaming(one), 10_000)).not.toBeNull();
    expect(await waitFor(streaming(other), 10_000)).not.toBeNull();
    const exercise = await newExercise(one, 'Lecture de ses propres écritures');
    await waitFor(async () => (await titles(other, learner)).includes('Lecture de ses propres écritures'), 10_000);
    await pauseReplay();
    try {
      const attempt = await one.inject({
        method: 'POST',
        url: `/api/exercises/${exercise.id}/attempts`,
        headers: learner.headers,
        payload: { user_answer: '4' },
      });
      expect(attempt.statusCode, attempt.body).toBe(201);
      for (const app of [one, other]) {
        const attempts = (await app.inject({ method: 'GET', url: '/api/attempts', headers: learner.headers })).json();
        expect(attempts.items.map((a: { id: number }) => a.id)).toContain(attempt.json().attempt.id);
        const progress = (await app.inject({ method: 'GET', url: '/api/progress', headers: learner.headers })).json();
        expect(JSON.stringify(progress)).toContain('addition');
        const me = (await app.inject({ method: 'GET', url: '/api/users/me', headers: learner.headers })).json();
        expect(me.total_points).toBeGreaterThan(0);
      }
      // a new account reads itself at once, too
      const registered = await other.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { username: 'nouvelle_recrue', email: 'recrue@example.org', password: 'a-long-enough-password' },
      });
      expect(registered.statusCode, registered.body).toBe(201);
      const login = await one.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nouvelle_recrue', password: 'a-long-enough-password' } });
      const headers = { authorization: `Bearer ${login.json().access_token}` };
      expect((await other.inject({ method: 'GET', url: '/api/users/me', headers })).json().username).toBe('nouvelle_recrue');
    } finally {
      await resumeReplay();
    }
  });

  it('checks credentials on the primary: a password change holds at once, whatever token the sign-in carries', async () => {
    const app = await appWithReplicas();
    expect(await waitFor(streaming(app), 10_000)).not.toBeNull();
    const child = await createUser({ app, database: app.database }, 'padawan');
    // a stranger's own valid token: it sends the sign-in's reads to the replica (no write of theirs to wait for)
    const stranger = await createUser({ app, database: app.database }, 'padawan');
    const signIn = (password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', headers: stranger.headers, payload: { username: child.username, password } });
    const before = await signIn(TEST_PASSWORD);
    expect(before.statusCode, before.body).toBe(200);
    const replica = new pg.Client({ connectionString: replicaUrl });
    await replica.connect();
    try {
      // the replica has the account and its session before replay stops
      const replayed = async () => (await replica.query('select count(*)::int as n from refresh_tokens where user_id = $1', [child.id])).rows[0].n === 1;
      expect(await waitFor(replayed, 10_000)).not.toBeNull();
      await pauseReplay();
      try {
        const changed = await app.inject({
          method: 'PUT',
          url: '/api/users/me/password',
          headers: { authorization: `Bearer ${before.json().access_token}` },
          payload: { current_password: TEST_PASSWORD, new_password: 'a-new-password-after-the-leak' },
        });
        expect(changed.statusCode, changed.body).toBe(204);
        // the replica still holds the old hash…
        const [{ hashed_password: onReplica }] = (await replica.query('select hashed_password from users where id = $1', [child.id])).rows;
        const { users } = app.database.tables;
        const [{ hashed_password: onPrimary }] = await app.database.db
          .select({ hashed_password: users.hashed_password })
          .from(users)
          .where(eq(users.id, child.id));
        expect(onReplica).not.toBe(onPrimary);
        // …but the sign-in reads the primary: the old password fails, the new one works
        const old = await signIn(TEST_PASSWORD);
        expect(old.statusCode, old.body).toBe(401);
        expect((await signIn('a-new-password-after-the-leak')).statusCode).toBe(200);
        // and the refresh token from before the change is dead
        const refreshed = await app.inject({
          method: 'POST',
          url: '/api/auth/refresh',
          headers: stranger.headers,
          payload: { refresh_token: before.json().refresh_token },
        });
        expect(refreshed.statusCode).toBe(401);
      } finally {
        await resumeReplay();
      }
    } finally {
      await replica.end();
    }
  });

  it('skips a replica that lags past REPLICA_MAX_LAG_SECONDS, reports it, and uses it again once caught up', async () => {
    const app = await appWithReplicas({ REPLICA_MAX_LAG_SECONDS: '1' });
    expect(await waitFor(streaming(app), 10_000)).not.toBeNull();
    await pauseReplay();
    try {
      await newExercise(app, 'Pendant le retard');
      const lagging = await waitFor(async () => (await fullHealth(app, maitre))[0].output.startsWith('lagging'), 10_000);
      expect(lagging).not.toBeNull();
      const [check] = await fullHealth(app, maitre);
      expect(check).toMatchObject({ status: 'warn', componentId: expect.stringContaining(':5434/') });
      expect(check.observedValue).toBeGreaterThan(1);
      // the primary answers instead: the learner sees the new exercise, and no error
      expect(await titles(app, learner)).toContain('Pendant le retard');
      // the dashboard's overview says the same
      const overview = (await app.inject({ method: 'GET', url: '/admin/dashboard/overview', headers: maitre.headers })).json();
      expect(overview.checks.find((c: { id: string }) => c.id === 'replication')).toMatchObject({
        status: 'amber',
        reason: expect.stringContaining('lagging'),
      });
    } finally {
      await resumeReplay();
    }
    expect(await waitFor(async () => (await fullHealth(app, maitre))[0].status === 'pass', 10_000)).not.toBeNull();
    const cli = await runCli(['db', 'health', '--full', '--json'], { cwd: os.tmpdir(), env: { DATABASE_URL: scratch.url, DATABASE_REPLICA_URLS: replicaUrl } });
    const report = cli.json();
    expect(report.checks['replicas:lag']).toEqual([expect.objectContaining({ status: 'pass', observedUnit: 's', output: 'streaming, serving reads' })]);
  });

  it('skips a replica that is down without an error, and says so', async () => {
    let proxy: TcpProxy | undefined;
    try {
      proxy = await startTcpProxy(replicaUrl);
      const app = await appWithReplicas({}, throughProxy(replicaUrl, proxy));
      expect(await waitFor(streaming(app), 10_000)).not.toBeNull();
      proxy.setMode('reset'); // the replica vanishes between two checks: reads in flight fall back
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => app.inject({ method: 'GET', url: '/api/exercises?limit=5', headers: learner.headers })),
      );
      expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(200));
      const [check] = await fullHealth(app, maitre);
      expect(check.status).toBe('warn');
      expect(check.output).toMatch(/^down: .*its reads go to the primary \(check the replica and the network \(REPLICA_MAX_LAG_SECONDS\)\)$/);
      proxy.setMode('open');
      expect(await waitFor(async () => (await fullHealth(app, maitre))[0].status === 'pass', 10_000)).not.toBeNull();
    } finally {
      await proxy?.close();
    }
  });
});

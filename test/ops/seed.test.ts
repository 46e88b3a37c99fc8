// `mathakine seed`: demo content of every type and difficulty, badges, demo accounts, never duplicated.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIFFICULTIES, EXERCISE_TYPES } from '../../src/db/enums.js';
import { REQUIREMENT_KINDS } from '../../src/domain/badges/requirements.js';
import { demoBadges } from '../../src/ops/seed/badges.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';

const run = promisify(execFile);
const seed = (url: string) =>
  run(process.execPath, ['bin/mathakine.js', 'seed', '--json'], { env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'development' } });

describeEachDialect('seed', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
  });
  afterAll(() => ctx.close());

  it('adds exercises of every type and difficulty, 12+ challenges and demo accounts, once', async () => {
    const first = JSON.parse((await seed(ctx.url)).stdout);
    expect(first.exercises).toBeGreaterThanOrEqual(EXERCISE_TYPES.length * DIFFICULTIES.length);
    expect(first.challenges).toBeGreaterThanOrEqual(12);
    expect(first.users).toBe(2);
    expect(first.badges).toBe(demoBadges().length);
    expect(JSON.parse((await seed(ctx.url)).stdout)).toEqual({ users: 0, exercises: 0, challenges: 0, badges: 0 });

    const maitre = await createUser(ctx, 'maitre');
    const gardien = await createUser(ctx, 'gardien');
    const exercises = (await ctx.app.inject({ method: 'GET', url: '/api/exercises?limit=100', headers: maitre.headers })).json();
    expect(exercises.total).toBe(first.exercises);
    for (const type of EXERCISE_TYPES) {
      for (const difficulty of DIFFICULTIES) {
        const page = (
          await ctx.app.inject({ method: 'GET', url: `/api/exercises?exercise_type=${type}&difficulty=${difficulty}&limit=1`, headers: maitre.headers })
        ).json();
        expect(page.total, `${type}/${difficulty}`).toBeGreaterThan(0);
      }
    }
    const challenges = (await ctx.app.inject({ method: 'GET', url: '/api/challenges?limit=100', headers: maitre.headers })).json();
    expect(challenges.total).toBe(first.challenges);
    expect(new Set(challenges.items.map((c: { challenge_type: string }) => c.challenge_type)).size).toBeGreaterThanOrEqual(5);

    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'demo_padawan', password: 'mathakine-demo' } });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.role).toBe('padawan');

    // the badge catalogue covers every requirement kind; the secret one is hidden from a learner
    const catalogue = (await ctx.app.inject({ method: 'GET', url: '/api/badges?include_inactive=true', headers: gardien.headers })).json();
    expect(new Set(catalogue.items.map((b: { requirement_kind: string | null }) => b.requirement_kind))).toEqual(new Set(REQUIREMENT_KINDS));
    const learnerView = (await ctx.app.inject({ method: 'GET', url: '/api/badges', headers: { authorization: `Bearer ${login.json().access_token}` } })).json();
    expect(learnerView.items.length).toBe(catalogue.items.length - catalogue.items.filter((b: { is_secret: boolean }) => b.is_secret).length);
  });
});

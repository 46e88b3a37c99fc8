// Every requirement kind of the original's vocabulary, earned by a scripted learner through HTTP at
// exactly the attempt that meets it and not one before, its points credited once through the ledger.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { TestClock } from '../../helpers/clock.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { postChallenge } from '../challenges/helpers.js';
import { createExercise, type ExerciseJson } from '../exercises/fixtures.js';
import { answerChallenge, answerExercise, badgeCode, pointsAndLedger, postBadge, stepsEarning } from './helpers.js';

// noon in Paris, far from midnight: each test moves the clock itself when days matter
const NOON = '2026-05-04T10:00:00Z';

describeEachDialect('badge requirements', (dialect) => {
  let ctx: TestContext;
  const clock = new TestClock(NOON);
  let gardien: TestUser;
  let maitre: TestUser;
  let learner: TestUser;
  let addition: ExerciseJson;
  let multiplication: ExerciseJson;

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, {}, { clock });
    gardien = await createUser(ctx, 'gardien');
    maitre = await createUser(ctx, 'maitre');
    addition = await createExercise(ctx, maitre, { exercise_type: 'addition', difficulty: 'initie' });
    multiplication = await createExercise(ctx, maitre, { exercise_type: 'multiplication', difficulty: 'initie', correct_answer: '42' });
  });
  afterAll(() => ctx.close());
  beforeEach(async () => {
    clock.set(NOON);
    learner = await createUser(ctx, 'padawan');
  });

  const right =
    (exercise = addition, time?: number) =>
    () =>
      answerExercise(ctx, learner, exercise, true, time);
  const wrong =
    (exercise = addition, time?: number) =>
    () =>
      answerExercise(ctx, learner, exercise, false, time);
  const tomorrow =
    (step: () => Promise<string[]>, days = 1) =>
    () => {
      clock.advanceDays(days);
      return step();
    };

  async function expectLedgerHolds() {
    const { total_points, ledger } = await pointsAndLedger(ctx, learner.id);
    expect(ledger).toBe(total_points);
  }

  it('attempts_count: the 3rd exercise attempt, right or wrong', async () => {
    const code = badgeCode('attempts');
    await postBadge(ctx, gardien, code, { attempts_count: 3 });
    expect(await stepsEarning(code, [wrong(), right(), wrong(), right()])).toEqual([2]);
    await expectLedgerHolds();
  });

  it('logic_attempts_count: the 2nd correct challenge attempt (wrong ones do not count)', async () => {
    const code = badgeCode('logic');
    await postBadge(ctx, gardien, code, { logic_attempts_count: 2 });
    const first = await postChallenge(ctx, maitre);
    const second = await postChallenge(ctx, maitre);
    const steps = [
      () => answerChallenge(ctx, learner, first.id, '11'),
      () => answerChallenge(ctx, learner, first.id, '10'),
      () => answerChallenge(ctx, learner, second.id, '12'),
      () => answerChallenge(ctx, learner, second.id, '10'),
    ];
    expect(await stepsEarning(code, steps)).toEqual([3]);
    await expectLedgerHolds();
  });

  it('attempts_count and logic_attempts_count together: when the second of the two is met', async () => {
    const code = badgeCode('mixed');
    await postBadge(ctx, gardien, code, { attempts_count: 2, logic_attempts_count: 1 });
    const challenge = await postChallenge(ctx, maitre);
    const steps = [wrong(), () => answerChallenge(ctx, learner, challenge.id, '10'), right()];
    expect(await stepsEarning(code, steps)).toEqual([2]);
  });

  it('success_rate + min_attempts: 80 % over at least 5 attempts', async () => {
    const code = badgeCode('rate');
    await postBadge(ctx, gardien, code, { success_rate: 80, min_attempts: 5 });
    // 4/4 is 100 % but too few attempts; 4/5 is 80 %
    expect(await stepsEarning(code, [right(), right(), right(), right(), wrong(), right()])).toEqual([4]);
  });

  it('success_rate below the rate is not earned however many attempts', async () => {
    const code = badgeCode('rate_low');
    await postBadge(ctx, gardien, code, { success_rate: 80, min_attempts: 3 });
    expect(await stepsEarning(code, [wrong(), right(), right(), right(), wrong(), wrong()])).toEqual([]);
  });

  it('exercise_type + consecutive_correct: 3 right in a row at multiplication (other types neither count nor break it)', async () => {
    const code = badgeCode('consecutive');
    await postBadge(ctx, gardien, code, { exercise_type: 'multiplication', consecutive_correct: 3 });
    const steps = [
      right(multiplication),
      right(multiplication),
      wrong(multiplication),
      right(multiplication),
      right(addition),
      wrong(addition),
      right(multiplication),
      right(multiplication),
    ];
    expect(await stepsEarning(code, steps)).toEqual([7]);
  });

  it('max_time: a correct answer within the time (a fast wrong one does not count)', async () => {
    const code = badgeCode('fast');
    await postBadge(ctx, gardien, code, { max_time: 10 });
    expect(await stepsEarning(code, [right(addition, 15), wrong(addition, 3), right(addition, 9.5), right(addition, 2)])).toEqual([2]);
  });

  it('consecutive_days: the first attempt of the 3rd day in a row (a gap starts over)', async () => {
    const code = badgeCode('days');
    await postBadge(ctx, gardien, code, { consecutive_days: 3 });
    const steps = [right(), tomorrow(wrong()), tomorrow(right(), 2), tomorrow(wrong()), right(), tomorrow(wrong())];
    expect(await stepsEarning(code, steps)).toEqual([5]);
  });

  it('perfect_day: 3 right answers in a day and none wrong (a wrong one spoils that day)', async () => {
    const code = badgeCode('perfect');
    await postBadge(ctx, gardien, code, { perfect_day: true });
    const steps = [right(), wrong(), right(), right(), tomorrow(right()), right(), right(), right()];
    expect(await stepsEarning(code, steps)).toEqual([6]);
  });

  it('comeback_days: the first attempt after 3 days away (2 days is not enough)', async () => {
    const code = badgeCode('comeback');
    await postBadge(ctx, gardien, code, { comeback_days: 3 });
    const steps = [right(), tomorrow(right(), 2), right(), tomorrow(wrong(), 3), right()];
    expect(await stepsEarning(code, steps)).toEqual([3]);
  });

  it('progress towards an unearned badge is shown as current / target, then it moves to earned with its points once', async () => {
    const code = badgeCode('progress');
    const badge = await postBadge(ctx, gardien, code, { attempts_count: 4 }, { points_reward: 25 });
    await right()();
    await wrong()();
    const mine = await ctx.app.inject({ method: 'GET', url: '/api/users/me/badges', headers: learner.headers });
    expect(mine.statusCode, mine.body).toBe(200);
    const pending = mine.json().in_progress.find((entry: { badge: { code: string } }) => entry.badge.code === code);
    expect(pending).toMatchObject({ current: 2, target: 4, progress: 0.5 });

    await wrong()();
    await wrong()();
    await wrong()();
    const after = (await ctx.app.inject({ method: 'GET', url: '/api/users/me/badges', headers: learner.headers })).json();
    expect(after.earned.filter((entry: { badge: { code: string } }) => entry.badge.code === code)).toHaveLength(1);
    expect(after.in_progress.some((entry: { badge: { code: string } }) => entry.badge.code === code)).toBe(false);
    const { total_points, ledger, rows } = await pointsAndLedger(ctx, learner.id);
    expect(ledger).toBe(total_points);
    // one addition right (10 points) + this badge (25), and any other badge of the catalogue earned on the way
    expect(total_points).toBeGreaterThanOrEqual(10 + badge.points_reward);
    expect(after.total_points).toBe(total_points);
    expect(rows).toBeGreaterThanOrEqual(2);
  });

  it('a badge whose requirements use no known key is refused to staff and never awarded when present', async () => {
    const refused = await ctx.app.inject({
      method: 'POST',
      url: '/api/badges',
      headers: gardien.headers,
      payload: { code: badgeCode('mystery'), name: 'Mystère', requirements: { moon_phase: 'full' } },
    });
    expect(refused.statusCode, refused.body).toBe(400);
  });
});

// The kinds reading the catalogue's exercise types, on an app whose catalogue the test controls.
describeEachDialect('badge requirements over the exercise types', (dialect) => {
  let ctx: TestContext;
  let gardien: TestUser;
  let learner: TestUser;
  let addition: ExerciseJson;
  let subtraction: ExerciseJson;

  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    gardien = await createUser(ctx, 'gardien');
    const maitre = await createUser(ctx, 'maitre');
    addition = await createExercise(ctx, maitre, { exercise_type: 'addition' });
    subtraction = await createExercise(ctx, maitre, { exercise_type: 'soustraction', correct_answer: '3' });
  });
  afterAll(() => ctx.close());
  beforeEach(async () => {
    learner = await createUser(ctx, 'padawan');
  });

  describe('with a catalogue of two types', () => {
    it('all_types: the first attempt at the last type not yet tried', async () => {
      const code = badgeCode('explorer');
      await postBadge(ctx, gardien, code, { all_types: true });
      const steps = [true, false, true].map((ok) => () => answerExercise(ctx, learner, addition, ok));
      steps.push(() => answerExercise(ctx, learner, subtraction, false));
      expect(await stepsEarning(code, steps)).toEqual([3]);
    });

    it('min_per_type: 2 correct answers in every type (min_count is the same key)', async () => {
      for (const key of ['min_per_type', 'min_count']) {
        learner = await createUser(ctx, 'padawan');
        const code = badgeCode(key);
        await postBadge(ctx, gardien, code, { [key]: 2 });
        const steps = [
          () => answerExercise(ctx, learner, addition, true),
          () => answerExercise(ctx, learner, addition, true),
          () => answerExercise(ctx, learner, subtraction, true),
          () => answerExercise(ctx, learner, subtraction, false),
          () => answerExercise(ctx, learner, subtraction, true),
        ];
        expect(await stepsEarning(code, steps), key).toEqual([4]);
      }
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIFFICULTIES, EXERCISE_TYPES } from '../../../src/db/enums.js';
import { ADDITION_RANGES } from '../../../src/domain/generator/addition.js';
import { DIVISION_RANGES } from '../../../src/domain/generator/division.js';
import { generatedExerciseSchema, generateExercise } from '../../../src/domain/generator/index.js';
import { MULTIPLICATION_RANGES } from '../../../src/domain/generator/multiplication.js';
import { SUBTRACTION_RANGES } from '../../../src/domain/generator/subtraction.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { answer } from './fixtures.js';

interface Preview {
  title: string;
  exercise_type: string;
  difficulty: string;
  question: string;
  correct_answer: string;
  choices: string[];
  explanation: string;
  hint: string;
  tags: string;
  complexity: number;
}

describe('the generator (no database)', () => {
  // each table with the largest number its rank can show (a sum, a first number, a product, a dividend)
  it.each([
    ['addition', ADDITION_RANGES, ([, max]: readonly number[]) => 2 * max],
    ['subtraction', SUBTRACTION_RANGES, ([, max]: readonly number[]) => max],
    ['multiplication', MULTIPLICATION_RANGES, ([, maxA, , maxB]: readonly number[]) => maxA * maxB],
    ['division', DIVISION_RANGES, ([, maxDivisor, , maxQuotient]: readonly number[]) => maxDivisor * maxQuotient],
  ] as const)('%s ranges never shrink from one rank to the next, and the largest number grows', (_name, ranges: Record<string, readonly number[]>, largest) => {
    expect(Object.keys(ranges)).toEqual([...DIFFICULTIES]);
    for (let rank = 1; rank < DIFFICULTIES.length; rank++) {
      const [lower, higher] = [ranges[DIFFICULTIES[rank - 1]], ranges[DIFFICULTIES[rank]]];
      higher.forEach((bound, i) => expect(bound, `${DIFFICULTIES[rank]}[${i}]`).toBeGreaterThanOrEqual(lower[i]));
      expect(largest(higher), DIFFICULTIES[rank]).toBeGreaterThan(largest(lower));
    }
  });

  it('makes a valid exercise for every type × difficulty × 40 seeds, the answer among 4 distinct choices', () => {
    for (const exercise_type of EXERCISE_TYPES) {
      for (const difficulty of DIFFICULTIES) {
        for (let seed = 0; seed < 40; seed++) {
          const exercise = generatedExerciseSchema.parse(generateExercise({ exercise_type, difficulty, seed }));
          expect(exercise.choices, `${exercise_type} ${difficulty} ${seed}`).toContain(exercise.correct_answer);
          expect(new Set(exercise.choices).size).toBe(4);
          expect(exercise.question).not.toMatch(/NaN|undefined|Infinity/);
        }
      }
    }
  });
});

const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));

describeEachDialect('POST /api/exercises/generate', (dialect) => {
  let ctx: TestContext;
  let padawan: TestUser;
  let maitre: TestUser;

  const generate = (user: TestUser | undefined, payload: object) =>
    ctx.app.inject({ method: 'POST', url: '/api/exercises/generate', headers: user?.headers, payload });
  async function preview(exercise_type: string, difficulty: string, seed?: string | number): Promise<Preview> {
    const res = await generate(maitre, { exercise_type, difficulty, seed, preview: true });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, { GENERATE_PER_HOUR: '1000' }); // the type × difficulty walk saves 45
    padawan = await createUser(ctx, 'padawan');
    maitre = await createUser(ctx, 'maitre');
  });
  afterAll(() => ctx.close());

  describe.each(EXERCISE_TYPES.map((type) => [type]))('%s', (exerciseType) => {
    it.each(DIFFICULTIES.map((difficulty) => [difficulty]))(
      '%s: a valid exercise, its choices hold its answer, and the attempt checker accepts it',
      async (difficulty) => {
        const shown = await preview(exerciseType, difficulty, 'valid');
        expect(shown).toMatchObject({ exercise_type: exerciseType, difficulty });
        expect(shown).not.toHaveProperty('id'); // a preview is never saved
        for (const text of [shown.title, shown.question, shown.explanation, shown.hint, shown.correct_answer]) expect(text.trim()).not.toBe('');
        expect(shown.choices).toHaveLength(4);
        expect(shown.choices).toContain(shown.correct_answer);
        expect(new Set(shown.choices).size).toBe(4);
        expect(shown.tags.split(',')).toContain('generated');

        // the same seed, saved by a learner: same exercise, answer hidden, creator = caller
        const saved = await generate(padawan, { exercise_type: exerciseType.toUpperCase(), difficulty, seed: 'valid' });
        expect(saved.statusCode).toBe(201);
        const exercise = saved.json();
        expect(exercise).toMatchObject({ question: shown.question, choices: shown.choices, creator_id: padawan.id, ai_generated: false, is_archived: false });
        expect(exercise).not.toHaveProperty('correct_answer');
        expect(exercise).not.toHaveProperty('explanation');

        // exactly one choice is right: the answer itself (tried by its learner: it is private to them)
        const verdicts = [];
        for (const choice of shown.choices) verdicts.push((await answer(ctx, padawan, exercise.id, { user_answer: choice })).is_correct);
        expect(verdicts.filter(Boolean)).toHaveLength(1);
        expect(verdicts[shown.choices.indexOf(shown.correct_answer)]).toBe(true);
      },
    );
  });

  it('is deterministic for a seed, varied without one', async () => {
    const first = await preview('multiplication', 'maitre', 1234);
    const again = await preview('MULTIPLICATION', 'Maître', 1234);
    expect(again).toEqual(first);
    const otherSeed = await preview('multiplication', 'maitre', 1235);
    expect(otherSeed.question).not.toBe(first.question);

    const unseeded = new Set<string>();
    for (let i = 0; i < 8; i++) unseeded.add((await preview('multiplication', 'maitre')).question);
    expect(unseeded.size).toBeGreaterThan(1);
  });

  it('makes exact divisions only', async () => {
    for (const difficulty of DIFFICULTIES) {
      for (let seed = 0; seed < 25; seed++) {
        const shown = await preview('division', difficulty, seed);
        const [, dividend, divisor] = /(\d+) ÷ (\d+)/.exec(shown.question) ?? [];
        expect(Number(dividend) % Number(divisor), shown.question).toBe(0);
        expect(Number(shown.correct_answer)).toBe(Number(dividend) / Number(divisor));
      }
    }
  });

  it('grows the numbers with the rank and keeps young subtractions non-negative', async () => {
    const operands = async (difficulty: string) => {
      const values: number[] = [];
      for (let seed = 0; seed < 15; seed++) {
        const [, a, b] = /Calcule (\d+) \+ (\d+)/.exec((await preview('addition', difficulty, seed)).question) ?? [];
        values.push(Number(a), Number(b));
      }
      return values;
    };
    const byRank = [];
    for (const difficulty of DIFFICULTIES) byRank.push(await operands(difficulty));
    for (let rank = 1; rank < byRank.length; rank++) {
      expect(Math.min(...byRank[rank])).toBeGreaterThanOrEqual(Math.max(...byRank[rank - 1]));
    }
    for (const difficulty of ['initie', 'padawan', 'chevalier']) {
      for (let seed = 0; seed < 20; seed++) {
        const shown = await preview('soustraction', difficulty, seed);
        expect(Number(shown.correct_answer)).toBeGreaterThanOrEqual(0);
        expect(shown.choices.every((choice) => !choice.startsWith('-'))).toBe(true);
      }
    }
  });

  it('answers fractions as simplified fractions', async () => {
    for (const difficulty of DIFFICULTIES) {
      for (let seed = 0; seed < 15; seed++) {
        const shown = await preview('fractions', difficulty, seed);
        const match = /^(\d+)(?:\/(\d+))?$/.exec(shown.correct_answer);
        expect(match, shown.correct_answer).not.toBeNull();
        if (match?.[2]) {
          expect(gcd(Number(match[1]), Number(match[2]))).toBe(1);
          expect(Number(match[2])).toBeGreaterThan(1);
        }
      }
    }
  });

  it('previews only for maitre and above; checks its input', async () => {
    expect((await generate(padawan, { exercise_type: 'addition', difficulty: 'initie', preview: true })).statusCode).toBe(403);
    expect((await generate(padawan, { exercise_type: 'addition', difficulty: 'initie', preview: false })).statusCode).toBe(201);
    expect((await generate(undefined, { exercise_type: 'addition', difficulty: 'initie' })).statusCode).toBe(401);
    for (const payload of [
      { exercise_type: 'algebre', difficulty: 'initie' },
      { exercise_type: 'addition', difficulty: 'legende' },
      { exercise_type: 'addition' },
      { exercise_type: 'addition', difficulty: 'initie', seed: 1.5 },
      { exercise_type: 'addition', difficulty: 'initie', count: 3 },
    ]) {
      const res = await generate(maitre, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });

  it('does not let a learner edit the exercise they generated', async () => {
    const saved = (await generate(padawan, { exercise_type: 'addition', difficulty: 'initie', seed: 9 })).json();
    const patch = await ctx.app.inject({ method: 'PATCH', url: `/api/exercises/${saved.id}`, headers: padawan.headers, payload: { correct_answer: '0' } });
    expect(patch.statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/exercises/${saved.id}`, headers: padawan.headers })).json()).not.toHaveProperty('correct_answer');
  });
});

describeEachDialect("a learner's generated exercises", (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let other: TestUser;
  let gardien: TestUser;
  const BUDGET = 3;

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, { GENERATE_PER_HOUR: String(BUDGET) });
    owner = await createUser(ctx, 'padawan');
    other = await createUser(ctx, 'padawan');
    gardien = await createUser(ctx, 'gardien');
  });
  afterAll(() => ctx?.close());

  const call = (method: 'GET' | 'POST', url: string, user: TestUser, payload?: object) => ctx.app.inject({ method, url, headers: user.headers, payload });
  const idsOf = (res: { json(): { items: { id: number }[] } }) => res.json().items.map((e) => e.id);

  it('are private to that learner and staff, and cost the learner from an hourly budget', async () => {
    const saved = await call('POST', '/api/exercises/generate', owner, { exercise_type: 'geometrie', difficulty: 'grand_maitre', seed: 'private' });
    expect(saved.statusCode, saved.body).toBe(201);
    const id: number = saved.json().id;
    expect(saved.json()).toMatchObject({ is_private: true, creator_id: owner.id });

    // the owner and staff find it by id, in lists and in random; another learner never does
    expect((await call('GET', `/api/exercises/${id}`, owner)).statusCode).toBe(200);
    expect((await call('GET', `/api/exercises/${id}`, gardien)).json()).toMatchObject({ id, is_private: true });
    expect((await call('GET', `/api/exercises/${id}`, other)).statusCode).toBe(404);
    const filter = '?exercise_type=geometrie&difficulty=grand_maitre&limit=100';
    expect(idsOf(await call('GET', `/api/exercises${filter}`, owner))).toContain(id);
    expect(idsOf(await call('GET', `/api/exercises${filter}`, gardien))).toContain(id);
    const othersList = await call('GET', `/api/exercises${filter}`, other);
    expect(idsOf(othersList)).not.toContain(id);
    expect(othersList.json().total).toBe(idsOf(othersList).length);
    for (let i = 0; i < 5; i++) {
      const random = await call('GET', '/api/exercises/random?exercise_type=geometrie&difficulty=grand_maitre', other);
      if (random.statusCode === 200) expect(random.json().id).not.toBe(id);
      else expect(random.statusCode).toBe(404);
    }
    expect((await call('GET', '/api/exercises/random?exercise_type=geometrie&difficulty=grand_maitre', owner)).statusCode).toBe(200);
    const attempt = await call('POST', `/api/exercises/${id}/attempts`, other, { user_answer: '1' });
    expect(attempt.statusCode).toBe(404);
    expect((await call('POST', `/api/exercises/${id}/attempts`, owner, { user_answer: '1' })).statusCode).toBe(201);

    // the budget: BUDGET saves an hour, then 429 with Retry-After and nothing stored
    for (let i = 1; i < BUDGET; i++) {
      expect((await call('POST', '/api/exercises/generate', owner, { exercise_type: 'addition', difficulty: 'initie' })).statusCode).toBe(201);
    }
    const { exercises } = ctx.database.tables;
    const before = (await ctx.database.db.select({ id: exercises.id }).from(exercises)).length;
    const over = await call('POST', '/api/exercises/generate', owner, { exercise_type: 'addition', difficulty: 'initie' });
    expect(over.statusCode, over.body).toBe(429);
    expect(over.json().error.code).toBe('RATE_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(3000);
    expect((await ctx.database.db.select({ id: exercises.id }).from(exercises)).length).toBe(before);
    // another learner has a budget of their own; staff generate for the catalogue, unbudgeted and public
    expect((await call('POST', '/api/exercises/generate', other, { exercise_type: 'addition', difficulty: 'initie' })).statusCode).toBe(201);
    for (let i = 0; i <= BUDGET; i++) {
      const staff = await call('POST', '/api/exercises/generate', gardien, { exercise_type: 'addition', difficulty: 'initie' });
      expect(staff.statusCode).toBe(201);
      expect(staff.json().is_private).toBe(false);
    }
  });
});

// Demo exercises for the seed: the exercise generator with fixed seeds, so every install gets the
// same ones. The seed skips titles that already exist, hence the numbered, unique titles.
import type { Tables } from '../../db/client.js';
import { DIFFICULTIES, EXERCISE_TYPES } from '../../db/enums.js';
import { generateExercise } from '../../domain/generator/index.js';

type NewExercise = Tables['exercises']['$inferInsert'];

export const DEMO_EXERCISES_PER_KIND = 2;
const DIFFICULTY_NAMES = { initie: 'initié', padawan: 'padawan', chevalier: 'chevalier', maitre: 'maître', grand_maitre: 'grand maître' } as const;

/** At least two exercises for every type × difficulty, identical on every call. */
export function demoExercises(): NewExercise[] {
  const demos: NewExercise[] = [];
  for (const exercise_type of EXERCISE_TYPES) {
    for (const difficulty of DIFFICULTIES) {
      const questions = new Set<string>();
      // Small ranges (initié) can repeat a question: move to the next seed until they differ.
      for (let seed = 1; questions.size < DEMO_EXERCISES_PER_KIND; seed++) {
        const exercise = generateExercise({ exercise_type, difficulty, seed: `demo-${seed}` });
        if (questions.has(exercise.question)) continue;
        questions.add(exercise.question);
        demos.push({
          ...exercise,
          title: `${exercise.title} (${DIFFICULTY_NAMES[difficulty]} ${questions.size})`,
          tags: `${exercise.tags},demo`,
        });
      }
    }
  }
  return demos;
}

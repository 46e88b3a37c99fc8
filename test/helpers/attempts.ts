// Learning activity for tests: one exercise per entry, with a user's attempts at it (true: correct).
import type { Difficulty, ExerciseType } from '../../src/db/enums.js';
import type { TestContext } from './app.js';

export interface ActivityEntry {
  user_id: number;
  exercise_type: ExerciseType;
  difficulty: Difficulty;
  answers: boolean[];
}

export async function insertActivity(ctx: TestContext, entries: ActivityEntry[]): Promise<void> {
  const { exercises, attempts } = ctx.database.tables;
  await ctx.database.transaction(async (tx) => {
    for (const [i, entry] of entries.entries()) {
      const [exercise] = await tx
        .insert(exercises)
        .values({ title: `exercise ${i}`, exercise_type: entry.exercise_type, difficulty: entry.difficulty, question: `${i}+1`, correct_answer: String(i + 1) })
        .returning();
      if (entry.answers.length === 0) continue;
      await tx.insert(attempts).values(
        entry.answers.map((correct) => ({
          user_id: entry.user_id,
          exercise_id: exercise.id,
          user_answer: correct ? String(i + 1) : 'wrong',
          is_correct: correct,
        })),
      );
    }
  });
}

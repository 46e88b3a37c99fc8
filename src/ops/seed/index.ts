// Demo content: exercises of every type and difficulty, logic challenges, a badge catalogue, and
// (outside production) two demo accounts. Each item is inserted only if no row with its title (or
// username) exists yet, so running the seed again never duplicates anything.
import { inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { hashPassword } from '../../domain/accounts/passwords.js';
import { demoBadges } from './badges.js';
import { demoChallenges } from './challenges.js';
import { demoExercises } from './exercises.js';

export const DEMO_USERS = [
  { username: 'demo_padawan', email: 'demo_padawan@mathakine.example', full_name: 'Padawan de démonstration', role: 'padawan' },
  { username: 'demo_maitre', email: 'demo_maitre@mathakine.example', full_name: 'Maître de démonstration', role: 'maitre' },
] as const;

export interface SeedOptions {
  /** Create the demo accounts too (never in production). */
  demoUsers: boolean;
  demoPassword: string;
}

export interface SeedReport {
  users: number;
  exercises: number;
  challenges: number;
  badges: number;
}

/** True when the database has no exercises, challenges or users yet: a fresh install. */
export async function isDatabaseEmpty(database: Database): Promise<boolean> {
  const { users, exercises, logicChallenges } = database.tables;
  const counts = await Promise.all([users, exercises, logicChallenges].map((table) => database.db.$count(table)));
  return counts.every((n) => n === 0);
}

export async function seedDemoContent(database: Database, options: SeedOptions): Promise<SeedReport> {
  const { users, exercises, logicChallenges, achievements } = database.tables;
  const exerciseDrafts = demoExercises();
  const challengeDrafts = demoChallenges();
  const hashed = options.demoUsers ? await hashPassword(options.demoPassword) : '';

  return database.transaction(async (tx) => {
    const existingExercises = new Set(
      (
        await tx
          .select({ title: exercises.title })
          .from(exercises)
          .where(
            inArray(
              exercises.title,
              exerciseDrafts.map((e) => e.title),
            ),
          )
      ).map((r) => r.title),
    );
    const newExercises = exerciseDrafts.filter((e) => !existingExercises.has(e.title));
    if (newExercises.length) await tx.insert(exercises).values(newExercises);

    const existingChallenges = new Set(
      (
        await tx
          .select({ title: logicChallenges.title })
          .from(logicChallenges)
          .where(
            inArray(
              logicChallenges.title,
              challengeDrafts.map((c) => c.title),
            ),
          )
      ).map((r) => r.title),
    );
    const newChallenges = challengeDrafts.filter((c) => !existingChallenges.has(c.title));
    if (newChallenges.length) await tx.insert(logicChallenges).values(newChallenges);

    const badgeDrafts = demoBadges();
    const existingBadges = new Set(
      (
        await tx
          .select({ code: achievements.code })
          .from(achievements)
          .where(
            inArray(
              achievements.code,
              badgeDrafts.map((b) => b.code),
            ),
          )
      ).map((r) => r.code),
    );
    const newBadges = badgeDrafts.filter((b) => !existingBadges.has(b.code));
    if (newBadges.length) await tx.insert(achievements).values(newBadges);

    let newUsers = 0;
    if (options.demoUsers) {
      const existingUsers = new Set(
        (
          await tx
            .select({ username: users.username })
            .from(users)
            .where(
              inArray(
                users.username,
                DEMO_USERS.map((u) => u.username),
              ),
            )
        ).map((r) => r.username),
      );
      const missing = DEMO_USERS.filter((u) => !existingUsers.has(u.username));
      if (missing.length) await tx.insert(users).values(missing.map((u) => ({ ...u, hashed_password: hashed })));
      newUsers = missing.length;
    }
    return { users: newUsers, exercises: newExercises.length, challenges: newChallenges.length, badges: newBadges.length };
  });
}

// What a question maker returns, before the choices are built from it.
import type { Difficulty } from '../../db/enums.js';
import { int } from './numbers.js';
import type { SeededRandom } from './random.js';

export interface Draft {
  title: string;
  question: string;
  answer: string;
  explanation: string;
  hint: string;
  /** Answers a learner could plausibly reach by mistake (filtered and de-duplicated later). */
  mistakes: (string | null)[];
  /** A wrong answer `step` away from the right one, to complete the choices. */
  nearby: (step: number) => string | null;
  /** False when no choice may be negative (the answer never is). */
  allowNegative?: boolean;
}

export type Maker = (rng: SeededRandom, difficulty: Difficulty) => Draft;

export const nearInteger = (answer: number) => (step: number) => int(answer + step);

// The four choices: the answer plus distinct plausible mistakes, shuffled.
import type { ExerciseType } from '../../db/enums.js';
import { answerKey } from '../answers/exercise-answers.js';
import type { Draft } from './draft.js';
import type { SeededRandom } from './random.js';

export const CHOICE_COUNT = 4;

/** The answer plus distinct plausible mistakes (never another spelling of the answer), shuffled. */
export function buildChoices(rng: SeededRandom, type: ExerciseType, draft: Draft): string[] {
  const negativeAllowed = draft.allowNegative === true;
  const seen = new Set([answerKey(type, draft.answer)]);
  const choices = [draft.answer];
  const consider = (candidate: string | null) => {
    if (choices.length >= CHOICE_COUNT || candidate === null) return;
    if (!negativeAllowed && candidate.startsWith('-')) return;
    if (/^-?0(\/|$)/.test(candidate) && draft.answer !== '0') return; // zero is never a plausible slip
    const key = answerKey(type, candidate);
    if (seen.has(key)) return;
    seen.add(key);
    choices.push(candidate);
  };
  for (const mistake of rng.shuffle(draft.mistakes)) consider(mistake);
  for (let step = 1; choices.length < CHOICE_COUNT && step <= 50; step++) {
    const first = rng.chance(0.5) ? step : -step;
    consider(draft.nearby(first));
    consider(draft.nearby(-first));
  }
  return rng.shuffle(choices);
}

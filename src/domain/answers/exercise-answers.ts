// Is a learner's answer the exercise's answer? Exact: case, accents and spacing never matter,
// numbers compare by value (`4` = `4,00`, `1 000` = `1000`), fractions only where one makes sense.
import type { ExerciseType } from '../../db/enums.js';
import { foldText, isFraction, numberKey, parseNumber, sameNumber, type Rational } from './content-answers.js';

/** The answer folded (see foldText), with `1 / 2` written `1/2`. */
export const normalizeAnswerText = (value: string): string => foldText(value).replace(/ ?\/ ?/g, '/');

/**
 * Fractions count (`2/4` = `1/2` = `0,5`) in `fractions` exercises and where the expected answer
 * is one; elsewhere `8/2` is not accepted for `4`: it restates the division. No percent.
 */
function valueOf(exerciseType: ExerciseType, text: string, expectedText: string): Rational | null {
  return parseNumber(text, { fractions: exerciseType === 'fractions' || isFraction(expectedText), percent: false });
}

/** True when `given` is the same answer as `expected` for an exercise of this type. */
export function isCorrectAnswer(exerciseType: ExerciseType, expected: string, given: string): boolean {
  const expectedText = normalizeAnswerText(expected);
  const givenText = normalizeAnswerText(given);
  if (givenText === '') return false;
  if (expectedText === givenText) return true;
  const expectedValue = valueOf(exerciseType, expectedText, expectedText);
  const givenValue = expectedValue && valueOf(exerciseType, givenText, expectedText);
  return !!givenValue && sameNumber(expectedValue, givenValue);
}

/**
 * A key equal for two answers exactly when isCorrectAnswer would match them (given the same
 * expected kind): used to keep multiple-choice lists free of duplicates like `0,5` and `1/2`.
 */
export function answerKey(exerciseType: ExerciseType, answer: string): string {
  const text = normalizeAnswerText(answer);
  const value = valueOf(exerciseType, text, text);
  return value ? numberKey(value) : text;
}

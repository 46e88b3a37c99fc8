// Is a learner's answer the exercise's answer? Used by attempts (the check), by the generator
// (distractors must differ from the answer and from each other) and when authors save choices.
//
// Rules: case, accents and extra whitespace never matter; numbers compare by value, exactly
// (`4` = `4.0` = `4,00`, `3,5` = `3.5`, `1 000` = `1000`); fractions compare by value (`2/4` =
// `1/2` = `0,5`) only where a fraction makes sense: `fractions` exercises, or an expected answer
// written as a fraction. Elsewhere `8/2` is not accepted for `4`: it restates a division.
import type { ExerciseType } from '../../db/enums.js';

/** An exact rational number, denominator > 0. BigInt: no rounding, whatever the digits typed. */
interface Rational {
  numerator: bigint;
  denominator: bigint;
}

const MAX_NUMBER_LENGTH = 60; // longer "numbers" are compared as text; keeps BigInt work trivial

/** Lowercase, accents stripped, whitespace collapsed, typographic minus as `-`. */
export function normalizeAnswerText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2212\u2013]/g, '-')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/ ?\/ ?/g, '/');
}

const DECIMAL = /^([+-])?(\d*)(?:[.,](\d+))?$/;
// French thousands separators: `12 345` or `12 345,5` (one space between groups of three)
const GROUPED = /^[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$/;

function parseDecimal(text: string): Rational | null {
  if (text.length > MAX_NUMBER_LENGTH) return null;
  const compact = GROUPED.test(text) ? text.replace(/ /g, '') : text;
  const match = DECIMAL.exec(compact);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  if (whole === '' && fraction === '') return null;
  const digits = BigInt(`${whole || '0'}${fraction}`);
  return reduce({ numerator: sign === '-' ? -digits : digits, denominator: 10n ** BigInt(fraction.length) });
}

function parseFraction(text: string): Rational | null {
  if (text.length > MAX_NUMBER_LENGTH) return null;
  const match = /^([+-]?\d+)\/([+-]?\d+)$/.exec(text);
  if (!match) return null;
  const numerator = BigInt(match[1]);
  const denominator = BigInt(match[2]);
  if (denominator === 0n) return null;
  return reduce(denominator < 0n ? { numerator: -numerator, denominator: -denominator } : { numerator, denominator });
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function reduce(value: Rational): Rational {
  const divisor = gcd(value.numerator, value.denominator) || 1n;
  return { numerator: value.numerator / divisor, denominator: value.denominator / divisor };
}

function fractionsApply(exerciseType: ExerciseType, expected: string): boolean {
  return exerciseType === 'fractions' || parseFraction(expected) !== null;
}

function valueOf(text: string, allowFractions: boolean): Rational | null {
  return parseDecimal(text) ?? (allowFractions ? parseFraction(text) : null);
}

/** True when `given` is the same answer as `expected` for an exercise of this type. */
export function isCorrectAnswer(exerciseType: ExerciseType, expected: string, given: string): boolean {
  const expectedText = normalizeAnswerText(expected);
  const givenText = normalizeAnswerText(given);
  if (givenText === '') return false;
  if (expectedText === givenText) return true;
  const allowFractions = fractionsApply(exerciseType, expectedText);
  const expectedValue = valueOf(expectedText, allowFractions);
  if (!expectedValue) return false;
  const givenValue = valueOf(givenText, allowFractions);
  return givenValue !== null && expectedValue.numerator === givenValue.numerator && expectedValue.denominator === givenValue.denominator;
}

/**
 * A key equal for two answers exactly when isCorrectAnswer would match them (given the same
 * expected kind): used to keep multiple-choice lists free of duplicates like `0,5` and `1/2`.
 */
export function answerKey(exerciseType: ExerciseType, answer: string): string {
  const text = normalizeAnswerText(answer);
  const value = valueOf(text, exerciseType === 'fractions' || parseFraction(text) !== null);
  return value ? `#${value.numerator}/${value.denominator}` : text;
}

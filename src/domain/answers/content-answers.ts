// The core of both answer checks (exercise-answers.ts here, modules/challenges/answers.ts): how text folds
// and how a typed number reads, as an exact fraction (no float rounding, whatever the digits).

/** An exact rational number, reduced, denominator > 0. */
export interface Rational {
  numerator: bigint;
  denominator: bigint;
}

/** Which spellings of a number a checker accepts besides decimals (`3,5`, `1 000`, `+4`). */
export interface NumberSpellings {
  /** `3/4`, `6 / 8` */
  fractions: boolean;
  /** `75 %` (= 3/4) */
  percent: boolean;
}

const MAX_NUMBER_LENGTH = 60; // longer "numbers" are compared as text; keeps BigInt work trivial
const DECIMAL = /^([+-])?(\d*)(?:[.,](\d+))?$/;
const GROUPED_THOUSANDS = /^[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$/; // `12 345,5`, as French writes it
const FRACTION = /^([+-]?\d+) ?\/ ?([+-]?\d+)$/;
const PERCENT = /^(.+?) ?%$/;

/** Lowercase, accents stripped, typographic minus and dash as `-`, whitespace collapsed. */
export function foldText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2212\u2013]/g, '-')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function rational(numerator: bigint, denominator: bigint): Rational {
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator, denominator) || 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

function parseDecimal(text: string): Rational | null {
  const match = DECIMAL.exec(GROUPED_THOUSANDS.test(text) ? text.replace(/ /g, '') : text);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  if (whole === '' && fraction === '') return null;
  const digits = BigInt(`${whole || '0'}${fraction}`);
  return rational(sign === '-' ? -digits : digits, 10n ** BigInt(fraction.length));
}

function parseFraction(text: string): Rational | null {
  const match = FRACTION.exec(text);
  if (!match) return null;
  const denominator = BigInt(match[2]);
  return denominator === 0n ? null : rational(BigInt(match[1]), denominator);
}

/** The value of a folded answer written as a number in one of the accepted spellings, else null. */
export function parseNumber(text: string, spellings: NumberSpellings): Rational | null {
  if (text.length > MAX_NUMBER_LENGTH) return null;
  const value = parseDecimal(text) ?? (spellings.fractions ? parseFraction(text) : null);
  if (value || !spellings.percent) return value;
  const percent = PERCENT.exec(text);
  const part = percent ? parseNumber(percent[1], { ...spellings, percent: false }) : null;
  return part && rational(part.numerator, part.denominator * 100n);
}

/** True when `text` reads as a fraction `a/b` (b ≠ 0). */
export const isFraction = (text: string): boolean => text.length <= MAX_NUMBER_LENGTH && parseFraction(text) !== null;

export const sameNumber = (a: Rational, b: Rational): boolean => a.numerator === b.numerator && a.denominator === b.denominator;

/** A string equal for two numbers exactly when they are the same number. */
export const numberKey = (value: Rational): string => `#${value.numerator}/${value.denominator}`;

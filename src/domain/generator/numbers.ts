// Number formatting (French decimal comma), plausible slips, and fraction arithmetic.
import type { SeededRandom } from './random.js';

export const int = (n: number) => String(n);

/** `7850` hundredths → `78,5` (French decimal comma; the answer checker accepts a dot too). */
export function hundredths(n: number): string {
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const cents = String(abs % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${sign}${Math.floor(abs / 100)}${cents ? `,${cents}` : ''}`;
}

/** Swaps the last two digits (47 → 74): a classic copying mistake. Null when it changes nothing. */
export function swapDigits(n: number): string | null {
  const digits = String(Math.abs(n));
  if (digits.length < 2) return null;
  const swapped = digits.slice(0, -2) + digits.at(-1) + digits.at(-2);
  if (swapped === digits || swapped.startsWith('0')) return null;
  return `${n < 0 ? '-' : ''}${swapped}`;
}

export interface Fraction {
  n: number;
  d: number;
}

export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x || 1;
}

export function fraction(n: number, d: number): Fraction {
  const sign = d < 0 ? -1 : 1;
  const g = gcd(n, d);
  return { n: (sign * n) / g, d: (sign * d) / g };
}

export const showFraction = (f: Fraction) => (f.d === 1 ? String(f.n) : `${f.n}/${f.d}`);
export const addFractions = (a: Fraction, b: Fraction) => fraction(a.n * b.d + b.n * a.d, a.d * b.d);
export const subtractFractions = (a: Fraction, b: Fraction) => fraction(a.n * b.d - b.n * a.d, a.d * b.d);
export const multiplyFractions = (a: Fraction, b: Fraction) => fraction(a.n * b.n, a.d * b.d);
export const divideFractions = (a: Fraction, b: Fraction) => fraction(a.n * b.d, a.d * b.n);
export const compareFractions = (a: Fraction, b: Fraction) => a.n * b.d - b.n * a.d;

/** A proper fraction with a denominator in [minD, maxD], not reducible to a whole number. */
export function properFraction(rng: SeededRandom, minD: number, maxD: number): Fraction {
  const d = rng.int(minD, maxD);
  return { n: rng.int(1, d - 1), d };
}

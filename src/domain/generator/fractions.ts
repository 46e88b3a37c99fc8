// Fractions: same-denominator sums (initié) to any operation on larger denominators (grand maître).
import type { Maker } from './draft.js';
import {
  addFractions,
  compareFractions,
  divideFractions,
  fraction,
  type Fraction,
  gcd,
  int,
  multiplyFractions,
  properFraction,
  showFraction,
  subtractFractions,
} from './numbers.js';
import { HEROES, ofName } from './theme.js';

export const fractions: Maker = (rng, difficulty) => {
  const hero = rng.pick(HEROES);
  let left: Fraction;
  let right: Fraction;
  let operator: '+' | '-' | '×' | '÷';
  if (difficulty === 'initie') {
    // same denominator, sum below one
    const d = rng.int(3, 10);
    const a = rng.int(1, d - 2);
    left = { n: a, d };
    right = { n: rng.int(1, d - 1 - a), d };
    operator = '+';
  } else if (difficulty === 'padawan') {
    left = properFraction(rng, 2, 10);
    do right = properFraction(rng, 2, 10);
    while (right.d === left.d);
    operator = rng.chance(0.5) ? '+' : '-';
    if (operator === '-' && compareFractions(left, right) <= 0) [left, right] = [right, left];
    if (compareFractions(left, right) === 0) operator = '+'; // 2/4 - 1/2 would give zero
  } else if (difficulty === 'chevalier') {
    left = properFraction(rng, 2, 12);
    right = properFraction(rng, 2, 12);
    operator = '×';
  } else if (difficulty === 'grand_maitre') {
    // any of the four operations, with larger denominators
    left = properFraction(rng, 11, 30);
    right = properFraction(rng, 11, 30);
    operator = rng.pick(['+', '-', '×', '÷'] as const);
    if (operator === '-' && compareFractions(left, right) <= 0) [left, right] = [right, left];
    if (operator === '-' && compareFractions(left, right) === 0) operator = '+';
  } else {
    // possibly more than one whole, but never written unreduced (no 15/5)
    do left = { n: rng.int(1, 15), d: rng.int(2, 15) };
    while (gcd(left.n, left.d) !== 1);
    right = properFraction(rng, 2, 15);
    operator = '÷';
  }
  const operations = { '+': addFractions, '-': subtractFractions, '×': multiplyFractions, '÷': divideFractions };
  const result = operations[operator](left, right);
  const [a, b] = [showFraction(left), showFraction(right)];
  const expression = `${left.n}/${left.d} ${operator} ${right.n}/${right.d}`;
  const stories: Record<typeof operator, string> = {
    '+': `${hero} boit ${left.n}/${left.d} d'une gourde d'eau de Tatooine, puis encore ${right.n}/${right.d}.`,
    '-': `Un vaisseau a ${left.n}/${left.d} de son réservoir plein ; le saut dans l'hyperespace en consomme ${right.n}/${right.d}.`,
    '×': `Un cargo transporte ${left.n}/${left.d} d'une cargaison de cristaux kyber, et ${right.n}/${right.d} de ce qu'il transporte est pour le temple Jedi.`,
    '÷': `${hero} a ${left.n}/${left.d} de barre d'énergie et la découpe en portions de ${right.n}/${right.d} de barre. Combien de portions cela fait-il ?`,
  };
  const crossWrong: Record<typeof operator, Fraction> = {
    '+': fraction(left.n + right.n, left.d + right.d), // adds the tops and the bottoms
    '-': fraction(Math.abs(left.n - right.n), Math.abs(left.d - right.d) || left.d),
    '×': fraction(left.n * right.d, left.d * right.n), // divides instead
    '÷': fraction(left.n * right.n, left.d * right.d), // multiplies without inverting
  };
  const explanations: Record<typeof operator, string> = {
    '+':
      left.d === right.d
        ? `Même dénominateur : on additionne les numérateurs. ${expression} = ${left.n + right.n}/${left.d}`
        : `On met au même dénominateur ${(left.d * right.d) / gcd(left.d, right.d)}, puis on additionne les numérateurs : ${expression}`,
    '-': `On met au même dénominateur ${(left.d * right.d) / gcd(left.d, right.d)}, puis on soustrait les numérateurs : ${expression}`,
    '×': `On multiplie les numérateurs entre eux et les dénominateurs entre eux : ${expression} = ${left.n * right.n}/${left.d * right.d}`,
    '÷': `Diviser par une fraction, c'est multiplier par son inverse : ${a} × ${right.d}/${right.n} = ${left.n * right.d}/${left.d * right.n}`,
  };
  const answer = showFraction(result);
  const simplified = explanations[operator].endsWith(answer) ? '' : ` = ${answer}`;
  return {
    title: `Fractions : ${operator === '÷' ? 'le partage' : 'les réserves'} ${ofName(hero)}`,
    question: `${stories[operator]} Calcule ${expression}. Donne le résultat sous forme de fraction simplifiée (par exemple 3/4).`,
    answer,
    explanation: `${explanations[operator]}${simplified}${simplified ? ' (fraction simplifiée).' : '.'}`,
    hint: {
      '+': 'Les fractions doivent avoir le même dénominateur avant d’additionner les numérateurs.',
      '-': 'Les fractions doivent avoir le même dénominateur avant de soustraire les numérateurs.',
      '×': 'Numérateur × numérateur, dénominateur × dénominateur, puis simplifie.',
      '÷': `Retourne la deuxième fraction (${b} devient ${right.d}/${right.n}) puis multiplie.`,
    }[operator],
    mistakes: [
      showFraction(crossWrong[operator]),
      result.n !== 0 ? showFraction(fraction(result.d, result.n)) : null, // upside down
      showFraction(fraction(result.n + 1, result.d)),
      result.n > 1 ? showFraction(fraction(result.n - 1, result.d)) : null,
      showFraction(fraction(result.n, result.d + 1)),
    ],
    nearby: (step) => (result.n + step > 0 ? showFraction(fraction(result.n + step, result.d)) : null),
  };
};

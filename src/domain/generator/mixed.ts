// Mixed calculations: operator priority, parentheses, then powers (grand maître).
import { type Maker, nearInteger } from './draft.js';
import { int } from './numbers.js';
import { DROIDS } from './theme.js';

export const mixed: Maker = (rng, difficulty) => {
  const droid = rng.pick(DROIDS);
  let expression: string;
  let answer: number;
  let explanation: string;
  let mistakes: number[];
  if (difficulty === 'initie') {
    const a = rng.int(1, 10);
    const b = rng.int(1, 10);
    const c = rng.int(1, a + b);
    expression = `${a} + ${b} - ${c}`;
    answer = a + b - c;
    explanation = `On calcule de gauche à droite : ${a} + ${b} = ${a + b}, puis ${a + b} - ${c} = ${answer}.`;
    mistakes = [a + b + c, answer + 1, answer - 1, Math.abs(a - b) + c];
  } else if (difficulty === 'padawan') {
    const a = rng.int(1, 20);
    const b = rng.int(2, 10);
    const c = rng.int(2, 10);
    expression = `${a} + ${b} × ${c}`;
    answer = a + b * c;
    explanation = `La multiplication passe avant l'addition : ${b} × ${c} = ${b * c}, puis ${a} + ${b * c} = ${answer}.`;
    mistakes = [(a + b) * c, a + b + c, a * b + c, answer + 1];
  } else if (difficulty === 'chevalier') {
    const a = rng.int(2, 20);
    const b = rng.int(2, 20);
    const c = rng.int(2, 9);
    const d = rng.int(1, (a + b) * c - 1);
    expression = `(${a} + ${b}) × ${c} - ${d}`;
    answer = (a + b) * c - d;
    explanation = `Les parenthèses d'abord : ${a} + ${b} = ${a + b}. Puis ${a + b} × ${c} = ${(a + b) * c}. Enfin ${(a + b) * c} - ${d} = ${answer}.`;
    mistakes = [a + b * c - d, (a + b) * c + d, (a + b) * (c - d), answer + 1, answer - 10];
  } else if (difficulty === 'grand_maitre') {
    const a = rng.int(5, 25);
    const b = rng.int(5, 25);
    const divisor = rng.int(2, 12);
    const quotient = rng.int(1, Math.floor((a * b - 1) / divisor));
    const c = a * b - divisor * quotient; // (a × b - c) is a multiple of the divisor
    const e = rng.int(2, 12);
    expression = `(${a} × ${b} - ${c}) ÷ ${divisor} + ${e}²`;
    answer = quotient + e * e;
    explanation = `Les parenthèses d'abord : ${a} × ${b} = ${a * b}, puis ${a * b} - ${c} = ${a * b - c}. Ensuite la puissance : ${e}² = ${e * e}. Puis ${a * b - c} ÷ ${divisor} = ${quotient}, et enfin ${quotient} + ${e * e} = ${answer}.`;
    mistakes = [quotient + 2 * e, a * b - c + e * e, quotient * e * e, answer + 1, answer - 1];
  } else {
    const a = rng.int(3, 15);
    const b = rng.int(3, 15);
    const divisor = rng.int(2, 9);
    const quotient = rng.int(2, Math.min(15, a * b));
    const c = divisor * quotient;
    const e = rng.int(1, 50);
    expression = `${a} × ${b} - ${c} ÷ ${divisor} + ${e}`;
    answer = a * b - quotient + e;
    explanation = `Multiplications et divisions d'abord : ${a} × ${b} = ${a * b} et ${c} ÷ ${divisor} = ${quotient}. Puis de gauche à droite : ${a * b} - ${quotient} + ${e} = ${answer}.`;
    const leftToRight = (a * b - c) % divisor === 0 ? (a * b - c) / divisor + e : answer + 2;
    mistakes = [leftToRight, a * b - quotient - e, a * b + quotient + e, a * b - c + e, answer + 1];
  }
  return {
    title: 'Calcul mixte : la porte du temple',
    question: `Pour ouvrir la porte d'un ancien temple Jedi, ${droid} doit entrer le résultat de ce calcul : ${expression}. Quel nombre doit-il entrer ?`,
    answer: int(answer),
    explanation,
    hint: difficulty === 'initie' ? 'Calcule de gauche à droite.' : 'Attention aux priorités : parenthèses, puis × et ÷, puis + et -.',
    mistakes: mistakes.map(int),
    nearby: nearInteger(answer),
  };
};

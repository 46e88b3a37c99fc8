// Subtraction: never negative below maître; maître and grand maître settle a debt, possibly negative.
import type { Difficulty } from '../../db/enums.js';
import { type Maker, nearInteger } from './draft.js';
import { int, swapDigits } from './numbers.js';
import { DROIDS, ITEMS, count } from './theme.js';

/**
 * By rank: [min, max] of the first number, then the least second number (at most the first, so
 * never negative); from maître on both are drawn from [min, max] and the result may be negative.
 */
export const SUBTRACTION_RANGES: Record<Difficulty, [number, number, number]> = {
  initie: [2, 10, 1],
  padawan: [20, 99, 10],
  chevalier: [100, 999, 50],
  maitre: [500, 9999, 500],
  grand_maitre: [10000, 99999, 10000],
};

export const subtraction: Maker = (rng, difficulty) => {
  const [min, max, minB] = SUBTRACTION_RANGES[difficulty];
  if (difficulty === 'maitre' || difficulty === 'grand_maitre') {
    // The only ranks where the result may be negative: a debt.
    const credits = rng.int(min, max);
    const debt = rng.int(min, max);
    const rest = credits - debt;
    const hero = rng.pick(['Han Solo', 'Lando', 'Poe', 'Finn']);
    return {
      title: 'Soustraction : la dette envers Jabba',
      question: `${hero} possède ${credits} crédits et doit ${debt} crédits à Jabba le Hutt. Combien de crédits lui reste-t-il après avoir payé sa dette ? (Un résultat négatif veut dire qu'il reste une dette.) Calcule ${credits} - ${debt}.`,
      answer: int(rest),
      explanation: `${credits} - ${debt} = ${rest}.${rest < 0 ? ` Le résultat est négatif : il manque encore ${-rest} crédits.` : ''}`,
      hint: 'Si on retire plus que ce que l’on a, le résultat passe sous zéro : calcule la différence et mets le signe moins.',
      mistakes: [int(debt - credits), int(credits + debt), int(rest + 1), int(rest - 1), int(rest + 100), swapDigits(rest)],
      nearby: nearInteger(rest),
      allowNegative: true,
    };
  }
  const a = rng.int(min, max);
  const b = rng.int(minB, a); // never more than there is: the result is never negative
  const rest = a - b;
  const droid = rng.pick(DROIDS);
  const item = rng.pick(ITEMS);
  return {
    title: `Soustraction : ${droid} fait l'inventaire`,
    question: `${droid} transporte ${count(a, item)}. Pendant une tempête de sable, il en perd ${b}. Combien lui en reste-t-il ? Calcule ${a} - ${b}.`,
    answer: int(rest),
    explanation: `On enlève ce qui est perdu : ${a} - ${b} = ${rest}.`,
    hint:
      difficulty === 'initie' ? `Pars de ${a} et recule de ${b}.` : 'Vérifie ton résultat : ajoute-le au nombre retiré, tu dois retrouver le nombre de départ.',
    mistakes: [int(a + b), int(rest + 1), int(rest - 1), int(rest + 10), int(rest - 10), swapDigits(rest)],
    nearby: nearInteger(rest),
  };
};

// Multiplication: from the small tables (initié) to three digits by two (grand maître).
import type { Difficulty } from '../../db/enums.js';
import { type Maker, nearInteger } from './draft.js';
import { int, swapDigits } from './numbers.js';
import { ITEMS, count } from './theme.js';

/** Splits the larger factor into tens and units: 16 × 7 = 10 × 7 + 6 × 7. */
function decompositionHint(a: number, b: number): string {
  const [small, big] = a <= b ? [a, b] : [b, a];
  const units = big % 10;
  if (units === 0) return `Multiplie ${small} par ${big / 10}, puis ajoute un zéro.`;
  return `Décompose : ${small} × ${big} = ${small} × ${big - units} + ${small} × ${units}.`;
}

/** [min, max] of the first factor, then of the second, by rank. */
export const MULTIPLICATION_RANGES: Record<Difficulty, [number, number, number, number]> = {
  initie: [1, 5, 1, 10],
  padawan: [2, 10, 2, 10],
  chevalier: [11, 25, 3, 12],
  maitre: [12, 99, 11, 99],
  grand_maitre: [100, 999, 11, 99],
};

export const multiplication: Maker = (rng, difficulty) => {
  const [minA, maxA, minB, maxB] = MULTIPLICATION_RANGES[difficulty];
  const squads = rng.int(minA, maxA);
  const perSquad = rng.int(minB, maxB);
  const total = squads * perSquad;
  const item = rng.pick([ITEMS[1], ITEMS[2], ITEMS[3], ITEMS[6]]);
  return {
    title: `Multiplication : la flotte de l'Alliance`,
    question: `L'Alliance rebelle prépare ${count(squads, { one: 'escadrille', many: 'escadrilles' })}. Chaque escadrille emporte ${count(perSquad, item)}. Combien de ${item.many} cela fait-il en tout ? Calcule ${squads} × ${perSquad}.`,
    answer: int(total),
    explanation: `${squads} groupes de ${perSquad}, c'est ${squads} × ${perSquad} = ${total}.`,
    hint: difficulty === 'initie' || difficulty === 'padawan' ? `Récite la table de ${Math.max(squads, perSquad)}.` : decompositionHint(squads, perSquad),
    mistakes: [
      int(squads * (perSquad + 1)),
      int(squads * (perSquad - 1)),
      int((squads + 1) * perSquad),
      int(squads + perSquad),
      int(total + 10),
      swapDigits(total),
    ],
    nearby: nearInteger(total),
  };
};

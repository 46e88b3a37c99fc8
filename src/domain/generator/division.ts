// Division: always exact (the dividend is built from the quotient), larger with the rank.
import type { Difficulty } from '../../db/enums.js';
import type { Maker } from './draft.js';
import { int, swapDigits } from './numbers.js';
import { ITEMS, TEAMS, count, agreeing } from './theme.js';

/** [min, max] of the divisor, then of the quotient, by rank. */
export const DIVISION_RANGES: Record<Difficulty, [number, number, number, number]> = {
  initie: [2, 5, 1, 10],
  padawan: [2, 10, 2, 10],
  chevalier: [3, 12, 11, 30],
  maitre: [11, 25, 12, 99],
  grand_maitre: [12, 99, 100, 999],
};

export const division: Maker = (rng, difficulty) => {
  const [minDivisor, maxDivisor, minQuotient, maxQuotient] = DIVISION_RANGES[difficulty];
  const divisor = rng.int(minDivisor, maxDivisor);
  const quotient = rng.int(minQuotient, maxQuotient);
  const dividend = divisor * quotient; // exact by construction: no remainder (and at least 2)
  const item = rng.pick(ITEMS);
  const team = rng.pick(TEAMS);
  return {
    title: `Division : le partage du butin`,
    question: `${count(dividend, item)} sont ${agreeing('partagé', item)} équitablement entre ${count(divisor, team)}. Combien chacun en reçoit-il ? Calcule ${dividend} ÷ ${divisor}.`,
    answer: int(quotient),
    explanation: `${dividend} ÷ ${divisor} = ${quotient}, car ${divisor} × ${quotient} = ${dividend}.`,
    hint: `Cherche le nombre qui, multiplié par ${divisor}, donne ${dividend}.`,
    mistakes: [int(quotient + 1), int(quotient - 1), int(dividend - divisor), int(quotient * 10), swapDigits(quotient), int(divisor)],
    nearby: (step) => (quotient + step > 0 ? int(quotient + step) : null),
  };
};

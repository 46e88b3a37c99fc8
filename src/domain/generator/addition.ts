// Addition: two numbers of the same size, from single digits (initié) to five digits (grand maître).
import type { Difficulty } from '../../db/enums.js';
import { type Maker, nearInteger } from './draft.js';
import { int, swapDigits } from './numbers.js';
import { HEROES, PLANETS, ITEMS, ofName, count } from './theme.js';

/** [min, max] of both terms, by rank. */
export const ADDITION_RANGES: Record<Difficulty, [number, number]> = {
  initie: [1, 10],
  padawan: [10, 99],
  chevalier: [100, 999],
  maitre: [1000, 9999],
  grand_maitre: [10000, 99999],
};

export const addition: Maker = (rng, difficulty) => {
  const [min, max] = ADDITION_RANGES[difficulty];
  const a = rng.int(min, max);
  const b = rng.int(min, max);
  const sum = a + b;
  const hero = rng.pick(HEROES);
  const item = rng.pick(ITEMS);
  const planet = rng.pick(PLANETS);
  return {
    title: `Addition : les ${item.many} ${ofName(planet)}`,
    question: `Sur ${planet}, ${hero} rassemble ${count(a, item)}, puis en trouve ${b} de plus. Combien de ${item.many} y a-t-il en tout ? Calcule ${a} + ${b}.`,
    answer: int(sum),
    explanation: `On ajoute ce qui a été trouvé à ce qu'il y avait au départ : ${a} + ${b} = ${sum}.`,
    hint:
      difficulty === 'initie'
        ? `Pars de ${a} et compte encore ${b}.`
        : 'Additionne les unités, puis les dizaines, puis les centaines, sans oublier les retenues.',
    mistakes: [int(sum + 1), int(sum - 1), int(sum + 10), int(sum - 10), int(Math.abs(a - b)), swapDigits(sum)],
    nearby: nearInteger(sum),
  };
};

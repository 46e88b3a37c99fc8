// The algorithmic exercise generator: one maker per exercise type, numbers that grow with the
// rank (initié < padawan < chevalier < maître), a Star Wars flavoured question in French, an
// explanation, a hint and four choices (the answer plus plausible mistakes).
//
// Deterministic: the same seed, type and difficulty always give the same exercise, because every
// random draw comes from one seeded generator (below) and the makers draw in a fixed order.
import { randomUUID } from 'node:crypto';
import type { Difficulty, ExerciseType } from '../../db/enums.js';
import { answerKey } from './answers.js';

export interface GenerateInput {
  exercise_type: ExerciseType;
  difficulty: Difficulty;
  /** Any string or integer; omitted → a random exercise. */
  seed?: string | number;
}

/** The insert values of a generated exercise (without its creator). */
export interface GeneratedExercise {
  title: string;
  exercise_type: ExerciseType;
  difficulty: Difficulty;
  question: string;
  correct_answer: string;
  choices: string[];
  explanation: string;
  hint: string;
  tags: string;
  age_group: string;
  context_theme: string;
  complexity: number;
  ai_generated: false;
}

export const CHOICE_COUNT = 4;
export const GENERATED_TAG = 'generated';

// ---------------------------------------------------------------------------------------------
// Seeded randomness: FNV-1a turns the seed text into 32 bits, xorshift32 draws from it. Small,
// fast and good enough to vary exercises; never used for anything secret.

function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash || 0x9e3779b9; // xorshift must not start at 0
}

export class SeededRandom {
  private state: number;

  constructor(seed: string) {
    this.state = hashSeed(seed);
    for (let i = 0; i < 8; i++) this.nextUint32(); // spread similar seeds apart
  }

  private nextUint32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(0, values.length - 1)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  shuffle<T>(values: readonly T[]): T[] {
    const copy = [...values];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  }
}

// ---------------------------------------------------------------------------------------------
// Theme

const HEROES = ['Luke', 'Leia', 'Rey', 'Finn', 'Ahsoka', 'Obi-Wan', 'Maître Yoda', 'Grogu', 'Chewbacca', 'Han Solo', 'Padmé', 'Poe'];
const DROIDS = ['R2-D2', 'C-3PO', 'BB-8', 'K-2SO', 'R5-D4'];
const PLANETS = ['Tatooine', 'Dagobah', 'Hoth', 'Coruscant', 'Endor', 'Naboo', 'Jakku', 'Yavin 4', 'Kashyyyk', 'Ilum'];

interface Noun {
  one: string;
  many: string;
  feminine?: boolean;
}
const ITEMS: Noun[] = [
  { one: 'cristal kyber', many: 'cristaux kyber' },
  { one: 'droïde', many: 'droïdes' },
  { one: 'vaisseau', many: 'vaisseaux' },
  { one: 'sabre laser', many: 'sabres laser' },
  { one: 'crédit', many: 'crédits' },
  { one: 'pièce détachée', many: 'pièces détachées', feminine: true },
  { one: 'ration de survie', many: 'rations de survie', feminine: true },
  { one: "cellule d'énergie", many: "cellules d'énergie", feminine: true },
];
const TEAMS: Noun[] = [
  { one: 'padawan', many: 'padawans' },
  { one: 'pilote', many: 'pilotes' },
  { one: 'chevalier Jedi', many: 'chevaliers Jedi' },
  { one: 'vaisseau', many: 'vaisseaux' },
];

/** `de Luke`, `d'Ahsoka`: French elides « de » before a vowel. */
const ofName = (name: string) => (/^[AEIOUÉ]/.test(name) ? `d'${name}` : `de ${name}`);
const count = (n: number, noun: Noun) => `${n} ${Math.abs(n) === 1 ? noun.one : noun.many}`;
/** A plural past participle agreeing with the noun: `partagés` / `partagées`. */
const agreeing = (participle: string, noun: Noun) => `${participle}${noun.feminine ? 'es' : 's'}`;

// ---------------------------------------------------------------------------------------------
// Numbers

const int = (n: number) => String(n);

/** `7850` hundredths → `78,5` (French decimal comma; the answer checker accepts a dot too). */
function hundredths(n: number): string {
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const cents = String(abs % 100).padStart(2, '0').replace(/0+$/, '');
  return `${sign}${Math.floor(abs / 100)}${cents ? `,${cents}` : ''}`;
}

/** Swaps the last two digits (47 → 74): a classic copying mistake. Null when it changes nothing. */
function swapDigits(n: number): string | null {
  const digits = String(Math.abs(n));
  if (digits.length < 2) return null;
  const swapped = digits.slice(0, -2) + digits.at(-1) + digits.at(-2);
  if (swapped === digits || swapped.startsWith('0')) return null;
  return `${n < 0 ? '-' : ''}${swapped}`;
}

interface Fraction {
  n: number;
  d: number;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x || 1;
}

function fraction(n: number, d: number): Fraction {
  const sign = d < 0 ? -1 : 1;
  const g = gcd(n, d);
  return { n: (sign * n) / g, d: (sign * d) / g };
}

const showFraction = (f: Fraction) => (f.d === 1 ? String(f.n) : `${f.n}/${f.d}`);
const addFractions = (a: Fraction, b: Fraction) => fraction(a.n * b.d + b.n * a.d, a.d * b.d);
const subtractFractions = (a: Fraction, b: Fraction) => fraction(a.n * b.d - b.n * a.d, a.d * b.d);
const multiplyFractions = (a: Fraction, b: Fraction) => fraction(a.n * b.n, a.d * b.d);
const divideFractions = (a: Fraction, b: Fraction) => fraction(a.n * b.d, a.d * b.n);
const compareFractions = (a: Fraction, b: Fraction) => a.n * b.d - b.n * a.d;

/** A proper fraction with a denominator in [minD, maxD], not reducible to a whole number. */
function properFraction(rng: SeededRandom, minD: number, maxD: number): Fraction {
  const d = rng.int(minD, maxD);
  return { n: rng.int(1, d - 1), d };
}

// ---------------------------------------------------------------------------------------------
// Makers

interface Draft {
  title: string;
  question: string;
  answer: string;
  explanation: string;
  hint: string;
  /** Answers a learner could plausibly reach by mistake (filtered and de-duplicated later). */
  mistakes: (string | null)[];
  /** A wrong answer `step` away from the right one, to complete the choices. */
  nearby: (step: number) => string | null;
  /** False when no choice may be negative (the answer never is). */
  allowNegative?: boolean;
}

type Maker = (rng: SeededRandom, difficulty: Difficulty) => Draft;

const nearInteger = (answer: number) => (step: number) => int(answer + step);

const addition: Maker = (rng, difficulty) => {
  const ranges: Record<Difficulty, [number, number]> = { initie: [1, 10], padawan: [10, 99], chevalier: [100, 999], maitre: [1000, 9999], grand_maitre: [10000, 99999] };
  const [min, max] = ranges[difficulty];
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
    hint: difficulty === 'initie' ? `Pars de ${a} et compte encore ${b}.` : 'Additionne les unités, puis les dizaines, puis les centaines, sans oublier les retenues.',
    mistakes: [int(sum + 1), int(sum - 1), int(sum + 10), int(sum - 10), int(Math.abs(a - b)), swapDigits(sum)],
    nearby: nearInteger(sum),
  };
};

const subtraction: Maker = (rng, difficulty) => {
  if (difficulty === 'maitre' || difficulty === 'grand_maitre') {
    // The only ranks where the result may be negative: a debt.
    const [min, max] = difficulty === 'maitre' ? [500, 9999] : [10000, 99999];
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
  const ranges: Record<Exclude<Difficulty, 'maitre' | 'grand_maitre'>, [number, number, number]> = {
    initie: [2, 10, 1],
    padawan: [20, 99, 10],
    chevalier: [100, 999, 50],
  };
  const [minA, maxA, minB] = ranges[difficulty];
  const a = rng.int(minA, maxA);
  const b = rng.int(minB, a); // never more than there is: the result is never negative
  const rest = a - b;
  const droid = rng.pick(DROIDS);
  const item = rng.pick(ITEMS);
  return {
    title: `Soustraction : ${droid} fait l'inventaire`,
    question: `${droid} transporte ${count(a, item)}. Pendant une tempête de sable, il en perd ${b}. Combien lui en reste-t-il ? Calcule ${a} - ${b}.`,
    answer: int(rest),
    explanation: `On enlève ce qui est perdu : ${a} - ${b} = ${rest}.`,
    hint: difficulty === 'initie' ? `Pars de ${a} et recule de ${b}.` : 'Vérifie ton résultat : ajoute-le au nombre retiré, tu dois retrouver le nombre de départ.',
    mistakes: [int(a + b), int(rest + 1), int(rest - 1), int(rest + 10), int(rest - 10), swapDigits(rest)],
    nearby: nearInteger(rest),
  };
};

/** Splits the larger factor into tens and units: 16 × 7 = 10 × 7 + 6 × 7. */
function decompositionHint(a: number, b: number): string {
  const [small, big] = a <= b ? [a, b] : [b, a];
  const units = big % 10;
  if (units === 0) return `Multiplie ${small} par ${big / 10}, puis ajoute un zéro.`;
  return `Décompose : ${small} × ${big} = ${small} × ${big - units} + ${small} × ${units}.`;
}

const multiplication: Maker = (rng, difficulty) => {
  const ranges: Record<Difficulty, [number, number, number, number]> = {
    initie: [1, 5, 1, 10],
    padawan: [2, 10, 2, 10],
    chevalier: [11, 25, 3, 12],
    maitre: [12, 99, 11, 99],
    grand_maitre: [100, 999, 11, 99],
  };
  const [minA, maxA, minB, maxB] = ranges[difficulty];
  const squads = rng.int(minA, maxA);
  const perSquad = rng.int(minB, maxB);
  const total = squads * perSquad;
  const item = rng.pick([ITEMS[1], ITEMS[2], ITEMS[3], ITEMS[6]]);
  return {
    title: `Multiplication : la flotte de l'Alliance`,
    question: `L'Alliance rebelle prépare ${count(squads, { one: 'escadrille', many: 'escadrilles' })}. Chaque escadrille emporte ${count(perSquad, item)}. Combien de ${item.many} cela fait-il en tout ? Calcule ${squads} × ${perSquad}.`,
    answer: int(total),
    explanation: `${squads} groupes de ${perSquad}, c'est ${squads} × ${perSquad} = ${total}.`,
    hint:
      difficulty === 'initie' || difficulty === 'padawan'
        ? `Récite la table de ${Math.max(squads, perSquad)}.`
        : decompositionHint(squads, perSquad),
    mistakes: [int(squads * (perSquad + 1)), int(squads * (perSquad - 1)), int((squads + 1) * perSquad), int(squads + perSquad), int(total + 10), swapDigits(total)],
    nearby: nearInteger(total),
  };
};

const division: Maker = (rng, difficulty) => {
  const ranges: Record<Difficulty, [number, number, number, number]> = {
    initie: [2, 5, 1, 10],
    padawan: [2, 10, 2, 10],
    chevalier: [3, 12, 11, 30],
    maitre: [11, 25, 12, 99],
    grand_maitre: [12, 99, 100, 999],
  };
  const [minDivisor, maxDivisor, minQuotient, maxQuotient] = ranges[difficulty];
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

const fractions: Maker = (rng, difficulty) => {
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
    '+': left.d === right.d ? `Même dénominateur : on additionne les numérateurs. ${expression} = ${left.n + right.n}/${left.d}` : `On met au même dénominateur ${left.d * right.d / gcd(left.d, right.d)}, puis on additionne les numérateurs : ${expression}`,
    '-': `On met au même dénominateur ${left.d * right.d / gcd(left.d, right.d)}, puis on soustrait les numérateurs : ${expression}`,
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

const geometry: Maker = (rng, difficulty) => {
  const planet = rng.pick(PLANETS);
  if (difficulty === 'initie') {
    const side = rng.int(2, 10);
    const perimeter = 4 * side;
    return {
      title: `Géométrie : la plateforme d'atterrissage`,
      question: `La plateforme d'atterrissage ${ofName(planet)} est un carré de ${side} mètres de côté. Quel est son périmètre, en mètres ?`,
      answer: int(perimeter),
      explanation: `Un carré a 4 côtés égaux : 4 × ${side} = ${perimeter} mètres.`,
      hint: 'Le périmètre, c’est le tour de la figure : additionne la longueur de tous les côtés.',
      mistakes: [int(side * side), int(2 * side), int(3 * side), int(perimeter + 1), int(side + 4)],
      nearby: nearInteger(perimeter),
    };
  }
  if (difficulty === 'padawan') {
    const length = rng.int(3, 20);
    const width = rng.int(2, 12);
    const area = length * width;
    return {
      title: 'Géométrie : le hangar rebelle',
      question: `Le hangar de la base rebelle sur ${planet} est un rectangle de ${length} mètres de long et ${width} mètres de large. Quelle est son aire, en mètres carrés ?`,
      answer: int(area),
      explanation: `Aire d'un rectangle = longueur × largeur = ${length} × ${width} = ${area} m².`,
      hint: 'L’aire d’un rectangle se calcule en multipliant la longueur par la largeur.',
      mistakes: [int(2 * (length + width)), int(length + width), int(area + length), int(area - width), swapDigits(area)],
      nearby: nearInteger(area),
    };
  }
  if (difficulty === 'chevalier') {
    let base = rng.int(3, 24);
    const height = rng.int(2, 20);
    if ((base * height) % 2 === 1) base += 1; // a whole-number area
    const area = (base * height) / 2;
    return {
      title: 'Géométrie : la voile solaire',
      question: `La voile solaire d'un vaisseau de Géonosis est un triangle rectangle dont les côtés de l'angle droit mesurent ${base} m et ${height} m. Quelle est son aire, en mètres carrés ?`,
      answer: int(area),
      explanation: `Aire d'un triangle = base × hauteur ÷ 2 = ${base} × ${height} ÷ 2 = ${area} m².`,
      hint: 'Un triangle rectangle, c’est la moitié d’un rectangle.',
      mistakes: [int(base * height), int(base + height), int(2 * (base + height)), int(area + 1), swapDigits(area)],
      nearby: nearInteger(area),
    };
  }
  if (difficulty === 'grand_maitre') {
    if (rng.chance(0.5)) {
      // Pythagoras on a whole-number triangle: a known triple, enlarged
      const [a0, b0, c0] = rng.pick([[3, 4, 5], [5, 12, 13], [8, 15, 17], [7, 24, 25], [20, 21, 29], [9, 40, 41]] as const);
      const k = rng.int(2, 9);
      const [a, b, c] = [a0 * k, b0 * k, c0 * k];
      return {
        title: 'Géométrie : la rampe du hangar',
        question: `Sur ${planet}, une rampe relie le sol d'un hangar à une plateforme : elle avance de ${a} m à l'horizontale et monte de ${b} m. Quelle est la longueur de la rampe, en mètres ?`,
        answer: int(c),
        explanation: `Théorème de Pythagore : longueur² = ${a}² + ${b}² = ${a * a} + ${b * b} = ${c * c}, donc longueur = √${c * c} = ${c} m.`,
        hint: 'Dans un triangle rectangle, le carré du grand côté est la somme des carrés des deux autres.',
        mistakes: [int(a + b), int(c * c), int(Math.max(a, b) + 1), int(c + k), swapDigits(c)],
        nearby: nearInteger(c),
      };
    }
    const radius = rng.int(2, 15);
    const height = rng.int(3, 30);
    const volumeHundredths = 314 * radius * radius * height;
    return {
      title: 'Géométrie : le réservoir du croiseur',
      question: `Le réservoir d'un croiseur stellaire est un cylindre de ${radius} m de rayon et ${height} m de haut. Quel est son volume, en m³ ? Prends π = 3,14.`,
      answer: hundredths(volumeHundredths),
      explanation: `Volume d'un cylindre = π × r × r × h = 3,14 × ${radius} × ${radius} × ${height} = ${hundredths(volumeHundredths)} m³.`,
      hint: 'Calcule l’aire du disque de base (π × rayon × rayon), puis multiplie par la hauteur.',
      mistakes: [hundredths(628 * radius * height), hundredths(314 * radius * height), hundredths(314 * radius * radius), hundredths(volumeHundredths + 100)],
      nearby: (step) => hundredths(volumeHundredths + step * 100),
    };
  }
  // maître: circles with π ≈ 3,14 (exact in hundredths), or volumes
  const kind = rng.pick(['area', 'circumference', 'volume'] as const);
  if (kind === 'volume') {
    const [l, w, h] = [rng.int(3, 15), rng.int(3, 15), rng.int(3, 15)];
    const volume = l * w * h;
    return {
      title: 'Géométrie : le conteneur de cargaison',
      question: `Un conteneur de cargaison du Faucon Millenium est un pavé droit de ${l} dm de long, ${w} dm de large et ${h} dm de haut. Quel est son volume, en décimètres cubes ?`,
      answer: int(volume),
      explanation: `Volume d'un pavé droit = longueur × largeur × hauteur = ${l} × ${w} × ${h} = ${volume} dm³.`,
      hint: 'Calcule d’abord l’aire du fond, puis multiplie par la hauteur.',
      mistakes: [int(l * w + h), int(2 * (l * w + l * h + w * h)), int(l + w + h), int(volume + l), swapDigits(volume)],
      nearby: nearInteger(volume),
    };
  }
  const radius = rng.int(2, 15);
  const areaHundredths = 314 * radius * radius;
  const circumferenceHundredths = 628 * radius;
  const isArea = kind === 'area';
  const answerHundredths = isArea ? areaHundredths : circumferenceHundredths;
  return {
    title: isArea ? 'Géométrie : le bouclier déflecteur' : 'Géométrie : la ceinture de l’Étoile de la Mort',
    question: isArea
      ? `Le bouclier déflecteur d'une base sur ${planet} forme un disque de ${radius} km de rayon. Quelle est son aire, en km² ? Prends π = 3,14.`
      : `Un droïde sonde fait le tour d'une station circulaire de ${radius} km de rayon. Quelle distance parcourt-il, en km ? Prends π = 3,14.`,
    answer: hundredths(answerHundredths),
    explanation: isArea
      ? `Aire d'un disque = π × r × r = 3,14 × ${radius} × ${radius} = ${hundredths(areaHundredths)} km².`
      : `Périmètre d'un cercle = 2 × π × r = 2 × 3,14 × ${radius} = ${hundredths(circumferenceHundredths)} km.`,
    hint: isArea ? 'Aire du disque : π × rayon × rayon.' : 'Périmètre du cercle : 2 × π × rayon.',
    mistakes: isArea
      ? [hundredths(circumferenceHundredths), hundredths(314 * 4 * radius * radius), hundredths(314 * radius), hundredths(areaHundredths + 100)]
      : [hundredths(areaHundredths), hundredths(314 * radius), hundredths(circumferenceHundredths * 2), hundredths(circumferenceHundredths + 100)],
    nearby: (step) => hundredths(answerHundredths + step * 100),
  };
};

const wordProblem: Maker = (rng, difficulty) => {
  const hero = rng.pick(HEROES);
  const droid = rng.pick(DROIDS);
  if (difficulty === 'initie') {
    const a = rng.int(3, 12);
    const b = rng.int(1, Math.min(8, a));
    if (rng.chance(0.5)) {
      return {
        title: `Problème : les crédits ${ofName(hero)}`,
        question: `${hero} a ${count(a, ITEMS[4])} dans sa bourse. ${droid} lui en apporte ${b} de plus. Combien de crédits cela fait-il en tout ?`,
        answer: int(a + b),
        explanation: `On rassemble les deux quantités : ${a} + ${b} = ${a + b} crédits.`,
        hint: '« De plus » veut dire qu’on ajoute.',
        mistakes: [int(a - b), int(a + b + 1), int(a + b - 1), int(a + b + 10)],
        nearby: nearInteger(a + b),
      };
    }
    return {
      title: `Problème : les pièces de ${droid}`,
      question: `${droid} porte ${count(a, ITEMS[5])}. Il en donne ${b} à ${hero} pour réparer un speeder. Combien de pièces détachées reste-t-il à ${droid} ?`,
      answer: int(a - b),
      explanation: `On enlève les pièces données : ${a} - ${b} = ${a - b}.`,
      hint: 'Quand on donne, il en reste moins : c’est une soustraction.',
      mistakes: [int(a + b), int(a - b + 1), int(a - b - 1), int(b)],
      nearby: nearInteger(a - b),
    };
  }
  if (difficulty === 'padawan') {
    const groups = rng.int(2, 10);
    const each = rng.int(2, 10);
    const total = groups * each;
    if (rng.chance(0.5)) {
      return {
        title: 'Problème : le chargement des vaisseaux',
        question: `Chaque vaisseau d'une escadrille emporte ${count(each, ITEMS[1])}. L'escadrille compte ${count(groups, ITEMS[2])}. Combien de droïdes l'escadrille emporte-t-elle en tout ?`,
        answer: int(total),
        explanation: `${groups} vaisseaux de ${each} droïdes : ${groups} × ${each} = ${total} droïdes.`,
        hint: 'La même quantité plusieurs fois : pense à la multiplication.',
        mistakes: [int(groups + each), int(total + each), int(total - groups), swapDigits(total)],
        nearby: nearInteger(total),
      };
    }
    return {
      title: 'Problème : les rations du temple',
      question: `Au temple Jedi, ${count(total, ITEMS[6])} sont réparties équitablement entre ${count(groups, TEAMS[0])}. Combien de rations chaque padawan reçoit-il ?`,
      answer: int(each),
      explanation: `On partage en ${groups} parts égales : ${total} ÷ ${groups} = ${each} rations chacun.`,
      hint: `Cherche combien de fois ${groups} entre dans ${total}.`,
      mistakes: [int(each + 1), int(each - 1), int(total - groups), int(groups)],
      nearby: (step) => (each + step > 0 ? int(each + step) : null),
    };
  }
  if (difficulty === 'chevalier') {
    const packs = rng.int(3, 12);
    const perPack = rng.int(4, 15);
    const used = rng.int(1, packs * perPack - 1);
    const rest = packs * perPack - used;
    return {
      title: "Problème : les cellules d'énergie",
      question: `${hero} achète ${packs} paquets de ${perPack} cellules d'énergie pour son X-wing, puis en utilise ${used} pendant une mission. Combien de cellules d'énergie reste-t-il ?`,
      answer: int(rest),
      explanation: `D'abord le total acheté : ${packs} × ${perPack} = ${packs * perPack}. Puis on enlève celles utilisées : ${packs * perPack} - ${used} = ${rest}.`,
      hint: 'Deux étapes : calcule combien il y en a en tout, puis enlève celles qui ont servi.',
      mistakes: [int(packs * perPack), int(packs * perPack + used), int(packs + perPack - used), int(rest + 1), int(rest - 1)],
      nearby: nearInteger(rest),
    };
  }
  if (difficulty === 'grand_maitre') {
    // three steps: a discount, then a share; built so that every step is a whole number
    const friends = rng.int(2, 6);
    const percent = rng.pick([10, 20, 25, 40, 50]);
    const unit = rng.int(2, 40);
    const price = 100 * friends * unit;
    const share = unit * (100 - percent);
    return {
      title: 'Problème : le vaisseau partagé',
      question: `${friends} pilotes achètent ensemble un vaisseau affiché ${price} crédits. Le vendeur de Mos Espa accorde ${percent} % de réduction, et ils partagent le prix réduit en parts égales. Combien de crédits chacun paie-t-il ?`,
      answer: int(share),
      explanation: `Réduction : ${percent} % de ${price} = ${(price * percent) / 100} crédits. Prix réduit : ${price} - ${(price * percent) / 100} = ${share * friends}. Part de chacun : ${share * friends} ÷ ${friends} = ${share} crédits.`,
      hint: 'Trois étapes : calcule la réduction, retire-la du prix, puis partage en parts égales.',
      mistakes: [int(price / friends), int(unit * percent), int(share * friends), int(share + 100)],
      nearby: (step) => (share + step * 10 > 0 ? int(share + step * 10) : null),
    };
  }
  if (rng.chance(0.5)) {
    const percent = rng.pick([10, 20, 25, 50, 75]);
    const price = 20 * rng.int(3, 50); // a multiple of 20: every discount above is a whole number
    const discount = (price * percent) / 100;
    return {
      title: 'Problème : les soldes de Mos Eisley',
      question: `Un marchand de Mos Eisley vend un hyperpropulseur ${price} crédits. Il accorde une réduction de ${percent} %. Quel est le nouveau prix, en crédits ?`,
      answer: int(price - discount),
      explanation: `La réduction vaut ${percent} % de ${price} = ${price} × ${percent} ÷ 100 = ${discount} crédits. Nouveau prix : ${price} - ${discount} = ${price - discount} crédits.`,
      hint: `Calcule d'abord combien vaut la réduction (${percent} % de ${price}), puis retire-la du prix.`,
      mistakes: [int(discount), int(price - percent), int(price + discount), int(price - discount + 10)],
      nearby: (step) => int(price - discount + step * 5),
    };
  }
  const quantity = rng.int(3, 12);
  const unitPrice = rng.int(15, 95);
  const repair = rng.int(20, 300);
  const budget = quantity * unitPrice + repair + rng.int(0, 500);
  const rest = budget - quantity * unitPrice - repair;
  return {
    title: 'Problème : le budget du Faucon',
    question: `Pour réparer le Faucon Millenium, ${hero} dispose de ${budget} crédits. Il faut acheter ${quantity} pièces à ${unitPrice} crédits l'unité, puis payer ${repair} crédits au mécanicien. Combien de crédits restera-t-il ?`,
    answer: int(rest),
    explanation: `Prix des pièces : ${quantity} × ${unitPrice} = ${quantity * unitPrice}. Dépense totale : ${quantity * unitPrice} + ${repair} = ${quantity * unitPrice + repair}. Reste : ${budget} - ${quantity * unitPrice + repair} = ${rest} crédits.`,
    hint: 'Calcule toutes les dépenses, additionne-les, puis retire le total du budget.',
    mistakes: [int(budget - quantity * unitPrice), int(budget - repair), int(budget - quantity - unitPrice - repair), int(rest + repair * 2)],
    nearby: nearInteger(rest),
  };
};

const mixed: Maker = (rng, difficulty) => {
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

const miscellaneous: Maker = (rng, difficulty) => {
  const planet = rng.pick(PLANETS);
  if (difficulty === 'initie') {
    const start = rng.int(0, 20);
    const step = rng.int(1, 5);
    const terms = [0, 1, 2, 3].map((i) => start + i * step);
    const next = start + 4 * step;
    return {
      title: 'Suite : les balises de la piste',
      question: `Les balises lumineuses de la piste d'atterrissage ${ofName(planet)} portent les numéros ${terms.join(', ')}, … Quel est le numéro de la balise suivante ?`,
      answer: int(next),
      explanation: `On ajoute ${step} à chaque fois : ${terms[3]} + ${step} = ${next}.`,
      hint: 'Regarde de combien on avance d’une balise à la suivante.',
      mistakes: [int(next + step), int(next + 1), int(next - 1), int(terms[3] + 1)],
      nearby: nearInteger(next),
    };
  }
  if (difficulty === 'padawan') {
    if (rng.chance(0.5)) {
      let n = rng.int(11, 999);
      if (n % 10 === 0) n += rng.int(1, 9);
      const rounded = Math.round(n / 10) * 10;
      const otherWay = n % 10 >= 5 ? rounded - 10 : rounded + 10;
      return {
        title: 'Arrondi : la distance jusqu’à la base',
        question: `Le Faucon Millenium est à ${n} kilomètres de la base d'Echo. Arrondis cette distance à la dizaine la plus proche.`,
        answer: int(rounded),
        explanation: `Le chiffre des unités est ${n % 10} : ${n % 10 >= 5 ? 'à partir de 5, on arrondit à la dizaine supérieure' : 'moins de 5, on arrondit à la dizaine inférieure'}. ${n} ≈ ${rounded}.`,
        hint: 'Regarde le chiffre des unités : 5 ou plus, on monte ; moins de 5, on descend.',
        mistakes: [int(otherWay), int(Math.round(n / 100) * 100), int(n), int(rounded + 100)],
        nearby: (step) => int(rounded + step * 10),
      };
    }
    const start = rng.int(1, 6);
    const terms = [0, 1, 2, 3].map((i) => start * 2 ** i);
    const next = start * 16;
    return {
      title: 'Suite : le clonage sur Kamino',
      question: `Sur Kamino, le nombre de clones double chaque jour : ${terms.join(', ')}, … Combien y en aura-t-il le jour suivant ?`,
      answer: int(next),
      explanation: `Chaque nombre est le double du précédent : ${terms[3]} × 2 = ${next}.`,
      hint: 'Compare chaque nombre au précédent : par combien est-il multiplié ?',
      mistakes: [int(terms[3] + (terms[3] - terms[2])), int(next + start), int(terms[3] * 3), int(next - 1)],
      nearby: nearInteger(next),
    };
  }
  if (difficulty === 'chevalier') {
    if (rng.chance(0.5)) {
      const percent = rng.pick([10, 20, 25, 50, 75]);
      const whole = 20 * rng.int(1, 20);
      const part = (whole * percent) / 100;
      return {
        title: 'Pourcentage : les pilotes de l’escadron',
        question: `L'escadron Rogue compte ${whole} pilotes. ${percent} % d'entre eux viennent ${ofName(planet)}. Combien de pilotes viennent ${ofName(planet)} ?`,
        answer: int(part),
        explanation: `${percent} % de ${whole} = ${whole} × ${percent} ÷ 100 = ${part}.`,
        hint: percent === 50 ? '50 %, c’est la moitié.' : percent === 25 ? '25 %, c’est le quart.' : `${percent} % de ${whole}, c'est ${whole} × ${percent} ÷ 100.`,
        mistakes: [int(whole - part), int(percent), int(part + 10), int(Math.round(whole / percent))],
        nearby: nearInteger(part),
      };
    }
    const side = rng.int(4, 15);
    return {
      title: 'Carré : le champ de force',
      question: `Un champ de force carré protège le camp sur ${planet}. Il est formé de ${side} rangées de ${side} émetteurs. Combien vaut ${side}² (${side} au carré) ?`,
      answer: int(side * side),
      explanation: `${side}² = ${side} × ${side} = ${side * side}.`,
      hint: `Un nombre au carré, c'est ce nombre multiplié par lui-même.`,
      mistakes: [int(2 * side), int(side * side + side), int((side + 1) * (side + 1)), int(side * side - 1)],
      nearby: nearInteger(side * side),
    };
  }
  if (difficulty === 'grand_maitre') {
    // least common multiple: two beacons blinking together again
    const a = rng.int(6, 40);
    let b = rng.int(6, 40);
    if (b === a) b += 1;
    const lcm = (a * b) / gcd(a, b);
    return {
      title: 'PPCM : les balises jumelles',
      question: `Deux balises de la base ${ofName(planet)} viennent de clignoter ensemble. L'une clignote toutes les ${a} secondes, l'autre toutes les ${b} secondes. Dans combien de secondes clignoteront-elles de nouveau ensemble ?`,
      answer: int(lcm),
      explanation: `On cherche le plus petit multiple commun de ${a} et ${b} : PPCM(${a}, ${b}) = ${a} × ${b} ÷ PGCD(${a}, ${b}) = ${a * b} ÷ ${gcd(a, b)} = ${lcm}.`,
      hint: `Écris les multiples de ${Math.max(a, b)} et cherche le premier qui est aussi un multiple de ${Math.min(a, b)}.`,
      mistakes: [int(a * b), int(a + b), int(gcd(a, b)), int(lcm * 2), int(Math.max(a, b))],
      nearby: (step) => (lcm + step * Math.min(a, b) > 0 ? int(lcm + step * Math.min(a, b)) : null),
    };
  }
  if (rng.chance(0.5)) {
    const base = rng.pick([2, 3]);
    const exponent = base === 2 ? rng.int(5, 12) : rng.int(3, 7);
    const power = base ** exponent;
    return {
      title: 'Puissance : la réaction en chaîne',
      question: `Dans le réacteur de l'Étoile de la Mort, chaque étincelle en produit ${base}, ${exponent} fois de suite. Combien vaut ${base}^${exponent} (${base} puissance ${exponent}) ?`,
      answer: int(power),
      explanation: `${base}^${exponent} = ${Array.from({ length: exponent }, () => base).join(' × ')} = ${power}.`,
      hint: `${base}^${exponent}, c'est ${base} multiplié par lui-même ${exponent} fois (ce n'est pas ${base} × ${exponent}).`,
      mistakes: [int(base * exponent), int(base ** (exponent - 1)), int(base ** (exponent + 1)), int(power + 1)],
      nearby: nearInteger(power),
    };
  }
  const root = rng.int(11, 30);
  return {
    title: 'Racine carrée : le terrain d’entraînement',
    question: `Le terrain d'entraînement carré des padawans a une aire de ${root * root} m². Quelle est la longueur de son côté, en mètres ? (C'est la racine carrée de ${root * root}.)`,
    answer: int(root),
    explanation: `${root} × ${root} = ${root * root}, donc √${root * root} = ${root} mètres.`,
    hint: `Cherche le nombre qui, multiplié par lui-même, donne ${root * root}.`,
    mistakes: [int(root + 1), int(root - 1), int((root * root) / 2), int(root * 2)],
    nearby: (step) => (root + step > 0 ? int(root + step) : null),
  };
};

const MAKERS: Record<ExerciseType, Maker> = {
  addition,
  soustraction: subtraction,
  multiplication,
  division,
  fractions,
  geometrie: geometry,
  texte: wordProblem,
  mixte: mixed,
  divers: miscellaneous,
};

const COMPLEXITY: Record<Difficulty, number> = { initie: 1, padawan: 2, chevalier: 3, maitre: 4, grand_maitre: 5 };
const AGE_GROUP: Record<Difficulty, string> = { initie: '8-10', padawan: '10-12', chevalier: '12-13', maitre: '13-15', grand_maitre: '15-17' };

// ---------------------------------------------------------------------------------------------

/** The answer plus distinct plausible mistakes (never another spelling of the answer), shuffled. */
function buildChoices(rng: SeededRandom, type: ExerciseType, draft: Draft): string[] {
  const negativeAllowed = draft.allowNegative === true;
  const seen = new Set([answerKey(type, draft.answer)]);
  const choices = [draft.answer];
  const consider = (candidate: string | null) => {
    if (choices.length >= CHOICE_COUNT || candidate === null) return;
    if (!negativeAllowed && candidate.startsWith('-')) return;
    if (/^-?0(\/|$)/.test(candidate) && draft.answer !== '0') return; // zero is never a plausible slip
    const key = answerKey(type, candidate);
    if (seen.has(key)) return;
    seen.add(key);
    choices.push(candidate);
  };
  for (const mistake of rng.shuffle(draft.mistakes)) consider(mistake);
  for (let step = 1; choices.length < CHOICE_COUNT && step <= 50; step++) {
    const first = rng.chance(0.5) ? step : -step;
    consider(draft.nearby(first));
    consider(draft.nearby(-first));
  }
  return rng.shuffle(choices);
}

/** A new exercise of this type and difficulty; the same seed always gives the same one. */
export function generateExercise({ exercise_type, difficulty, seed }: GenerateInput): GeneratedExercise {
  const rng = new SeededRandom(`${exercise_type}|${difficulty}|${seed ?? randomUUID()}`);
  const draft = MAKERS[exercise_type](rng, difficulty);
  return {
    title: draft.title,
    exercise_type,
    difficulty,
    question: draft.question,
    correct_answer: draft.answer,
    choices: buildChoices(rng, exercise_type, draft),
    explanation: draft.explanation,
    hint: draft.hint,
    tags: `${GENERATED_TAG},${exercise_type},${difficulty}`,
    age_group: AGE_GROUP[difficulty],
    context_theme: 'Star Wars',
    complexity: Math.min(5, COMPLEXITY[difficulty] + (difficulty === 'maitre' && (exercise_type === 'texte' || exercise_type === 'mixte') ? 1 : 0)),
    ai_generated: false,
  };
}

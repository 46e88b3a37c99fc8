// Miscellaneous: sequences, rounding, percentages, squares, powers and roots, least common multiples.
import { type Maker, nearInteger } from './draft.js';
import { gcd, int } from './numbers.js';
import { PLANETS, ofName } from './theme.js';

export const miscellaneous: Maker = (rng, difficulty) => {
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
        hint:
          percent === 50 ? '50 %, c’est la moitié.' : percent === 25 ? '25 %, c’est le quart.' : `${percent} % de ${whole}, c'est ${whole} × ${percent} ÷ 100.`,
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

// Word problems: one step (initié) to three steps with a percentage and a share (grand maître).
import { type Maker, nearInteger } from './draft.js';
import { int, swapDigits } from './numbers.js';
import { HEROES, DROIDS, ITEMS, TEAMS, ofName, count } from './theme.js';

export const wordProblem: Maker = (rng, difficulty) => {
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

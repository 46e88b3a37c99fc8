// Geometry: perimeters, areas, circles and volumes, then Pythagoras and cylinders (grand maître).
import { type Maker, nearInteger } from './draft.js';
import { hundredths, int, swapDigits } from './numbers.js';
import { PLANETS, ofName } from './theme.js';

export const geometry: Maker = (rng, difficulty) => {
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
      const [a0, b0, c0] = rng.pick([
        [3, 4, 5],
        [5, 12, 13],
        [8, 15, 17],
        [7, 24, 25],
        [20, 21, 29],
        [9, 40, 41],
      ] as const);
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

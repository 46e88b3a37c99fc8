// The Star Wars cast, places and things the questions are told with, and French phrasing helpers.

export const HEROES = ['Luke', 'Leia', 'Rey', 'Finn', 'Ahsoka', 'Obi-Wan', 'Maître Yoda', 'Grogu', 'Chewbacca', 'Han Solo', 'Padmé', 'Poe'];
export const DROIDS = ['R2-D2', 'C-3PO', 'BB-8', 'K-2SO', 'R5-D4'];
export const PLANETS = ['Tatooine', 'Dagobah', 'Hoth', 'Coruscant', 'Endor', 'Naboo', 'Jakku', 'Yavin 4', 'Kashyyyk', 'Ilum'];

export interface Noun {
  one: string;
  many: string;
  feminine?: boolean;
}
export const ITEMS: Noun[] = [
  { one: 'cristal kyber', many: 'cristaux kyber' },
  { one: 'droïde', many: 'droïdes' },
  { one: 'vaisseau', many: 'vaisseaux' },
  { one: 'sabre laser', many: 'sabres laser' },
  { one: 'crédit', many: 'crédits' },
  { one: 'pièce détachée', many: 'pièces détachées', feminine: true },
  { one: 'ration de survie', many: 'rations de survie', feminine: true },
  { one: "cellule d'énergie", many: "cellules d'énergie", feminine: true },
];
export const TEAMS: Noun[] = [
  { one: 'padawan', many: 'padawans' },
  { one: 'pilote', many: 'pilotes' },
  { one: 'chevalier Jedi', many: 'chevaliers Jedi' },
  { one: 'vaisseau', many: 'vaisseaux' },
];

/** `de Luke`, `d'Ahsoka`: French elides « de » before a vowel. */
export const ofName = (name: string) => (/^[AEIOUÉ]/.test(name) ? `d'${name}` : `de ${name}`);
export const count = (n: number, noun: Noun) => `${n} ${Math.abs(n) === 1 ? noun.one : noun.many}`;
/** A plural past participle agreeing with the noun: `partagés` / `partagées`. */
export const agreeing = (participle: string, noun: Noun) => `${participle}${noun.feminine ? 'es' : 's'}`;

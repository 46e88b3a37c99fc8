// The answer check of logic challenges, judged like a teacher would: "Bleu"/"bleu.", "doré"/"dore",
// "1/4"/"0,25"/"25 %", "2, 4, 8"/"2 4 8", "une serviette"/"serviette", "8 parsecs"/"8".
import { foldText, parseNumber, sameNumber, type Rational } from '../../domain/answers/content-answers.js';

const LEADING_ARTICLE = /^(?:l'|le |la |les |un |une |des |du |the |a |an )/;
const NUMBER_WITH_UNIT = /^(\S+) [\p{L}' ]+$/u; // "8 parsecs", "12 droides"

/** Folded text (ligatures and full-width signs too), no quotes, no final full stop, no leading article. */
function basicForm(value: string): string {
  return foldText(
    value
      .normalize('NFKC')
      .replace(/[’‘`´]/g, "'")
      .replace(/["«»“”]/g, ' '),
  )
    .replace(/(?<=[\p{L}\d])-(?=[\p{L}\d])/gu, ' ') // "R2-D2" is "r2 d2"
    .replace(/[.!?]+$/, '')
    .trim()
    .replace(LEADING_ARTICLE, '')
    .trim();
}

/** Separators written with or without spaces compare equal: "2, 4, 8" and "2,4,8". */
function compactForm(basic: string): string {
  return basic.replace(/ ?([,;:/]) ?/g, '$1');
}

/** Any number spelling counts here: fractions and percentages too. */
const numberValue = (basic: string): Rational | null => parseNumber(basic, { fractions: true, percent: true });

/** The items of a list answer ("2, 4, 8", "1,5; 2,5", "2 4 8", "48 et 96"), or null when it is not a list. */
function listItems(basic: string): string[] | null {
  const text = basic.replace(/ (?:et|and) /g, ',');
  const separator = text.includes(';') ? ';' : text.includes(',') ? ',' : null;
  const items = (separator ? text.split(separator) : text.split(' ')).map((item) => item.trim()).filter((item) => item !== '');
  if (items.length < 2) return null;
  // Without a separator only numbers make a list: "luke skywalker" is one answer, "2 4 8" three.
  if (!separator && !items.every((item) => numberValue(item) !== null)) return null;
  return items;
}

function sameItem(expected: string, given: string): boolean {
  if (compactForm(expected) === compactForm(given)) return true;
  const a = numberValue(expected);
  const b = numberValue(given);
  return a !== null && b !== null && sameNumber(a, b);
}

/** True when `given` is an acceptable way of writing `expected`. */
export function answersMatch(expected: string, given: string): boolean {
  const want = basicForm(expected);
  const got = basicForm(given);
  if (got === '') return false;
  if (sameItem(want, got)) return true;

  const wantNumber = numberValue(want);
  if (wantNumber !== null) {
    const withUnit = NUMBER_WITH_UNIT.exec(got);
    const gotNumber = withUnit ? numberValue(withUnit[1]) : null;
    if (gotNumber !== null && sameNumber(wantNumber, gotNumber)) return true;
  }

  const wantItems = listItems(want);
  const gotItems = listItems(got);
  return wantItems !== null && gotItems !== null && wantItems.length === gotItems.length && wantItems.every((item, i) => sameItem(item, gotItems[i]));
}

// The server-side answer check for logic challenges. Children type answers in many ways:
// "Bleu", "bleu.", "doré"/"dore", "3,5"/"3.5", "1/4"/"0,25"/"25 %", "2, 4, 8"/"2,4,8"/"2 4 8",
// "une serviette"/"serviette", "8 parsecs"/"8". All of these must be judged like a teacher would.

const LEADING_ARTICLE = /^(?:l'|le |la |les |un |une |des |du |the |a |an )/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$/;
const GROUPED_THOUSANDS = /^[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$/; // "1 000", as French writes it
const FRACTION = /^([+-]?\d+) ?\/ ?(\d+)$/;
const PERCENT = /^(.+?) ?%$/;
const NUMBER_WITH_UNIT = /^(\S+) [\p{L}' ]+$/u; // "8 parsecs", "12 droides"

/** Lowercase, no accents, single spaces, no quotes, no trailing full stop, no leading article. */
function basicForm(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/["«»“”]/g, ' ')
    .replace(/(?<=[\p{L}\d])-(?=[\p{L}\d])/gu, ' ') // "R2-D2" is "r2 d2"
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!?]+$/, '')
    .trim()
    .replace(LEADING_ARTICLE, '')
    .trim();
}

/** Separators written with or without spaces compare equal: "2, 4, 8" and "2,4,8". */
function compactForm(basic: string): string {
  return basic.replace(/ ?([,;:/]) ?/g, '$1');
}

function numberValue(basic: string): number | null {
  if (PLAIN_NUMBER.test(basic)) return Number(basic.replace(',', '.'));
  if (GROUPED_THOUSANDS.test(basic)) return Number(basic.replace(/ /g, '').replace(',', '.'));
  const fraction = FRACTION.exec(basic);
  if (fraction) {
    const denominator = Number(fraction[2]);
    return denominator === 0 ? null : Number(fraction[1]) / denominator;
  }
  const percent = PERCENT.exec(basic);
  if (percent) {
    const value = numberValue(percent[1]);
    return value === null ? null : value / 100;
  }
  return null;
}

function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

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
  return (
    wantItems !== null && gotItems !== null && wantItems.length === gotItems.length && wantItems.every((item, i) => sameItem(item, gotItems[i]))
  );
}

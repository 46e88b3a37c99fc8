// Value conversion for the import: a SQLite value, normalized, is written as COPY text (what is
// loaded) and canonical text (what both sides hash): COPY text as PostgreSQL prints it back, but
// doubles from 2^53 up as their IEEE-754 bits and JSON with sorted keys, no spaces (jsonb reprints).

export type ColumnKind = 'integer' | 'real' | 'boolean' | 'text' | 'timestamp' | 'json';

/** A value that cannot be converted: the row is reported as bad (table, id, column, reason). */
export class BadValueError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BadValueError';
  }
}

export interface JsonValue {
  /** the source text, sent to PostgreSQL as is (jsonb keeps numbers exactly, JSON.stringify would not) */
  text: string;
  canonical: string;
}

// ---------------------------------------------------------------------------------------------
// COPY text format: backslash escapes for the characters PostgreSQL itself escapes on output, so
// the text we send for a value is byte for byte what COPY ... TO prints for it.

export const COPY_NULL = '\\N';
const COPY_SPECIAL = /[\\\t\n\r\b\f\v\0]/;
const COPY_ESCAPED = /[\\\t\n\r\b\f\v]/g;
const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

export function escapeCopyText(value: string): string {
  if (!COPY_SPECIAL.test(value)) return value;
  if (value.includes('\0')) throw new BadValueError('contains a NUL character, which PostgreSQL text cannot store');
  return value.replace(COPY_ESCAPED, (c) => COPY_ESCAPES[c]);
}

const COPY_UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', v: '\v' };

/** The inverse of escapeCopyText for what PostgreSQL's COPY TO prints. */
export function unescapeCopyText(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_, c: string) => COPY_UNESCAPES[c] ?? c);
}

// ---------------------------------------------------------------------------------------------
// Scalars

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function blobAsText(value: Uint8Array): string {
  try {
    return utf8Strict.decode(value);
  } catch {
    throw new BadValueError(`binary value (${value.length} bytes) that is not UTF-8 text`);
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function toInteger(value: unknown): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) n = Number(value);
  else throw new BadValueError(`${describe(value)} is not an integer`);
  if (!Number.isInteger(n)) throw new BadValueError(`${describe(value)} is not an integer`);
  if (n < INT32_MIN || n > INT32_MAX) throw new BadValueError(`${describe(value)} is outside PostgreSQL's integer range`);
  return n;
}

export function toReal(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (!Number.isNaN(n)) return n;
  }
  throw new BadValueError(`${describe(value)} is not a number`);
}

/**
 * A double as PostgreSQL's float8 output prints it (extra_float_digits = 1): the shortest digits
 * that read back to the same double, in plain notation for decimal exponents -4..14 and as
 * d.ddde±XX otherwise. JavaScript finds the same shortest digits; for the magnitudes where
 * PostgreSQL may pick other, longer digits (2^53 and above), see realCanonicalText.
 */
export function realCopyText(n: number): string {
  const magnitude = Math.abs(n);
  if (magnitude >= 1e-4 && magnitude < 1e15) return String(n);
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  if (!Number.isFinite(n)) return String(n); // 'Infinity', '-Infinity', 'NaN': PostgreSQL's spellings too
  const exponential = magnitude.toExponential(); // shortest digits, as 'd.ddde+X'
  const e = exponential.indexOf('e');
  const exponent = Number(exponential.slice(e + 1));
  const digits = `${exponential.slice(0, e)}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return n < 0 ? `-${digits}` : digits;
}

/** Below this magnitude PostgreSQL prints a double exactly as realCopyText does. */
export const REAL_TEXT_EXACT_BELOW = 2 ** 53;

const float64 = new Float64Array(1);
const float64Bytes = new Uint8Array(float64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const BYTE_ORDER = LITTLE_ENDIAN ? [7, 6, 5, 4, 3, 2, 1, 0] : [0, 1, 2, 3, 4, 5, 6, 7];
const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * The double's canonical text: its printed text, except at 2^53 and above (integers), where
 * PostgreSQL's digits can differ from JavaScript's: there its bits in hex, as PostgreSQL's
 * encode(float8send(x), 'hex') prints them.
 */
export function realCanonicalText(n: number): string {
  if (!(Math.abs(n) >= REAL_TEXT_EXACT_BELOW) || !Number.isFinite(n)) return realCopyText(n);
  float64[0] = n;
  let hex = '';
  for (const i of BYTE_ORDER) hex += HEX_BYTES[float64Bytes[i]];
  return hex;
}

const BOOLEAN_WORDS: Record<string, boolean> = { '0': false, '1': true, false: false, true: true, f: false, t: true };

export function toBoolean(value: unknown): boolean {
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === 'bigint' && (value === 0n || value === 1n)) return value === 1n;
  if (typeof value === 'string') {
    const word = BOOLEAN_WORDS[value.trim().toLowerCase()];
    if (word !== undefined) return word;
  }
  throw new BadValueError(`${describe(value)} is not a boolean (0 or 1)`);
}

export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return blobAsText(value);
  throw new BadValueError(`${describe(value)} is not text`);
}

// ---------------------------------------------------------------------------------------------
// Timestamps. Ours: integer milliseconds since the epoch (UTC). Legacy: text as SQLAlchemy and
// SQLite's CURRENT_TIMESTAMP wrote it, 'YYYY-MM-DD HH:MM:SS[.ffffff]', without offset meaning UTC,
// sometimes with 'T', 'Z' or an offset. The result is PostgreSQL's own output for the value
// (TimeZone UTC, DateStyle ISO), microseconds kept.

const MIN_TIMESTAMP_MS = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_TIMESTAMP_MS = Date.parse('9999-12-31T23:59:59.999Z');
const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(?:(Z|UTC)|([+-])(\d{2})(?::?(\d{2}))?)?$/i;
const MS_PER_DAY = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** 'YYYY-MM-DD ' of a day counted from 1970-01-01 (proleptic Gregorian, as both PostgreSQL and JavaScript count). */
function civilDate(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${TWO_DIGITS[month]}-${TWO_DIGITS[dayOfMonth]} `;
}

// consecutive rows are often on the same day
let cachedDay = NaN;
let cachedDate = '';

/** PostgreSQL's text for a UTC instant given as milliseconds plus extra microseconds (0-999). */
export function formatTimestamp(ms: number, extraMicros = 0): string {
  if (!(ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS)) throw new BadValueError(`timestamp ${ms} ms is outside years 1-9999`);
  const day = Math.floor(ms / MS_PER_DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = civilDate(day);
  }
  let rest = ms - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  let micros = (rest - seconds * 1000) * 1000 + extraMicros;
  const time = `${cachedDate}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}`;
  if (micros === 0) return `${time}+00`;
  // PostgreSQL prints the fraction without trailing zeros
  let digits = 6;
  while (micros % 10 === 0) {
    micros /= 10;
    digits--;
  }
  return `${time}.${String(micros).padStart(digits, '0')}+00`;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The digit at `i`, or NaN. */
function digitAt(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/**
 * The common legacy spelling, 'YYYY-MM-DD HH:MM:SS' plus up to six fraction digits and no
 * offset, rewritten without parsing into a Date; undefined for anything else.
 */
function plainDatetimeText(text: string): string | undefined {
  const length = text.length;
  const separator = text.charCodeAt(10);
  if (length < 19 || length === 20 || length > 26) return undefined;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (separator !== 32 && separator !== 84)) return undefined;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || (length > 19 && text.charCodeAt(19) !== 46)) return undefined;
  const year = digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3);
  const month = digitAt(text, 5) * 10 + digitAt(text, 6);
  const day = digitAt(text, 8) * 10 + digitAt(text, 9);
  const hour = digitAt(text, 11) * 10 + digitAt(text, 12);
  const minute = digitAt(text, 14) * 10 + digitAt(text, 15);
  const second = digitAt(text, 17) * 10 + digitAt(text, 18);
  let end = length;
  for (let i = 20; i < length; i++) if (Number.isNaN(digitAt(text, i))) return undefined;
  while (end > 20 && text.charCodeAt(end - 1) === 48) end--;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : DAYS_IN_MONTH[month];
  // NaN fails every comparison below
  if (!(year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= monthDays && hour < 24 && minute < 60 && second < 60)) {
    return undefined;
  }
  const kept = end === 20 ? 19 : end;
  return `${separator === 32 ? text.slice(0, kept) : `${text.slice(0, 10)} ${text.slice(11, kept)}`}+00`;
}

export function parseDatetimeText(text: string): string {
  const plain = plainDatetimeText(text);
  if (plain !== undefined) return plain;
  const m = DATETIME_TEXT.exec(text.trim());
  if (!m) throw new BadValueError(`'${text}' is not a date and time`);
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', utc, sign, offsetHours, offsetMinutes = '0'] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day)); // setUTCFullYear: years 1-99 stay as given
  date.setUTCHours(Number(hour), Number(minute), Number(second), 0);
  const valid =
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60 &&
    Number(offsetHours ?? 0) < 16 &&
    Number(offsetMinutes) < 60;
  if (!valid) throw new BadValueError(`'${text}' is not a valid date and time`);
  // microseconds, the 7th digit and beyond rounded half up
  let micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  if (fraction.length > 6 && fraction[6] >= '5') micros += 1;
  let ms = date.getTime() + Math.floor(micros / 1000);
  if (sign && !utc) ms -= (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return formatTimestamp(ms, micros % 1000);
}

/** A timestamp text of formatTimestamp's shape, its fraction cut to milliseconds (as our SQLite schema stores it). */
export function truncateToMilliseconds(text: string): string {
  const fraction = /\.(\d+)\+00$/.exec(text);
  if (!fraction || fraction[1].length <= 3) return text;
  const kept = fraction[1].slice(0, 3).replace(/0+$/, '');
  return `${text.slice(0, fraction.index)}${kept ? `.${kept}` : ''}+00`;
}

export function toTimestamp(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new BadValueError(`${value} is not a timestamp`);
    const ms = Math.floor(value);
    const micros = Math.round((value - ms) * 1000);
    return micros === 1000 ? formatTimestamp(ms + 1) : formatTimestamp(ms, micros);
  }
  if (typeof value === 'bigint') return toTimestamp(Number(value));
  if (typeof value === 'string') {
    const plain = plainDatetimeText(value);
    if (plain !== undefined) return plain;
    // numeric text in a timestamp column: milliseconds, as our schema stores them
    if (/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return toTimestamp(Number(value));
    return parseDatetimeText(value);
  }
  throw new BadValueError(`${describe(value)} is not a timestamp`);
}

// ---------------------------------------------------------------------------------------------
// JSON: text in SQLite (a number when the legacy column had numeric affinity); JSON 'null' and
// SQL NULL are the same thing and both become NULL.

/** Keys sorted, no spaces; the same text for equal values whatever their spelling. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : String(value); // 1e400 parses to Infinity on both sides
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new Error(`not a JSON value: ${typeof value}`);
  }
}

const UNSTORABLE_IN_JSONB = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function findUnstorableString(value: unknown): string | undefined {
  if (typeof value === 'string') return UNSTORABLE_IN_JSONB.test(value) ? value : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findUnstorableString(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = UNSTORABLE_IN_JSONB.test(key) ? key : findUnstorableString(item);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** null for SQL NULL and for JSON null. */
export function toJson(value: unknown): JsonValue | null {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new BadValueError(`${value} is not JSON`);
    text = String(value);
  } else if (value instanceof Uint8Array) text = blobAsText(value);
  else throw new BadValueError(`${describe(value)} is not JSON text`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadValueError(`invalid JSON (${(error as Error).message}): ${preview(text)}`);
  }
  if (parsed === null) return null;
  // jsonb refuses \u0000 and unpaired surrogates; only \u escapes can produce them
  if (text.includes('\\u') && findUnstorableString(parsed) !== undefined) {
    throw new BadValueError('JSON string holds \\u0000 or an unpaired surrogate, which PostgreSQL jsonb cannot store');
  }
  return { text: text.trim(), canonical: canonicalJson(parsed) };
}

// ---------------------------------------------------------------------------------------------

function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return preview(value);
  if (value instanceof Uint8Array) return `binary value (${value.length} bytes)`;
  return String(value);
}

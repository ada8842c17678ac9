/**
 * An instrument's row id in the full-text index packs the values the catalogue facets on, so
 * that counting facets over tens of thousands of matches reads only the index, never the table.
 *
 * Layout, high to low (52 bits, a safe JS integer):
 *   run status rank (3) · sharing mode rank (2) · instrument id (38) · top category (4) · city (5)
 * Ordering by key therefore ranks working, externally shared instruments first: the relevance prior.
 */
const CITY = 2 ** 5;
const CATEGORY = 2 ** 4;
const ID = 2 ** 38;
const MODE = 2 ** 2;
const STATUS = 2 ** 3;

export const MAX_INSTRUMENT_ID = ID - 1;

export interface SearchKeyParts {
  statusRank: number; // 0..7
  modeRank: number; // 0..3
  id: number; // 1..2^38-1
  categoryOrdinal: number; // 0..15
  cityOrdinal: number; // 0..31
}

function check(name: string, value: number, size: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= size) {
    throw new RangeError(`${name} ${value} does not fit in the search key`);
  }
}

export function encodeSearchKey(p: SearchKeyParts): number {
  check('status rank', p.statusRank, STATUS);
  check('mode rank', p.modeRank, MODE);
  check('instrument id', p.id, ID);
  check('category ordinal', p.categoryOrdinal, CATEGORY);
  check('city ordinal', p.cityOrdinal, CITY);
  return (((p.statusRank * MODE + p.modeRank) * ID + p.id) * CATEGORY + p.categoryOrdinal) * CITY + p.cityOrdinal;
}

export function decodeSearchKey(key: number): SearchKeyParts {
  const cityOrdinal = key % CITY;
  const rest1 = (key - cityOrdinal) / CITY;
  const categoryOrdinal = rest1 % CATEGORY;
  const rest2 = (rest1 - categoryOrdinal) / CATEGORY;
  const id = rest2 % ID;
  const rest3 = (rest2 - id) / ID;
  return { statusRank: Math.floor(rest3 / MODE), modeRank: rest3 % MODE, id, categoryOrdinal, cityOrdinal };
}

/**
 * The facet fields alone, for the hot counting loop (up to 250,000 keys a query). Keys are above
 * 2^32, where `%` and Math.floor on doubles are slow; the low 32 bits (`>>> 0`, exact for integers
 * below 2^53) hold city and category, and the key over 2^32 (exact: a power of two) the mode:
 * bit operations on those take a fifth of the time.
 */
const LOW_WORD = 2 ** 32;
const MODE_SHIFT = Math.log2(CITY * CATEGORY * ID) - 32;
export const keyCityOrdinal = (key: number) => (key >>> 0) & (CITY - 1);
export const keyCategoryOrdinal = (key: number) => ((key >>> 0) >>> Math.log2(CITY)) & (CATEGORY - 1);
export const keyModeRank = (key: number) => ((key / LOW_WORD) >>> MODE_SHIFT) & (MODE - 1);
export const keyInstrumentId = (key: number) => Math.floor(key / (CITY * CATEGORY)) % ID;

/**
 * The search keys of a list written as one text, "12,34,…" (the count statements' group_concat /
 * string_agg), in the order written. Reading 200,000 matches as rows cost ~0.18 µs each in the
 * driver, more than FTS5 took to find them; one text and this loop, well under half of that. Keys are
 * integers below 2^53, so the digits accumulate exactly in a double.
 */
export function parseKeyList(text: string | null): Float64Array {
  if (!text) return new Float64Array(0);
  let count = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 44 /* , */) count++;
  const keys = new Float64Array(count);
  let n = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c === 44) {
      keys[n++] = value;
      value = 0;
    } else if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else throw new Error(`not a list of search keys: ${text.slice(Math.max(0, i - 20), i + 20)}`);
  }
  return keys;
}

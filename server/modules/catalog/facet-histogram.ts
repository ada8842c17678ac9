/**
 * Facet counting over packed search keys. A histogram has one cell per (city, top category,
 * sharing mode) triple; one pass over the matching keys fills it, and every facet — each
 * ignoring its own filter (disjunctive faceting) — and the total are read off its 2,048 cells.
 */
import { keyCategoryOrdinal, keyCityOrdinal, keyModeRank } from './search-key.ts';

export const CELLS = 32 * 16 * 4;

export const cellOf = (cityOrdinal: number, categoryOrdinal: number, modeRank: number) =>
  cityOrdinal | (categoryOrdinal << 5) | (modeRank << 9);

export function histogramOfKeys(keys: ArrayLike<number> & Iterable<number>): Int32Array {
  const h = new Int32Array(CELLS);
  for (const key of keys) h[cellOf(keyCityOrdinal(key), keyCategoryOrdinal(key), keyModeRank(key))]!++;
  return h;
}

/** Facet values the user filtered on; undefined = not filtered. */
export interface FacetSelection {
  cityOrdinal?: number;
  categoryOrdinal?: number;
  modeRank?: number;
}

export interface FacetCounts {
  total: number;
  byCity: number[]; // by city ordinal
  byCategory: number[]; // by top-level category ordinal
  byMode: number[]; // by sharing mode rank
}

export function summarise(h: Int32Array, sel: FacetSelection): FacetCounts {
  const out: FacetCounts = {
    total: 0,
    byCity: new Array<number>(32).fill(0),
    byCategory: new Array<number>(16).fill(0),
    byMode: new Array<number>(4).fill(0),
  };
  for (let cell = 0; cell < CELLS; cell++) {
    const n = h[cell]!;
    if (!n) continue;
    const city = cell & 31;
    const category = (cell >> 5) & 15;
    const mode = cell >> 9;
    const okCity = sel.cityOrdinal === undefined || city === sel.cityOrdinal;
    const okCategory = sel.categoryOrdinal === undefined || category === sel.categoryOrdinal;
    const okMode = sel.modeRank === undefined || mode === sel.modeRank;
    if (okCity && okCategory && okMode) out.total += n;
    if (okCategory && okMode) out.byCity[city]! += n;
    if (okCity && okMode) out.byCategory[category]! += n;
    if (okCity && okCategory) out.byMode[mode]! += n;
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import { cellOf, histogramOfKeys, summarise } from '../../server/modules/catalog/facet-histogram.ts';
import { encodeSearchKey } from '../../server/modules/catalog/search-key.ts';

const key = (id: number, cityOrdinal: number, categoryOrdinal: number, modeRank: number) =>
  encodeSearchKey({ statusRank: id % 7, modeRank, id, categoryOrdinal, cityOrdinal });

// Five instruments: (city, category, mode)
const keys = [key(1, 1, 0, 0), key(2, 1, 1, 0), key(3, 2, 0, 1), key(4, 2, 0, 0), key(5, 3, 1, 2)];

describe('facet histogram', () => {
  it('puts each key in its (city, category, mode) cell', () => {
    const h = histogramOfKeys(keys);
    expect(h[cellOf(2, 0, 0)]).toBe(1);
    expect(h[cellOf(1, 0, 0)]).toBe(1);
    expect(h.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('counts everything when nothing is selected', () => {
    const c = summarise(histogramOfKeys(keys), {});
    expect(c.total).toBe(5);
    expect(c.byCity.slice(0, 4)).toEqual([0, 2, 2, 1]);
    expect(c.byCategory.slice(0, 2)).toEqual([3, 2]);
    expect(c.byMode.slice(0, 3)).toEqual([3, 1, 1]);
  });

  it('applies every filter to the total, and all but its own to each facet', () => {
    const c = summarise(histogramOfKeys(keys), { cityOrdinal: 2, modeRank: 0 });
    expect(c.total).toBe(1); // instrument 4
    expect(c.byCity.slice(0, 4)).toEqual([0, 2, 1, 0]); // mode 0 only: 1, 2 in city 1; 4 in city 2
    expect(c.byCategory.slice(0, 2)).toEqual([1, 0]); // city 2 and mode 0: instrument 4
    expect(c.byMode.slice(0, 3)).toEqual([1, 1, 0]); // city 2: instruments 3 (mode 1) and 4 (mode 0)
  });
});

import { describe, expect, it } from 'vitest';
import {
  MAX_INSTRUMENT_ID,
  decodeSearchKey,
  encodeSearchKey,
  keyCategoryOrdinal,
  keyCityOrdinal,
  keyInstrumentId,
  keyModeRank,
  parseKeyList,
} from '../../server/modules/catalog/search-key.ts';

describe('search keys', () => {
  it('round-trips every field, up to the largest id', () => {
    const parts = { statusRank: 6, modeRank: 2, id: MAX_INSTRUMENT_ID, categoryOrdinal: 15, cityOrdinal: 31 };
    const key = encodeSearchKey(parts);
    expect(Number.isSafeInteger(key)).toBe(true);
    expect(decodeSearchKey(key)).toEqual(parts);
    expect(keyInstrumentId(key)).toBe(MAX_INSTRUMENT_ID);
    expect(keyCityOrdinal(key)).toBe(31);
    expect(keyCategoryOrdinal(key)).toBe(15);
    expect(keyModeRank(key)).toBe(2);
  });

  it('reads the facet fields off any key as the full decoding does (keys above 2^32 and up to 2^52)', () => {
    const ids = [1, 2 ** 23 - 1, 2 ** 23, 123_456_789, 2 ** 37 + 12_345, MAX_INSTRUMENT_ID];
    for (let statusRank = 0; statusRank < 8; statusRank++)
      for (let modeRank = 0; modeRank < 4; modeRank++)
        for (const id of ids)
          for (let categoryOrdinal = 0; categoryOrdinal < 16; categoryOrdinal += 5)
            for (let cityOrdinal = 0; cityOrdinal < 32; cityOrdinal += 7) {
              const key = encodeSearchKey({ statusRank, modeRank, id, categoryOrdinal, cityOrdinal });
              expect([keyCityOrdinal(key), keyCategoryOrdinal(key), keyModeRank(key)]).toEqual([
                cityOrdinal,
                categoryOrdinal,
                modeRank,
              ]);
            }
  });

  it('orders working, externally shared instruments first, then by id', () => {
    const key = (statusRank: number, modeRank: number, id: number) =>
      encodeSearchKey({ statusRank, modeRank, id, categoryOrdinal: 3, cityOrdinal: 4 });
    expect(key(0, 0, 999)).toBeLessThan(key(0, 1, 1));
    expect(key(0, 2, 999)).toBeLessThan(key(1, 0, 1));
    expect(key(0, 0, 1)).toBeLessThan(key(0, 0, 2));
  });

  it('refuses values that do not fit', () => {
    expect(() => encodeSearchKey({ statusRank: 8, modeRank: 0, id: 1, categoryOrdinal: 0, cityOrdinal: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeSearchKey({ statusRank: 0, modeRank: 0, id: MAX_INSTRUMENT_ID + 1, categoryOrdinal: 0, cityOrdinal: 0 }),
    ).toThrow(RangeError);
    expect(() => encodeSearchKey({ statusRank: 0, modeRank: 0, id: 1.5, categoryOrdinal: 0, cityOrdinal: 0 })).toThrow(
      RangeError,
    );
  });

  it('reads a list of keys written as one text, up to the largest key, in the order written', () => {
    const largest = encodeSearchKey({
      statusRank: 7,
      modeRank: 3,
      id: MAX_INSTRUMENT_ID,
      categoryOrdinal: 15,
      cityOrdinal: 31,
    });
    expect(largest).toBeGreaterThan(2 ** 51);
    const keys = [0, 7, 2 ** 32 + 5, largest, 12];
    expect(Array.from(parseKeyList(keys.join(',')))).toEqual(keys);
    expect(parseKeyList(null)).toHaveLength(0);
    expect(parseKeyList('')).toHaveLength(0);
    expect(Array.from(parseKeyList('42'))).toEqual([42]);
    expect(() => parseKeyList('1,-2')).toThrow(/not a list of search keys/);
  });
});

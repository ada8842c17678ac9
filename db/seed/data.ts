/**
 * The design data files, copied into the repository (the app never reads ../shared at run time).
 * Typed views over the JSON, so a change of shape fails the type check rather than the seed.
 */
import citiesJson from './data/cities.json' with { type: 'json' };
import holidaysJson from './data/holidays-cn-2026.json' with { type: 'json' };
import taxonomyJson from './data/taxonomy.json' with { type: 'json' };
import vocabularyJson from './data/instrument-vocabulary.json' with { type: 'json' };

export interface CityEntry {
  name: string;
  en: string;
  voucherRatioPercent: number;
}

export interface TaxonomyNode {
  code: string;
  name: string;
  children?: TaxonomyNode[];
}

export interface ManufacturerEntry {
  zh: string;
  country: string;
}

/** Ranges are [low, high]; rates in fen, keyed perHour / perSample. */
export interface VocabularyInstrument {
  code: string;
  nameZh: string;
  nameEn: string;
  manufacturers: string[];
  models: string[];
  originalValueYuan: [number, number];
  externalRateFen: { perHour?: [number, number]; perSample?: [number, number] };
}

export interface Vocabulary {
  manufacturers: Record<string, ManufacturerEntry>;
  instruments: VocabularyInstrument[];
  institutions: { universities: string[]; institutes: string[]; centres: string[] };
}

export interface HolidayEntry {
  nameZh: string;
  nameEn: string;
  offDays: string[];
  makeUpWorkdays: string[];
}

export const cityData: { province: string; cities: CityEntry[] } = citiesJson;
export const taxonomyData: { categories: TaxonomyNode[] } = taxonomyJson;
function pair(v: number[] | undefined, what: string): [number, number] {
  if (!v || v.length !== 2 || !v.every(Number.isInteger) || v[0]! > v[1]!) throw new Error(`bad range ${what}`);
  return [v[0]!, v[1]!];
}

export const vocabulary: Vocabulary = {
  manufacturers: vocabularyJson.manufacturers,
  institutions: vocabularyJson.institutions,
  instruments: vocabularyJson.instruments.map((t) => {
    const { perHour, perSample } = t.externalRateFen as { perHour?: number[]; perSample?: number[] };
    return {
      ...t,
      originalValueYuan: pair(t.originalValueYuan, `${t.code} value`),
      externalRateFen: {
        ...(perHour && { perHour: pair(perHour, `${t.code} perHour`) }),
        ...(perSample && { perSample: pair(perSample, `${t.code} perSample`) }),
      },
    };
  }),
};
export const holidays2026: { year: number; holidays: HolidayEntry[] } = holidaysJson;

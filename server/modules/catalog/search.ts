/**
 * Catalogue search: the text and filters of a query, its page in relevance order (name and model
 * matches first) or by a column (price, value, newest) behind an opaque cursor, the total and the
 * facet counts (one pass over the matches, read off a histogram of their keys), all on one snapshot.
 */
import { catalogSorts, sharingModes } from '../../../db/schema/index.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { badRequest } from '../../shared/errors.ts';
import { z } from 'zod';
import type { Facets, SearchQuery, SearchResult } from './catalog.schemas.ts';
import type { ColumnSort, SearchFilters, TextTier } from './catalog.repo.ts';
import { toSummary, type CatalogContext, type Reading, type Reference } from './context.ts';
import type { Counted } from './count-cache.ts';
import { CELLS, cellOf, histogramOfKeys, summarise, type FacetCounts } from './facet-histogram.ts';
import { keyCategoryOrdinal, keyCityOrdinal, keyInstrumentId, keyModeRank } from './search-key.ts';
import { matchExpression } from './search-text.ts';

const cursorSchema = z.union([
  z.object({ s: z.literal('relevance'), t: z.union([z.literal(0), z.literal(1)]), k: z.number().int().min(0) }),
  z.object({ s: z.enum(catalogSorts), v: z.number().int(), id: z.number().int().min(0) }),
]);

interface FacetPass {
  counts: FacetCounts;
  /** Every match of the text alone, in key order, when the query is text plus facet filters. */
  textKeys: Float64Array | null;
}

/** A search's reading: its snapshot, and the catalogue's version and stamp read on it. */
interface SearchReading extends Reading {
  stamp: CatalogStamp;
}

/**
 * What a public catalogue answer is made of, as of a snapshot: the catalogue's version (every change
 * to an instrument moves it) and the latest change to an organisation (institution names are shown).
 */
export interface CatalogStamp {
  version: number;
  organisations: number;
}

/** The filters that decide a counted set, in a fixed order: the count cache's key. */
const countKey = (f: SearchFilters) =>
  JSON.stringify([
    f.text,
    f.cityCode,
    f.categoryCode,
    f.institutionId,
    f.status,
    f.sharingMode,
    f.minPriceFen,
    f.maxPriceFen,
    f.minValueFen,
  ]);

const SCANNABLE_SORTS = new Set<ColumnSort>(['price_asc', 'price_desc', 'value_asc', 'value_desc']);
const SCAN_CHUNK = 512;
/**
 * Walking the sort index costs ~1.6× per row what sorting the counted keys costs per key (1.4 µs
 * against 0.9 µs at 10⁶ instruments): a walk longer than matches ÷ 1.6 rows is dearer than the sort.
 */
const WALK_ROW_VS_SORT_KEY = 1.6;
/**
 * How far past the rows an even spread of the matches would need (`want × universe ÷ matches`) a walk
 * may go. Matches of one kind of instrument cluster in price (every HPLC costs more than the cheap end
 * of the list), and a walk that has not met them by then is not going to soon.
 */
const WALK_SLACK = 4;

const constrained = (f: SearchFilters) => Object.values(f).some((v) => v !== undefined && v !== null);

/** Binary search in ascending keys (FTS returns rowids in order). */
function sortedIncludes(keys: ArrayLike<number>, key: number): boolean {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid]!;
    if (k === key) return true;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Rows a walk of the sort index may read to find `want` of `matches` among `universe` rows before
 * sorting the matches takes over (0: sort at once). See WALK_ROW_VS_SORT_KEY and WALK_SLACK.
 */
export function walkBudget(want: number, universe: number, matches: number): number {
  if (matches <= 0) return 0;
  const evenSpread = (want * universe) / matches;
  const sortCost = matches / WALK_ROW_VS_SORT_KEY;
  return evenSpread < sortCost ? Math.min(WALK_SLACK * evenSpread, sortCost) : 0;
}

export class CatalogSearch {
  constructor(private readonly ctx: CatalogContext) {}

  async search(query: SearchQuery): Promise<SearchResult> {
    return (await this.searchStamped(query)).result;
  }

  /** The catalogue's stamp alone (one statement: a snapshot of its own), what a conditional request is checked against. */
  stamp(): Promise<CatalogStamp> {
    return this.ctx.repo.catalogStamp();
  }

  /** A search and the stamp of the snapshot it ran on (null: answered without reading the catalogue). */
  async searchStamped(query: SearchQuery): Promise<{ result: SearchResult; stamp: CatalogStamp | null }> {
    const ref = await this.ctx.ref();
    if (query.category && !ref.categoryByCode.has(query.category)) {
      throw badRequest('unknown category', [{ path: 'category', message: `no category ${query.category}` }]);
    }
    if (query.city && !ref.cityByCode.has(query.city)) {
      throw badRequest('unknown city', [{ path: 'city', message: `no city ${query.city}` }]);
    }
    const include = new Set(query.include.split(','));
    const text = query.q ? matchExpression(query.q) : null;
    if (query.q && !text) {
      // Nothing searchable in the query (only punctuation, say): nothing matches.
      const result = {
        items: [],
        nextCursor: null,
        total: include.has('total') ? 0 : null,
        facets: include.has('facets') ? this.facets(ref, null) : null,
      };
      return { result, stamp: null };
    }
    const filters: SearchFilters = {
      text,
      cityCode: query.city,
      categoryCode: query.category,
      institutionId: query.institutionId,
      status: query.status,
      sharingMode: query.sharingMode,
      minPriceFen: query.minPriceFen,
      maxPriceFen: query.maxPriceFen,
      minValueFen: query.minValueFen,
      cityOrdinal: query.city ? ref.cityByCode.get(query.city)!.ordinal : undefined,
      topCategoryOrdinal: query.category?.endsWith('0000')
        ? (ref.categoryByCode.get(query.category)!.ordinal ?? undefined)
        : undefined,
      modeRank: query.sharingMode ? sharingModes.indexOf(query.sharingMode) : undefined,
    };
    const cursor = query.cursor ? decodeCursor(query.cursor, cursorSchema) : null;
    if (cursor && cursor.s !== query.sort) {
      throw badRequest('cursor belongs to another sort', [{ path: 'cursor', message: `issued for sort=${cursor.s}` }]);
    }
    // One snapshot for the whole search, as when it ran without yielding: the counted keys, the page
    // walked against them and the summaries are of the same catalogue.
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const r: SearchReading = { repo, ref, stamp: await repo.beginSearch() };
      // Count first: the pass over every match also tells the page which strategy is cheaper.
      const pass = include.has('total') || include.has('facets') ? await this.facetPass(r, filters) : null;
      const { ids, next } =
        query.sort === 'relevance'
          ? await this.relevancePage(r, filters, cursor && 't' in cursor ? cursor : null, query.limit)
          : await this.columnPage(r, filters, query.sort, cursor && 'v' in cursor ? cursor : null, query.limit, pass);
      const items = (await r.repo.summaries(ids)).map(toSummary);
      const total = pass && include.has('total') ? pass.counts.total : null;
      const facets = pass && include.has('facets') ? this.facets(ref, pass.counts) : null;
      return { result: { items, nextCursor: next, total, facets }, stamp: r.stamp };
    });
  }

  private async relevancePage(r: Reading, f: SearchFilters, cursor: { t: 0 | 1; k: number } | null, limit: number) {
    // With text, name/model matches (tier 0) come before matches elsewhere (tier 1).
    const tiers: TextTier[] = f.text ? ['title', 'not_title'] : ['any'];
    const found: { tier: 0 | 1; key: number }[] = [];
    for (let t = cursor?.t ?? 0; t < tiers.length && found.length <= limit; t++) {
      const after = cursor && t === cursor.t ? cursor.k : 0;
      const keys = await r.repo.keyOrderedPage(f, tiers[t]!, after, limit + 1 - found.length);
      for (const key of keys) found.push({ tier: t as 0 | 1, key });
    }
    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    return {
      ids: page.map((p) => keyInstrumentId(p.key)),
      next: found.length > limit && last ? encodeCursor({ s: 'relevance', t: last.tier, k: last.key }) : null,
    };
  }

  private async columnPage(
    r: SearchReading,
    f: SearchFilters,
    sort: ColumnSort,
    cursor: { v: number; id: number } | null,
    limit: number,
    pass: FacetPass | null,
  ) {
    const after = cursor ? { value: cursor.v, id: cursor.id } : null;
    // The first strategy that answers: walk the sort index, sort the counted keys, or join.
    const walk = pass ? await this.walkBudget(r, f, sort, pass, limit) : 0;
    let rows = walk > 0 ? await this.scanPage(r, f, sort, after, limit + 1, pass!, walk) : null;
    if (!rows && pass?.textKeys)
      rows = await r.repo.columnOrderedPageOfKeys(this.matchingFacets(f, pass.textKeys), sort, after, limit + 1);
    rows ??= await r.repo.columnOrderedPage(f, sort, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      ids: page.map((row) => row.id),
      next: rows.length > limit && last ? encodeCursor({ s: sort, v: last.value, id: last.id }) : null,
    };
  }

  /** The counted text matches that also pass the facet filters, read off their key bits. */
  private matchingFacets(f: SearchFilters, keys: Float64Array): number[] {
    const out: number[] = [];
    for (const k of keys) {
      if (f.cityOrdinal !== undefined && keyCityOrdinal(k) !== f.cityOrdinal) continue;
      if (f.topCategoryOrdinal !== undefined && keyCategoryOrdinal(k) !== f.topCategoryOrdinal) continue;
      if (f.modeRank !== undefined && keyModeRank(k) !== f.modeRank) continue;
      out.push(k);
    }
    return out;
  }

  /**
   * A broad text query sorted by price sorts every match (50,000 for 液相色谱). When the matches are
   * already known from counting, walking the price index and keeping the rows whose key is among
   * them reads about limit ÷ selectivity rows instead. How many rows the walk may read before the
   * sort takes over (0: sort at once): enough for an even spread of the matches with room to spare,
   * never more than would cost what the sort costs — so a walk that meets a cluster gives up early.
   */
  private async walkBudget(
    r: SearchReading,
    f: SearchFilters,
    sort: ColumnSort,
    pass: FacetPass,
    limit: number,
  ): Promise<number> {
    const matches = pass.counts.total;
    if (!pass.textKeys || !SCANNABLE_SORTS.has(sort) || matches === 0) return 0;
    const universe = summarise(await this.histogram(r, { text: null }), {
      cityOrdinal: f.cityOrdinal,
      categoryOrdinal: f.topCategoryOrdinal,
      modeRank: f.modeRank,
    }).total;
    return walkBudget(limit + 1, universe, matches);
  }

  /**
   * Walks the sort index in chunks, keeping the rows whose key is a text match, until it has `want`
   * or has read `budget` rows (null: the caller sorts the counted keys instead).
   */
  private async scanPage(
    r: Reading,
    f: SearchFilters,
    sort: ColumnSort,
    after: { value: number; id: number } | null,
    want: number,
    pass: FacetPass,
    budget: number,
  ): Promise<{ id: number; value: number }[] | null> {
    const keys = pass.textKeys!;
    const rows: { id: number; value: number }[] = [];
    let position = after;
    while (budget > 0) {
      const chunk = await r.repo.columnOrderChunk(sort, f.cityCode ?? null, position, SCAN_CHUNK);
      for (const row of chunk) {
        if (f.topCategoryOrdinal !== undefined && keyCategoryOrdinal(row.key) !== f.topCategoryOrdinal) continue;
        if (f.modeRank !== undefined && keyModeRank(row.key) !== f.modeRank) continue;
        if (!sortedIncludes(keys, row.key)) continue;
        rows.push({ id: row.id, value: row.value });
        if (rows.length >= want) return rows;
      }
      if (chunk.length < SCAN_CHUNK) return rows; // reached the end of the list
      const last = chunk[chunk.length - 1]!;
      position = { value: last.value, id: last.id };
      budget -= chunk.length;
    }
    return null;
  }

  /**
   * Total and disjunctive facet counts. The facet filters (city, top category, sharing mode) are
   * applied to the histogram, not the query, so one pass over the matches answers them all.
   */
  private async facetPass(r: SearchReading, f: SearchFilters): Promise<FacetPass> {
    const rest: SearchFilters = {
      ...f,
      cityCode: undefined,
      cityOrdinal: undefined,
      sharingMode: undefined,
      modeRank: undefined,
      ...(f.topCategoryOrdinal !== undefined && { categoryCode: undefined, topCategoryOrdinal: undefined }),
    };
    const { histogram, keys } = await this.count(r, rest);
    const selection = { cityOrdinal: f.cityOrdinal, categoryOrdinal: f.topCategoryOrdinal, modeRank: f.modeRank };
    const counts = summarise(histogram, selection);
    if (rest.categoryCode) {
      // A second- or third-level category filter is in the query itself; the category facet
      // still has to ignore it, so it needs a pass without it.
      const wider = summarise(await this.histogram(r, { ...rest, categoryCode: undefined }), {
        ...selection,
        categoryOrdinal: undefined,
      });
      counts.byCategory = wider.byCategory;
    }
    return { counts, textKeys: keys };
  }

  private async histogram(r: SearchReading, f: SearchFilters): Promise<Int32Array> {
    return (await this.count(r, f)).histogram;
  }

  /**
   * The matches of some filters counted into a histogram (and, for text alone, listed), cached per
   * filters and version (count-cache.ts); the whole catalogue's comes from its GROUP BY, memoised.
   */
  private async count(r: SearchReading, f: SearchFilters): Promise<Counted> {
    const version = r.stamp.version;
    if (!constrained(f)) {
      const histogram = await this.ctx.cached(
        r.repo,
        'histogram:everything',
        () => this.histogramOfEverything(r),
        version,
      );
      return { histogram, keys: null };
    }
    const textOnly = f.text !== null && Object.entries(f).every(([k, v]) => k === 'text' || v === undefined);
    return this.ctx.counted(version, countKey(f), async () => {
      const keys = await r.repo.matchingKeys(f);
      return { histogram: histogramOfKeys(keys), keys: textOnly ? keys : null };
    });
  }

  private async histogramOfEverything({ repo, ref }: Reading): Promise<Int32Array> {
    const h = new Int32Array(CELLS);
    for (const row of await repo.facetRowsOfEverything()) {
      const city = ref.cityByCode.get(row.cityCode)?.ordinal ?? 0;
      const category = ref.categoryByCode.get(`${row.topCategory}0000`)?.ordinal ?? 0;
      h[cellOf(city, category, sharingModes.indexOf(row.sharingMode))]! += row.n;
    }
    return h;
  }

  private facets(ref: Reference, counts: FacetCounts | null): Facets {
    const byCount = <T extends { code: string; count: number }>(a: T, b: T) =>
      b.count - a.count || a.code.localeCompare(b.code);
    return {
      categories: [...ref.topByOrdinal.values()]
        .map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn, count: counts?.byCategory[c.ordinal!] ?? 0 }))
        .sort(byCount),
      cities: ref.cities
        .map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn, count: counts?.byCity[c.ordinal] ?? 0 }))
        .sort(byCount),
      sharingModes: sharingModes.map((value, rank) => ({ value, count: counts?.byMode[rank] ?? 0 })),
    };
  }
}

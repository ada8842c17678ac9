import os from 'node:os';
import path from 'node:path';
import { UNPRICED_SORT_FEN, catalogSorts, sharingModes, type PriceUnit } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { VersionedMemo } from '../../shared/memo.ts';
import { FileStore } from '../../shared/files.ts';
import { namedFields } from '../../shared/patch.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import { z } from 'zod';
import {
  type CategoryNode,
  type Facets,
  type InstrumentDetail,
  type InstrumentInput,
  type InstrumentPatch,
  type InstrumentSummary,
  type RateCard,
  type SearchQuery,
  type SearchResult,
} from './catalog.schemas.ts';
import type { CatalogRepo, ColumnSort, SearchFilters, SummaryRow, TextTier } from './catalog.repo.ts';
import { CELLS, cellOf, histogramOfKeys, summarise, type FacetCounts } from './facet-histogram.ts';
import { InstrumentPhotos } from './photos.ts';
import { keyCategoryOrdinal, keyCityOrdinal, keyInstrumentId, keyModeRank } from './search-key.ts';
import { searchDocument } from './search-index.ts';
import { matchExpression } from './search-text.ts';

const cursorSchema = z.union([
  z.object({ s: z.literal('relevance'), t: z.union([z.literal(0), z.literal(1)]), k: z.number().int().min(0) }),
  z.object({ s: z.enum(catalogSorts), v: z.number().int(), id: z.number().int().min(0) }),
]);

interface FacetPass {
  counts: FacetCounts;
  /** Every match of the text alone, in key order, when the query is text plus facet filters. */
  textKeys: number[] | null;
}

const SCANNABLE_SORTS = new Set<ColumnSort>(['price_asc', 'price_desc', 'value_asc', 'value_desc']);
const SCAN_CHUNK = 512;

const constrained = (f: SearchFilters) => Object.values(f).some((v) => v !== undefined && v !== null);

/** Binary search in ascending keys (FTS returns rowids in order). */
function sortedIncludes(keys: readonly number[], key: number): boolean {
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

/** Lowest enterprise price of a rate card: the catalogue's "from ¥X per hour/sample". */
export function listPrice(items: RateCard['items']): { fen: number; unit: PriceUnit } | null {
  let best: { fen: number; unit: PriceUnit } | null = null;
  for (const item of items)
    if (!best || item.enterpriseFen < best.fen) best = { fen: item.enterpriseFen, unit: item.unit };
  return best;
}

export class CatalogService {
  private readonly memo = new VersionedMemo<unknown>();
  private reference: ReturnType<CatalogService['loadReference']> | null = null;
  /** Uploaded photos and the hosts photo addresses may point at. */
  readonly photos: InstrumentPhotos;

  constructor(
    private readonly repo: CatalogRepo,
    private readonly clock: Clock,
    options: { fileDir?: string; photoHosts?: readonly string[] } = {},
  ) {
    const files = new FileStore(options.fileDir ?? path.join(os.tmpdir(), 'isp-files'));
    this.photos = new InstrumentPhotos(repo, files, clock, options.photoHosts ?? []);
  }

  private loadReference() {
    const cities = this.repo.allCities();
    const categories = this.repo.allCategories();
    return {
      cities,
      cityByCode: new Map(cities.map((c) => [c.code, c])),
      cityByOrdinal: new Map(cities.map((c) => [c.ordinal, c])),
      categories,
      categoryByCode: new Map(categories.map((c) => [c.code, c])),
      topByOrdinal: new Map(categories.filter((c) => c.level === 1).map((c) => [c.ordinal!, c])),
    };
  }

  /** Cities and the taxonomy never change while the server runs; read them once. */
  private ref() {
    if (!this.reference || !this.reference.cities.length) this.reference = this.loadReference();
    return this.reference;
  }

  private cached<T>(key: string, compute: () => T): T {
    return this.memo.get(key, this.repo.catalogVersion(), compute) as T;
  }

  // Search

  search(query: SearchQuery): SearchResult {
    const ref = this.ref();
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
      return {
        items: [],
        nextCursor: null,
        total: include.has('total') ? 0 : null,
        facets: include.has('facets') ? this.facets(null) : null,
      };
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
    // Count first: the pass over every match also tells the page which strategy is cheaper.
    const pass = include.has('total') || include.has('facets') ? this.facetPass(filters) : null;
    const { ids, next } =
      query.sort === 'relevance'
        ? this.relevancePage(filters, cursor && 't' in cursor ? cursor : null, query.limit)
        : this.columnPage(filters, query.sort, cursor && 'v' in cursor ? cursor : null, query.limit, pass);
    const items = this.repo.summaries(ids).map(toSummary);
    const total = pass && include.has('total') ? pass.counts.total : null;
    const facets = pass && include.has('facets') ? this.facets(pass.counts) : null;
    return { items, nextCursor: next, total, facets };
  }

  private relevancePage(f: SearchFilters, cursor: { t: 0 | 1; k: number } | null, limit: number) {
    // With text, name/model matches (tier 0) come before matches elsewhere (tier 1).
    const tiers: TextTier[] = f.text ? ['title', 'not_title'] : ['any'];
    const found: { tier: 0 | 1; key: number }[] = [];
    for (let t = cursor?.t ?? 0; t < tiers.length && found.length <= limit; t++) {
      const after = cursor && t === cursor.t ? cursor.k : 0;
      const keys = this.repo.keyOrderedPage(f, tiers[t]!, after, limit + 1 - found.length);
      for (const key of keys) found.push({ tier: t as 0 | 1, key });
    }
    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    return {
      ids: page.map((p) => keyInstrumentId(p.key)),
      next: found.length > limit && last ? encodeCursor({ s: 'relevance', t: last.tier, k: last.key }) : null,
    };
  }

  private columnPage(
    f: SearchFilters,
    sort: ColumnSort,
    cursor: { v: number; id: number } | null,
    limit: number,
    pass: FacetPass | null,
  ) {
    const after = cursor ? { value: cursor.v, id: cursor.id } : null;
    const rows =
      (pass && this.scanIsCheaper(f, sort, pass, limit) && this.scanPage(f, sort, after, limit + 1, pass)) ||
      (pass?.textKeys &&
        this.repo.columnOrderedPageOfKeys(this.matchingFacets(f, pass.textKeys), sort, after, limit + 1)) ||
      this.repo.columnOrderedPage(f, sort, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      ids: page.map((r) => r.id),
      next: rows.length > limit && last ? encodeCursor({ s: sort, v: last.value, id: last.id }) : null,
    };
  }

  /** The counted text matches that also pass the facet filters, read off their key bits. */
  private matchingFacets(f: SearchFilters, keys: readonly number[]): number[] {
    return keys.filter(
      (k) =>
        (f.cityOrdinal === undefined || keyCityOrdinal(k) === f.cityOrdinal) &&
        (f.topCategoryOrdinal === undefined || keyCategoryOrdinal(k) === f.topCategoryOrdinal) &&
        (f.modeRank === undefined || keyModeRank(k) === f.modeRank),
    );
  }

  /**
   * A broad text query sorted by price joins and sorts every match (50,000 rows for 液相色谱). When
   * the matches are already known from counting, walking the price index and keeping the rows
   * whose key is among them reads about limit ÷ selectivity rows instead; take whichever is fewer.
   */
  private scanIsCheaper(f: SearchFilters, sort: ColumnSort, pass: FacetPass, limit: number): boolean {
    if (!pass.textKeys || !SCANNABLE_SORTS.has(sort)) return false;
    const universe = summarise(this.histogram({ text: null }), {
      cityOrdinal: f.cityOrdinal,
      categoryOrdinal: f.topCategoryOrdinal,
      modeRank: f.modeRank,
    }).total;
    const matches = pass.counts.total;
    return matches > 0 && ((limit + 1) * universe) / matches < matches;
  }

  /**
   * Walks the sort index in chunks, keeping the rows whose key is a text match. Matches of one kind
   * of instrument cluster in price, so the walk gives up after reading as many rows as a join would
   * (null: the caller joins instead).
   */
  private scanPage(
    f: SearchFilters,
    sort: ColumnSort,
    after: { value: number; id: number } | null,
    want: number,
    pass: FacetPass,
  ): { id: number; value: number }[] | null {
    const keys = pass.textKeys!;
    const rows: { id: number; value: number }[] = [];
    let budget = pass.counts.total;
    let position = after;
    while (budget > 0) {
      const chunk = this.repo.columnOrderChunk(sort, f.cityCode ?? null, position, SCAN_CHUNK);
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
  private facetPass(f: SearchFilters): FacetPass {
    const rest: SearchFilters = {
      ...f,
      cityCode: undefined,
      cityOrdinal: undefined,
      sharingMode: undefined,
      modeRank: undefined,
      ...(f.topCategoryOrdinal !== undefined && { categoryCode: undefined, topCategoryOrdinal: undefined }),
    };
    const textOnly = Object.entries(rest).every(([k, v]) => k === 'text' || v === undefined);
    const keys = constrained(rest) ? this.repo.matchingKeys(rest) : null;
    const histogram = keys ? histogramOfKeys(keys) : this.histogram(rest);
    const selection = { cityOrdinal: f.cityOrdinal, categoryOrdinal: f.topCategoryOrdinal, modeRank: f.modeRank };
    const counts = summarise(histogram, selection);
    if (rest.categoryCode) {
      // A second- or third-level category filter is in the query itself; the category facet
      // still has to ignore it, so it needs a pass without it.
      const wider = summarise(this.histogram({ ...rest, categoryCode: undefined }), {
        ...selection,
        categoryOrdinal: undefined,
      });
      counts.byCategory = wider.byCategory;
    }
    return { counts, textKeys: textOnly && f.text ? keys : null };
  }

  private histogram(f: SearchFilters): Int32Array {
    return constrained(f)
      ? histogramOfKeys(this.repo.matchingKeys(f))
      : this.cached('histogram:everything', () => this.histogramOfEverything());
  }

  private histogramOfEverything(): Int32Array {
    const ref = this.ref();
    const h = new Int32Array(CELLS);
    for (const row of this.repo.facetRowsOfEverything()) {
      const city = ref.cityByCode.get(row.cityCode)?.ordinal ?? 0;
      const category = ref.categoryByCode.get(`${row.topCategory}0000`)?.ordinal ?? 0;
      h[cellOf(city, category, sharingModes.indexOf(row.sharingMode))]! += row.n;
    }
    return h;
  }

  private facets(counts: FacetCounts | null): Facets {
    const ref = this.ref();
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

  // Reference views

  categoryTree(): CategoryNode[] {
    return this.cached('categories', () => {
      const counts = new Map(this.repo.countsByCategory().map((r) => [r.code, r.n]));
      const nodes = new Map<string, CategoryNode>();
      const roots: CategoryNode[] = [];
      for (const c of this.ref().categories) {
        nodes.set(c.code, { code: c.code, name: c.name, nameEn: c.nameEn, count: 0, children: [] });
      }
      for (const c of this.ref().categories) {
        const node = nodes.get(c.code)!;
        const parent = c.parentCode ? nodes.get(c.parentCode) : undefined;
        (parent ? parent.children : roots).push(node);
      }
      // An instrument counts in its own category and every ancestor.
      for (const [code, n] of counts) {
        for (
          let c = this.ref().categoryByCode.get(code);
          c;
          c = c.parentCode ? this.ref().categoryByCode.get(c.parentCode) : undefined
        ) {
          nodes.get(c.code)!.count += n;
        }
      }
      return roots;
    });
  }

  cities() {
    return this.cached('cities', () => {
      const counts = new Map(this.repo.countsByCity().map((r) => [r.code, r.n]));
      return this.ref().cities.map((c) => ({
        code: c.code,
        name: c.name,
        nameEn: c.nameEn,
        voucherRatioPercent: c.voucherRatioPercent,
        instrumentCount: counts.get(c.code) ?? 0,
      }));
    });
  }

  institutions(cityCode?: string) {
    if (cityCode && !this.ref().cityByCode.has(cityCode)) {
      throw badRequest('unknown city', [{ path: 'city', message: `no city ${cityCode}` }]);
    }
    const counts = this.cached(
      'institution-counts',
      () => new Map(this.repo.countsByInstitution().map((r) => [r.id, r.n])),
    );
    return this.repo.institutions(cityCode).map((o) => {
      const city = o.cityCode ? this.ref().cityByCode.get(o.cityCode) : undefined;
      return {
        id: o.id,
        name: o.name,
        nameEn: o.nameEn,
        type: o.institutionType,
        certified: o.certified,
        city: city ? { code: city.code, name: city.name, nameEn: city.nameEn } : null,
        address: o.address,
        instrumentCount: counts.get(o.id) ?? 0,
      };
    });
  }

  // The record

  instrument(id: number, actor: Actor | null): InstrumentDetail {
    const row = this.repo.instrument(id);
    if (!row) throw notFound('instrument');
    const [summary] = this.repo.summaries([id]);
    const institution = this.repo.organisation(row.institutionId)!;
    const card = this.repo.rateCard(id);
    const ref = this.ref();
    const path: { code: string; name: string; nameEn: string | null }[] = [];
    for (
      let c = ref.categoryByCode.get(row.categoryCode);
      c;
      c = c.parentCode ? ref.categoryByCode.get(c.parentCode) : undefined
    ) {
      path.unshift({ code: c.code, name: c.name, nameEn: c.nameEn });
    }
    return {
      ...toSummary(summary!),
      assetNumber: row.assetNumber,
      origin: row.origin,
      commissionedOn: row.commissionedOn,
      country: row.country,
      specs: row.specs,
      functions: row.functions,
      subjectAreas: row.subjectAreas,
      serviceContent: row.serviceContent,
      feeNote: row.feeNote,
      province: row.province,
      district: row.district,
      address: row.address,
      contactName: row.contactName,
      contactPhone: row.contactPhone,
      contactEmail: row.contactEmail,
      timeZone: row.timeZone,
      annualRunHours: row.annualRunHours,
      annualServiceHours: row.annualServiceHours,
      categoryPath: path,
      institution: {
        id: institution.id,
        name: institution.name,
        nameEn: institution.nameEn,
        type: institution.institutionType,
        certified: institution.certified,
        cityCode: institution.cityCode,
        address: institution.address,
      },
      rateCard: card && {
        setupFeeFen: card.setupFeeFen,
        minimumChargeFen: card.minimumChargeFen,
        urgentSurchargePercent: card.urgentSurchargePercent,
        offHoursSurchargePercent: card.offHoursSurchargePercent,
        notes: card.notes,
        items: card.items.map((i) => ({
          id: i.id,
          unit: i.unit,
          labelZh: i.labelZh,
          labelEn: i.labelEn,
          internalFen: i.internalFen,
          academicFen: i.academicFen,
          enterpriseFen: i.enterpriseFen,
        })),
      },
      updatedAt: row.updatedAt,
      editable: canManageInstitution(actor, row.institutionId),
    };
  }

  create(actor: Actor, input: InstrumentInput): InstrumentDetail {
    let institutionId: number;
    if (actor.role === 'platform_admin') {
      if (input.institutionId === undefined) {
        throw badRequest('institutionId is required', [
          { path: 'institutionId', message: 'which institution owns it' },
        ]);
      }
      institutionId = input.institutionId;
    } else {
      institutionId = actor.organisationId;
      if (input.institutionId !== undefined && input.institutionId !== institutionId) {
        throw forbidden('lab managers add instruments to their own institution only');
      }
    }
    const institution = this.repo.organisation(institutionId);
    if (!institution || institution.kind !== 'institution') {
      throw badRequest('not an instrument-owning institution', [
        { path: 'institutionId', message: 'unknown institution' },
      ]);
    }
    if (!canManageInstitution(actor, institutionId)) throw forbidden('not your institution');
    const { rateCard, institutionId: _ignored, ...record } = input;
    this.checkReferences(record);
    this.photos.checkAddress(record.photoUrl, null);
    const now = this.clock.now();
    const id = this.repo.transaction(() => {
      if (this.repo.assetNumberTaken(institutionId, record.assetNumber)) {
        throw new AppError('conflict', 'asset number already used in this institution', [
          { path: 'assetNumber', message: 'already used' },
        ]);
      }
      const id = this.repo.nextInstrumentId();
      const price = rateCard ? listPrice(rateCard.items) : null;
      const doc = this.indexDocument({ ...record, id, institutionId }, institution.name);
      this.repo.insertInstrument({
        ...record,
        id,
        institutionId,
        listPriceFen: price?.fen ?? null,
        listPriceUnit: price?.unit ?? null,
        priceSortFen: price?.fen ?? UNPRICED_SORT_FEN,
        searchKey: doc.key,
        createdAt: now,
        updatedAt: now,
      });
      if (rateCard) this.writeRateCard(id, rateCard, now);
      this.repo.reindex(null, doc);
      return id;
    });
    return this.instrument(id, actor);
  }

  update(actor: Actor, id: number, patch: InstrumentPatch): InstrumentDetail {
    const row = this.repo.instrument(id);
    if (!row) throw notFound('instrument');
    if (!canManageInstitution(actor, row.institutionId)) {
      throw forbidden('only the owning institution’s lab managers and platform admins may edit this instrument');
    }
    // Only the fields the PATCH named change; the rest keep their stored values.
    const { rateCard, ...changes } = namedFields(patch);
    const merged = { ...row, ...changes };
    this.checkReferences(merged);
    const institution = this.repo.organisation(row.institutionId)!;
    const now = this.clock.now();
    const photoBefore = this.repo.transaction(() => {
      // Read again inside: an upload may have changed the photo since the row above was read.
      const photoBefore = this.repo.instrument(id)!.photoUrl;
      this.photos.checkAddress(changes.photoUrl, photoBefore);
      if (changes.assetNumber && this.repo.assetNumberTaken(row.institutionId, changes.assetNumber, id)) {
        throw new AppError('conflict', 'asset number already used in this institution', [
          { path: 'assetNumber', message: 'already used' },
        ]);
      }
      const doc = this.indexDocument(merged, institution.name);
      const price = rateCard ? listPrice(rateCard.items) : undefined;
      this.repo.updateInstrument(id, {
        ...changes,
        ...(price !== undefined && {
          listPriceFen: price?.fen ?? null,
          listPriceUnit: price?.unit ?? null,
          priceSortFen: price?.fen ?? UNPRICED_SORT_FEN,
        }),
        searchKey: doc.key,
        updatedAt: now,
      });
      if (rateCard) this.writeRateCard(id, rateCard, now);
      this.repo.reindex(row.searchKey, doc);
      return photoBefore;
    });
    if (changes.photoUrl !== undefined) this.photos.released(photoBefore, changes.photoUrl);
    return this.instrument(id, actor);
  }

  private checkReferences(r: { categoryCode: string; cityCode: string }): void {
    const ref = this.ref();
    const errors = [];
    if (!ref.categoryByCode.has(r.categoryCode))
      errors.push({ path: 'categoryCode', message: 'unknown category code' });
    if (!ref.cityByCode.has(r.cityCode)) errors.push({ path: 'cityCode', message: 'unknown city code' });
    if (errors.length) throw badRequest('invalid instrument record', errors);
  }

  private writeRateCard(instrumentId: number, card: RateCard, now: number): void {
    const { items, ...terms } = card;
    this.repo.replaceRateCard(
      instrumentId,
      { ...terms, updatedAt: now },
      items.map((item, sortOrder) => ({ ...item, sortOrder })),
    );
  }

  private indexDocument(
    r: Pick<
      InstrumentInput,
      'nameZh' | 'nameEn' | 'model' | 'manufacturer' | 'categoryCode' | 'cityCode' | 'sharingMode' | 'runStatus'
    > & {
      id: number;
      institutionId: number;
    },
    institutionName: string,
  ) {
    const ref = this.ref();
    const names: string[] = [];
    let top = 0;
    for (
      let c = ref.categoryByCode.get(r.categoryCode);
      c;
      c = c.parentCode ? ref.categoryByCode.get(c.parentCode) : undefined
    ) {
      names.push(c.name);
      if (c.level === 1) top = c.ordinal ?? 0;
    }
    return searchDocument({
      id: r.id,
      nameZh: r.nameZh,
      nameEn: r.nameEn,
      model: r.model,
      manufacturer: r.manufacturer,
      categoryCode: r.categoryCode,
      categoryNames: names,
      categoryOrdinal: top,
      institutionId: r.institutionId,
      institutionName,
      cityCode: r.cityCode,
      cityOrdinal: ref.cityByCode.get(r.cityCode)!.ordinal,
      sharingMode: r.sharingMode,
      runStatus: r.runStatus,
    });
  }
}

function toSummary(r: SummaryRow): InstrumentSummary {
  return {
    id: r.id,
    nameZh: r.nameZh,
    nameEn: r.nameEn,
    model: r.model,
    manufacturer: r.manufacturer,
    category: { code: r.categoryCode, name: r.categoryName, nameEn: r.categoryNameEn },
    institution: { id: r.institutionId, name: r.institutionName },
    city: { code: r.cityCode, name: r.cityName, nameEn: r.cityNameEn },
    sharingMode: r.sharingMode,
    runStatus: r.runStatus,
    originalValueFen: r.originalValueFen,
    listPrice:
      r.listPriceFen === null || r.listPriceUnit === null ? null : { fen: r.listPriceFen, unit: r.listPriceUnit },
    photoUrl: r.photoUrl,
    createdAt: r.createdAt,
  };
}

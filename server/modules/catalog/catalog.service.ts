import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../../db/port.ts';
import { UNPRICED_SORT_FEN, catalogSorts, sharingModes, type PriceUnit } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
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

/** Cities and the taxonomy, with the lookups search needs. */
interface Reference {
  cities: Awaited<ReturnType<CatalogRepo['allCities']>>;
  cityByCode: Map<string, Reference['cities'][number]>;
  cityByOrdinal: Map<number, Reference['cities'][number]>;
  categories: Awaited<ReturnType<CatalogRepo['allCategories']>>;
  categoryByCode: Map<string, Reference['categories'][number]>;
  topByOrdinal: Map<number, Reference['categories'][number]>;
}

/** What one request reads with: the repository on its snapshot (or transaction), and the reference data. */
interface Reading {
  repo: CatalogRepo;
  ref: Reference;
}

/**
 * Values computed from the catalogue at a version (VersionedMemo's rule), held as promises: requests
 * at one version share one computation instead of each starting its own; a computation that fails is
 * forgotten, not served until the next change. A request on an older snapshot than the entry's
 * computes for itself and leaves the newer entry in place.
 */
class CatalogMemo {
  private readonly entries = new Map<string, { version: number; value: Promise<unknown> }>();
  constructor(private readonly maxEntries = 64) {}

  get<T>(key: string, version: number, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) return hit.value as Promise<T>;
    const value = compute();
    if (hit && hit.version > version) return value;
    const entry = { version, value };
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}

export class CatalogService {
  private readonly memo = new CatalogMemo();
  private reference: Reference | null = null;
  /** Uploaded photos and the hosts photo addresses may point at. */
  readonly photos: InstrumentPhotos;

  constructor(
    private readonly db: Database,
    private readonly repo: CatalogRepo,
    private readonly clock: Clock,
    options: { fileDir?: string; photoHosts?: readonly string[] } = {},
  ) {
    const files = new FileStore(options.fileDir ?? path.join(os.tmpdir(), 'isp-files'));
    this.photos = new InstrumentPhotos(db, repo, files, clock, options.photoHosts ?? []);
  }

  private async loadReference(): Promise<Reference> {
    const cities = await this.repo.allCities();
    const categories = await this.repo.allCategories();
    return {
      cities,
      cityByCode: new Map(cities.map((c) => [c.code, c])),
      cityByOrdinal: new Map(cities.map((c) => [c.ordinal, c])),
      categories,
      categoryByCode: new Map(categories.map((c) => [c.code, c])),
      topByOrdinal: new Map(categories.filter((c) => c.level === 1).map((c) => [c.ordinal!, c])),
    };
  }

  /**
   * Cities and the taxonomy never change while the server runs; read them once (again while there
   * are none: a database not yet seeded). Two first requests may both load them: the same rows.
   */
  private async ref(): Promise<Reference> {
    if (this.reference?.cities.length) return this.reference;
    this.reference = await this.loadReference();
    return this.reference;
  }

  /**
   * A value computed from the catalogue, kept until the catalogue changes. Call it on a snapshot
   * (`db.read`): the version and the rows `compute` reads are then of the same moment, so a value is
   * never remembered under a version it was not computed from.
   */
  private async cached<T>(repo: CatalogRepo, key: string, compute: () => Promise<T>): Promise<T> {
    return this.memo.get(key, await repo.catalogVersion(), compute);
  }

  // Search

  async search(query: SearchQuery): Promise<SearchResult> {
    const ref = await this.ref();
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
        facets: include.has('facets') ? this.facets(ref, null) : null,
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
    // One snapshot for the whole search, as when it ran without yielding: the counted keys, the page
    // walked against them and the summaries are of the same catalogue.
    return this.db.read(async (tx) => {
      const r: Reading = { repo: this.repo.with(tx), ref };
      // Count first: the pass over every match also tells the page which strategy is cheaper.
      const pass = include.has('total') || include.has('facets') ? await this.facetPass(r, filters) : null;
      const { ids, next } =
        query.sort === 'relevance'
          ? await this.relevancePage(r, filters, cursor && 't' in cursor ? cursor : null, query.limit)
          : await this.columnPage(r, filters, query.sort, cursor && 'v' in cursor ? cursor : null, query.limit, pass);
      const items = (await r.repo.summaries(ids)).map(toSummary);
      const total = pass && include.has('total') ? pass.counts.total : null;
      const facets = pass && include.has('facets') ? this.facets(ref, pass.counts) : null;
      return { items, nextCursor: next, total, facets };
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
    r: Reading,
    f: SearchFilters,
    sort: ColumnSort,
    cursor: { v: number; id: number } | null,
    limit: number,
    pass: FacetPass | null,
  ) {
    const after = cursor ? { value: cursor.v, id: cursor.id } : null;
    // The first strategy that answers: walk the sort index, sort the counted keys, or join.
    let rows =
      pass && (await this.scanIsCheaper(r, f, sort, pass, limit))
        ? await this.scanPage(r, f, sort, after, limit + 1, pass)
        : null;
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
  private async scanIsCheaper(
    r: Reading,
    f: SearchFilters,
    sort: ColumnSort,
    pass: FacetPass,
    limit: number,
  ): Promise<boolean> {
    if (!pass.textKeys || !SCANNABLE_SORTS.has(sort)) return false;
    const universe = summarise(await this.histogram(r, { text: null }), {
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
  private async scanPage(
    r: Reading,
    f: SearchFilters,
    sort: ColumnSort,
    after: { value: number; id: number } | null,
    want: number,
    pass: FacetPass,
  ): Promise<{ id: number; value: number }[] | null> {
    const keys = pass.textKeys!;
    const rows: { id: number; value: number }[] = [];
    let budget = pass.counts.total;
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
  private async facetPass(r: Reading, f: SearchFilters): Promise<FacetPass> {
    const rest: SearchFilters = {
      ...f,
      cityCode: undefined,
      cityOrdinal: undefined,
      sharingMode: undefined,
      modeRank: undefined,
      ...(f.topCategoryOrdinal !== undefined && { categoryCode: undefined, topCategoryOrdinal: undefined }),
    };
    const textOnly = Object.entries(rest).every(([k, v]) => k === 'text' || v === undefined);
    const keys = constrained(rest) ? await r.repo.matchingKeys(rest) : null;
    const histogram = keys ? histogramOfKeys(keys) : await this.histogram(r, rest);
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
    return { counts, textKeys: textOnly && f.text ? keys : null };
  }

  private async histogram(r: Reading, f: SearchFilters): Promise<Int32Array> {
    return constrained(f)
      ? histogramOfKeys(await r.repo.matchingKeys(f))
      : this.cached(r.repo, 'histogram:everything', () => this.histogramOfEverything(r));
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

  // Reference views

  async categoryTree(): Promise<CategoryNode[]> {
    const ref = await this.ref();
    return this.db.read(async (tx) => {
      const repo = this.repo.with(tx);
      return this.cached(repo, 'categories', async () => {
        const counts = new Map((await repo.countsByCategory()).map((r) => [r.code, r.n]));
        const nodes = new Map<string, CategoryNode>();
        const roots: CategoryNode[] = [];
        for (const c of ref.categories) {
          nodes.set(c.code, { code: c.code, name: c.name, nameEn: c.nameEn, count: 0, children: [] });
        }
        for (const c of ref.categories) {
          const node = nodes.get(c.code)!;
          const parent = c.parentCode ? nodes.get(c.parentCode) : undefined;
          (parent ? parent.children : roots).push(node);
        }
        // An instrument counts in its own category and every ancestor.
        for (const [code, n] of counts) {
          for (
            let c = ref.categoryByCode.get(code);
            c;
            c = c.parentCode ? ref.categoryByCode.get(c.parentCode) : undefined
          ) {
            nodes.get(c.code)!.count += n;
          }
        }
        return roots;
      });
    });
  }

  async cities() {
    const ref = await this.ref();
    return this.db.read(async (tx) => {
      const repo = this.repo.with(tx);
      return this.cached(repo, 'cities', async () => {
        const counts = new Map((await repo.countsByCity()).map((r) => [r.code, r.n]));
        return ref.cities.map((c) => ({
          code: c.code,
          name: c.name,
          nameEn: c.nameEn,
          voucherRatioPercent: c.voucherRatioPercent,
          instrumentCount: counts.get(c.code) ?? 0,
        }));
      });
    });
  }

  async institutions(cityCode?: string) {
    const ref = await this.ref();
    if (cityCode && !ref.cityByCode.has(cityCode)) {
      throw badRequest('unknown city', [{ path: 'city', message: `no city ${cityCode}` }]);
    }
    return this.db.read(async (tx) => {
      const repo = this.repo.with(tx);
      const counts = await this.cached(
        repo,
        'institution-counts',
        async () => new Map((await repo.countsByInstitution()).map((r) => [r.id, r.n])),
      );
      return (await repo.institutions(cityCode)).map((o) => {
        const city = o.cityCode ? ref.cityByCode.get(o.cityCode) : undefined;
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
    });
  }

  // The record

  async instrument(id: number, actor: Actor | null): Promise<InstrumentDetail> {
    const ref = await this.ref();
    // The row, its summary, institution and rate card of one moment.
    return this.db.read(async (tx) => this.detail({ repo: this.repo.with(tx), ref }, id, actor));
  }

  /** The full record as the API shows it; call it on a snapshot or in the transaction that wrote it. */
  private async detail({ repo, ref }: Reading, id: number, actor: Actor | null): Promise<InstrumentDetail> {
    const row = await repo.instrument(id);
    if (!row) throw notFound('instrument');
    const [summary] = await repo.summaries([id]);
    const institution = (await repo.organisation(row.institutionId))!;
    const card = await repo.rateCard(id);
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

  async create(actor: Actor, input: InstrumentInput): Promise<InstrumentDetail> {
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
    const ref = await this.ref();
    const { rateCard, institutionId: _ignored, ...record } = input;
    // Checks and writes in one transaction: the institution's name goes into the index entry and the
    // asset number must still be free when the row is inserted. The record is read back in it too,
    // so the answer is exactly what was written.
    return this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const institution = await repo.organisation(institutionId);
      if (!institution || institution.kind !== 'institution') {
        throw badRequest('not an instrument-owning institution', [
          { path: 'institutionId', message: 'unknown institution' },
        ]);
      }
      if (!canManageInstitution(actor, institutionId)) throw forbidden('not your institution');
      this.checkReferences(ref, record);
      this.photos.checkAddress(record.photoUrl, null);
      if (await repo.assetNumberTaken(institutionId, record.assetNumber)) {
        throw new AppError('conflict', 'asset number already used in this institution', [
          { path: 'assetNumber', message: 'already used' },
        ]);
      }
      const now = this.clock.now();
      const id = await repo.nextInstrumentId();
      const price = rateCard ? listPrice(rateCard.items) : null;
      const doc = this.indexDocument(ref, { ...record, id, institutionId }, institution.name);
      await repo.insertInstrument({
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
      if (rateCard) await this.writeRateCard(repo, id, rateCard, now);
      await repo.reindex(null, doc);
      return this.detail({ repo, ref }, id, actor);
    });
  }

  async update(actor: Actor, id: number, patch: InstrumentPatch): Promise<InstrumentDetail> {
    const ref = await this.ref();
    // Only the fields the PATCH named change; the rest keep their stored values.
    const { rateCard, ...changes } = namedFields(patch);
    // The row is read inside the transaction that writes it: the index entry is made from the stored
    // row merged with the changes and replaces the entry under the row's current key, so a row read
    // before another edit (or a photo upload) committed would write a stale entry and leave that
    // edit's entry behind.
    const { detail, photoBefore } = await this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const row = await repo.instrument(id);
      if (!row) throw notFound('instrument');
      if (!canManageInstitution(actor, row.institutionId)) {
        throw forbidden('only the owning institution’s lab managers and platform admins may edit this instrument');
      }
      const merged = { ...row, ...changes };
      this.checkReferences(ref, merged);
      const institution = (await repo.organisation(row.institutionId))!;
      this.photos.checkAddress(changes.photoUrl, row.photoUrl);
      if (changes.assetNumber && (await repo.assetNumberTaken(row.institutionId, changes.assetNumber, id))) {
        throw new AppError('conflict', 'asset number already used in this institution', [
          { path: 'assetNumber', message: 'already used' },
        ]);
      }
      const now = this.clock.now();
      const doc = this.indexDocument(ref, merged, institution.name);
      const price = rateCard ? listPrice(rateCard.items) : undefined;
      await repo.updateInstrument(id, {
        ...changes,
        ...(price !== undefined && {
          listPriceFen: price?.fen ?? null,
          listPriceUnit: price?.unit ?? null,
          priceSortFen: price?.fen ?? UNPRICED_SORT_FEN,
        }),
        searchKey: doc.key,
        updatedAt: now,
      });
      if (rateCard) await this.writeRateCard(repo, id, rateCard, now);
      await repo.reindex(row.searchKey, doc);
      return { detail: await this.detail({ repo, ref }, id, actor), photoBefore: row.photoUrl };
    });
    // The replaced upload leaves the disk once the change is committed.
    if (changes.photoUrl !== undefined) this.photos.released(photoBefore, changes.photoUrl);
    return detail;
  }

  private checkReferences(ref: Reference, r: { categoryCode: string; cityCode: string }): void {
    const errors = [];
    if (!ref.categoryByCode.has(r.categoryCode))
      errors.push({ path: 'categoryCode', message: 'unknown category code' });
    if (!ref.cityByCode.has(r.cityCode)) errors.push({ path: 'cityCode', message: 'unknown city code' });
    if (errors.length) throw badRequest('invalid instrument record', errors);
  }

  private async writeRateCard(repo: CatalogRepo, instrumentId: number, card: RateCard, now: number): Promise<void> {
    const { items, ...terms } = card;
    await repo.replaceRateCard(
      instrumentId,
      { ...terms, updatedAt: now },
      items.map((item, sortOrder) => ({ ...item, sortOrder })),
    );
  }

  private indexDocument(
    ref: Reference,
    r: Pick<
      InstrumentInput,
      'nameZh' | 'nameEn' | 'model' | 'manufacturer' | 'categoryCode' | 'cityCode' | 'sharingMode' | 'runStatus'
    > & {
      id: number;
      institutionId: number;
    },
    institutionName: string,
  ) {
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

/**
 * What the catalogue's use cases share (search.ts, records.ts, reference.ts): the database and the
 * repository, the clock, the photos, the reference data (cities and the taxonomy, read once) and the
 * memo of values computed from the catalogue at a version; and how a summary row is shown.
 */
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import type { InstrumentSummary } from './catalog.schemas.ts';
import type { CatalogRepo, SummaryRow } from './catalog.repo.ts';
import type { InstrumentPhotos } from './photos.ts';
import { CountCache, type Counted } from './count-cache.ts';

/** Cities and the taxonomy, with the lookups search needs. */
export interface Reference {
  cities: Awaited<ReturnType<CatalogRepo['allCities']>>;
  cityByCode: Map<string, Reference['cities'][number]>;
  cityByOrdinal: Map<number, Reference['cities'][number]>;
  categories: Awaited<ReturnType<CatalogRepo['allCategories']>>;
  categoryByCode: Map<string, Reference['categories'][number]>;
  topByOrdinal: Map<number, Reference['categories'][number]>;
}

/** What one request reads with: the repository on its snapshot (or transaction), and the reference data. */
export interface Reading {
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

export class CatalogContext {
  private readonly memo = new CatalogMemo();
  private reference: Reference | null = null;
  /** Counted matches per normalised filters and version (count-cache.ts). */
  readonly counts: CountCache;

  constructor(
    readonly db: Database,
    readonly repo: CatalogRepo,
    readonly clock: Clock,
    /** Uploaded photos and the hosts photo addresses may point at. */
    readonly photos: InstrumentPhotos,
    countCacheBytes?: number,
  ) {
    this.counts = new CountCache(countCacheBytes);
  }

  private loadReference(): Promise<Reference> {
    return loadReference(this.repo);
  }

  /**
   * Cities and the taxonomy never change while the server runs; read them once (again while there
   * are none: a database not yet seeded). Two first requests may both load them: the same rows.
   */
  async ref(): Promise<Reference> {
    if (this.reference?.cities.length) return this.reference;
    this.reference = await this.loadReference();
    return this.reference;
  }

  /**
   * A value computed from the catalogue, kept until the catalogue changes. Call it on a snapshot
   * (`db.read`): the version and the rows `compute` reads are then of the same moment, so a value is
   * never remembered under a version it was not computed from.
   */
  async cached<T>(repo: CatalogRepo, key: string, compute: () => Promise<T>, version?: number): Promise<T> {
    return this.memo.get(key, version ?? (await repo.catalogVersion()), compute);
  }

  /** The counted matches of some filters at a version read on the snapshot `compute` reads. */
  counted(version: number, key: string, compute: () => Promise<Counted>): Promise<Counted> {
    return this.counts.get(key, version, compute);
  }
}

/** A summary row as the API shows it (search results, and the head of an instrument's record). */
export function toSummary(r: SummaryRow): InstrumentSummary {
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

/** Cities and the taxonomy with their look-ups, read from the database. */
export async function loadReference(repo: Pick<CatalogRepo, 'allCities' | 'allCategories'>): Promise<Reference> {
  const cities = await repo.allCities();
  const categories = await repo.allCategories();
  return {
    cities,
    cityByCode: new Map(cities.map((c) => [c.code, c])),
    cityByOrdinal: new Map(cities.map((c) => [c.ordinal, c])),
    categories,
    categoryByCode: new Map(categories.map((c) => [c.code, c])),
    topByOrdinal: new Map(categories.filter((c) => c.level === 1).map((c) => [c.ordinal!, c])),
  };
}

/**
 * The catalogue service: what routes, booking and the seed call. Each use case lives in a file of
 * its own, sharing a small context (context.ts: the reference data, the memo, summaries):
 *
 * - search.ts     search: text and filters, relevance and column pages, cursors, total and facets
 * - records.ts    an instrument's record: the detail, create and update with their index upkeep
 * - reference.ts  the category tree, cities and institutions with their counts
 * - photos.ts     uploaded photos and the hosts photo addresses may point at
 * Beside them: catalog.repo.ts (the SQL), search-text.ts, search-key.ts, search-index.ts and
 * facet-histogram.ts (pure).
 */
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { openFileStore } from '../../shared/files.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../auth/actor.ts';
import type {
  CategoryNode,
  InstrumentDetail,
  InstrumentInput,
  InstrumentPatch,
  SearchQuery,
  SearchResult,
} from './catalog.schemas.ts';
import type { CatalogRepo } from './catalog.repo.ts';
import { CatalogContext } from './context.ts';
import { InstrumentPhotos } from './photos.ts';
import { InstrumentRecords, type CreateResult, type ListingGate } from './records.ts';
import { ReferenceViews } from './reference.ts';
import { CatalogSearch, type CatalogStamp } from './search.ts';
import { PublicAnswers } from './public-answers.ts';

export { listPrice } from './records.ts';

export class CatalogService {
  /** Uploaded photos and the hosts photo addresses may point at. */
  readonly photos: InstrumentPhotos;
  private readonly searching: CatalogSearch;
  /** The search's count cache (its size and hits are read by tests and benchmarks). */
  readonly counts: CatalogContext['counts'];
  /** The search over HTTP: ETags, 304s and the last answers kept (public-answers.ts). */
  readonly answers: PublicAnswers;
  private readonly records: InstrumentRecords;
  private readonly reference: ReferenceViews;

  constructor(
    db: Database,
    repo: CatalogRepo,
    clock: Clock,
    options: {
      fileDir?: string;
      photoHosts?: readonly string[];
      audit?: AuditLog;
      /** Bound of the search's count cache in bytes (count-cache.ts; default 64 MiB, 0 = off). */
      countCacheBytes?: number;
      /** Bound of the kept public search answers in bytes (public-answers.ts; default 8 MiB, 0 = off). */
      answerCacheBytes?: number;
    } = {},
  ) {
    const files = openFileStore(db, options.fileDir ?? path.join(os.tmpdir(), 'isp-files'));
    this.photos = new InstrumentPhotos(db, repo, files, clock, options.photoHosts ?? []);
    // One context: search and the reference views share the reference data and the memo.
    const ctx = new CatalogContext(db, repo, clock, this.photos, options.countCacheBytes);
    this.counts = ctx.counts;
    this.answers = new PublicAnswers(this, options.answerCacheBytes);
    this.searching = new CatalogSearch(ctx);
    this.records = new InstrumentRecords(ctx, options.audit);
    this.reference = new ReferenceViews(ctx);
  }

  // Search (search.ts)

  search(query: SearchQuery): Promise<SearchResult> {
    return this.searching.search(query);
  }

  /** A search and the stamp of its snapshot (the ETag of a public answer). */
  searchStamped(query: SearchQuery): Promise<{ result: SearchResult; stamp: CatalogStamp | null }> {
    return this.searching.searchStamped(query);
  }

  /** The catalogue's stamp now: what a conditional request is checked against. */
  stamp(): Promise<CatalogStamp> {
    return this.searching.stamp();
  }

  // Reference views (reference.ts)

  categoryTree(): Promise<CategoryNode[]> {
    return this.reference.categoryTree();
  }

  cities() {
    return this.reference.cities();
  }

  institutions(cityCode?: string) {
    return this.reference.institutions(cityCode);
  }

  // The record (records.ts)

  instrument(id: number, actor: Actor | null): Promise<InstrumentDetail> {
    return this.records.instrument(id, actor);
  }

  /** A platform admin's record is published; a lab manager's is submitted for listing review. */
  create(actor: Actor, input: InstrumentInput): Promise<CreateResult> {
    return this.records.create(actor, input);
  }

  /** Listing review, once built, gates lab managers' writes (see records.ts ListingGate). */
  gateWith(listing: ListingGate): void {
    this.records.gateWith(listing);
  }

  /** An approved new record, published (listing review; joins the caller's transaction). */
  publishApproved(actor: Actor, institutionId: number, input: InstrumentInput): Promise<number> {
    return this.records.publishApproved(actor, institutionId, input);
  }

  /** An approved change, applied (listing review; joins the caller's transaction). */
  applyApproved(actor: Actor, id: number, patch: InstrumentPatch): Promise<void> {
    return this.records.applyApproved(actor, id, patch);
  }

  update(actor: Actor, id: number, patch: InstrumentPatch): Promise<InstrumentDetail> {
    return this.records.update(actor, id, patch);
  }
}

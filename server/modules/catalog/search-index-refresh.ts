/**
 * Bringing an existing database's search index up to the code: when the text an index entry is made
 * of changes (the synonym table, synonyms.ts, or the tokenising: SEARCH_INDEX_VERSION), every
 * instrument's entry is written again, as the catalogue's own writes make it (instrumentIndexDocument,
 * CatalogRepo.reindex). The server runs this at its start, before anything serves, one node at a time.
 *
 * Batches of instruments in id order, each in a transaction of its own that reads the rows and writes
 * their entries (so an entry is never older than its row). A rebuild cut short is simply done again at
 * the next start: the version is stored only after the last batch, with the catalogue's version bumped
 * so that counts and answers cached anywhere before (count-cache.ts, the listing's ETags) are dropped.
 */
import type { Database } from '../../../db/port.ts';
import { CatalogRepo } from './catalog.repo.ts';
import { loadReference } from './context.ts';
import { instrumentIndexDocument } from './records.ts';
import { SEARCH_INDEX_VERSION, searchIndexSql, type SearchDocumentInput } from './search-index.ts';

/** An instrument as the index reads it: the document's own fields (reference names and orders added from memory), and its key. */
type IndexedRow = Omit<SearchDocumentInput, 'categoryNames' | 'categoryOrdinal' | 'cityOrdinal'> & {
  searchKey: number;
};

const PAGE = `SELECT i.id, i.name_zh AS "nameZh", i.name_en AS "nameEn", i.model, i.manufacturer,
    i.category_code AS "categoryCode", i.city_code AS "cityCode", i.sharing_mode AS "sharingMode",
    i.run_status AS "runStatus", i.institution_id AS "institutionId", o.name AS "institutionName",
    i.search_key AS "searchKey"
  FROM instruments i JOIN organisations o ON o.id = i.institution_id
  WHERE i.id > ? ORDER BY i.id LIMIT ?`;

export interface RefreshOptions {
  /** Instruments per transaction. */
  batch?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/**
 * Re-indexes every instrument when the stored index version is not the code's; returns how many
 * entries were written, or null when the index was current. Callers on several nodes serialise it
 * (db/client.ts `exclusively`); a second caller then finds the version current.
 */
export async function refreshSearchIndex(db: Database, opts: RefreshOptions = {}): Promise<number | null> {
  const stored = await db.value<string>(searchIndexSql.version);
  if (stored === SEARCH_INDEX_VERSION) return null;
  const batch = opts.batch ?? 2000;
  const repo = new CatalogRepo(db);
  const ref = await loadReference(repo);
  const started = Date.now();
  let after = 0;
  let written = 0;
  for (;;) {
    const rows = await db.write(async (tx) => {
      const page = await tx.all<IndexedRow>(PAGE, [after, batch]);
      // The entry goes under the key the row holds (what every search joins on), whatever it would be now.
      const docs = page
        .map((r) => ({ ...instrumentIndexDocument(ref, r, r.institutionName), key: r.searchKey }))
        // FTS5 appends rather than merges while keys rise (see the seed's bulk load).
        .sort((a, b) => a.key - b.key);
      const write = repo.with(tx);
      for (const doc of docs) await write.reindex(doc.key, doc);
      return page;
    });
    written += rows.length;
    if (rows.length < batch) break;
    after = rows[rows.length - 1]!.id;
    if (written % (batch * 25) === 0) opts.log?.(`Search index: ${written} instruments re-indexed…`);
  }
  await db.write(async (tx) => {
    await tx.run('UPDATE catalog_meta SET version = version + 1 WHERE id = 1');
    await tx.run(searchIndexSql.markVersion, [SEARCH_INDEX_VERSION]);
  });
  opts.log?.(
    `Search index rebuilt for ${SEARCH_INDEX_VERSION} (was ${stored || 'unversioned'}): ${written} instruments in ${Date.now() - started} ms`,
  );
  return written;
}

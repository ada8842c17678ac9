import { byEngine, type Engine } from '../../../db/port.ts';
import { runStatuses, sharingModes, type RunStatus, type SharingMode } from '../../../db/schema/index.ts';
import { encodeSearchKey } from './search-key.ts';
import { categoryTags, indexText, tag, tsvectorLiteral } from './search-text.ts';
import { SYNONYMS_VERSION, synonymKeys, synonymToken } from './synonyms.ts';

/**
 * What an index entry's text is made with: the leading number for the tokenising and the document
 * (bump it when indexText or searchDocument change what is indexed), then the synonym table's
 * fingerprint. Kept in catalog_meta.index_version; a database whose entries were made otherwise is
 * re-indexed at the server's start (search-index-refresh.ts).
 */
export const SEARCH_INDEX_VERSION = `2.${SYNONYMS_VERSION}`;

/** What the index needs to know about one instrument. */
export interface SearchDocumentInput {
  id: number;
  nameZh: string;
  nameEn: string | null;
  model: string | null;
  manufacturer: string | null;
  categoryCode: string;
  /** Names of the category and its ancestors, so 电镜 finds every 扫描电镜 and 透射电镜. */
  categoryNames: string[];
  categoryOrdinal: number;
  institutionId: number;
  institutionName: string;
  cityCode: string;
  cityOrdinal: number;
  sharingMode: SharingMode;
  runStatus: RunStatus;
}

export interface SearchDocument {
  key: number;
  title: string;
  body: string;
  tags: string;
}

export function searchDocument(d: SearchDocumentInput): SearchDocument {
  return {
    key: encodeSearchKey({
      statusRank: runStatuses.indexOf(d.runStatus),
      modeRank: sharingModes.indexOf(d.sharingMode),
      id: d.id,
      categoryOrdinal: d.categoryOrdinal,
      cityOrdinal: d.cityOrdinal,
    }),
    title: withSynonyms(indexText(d.nameZh, d.nameEn, d.model), synonymKeys(d.nameZh, d.nameEn, d.model)),
    body: withSynonyms(
      indexText(d.manufacturer, d.institutionName, ...d.categoryNames),
      synonymKeys(...d.categoryNames),
    ),
    tags: [
      tag.city(d.cityCode),
      ...categoryTags(d.categoryCode),
      tag.institution(d.institutionId),
      tag.mode(d.sharingMode),
      tag.status(d.runStatus),
    ].join(' '),
  };
}

/**
 * Index text followed by the tokens of the synonym groups the text mentions (synonyms.ts), after
 * the words, so no phrase of the words runs into them: a name saying 扫描电子显微镜 (or an English
 * name saying Scanning Electron Microscope, or a model SEM3200) is found by SEM in the title tier; a
 * category named 扫描电镜 puts SEM in the body. Manufacturer and institution names are not read for
 * synonyms (an institution called 核磁共振中心 does not make all its instruments NMRs).
 */
function withSynonyms(text: string, keys: string[]): string {
  if (!keys.length) return text;
  const tokens = keys.map(synonymToken).join(' ');
  return text ? `${text} ${tokens}` : tokens;
}

/** The statements that keep the SQLite index in step with the instruments table (used by repo and seed). */
export const searchIndexSql = {
  insert: 'INSERT INTO instrument_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)',
  delete: 'DELETE FROM instrument_fts WHERE rowid = ?',
  /** Both engines: the version the index entries were made with ('' before it was kept). */
  version: 'SELECT index_version FROM catalog_meta WHERE id = 1',
  /** Both engines: every entry is now of this version (after the seed's bulk load, or a rebuild). */
  markVersion: 'UPDATE catalog_meta SET index_version = ? WHERE id = 1',
};

/**
 * One instrument's row of the search index, in the engine's own table: what the repository and the
 * seed's bulk load write. SQLite: FTS5's contentless table with the search key as rowid. PostgreSQL:
 * `instrument_search` (search key, tsvector) under a GIN index; the tsvector is written here as a
 * literal (text) from the same tokens, so PostgreSQL's parser and locale never touch it.
 */
export function searchIndexRow(
  engine: Engine,
  doc: SearchDocument,
): { table: string; columns: string[]; values: (string | number)[] } {
  return byEngine(engine, {
    sqlite: () => ({
      table: 'instrument_fts',
      columns: ['rowid', 'title', 'body', 'tags'],
      values: [doc.key, doc.title, doc.body, doc.tags],
    }),
    postgres: () => ({
      table: 'instrument_search',
      columns: ['search_key', 'document'],
      values: [doc.key, tsvectorLiteral(doc.title, doc.body, doc.tags)],
    }),
  })();
}

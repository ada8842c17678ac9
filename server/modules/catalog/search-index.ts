import { byEngine, type Engine } from '../../../db/port.ts';
import { runStatuses, sharingModes, type RunStatus, type SharingMode } from '../../../db/schema/index.ts';
import { encodeSearchKey } from './search-key.ts';
import { categoryTags, indexText, tag, tsvectorLiteral } from './search-text.ts';

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
    title: indexText(d.nameZh, d.nameEn, d.model),
    body: indexText(d.manufacturer, d.institutionName, ...d.categoryNames),
    tags: [
      tag.city(d.cityCode),
      ...categoryTags(d.categoryCode),
      tag.institution(d.institutionId),
      tag.mode(d.sharingMode),
      tag.status(d.runStatus),
    ].join(' '),
  };
}

/** The statements that keep the SQLite index in step with the instruments table (used by repo and seed). */
export const searchIndexSql = {
  insert: 'INSERT INTO instrument_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)',
  delete: 'DELETE FROM instrument_fts WHERE rowid = ?',
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

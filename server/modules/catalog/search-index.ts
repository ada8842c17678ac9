import { runStatuses, sharingModes, type RunStatus, type SharingMode } from '../../../db/schema/index.ts';
import { encodeSearchKey } from './search-key.ts';
import { categoryTags, indexText, tag } from './search-text.ts';

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

/** The statements that keep the index in step with the instruments table (used by repo and seed). */
export const searchIndexSql = {
  insert: 'INSERT INTO instrument_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)',
  delete: 'DELETE FROM instrument_fts WHERE rowid = ?',
};

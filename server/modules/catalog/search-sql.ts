/**
 * The catalogue's search SQL. Search sends hand-written SQL (its query plans are tuned, see the README's
 * "How search works"); every text that differs between SQLite and PostgreSQL is in SQLITE_SQL and
 * POSTGRES_SQL below. The repository (catalog.repo.ts) runs these statements.
 */
import type { Param } from '../../../db/port.ts';
import type { PriceUnit, RunStatus, SharingMode } from '../../../db/schema/index.ts';
import { searchIndexSql } from './search-index.ts';
import { categoryPrefix, tag, tsQuery, tsTags } from './search-text.ts';

export interface SearchFilters {
  /**
   * The text as a match expression (matchExpression's: quoted terms joined by AND), or null; FTS5
   * runs it as it is, PostgreSQL as the tsquery it translates to.
   */
  text: string | null;
  cityCode?: string;
  categoryCode?: string;
  institutionId?: number;
  status?: string;
  sharingMode?: string;
  minPriceFen?: number;
  maxPriceFen?: number;
  minValueFen?: number;
  /** The facet filters as the ordinals packed into search keys (set with the codes above). */
  cityOrdinal?: number;
  topCategoryOrdinal?: number; // only when categoryCode is a top-level code
  modeRank?: number;
}

/** Sorts served by an ordered column (relevance is served by the search key). */
export type ColumnSort = 'price_asc' | 'price_desc' | 'value_desc' | 'value_asc' | 'newest';
export const SORT_COLUMN: Record<ColumnSort, { column: string; desc: boolean }> = {
  price_asc: { column: 'price_sort_fen', desc: false },
  price_desc: { column: 'price_sort_fen', desc: true },
  value_desc: { column: 'original_value_fen', desc: true },
  value_asc: { column: 'original_value_fen', desc: false },
  newest: { column: 'id', desc: true },
};

export interface SummaryRow {
  id: number;
  nameZh: string;
  nameEn: string | null;
  model: string | null;
  manufacturer: string | null;
  categoryCode: string;
  categoryName: string;
  categoryNameEn: string | null;
  institutionId: number;
  institutionName: string;
  cityCode: string;
  cityName: string;
  cityNameEn: string;
  sharingMode: SharingMode;
  runStatus: RunStatus;
  originalValueFen: number;
  listPriceFen: number | null;
  listPriceUnit: PriceUnit | null;
  photoUrl: string | null;
  createdAt: number;
}

const SUMMARY_COLUMNS = `i.id, i.name_zh AS "nameZh", i.name_en AS "nameEn", i.model, i.manufacturer,
  i.category_code AS "categoryCode", k.name AS "categoryName", k.name_en AS "categoryNameEn",
  i.institution_id AS "institutionId", o.name AS "institutionName",
  i.city_code AS "cityCode", c.name AS "cityName", c.name_en AS "cityNameEn",
  i.sharing_mode AS "sharingMode", i.run_status AS "runStatus", i.original_value_fen AS "originalValueFen",
  i.list_price_fen AS "listPriceFen", i.list_price_unit AS "listPriceUnit", i.photo_url AS "photoUrl",
  i.created_at AS "createdAt"`;
const SUMMARY_JOINS = `JOIN organisations o ON o.id = i.institution_id
  JOIN cities c ON c.code = i.city_code JOIN categories k ON k.code = i.category_code`;

/** The catalogue's stamp: its version, and the latest change to an organisation (whose names answers show). */
export const STAMP_COLUMNS = `(SELECT version FROM catalog_meta WHERE id = 1) AS version,
  (SELECT max(updated_at) FROM organisations) AS organisations`;

const quote = (token: string) => `"${token}"`;

/** A statement and its parameters, built for one call. */
interface Query {
  sql: string;
  params: Param[];
}

export function add(where: string[], params: Param[], clause: string, ...values: Param[]): void {
  where.push(clause);
  params.push(...values);
}

export type TextTier = 'any' | 'title' | 'not_title';

/** Conditions on columns not in the index (price, value), against alias i. */
function rangeConditions(f: SearchFilters): { where: string[]; params: Param[] } {
  const where: string[] = [];
  const params: Param[] = [];
  if (f.minPriceFen !== undefined) add(where, params, 'i.list_price_fen >= ?', f.minPriceFen);
  if (f.maxPriceFen !== undefined) add(where, params, 'i.list_price_fen <= ?', f.maxPriceFen);
  if (f.minValueFen !== undefined) add(where, params, 'i.original_value_fen >= ?', f.minValueFen);
  return { where, params };
}

/** The tag filters as plain column conditions, for index-ordered browsing without text. */
function columnConditions(f: SearchFilters): { where: string[]; params: Param[] } {
  const where: string[] = [];
  const params: Param[] = [];
  if (f.cityCode) add(where, params, 'i.city_code = ?', f.cityCode);
  if (f.categoryCode) {
    const prefix = categoryPrefix(f.categoryCode);
    add(where, params, 'i.category_code BETWEEN ? AND ?', prefix.padEnd(6, '0'), prefix.padEnd(6, '9'));
  }
  if (f.institutionId !== undefined) add(where, params, 'i.institution_id = ?', f.institutionId);
  if (f.status) add(where, params, 'i.run_status = ?', f.status);
  if (f.sharingMode) add(where, params, 'i.sharing_mode = ?', f.sharingMode);
  return { where, params };
}

/** Keyset position after (value, id) in a column's order, and that order, against alias i. */
function keyset(
  sort: ColumnSort,
  after: { value: number; id: number } | null,
  where: string[],
  params: Param[],
): { column: string; order: string } {
  const { column, desc } = SORT_COLUMN[sort];
  const dir = desc ? 'DESC' : 'ASC';
  if (after) {
    if (column === 'id') add(where, params, `i.id ${desc ? '<' : '>'} ?`, after.id);
    else add(where, params, `(i.${column}, i.id) ${desc ? '<' : '>'} (?, ?)`, after.value, after.id);
  }
  return { column, order: column === 'id' ? `i.id ${dir}` : `i.${column} ${dir}, i.id ${dir}` };
}

export const whereClause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/*
 * ---- Engine-specific: the index and the lists --------------------------------------------------
 * Every statement text of the catalogue that differs between the engines is built here, and only
 * here, once per engine: SQLITE_SQL asks the FTS5 index `instrument_fts` (MATCH expressions from
 * search-text.ts, its rowid as the search key, the key's facet bits read in SQL) and passes lists as
 * `json_each(?)`; POSTGRES_SQL asks `instrument_search` (a tsvector under a GIN index, `@@` a tsquery
 * translated from the same expression, search_key as the key) and passes lists as arrays. Both have
 * the same shape and give the same keys in the same order; the repository picks one with
 * `byEngine(this.q.engine, …)`. The SQLite texts are the ones the search was tuned with: keep them.
 */

/** How an index is asked: its search key column (alias x), and its query for text and tags in a tier. */
interface IndexDialect {
  key: string;
  query(text: string | null, tags: readonly string[], tier: TextTier): string | null;
}

/** Divisors that extract the facet fields from a search key in SQL (see search-key.ts). */
const keySql = (key: string) => ({
  city: `${key} % 32`,
  category: `(${key} / 32) % 16`,
  mode: `(${key} / 140737488355328) % 4`, // 2^47
});

/** FTS5: column filters, quoted tags, NOT for matches outside the title. */
const FTS5: IndexDialect = {
  key: 'x.rowid',
  query(text, tags, tier) {
    const parts: string[] = [];
    if (text) parts.push(`({${tier === 'title' ? 'title' : 'title body'}} : (${text}))`);
    if (tags.length) parts.push(`(tags : (${tags.map(quote).join(' AND ')}))`);
    let expr = parts.length ? parts.join(' AND ') : null;
    if (expr && tier === 'not_title' && text) expr = `(${expr}) NOT ({title} : (${text}))`;
    return expr;
  },
};

/** tsquery: the title is weight A; text never reaches the tags (their lexemes start with '_'). */
const TSQUERY: IndexDialect = {
  key: 'x.search_key',
  query(text, tags, tier) {
    const parts: string[] = [];
    if (text) parts.push(`(${tsQuery(text, tier === 'title' ? 'title' : 'any')})`);
    if (tags.length) parts.push(tsTags(tags));
    if (text && tier === 'not_title') parts.push(`!(${tsQuery(text, 'title')})`);
    return parts.length ? parts.join(' & ') : null;
  },
};

/**
 * How a set of filters is asked of the index. Without text, every filter is an index tag. With
 * text, the facet filters (city, top category, sharing mode) are read from the key bits instead:
 * intersecting a long text doclist with a long tag doclist costs far more than a bit test.
 */
function plan(
  f: SearchFilters,
  tier: TextTier,
  index: IndexDialect,
): { expr: string | null; where: string[]; params: Param[] } {
  const KEY_SQL = keySql(index.key);
  const tags: string[] = [];
  const where: string[] = [];
  const params: Param[] = [];
  const bits = f.text !== null;
  if (f.cityCode) {
    if (bits && f.cityOrdinal !== undefined) add(where, params, `${KEY_SQL.city} = ?`, f.cityOrdinal);
    else tags.push(tag.city(f.cityCode));
  }
  if (f.categoryCode) {
    if (bits && f.topCategoryOrdinal !== undefined) add(where, params, `${KEY_SQL.category} = ?`, f.topCategoryOrdinal);
    else tags.push(tag.category(f.categoryCode));
  }
  if (f.sharingMode) {
    if (bits && f.modeRank !== undefined) add(where, params, `${KEY_SQL.mode} = ?`, f.modeRank);
    else tags.push(tag.mode(f.sharingMode));
  }
  if (f.institutionId !== undefined) tags.push(tag.institution(f.institutionId));
  if (f.status) tags.push(tag.status(f.status));
  return { expr: index.query(f.text, tags, tier), where, params };
}

/** The statements of one engine. */
export interface EngineSql {
  /**
   * Search keys of every match as one text, comma-separated (one row, one column; null for none),
   * ascending when the index answers: read as rows, the driver's cost per row was three times the
   * index's own (parseKeyList reads the text).
   */
  matchingKeys(f: SearchFilters): Query;
  /** Search keys of one page in key order after a key (one column). */
  keyOrderedPage(f: SearchFilters, tier: TextTier, afterKey: number, limit: number): Query;
  /** One page in a column's order after (value, id): rows of id and value. */
  columnOrderedPage(
    f: SearchFilters,
    sort: ColumnSort,
    after: { value: number; id: number } | null,
    limit: number,
  ): Query;
  /** One page in a column's order among known search keys: rows of id and value. */
  columnOrderedPageOfKeys(
    keys: readonly number[],
    sort: ColumnSort,
    after: { value: number; id: number } | null,
    limit: number,
  ): Query;
  /** Summary rows of the instruments of some ids. */
  summaries(ids: readonly number[]): Query;
  /** Removing an instrument's index entry (by its search key); adding one is searchIndexRow's. */
  unindex: string;
  /**
   * Run first in a search's transaction: the catalogue's stamp (columns version and organisations),
   * with whatever settings the engine's search wants in the same round trip.
   */
  beginSearch: string;
}

export const SQLITE_SQL: EngineSql = {
  matchingKeys(f) {
    const { expr, where, params } = plan(f, 'any', FTS5);
    const range = rangeConditions(f);
    if (expr) {
      const join = range.where.length ? 'JOIN instruments i ON i.search_key = x.rowid' : '';
      const sql = `SELECT group_concat(x.rowid) FROM instrument_fts x ${join}
        WHERE x.instrument_fts MATCH ? ${[...where, ...range.where].map((w) => `AND ${w}`).join(' ')}`;
      return { sql, params: [expr, ...params, ...range.params] };
    }
    const cols = columnConditions(f);
    const sql = `SELECT group_concat(i.search_key) FROM instruments i ${whereClause([...cols.where, ...range.where])}`;
    return { sql, params: [...cols.params, ...range.params] };
  },

  keyOrderedPage(f, tier, afterKey, limit) {
    const { expr, where, params } = plan(f, tier, FTS5);
    const range = rangeConditions(f);
    if (expr) {
      const join = range.where.length ? 'JOIN instruments i ON i.search_key = x.rowid' : '';
      const sql = `SELECT x.rowid FROM instrument_fts x ${join}
        WHERE x.instrument_fts MATCH ? AND x.rowid > ? ${[...where, ...range.where].map((w) => `AND ${w}`).join(' ')}
        ORDER BY x.rowid LIMIT ?`;
      return { sql, params: [expr, afterKey, ...params, ...range.params, limit] };
    }
    const sql = `SELECT i.search_key FROM instruments i
      ${whereClause(['i.search_key > ?', ...range.where])} ORDER BY i.search_key LIMIT ?`;
    return { sql, params: [afterKey, ...range.params, limit] };
  },

  columnOrderedPage(f, sort, after, limit) {
    const range = rangeConditions(f);
    const where = [...range.where];
    const params = [...range.params];
    const { column, order } = keyset(sort, after, where, params);
    if (f.text) {
      const p = plan(f, 'any', FTS5);
      const sql = `SELECT i.id, i.${column} AS value FROM instrument_fts x JOIN instruments i ON i.search_key = x.rowid
        WHERE x.instrument_fts MATCH ? ${[...p.where, ...where].map((w) => `AND ${w}`).join(' ')}
        ORDER BY ${order} LIMIT ?`;
      return { sql, params: [p.expr, ...p.params, ...params, limit] };
    }
    const cols = columnConditions(f);
    const sql = `SELECT i.id, i.${column} AS value FROM instruments i
      ${whereClause([...cols.where, ...where])} ORDER BY ${order} LIMIT ?`;
    return { sql, params: [...cols.params, ...params, limit] };
  },

  columnOrderedPageOfKeys(keys, sort, after, limit) {
    const where = ['i.search_key IN (SELECT value FROM json_each(?))'];
    const params: Param[] = [JSON.stringify(keys)];
    const { column, order } = keyset(sort, after, where, params);
    const sql = `SELECT i.id, i.${column} AS value FROM instruments i ${whereClause(where)} ORDER BY ${order} LIMIT ?`;
    return { sql, params: [...params, limit] };
  },

  summaries(ids) {
    return {
      sql: `SELECT ${SUMMARY_COLUMNS} FROM instruments i ${SUMMARY_JOINS} WHERE i.id IN (SELECT value FROM json_each(?))`,
      params: [JSON.stringify(ids)],
    };
  },

  unindex: searchIndexSql.delete,
  beginSearch: `SELECT ${STAMP_COLUMNS}`,
};

/** A list of integers as one bigint[] parameter (array literal text). */
const bigintArray = (values: readonly number[]) => `{${values.join(',')}}`;

export const POSTGRES_SQL: EngineSql = {
  matchingKeys(f) {
    const { expr, where, params } = plan(f, 'any', TSQUERY);
    const range = rangeConditions(f);
    if (expr) {
      // Key order, as FTS5 gives its rowids: the service looks keys up by binary search.
      const join = range.where.length ? 'JOIN instruments i ON i.search_key = x.search_key' : '';
      const sql = `SELECT string_agg(x.search_key::text, ',' ORDER BY x.search_key) FROM instrument_search x ${join}
        WHERE x.document @@ CAST(? AS tsquery) ${[...where, ...range.where].map((w) => `AND ${w}`).join(' ')}`;
      return { sql, params: [expr, ...params, ...range.params] };
    }
    const cols = columnConditions(f);
    const sql = `SELECT string_agg(i.search_key::text, ',') FROM instruments i ${whereClause([...cols.where, ...range.where])}`;
    return { sql, params: [...cols.params, ...range.params] };
  },

  keyOrderedPage(f, tier, afterKey, limit) {
    const { expr, where, params } = plan(f, tier, TSQUERY);
    const range = rangeConditions(f);
    if (expr) {
      const join = range.where.length ? 'JOIN instruments i ON i.search_key = x.search_key' : '';
      const sql = `SELECT x.search_key FROM instrument_search x ${join}
        WHERE x.document @@ CAST(? AS tsquery) AND x.search_key > ? ${[...where, ...range.where].map((w) => `AND ${w}`).join(' ')}
        ORDER BY x.search_key LIMIT ?`;
      return { sql, params: [expr, afterKey, ...params, ...range.params, limit] };
    }
    const sql = `SELECT i.search_key FROM instruments i
      ${whereClause(['i.search_key > ?', ...range.where])} ORDER BY i.search_key LIMIT ?`;
    return { sql, params: [afterKey, ...range.params, limit] };
  },

  columnOrderedPage(f, sort, after, limit) {
    const range = rangeConditions(f);
    const where = [...range.where];
    const params = [...range.params];
    const { column, order } = keyset(sort, after, where, params);
    if (f.text) {
      const p = plan(f, 'any', TSQUERY);
      // The city is in the key already; said again on the column, the planner can walk the city's
      // price index instead of the whole price order (the key's bits have no statistics).
      if (f.cityCode) add(p.where, p.params, 'i.city_code = ?', f.cityCode);
      const sql = `SELECT i.id, i.${column} AS value FROM instrument_search x JOIN instruments i ON i.search_key = x.search_key
        WHERE x.document @@ CAST(? AS tsquery) ${[...p.where, ...where].map((w) => `AND ${w}`).join(' ')}
        ORDER BY ${order} LIMIT ?`;
      return { sql, params: [p.expr, ...p.params, ...params, limit] };
    }
    const cols = columnConditions(f);
    const sql = `SELECT i.id, i.${column} AS value FROM instruments i
      ${whereClause([...cols.where, ...where])} ORDER BY ${order} LIMIT ?`;
    return { sql, params: [...cols.params, ...params, limit] };
  },

  columnOrderedPageOfKeys(keys, sort, after, limit) {
    const where = ['i.search_key = ANY(CAST(? AS bigint[]))'];
    const params: Param[] = [bigintArray(keys)];
    const { column, order } = keyset(sort, after, where, params);
    const sql = `SELECT i.id, i.${column} AS value FROM instruments i ${whereClause(where)} ORDER BY ${order} LIMIT ?`;
    return { sql, params: [...params, limit] };
  },

  summaries(ids) {
    return {
      sql: `SELECT ${SUMMARY_COLUMNS} FROM instruments i ${SUMMARY_JOINS} WHERE i.id = ANY(CAST(? AS bigint[]))`,
      params: [bigintArray(ids)],
    };
  },

  unindex: 'DELETE FROM instrument_search WHERE search_key = ?',
  // A prepared statement's generic plan (after five runs) is planned for no text query in particular:
  // a bitmap scan of every match, sorted, which for a broad term costs 100 times the walk along the
  // key or price order that stops after a page. Every search statement is planned for its own query.
  // JIT compilation costs ~0.1 s on a broad count and never pays back on queries this short.
  beginSearch: `SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true), ${STAMP_COLUMNS}`,
};

/** The INSERT of an index row (searchIndexRow's table, columns and values). */
export const insertSql = (row: { table: string; columns: string[] }) =>
  `INSERT INTO ${row.table} (${row.columns.join(', ')}) VALUES (${row.columns.map(() => '?').join(', ')})`;

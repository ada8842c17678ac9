/**
 * SQL of the catalogue. Search sends hand-written SQL (its query plans are tuned, see the README's
 * "How search works"); every text that differs between SQLite and PostgreSQL is in SQLITE_SQL and
 * POSTGRES_SQL below. CRUD uses drizzle.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { byEngine, type Param, type Queryable } from '../../../db/port.ts';
import {
  categories,
  cities,
  instruments,
  organisations,
  rateCardItems,
  rateCards,
  type PriceUnit,
  type RunStatus,
  type SharingMode,
} from '../../../db/schema/index.ts';
import { searchIndexRow, searchIndexSql, type SearchDocument } from './search-index.ts';
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
const SORT_COLUMN: Record<ColumnSort, { column: string; desc: boolean }> = {
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
const STAMP_COLUMNS = `(SELECT version FROM catalog_meta WHERE id = 1) AS version,
  (SELECT max(updated_at) FROM organisations) AS organisations`;

const quote = (token: string) => `"${token}"`;

/** A statement and its parameters, built for one call. */
interface Query {
  sql: string;
  params: Param[];
}

function add(where: string[], params: Param[], clause: string, ...values: Param[]): void {
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

const whereClause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

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
interface EngineSql {
  /** Search keys of every match (one column), ascending when the index answers. */
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

const SQLITE_SQL: EngineSql = {
  matchingKeys(f) {
    const { expr, where, params } = plan(f, 'any', FTS5);
    const range = rangeConditions(f);
    if (expr) {
      const join = range.where.length ? 'JOIN instruments i ON i.search_key = x.rowid' : '';
      const sql = `SELECT x.rowid FROM instrument_fts x ${join}
        WHERE x.instrument_fts MATCH ? ${[...where, ...range.where].map((w) => `AND ${w}`).join(' ')}`;
      return { sql, params: [expr, ...params, ...range.params] };
    }
    const cols = columnConditions(f);
    const sql = `SELECT i.search_key FROM instruments i ${whereClause([...cols.where, ...range.where])}`;
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

const POSTGRES_SQL: EngineSql = {
  matchingKeys(f) {
    const { expr, where, params } = plan(f, 'any', TSQUERY);
    const range = rangeConditions(f);
    if (expr) {
      // Key order, as FTS5 gives its rowids: the service looks keys up by binary search.
      const join = range.where.length ? 'JOIN instruments i ON i.search_key = x.search_key' : '';
      const sql = `SELECT x.search_key FROM instrument_search x ${join}
        WHERE x.document @@ CAST(? AS tsquery) ${[...where, ...range.where].map((w) => `AND ${w}`).join(' ')}
        ORDER BY x.search_key`;
      return { sql, params: [expr, ...params, ...range.params] };
    }
    const cols = columnConditions(f);
    const sql = `SELECT i.search_key FROM instruments i ${whereClause([...cols.where, ...range.where])}`;
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
const insertSql = (row: { table: string; columns: string[] }) =>
  `INSERT INTO ${row.table} (${row.columns.join(', ')}) VALUES (${row.columns.map(() => '?').join(', ')})`;

/* ---- end of engine-specific ------------------------------------------------------------------ */

interface StampRow {
  version: number | string;
  organisations: number | string | null;
}
export interface CatalogStampRow {
  version: number;
  organisations: number;
}
const stampOf = (row: StampRow | undefined): CatalogStampRow => ({
  version: Number(row!.version),
  organisations: Number(row!.organisations ?? 0),
});

export interface FacetRow {
  cityCode: string;
  topCategory: string;
  sharingMode: SharingMode;
  n: number;
}

const RATE_CARD_SQL = `SELECT instrument_id AS "instrumentId", setup_fee_fen AS "setupFeeFen",
    minimum_charge_fen AS "minimumChargeFen", urgent_surcharge_percent AS "urgentSurchargePercent",
    off_hours_surcharge_percent AS "offHoursSurchargePercent", notes, updated_at AS "updatedAt"
  FROM rate_cards WHERE instrument_id = ?`;
const RATE_CARD_ITEMS_SQL = `SELECT id, instrument_id AS "instrumentId", unit, label_zh AS "labelZh", label_en AS "labelEn",
    internal_fen AS "internalFen", academic_fen AS "academicFen", enterprise_fen AS "enterpriseFen",
    sort_order AS "sortOrder"
  FROM rate_card_items WHERE instrument_id = ? ORDER BY sort_order, id`;

export class CatalogRepo {
  constructor(private readonly q: Queryable) {}

  /** The same queries on a transaction (or another connection). */
  with(q: Queryable): CatalogRepo {
    return new CatalogRepo(q);
  }

  /** This engine's statements (see "Engine-specific" above). */
  private get sql(): EngineSql {
    return byEngine(this.q.engine, { sqlite: SQLITE_SQL, postgres: POSTGRES_SQL });
  }

  /** Goes up with every change of an instrument or its index entry (triggers, in the same transaction). */
  async catalogVersion(): Promise<number> {
    return (await this.q.value<number>('SELECT version FROM catalog_meta WHERE id = 1'))!;
  }

  /**
   * The catalogue's version and the latest change to an organisation (whose names answers show), in
   * one statement: what a public catalogue answer at this snapshot is made of (its ETag).
   */
  async catalogStamp(): Promise<CatalogStampRow> {
    return stampOf(await this.q.get<StampRow>(`SELECT ${STAMP_COLUMNS}`));
  }

  /**
   * First thing in a search's transaction: the catalogue's stamp, and on PostgreSQL the settings that
   * plan each statement for its own text query (one round trip).
   */
  async beginSearch(): Promise<CatalogStampRow> {
    return stampOf(await this.q.get<StampRow>(this.sql.beginSearch));
  }

  /** Search keys of every match: facets and the total are counted from these alone. */
  async matchingKeys(f: SearchFilters): Promise<number[]> {
    const { sql, params } = this.sql.matchingKeys(f);
    return this.q.column<number>(sql, params);
  }

  /** Counts of the whole catalogue by city, top category and sharing mode. */
  async facetRowsOfEverything(): Promise<FacetRow[]> {
    return this.q.all<FacetRow>(
      `SELECT city_code AS "cityCode", substr(category_code, 1, 2) AS "topCategory", sharing_mode AS "sharingMode",
        count(*) AS n FROM instruments GROUP BY 1, 2, 3`,
    );
  }

  /** One page in search-key (relevance) order, after a key; uses the index when anything constrains. */
  async keyOrderedPage(f: SearchFilters, tier: TextTier, afterKey: number, limit: number): Promise<number[]> {
    const { sql, params } = this.sql.keyOrderedPage(f, tier, afterKey, limit);
    return this.q.column<number>(sql, params);
  }

  /** One page ordered by a column, after (value, id). Returns ids with their sort values. */
  async columnOrderedPage(
    f: SearchFilters,
    sort: ColumnSort,
    after: { value: number; id: number } | null,
    limit: number,
  ): Promise<{ id: number; value: number }[]> {
    const { sql, params } = this.sql.columnOrderedPage(f, sort, after, limit);
    return this.q.all<{ id: number; value: number }>(sql, params);
  }

  /**
   * One page ordered by a column among known search keys (the matches counting already listed):
   * the covering search-key index answers it without evaluating the text query again.
   */
  async columnOrderedPageOfKeys(
    keys: readonly number[],
    sort: ColumnSort,
    after: { value: number; id: number } | null,
    limit: number,
  ): Promise<{ id: number; value: number }[]> {
    const { sql, params } = this.sql.columnOrderedPageOfKeys(keys, sort, after, limit);
    return this.q.all<{ id: number; value: number }>(sql, params);
  }

  /** A chunk of instruments in a column's order after a position, optionally within one city (index only). */
  async columnOrderChunk(
    sort: ColumnSort,
    cityCode: string | null,
    after: { value: number; id: number } | null,
    limit: number,
  ): Promise<{ id: number; value: number; key: number }[]> {
    const { column, desc } = SORT_COLUMN[sort];
    const dir = desc ? 'DESC' : 'ASC';
    const where: string[] = [];
    const params: Param[] = [];
    if (cityCode) add(where, params, 'i.city_code = ?', cityCode);
    if (after) add(where, params, `(i.${column}, i.id) ${desc ? '<' : '>'} (?, ?)`, after.value, after.id);
    const sql = `SELECT i.id, i.${column} AS value, i.search_key AS key FROM instruments i ${whereClause(where)}
      ORDER BY i.${column} ${dir}, i.id ${dir} LIMIT ?`;
    return this.q.all<{ id: number; value: number; key: number }>(sql, [...params, limit]);
  }

  /** Summaries of instruments in the order of `ids` (one statement, whatever their number). */
  async summaries(ids: number[]): Promise<SummaryRow[]> {
    if (!ids.length) return [];
    const { sql, params } = this.sql.summaries(ids);
    const rows = await this.q.all<SummaryRow>(sql, params);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is SummaryRow => r !== undefined);
  }

  // Reference data and aggregates

  async allCities() {
    return this.q.orm.select().from(cities).orderBy(asc(cities.ordinal)).all();
  }

  async allCategories() {
    return this.q.orm.select().from(categories).orderBy(asc(categories.code)).all();
  }

  async countsByCategory(): Promise<{ code: string; n: number }[]> {
    return this.q.all<{ code: string; n: number }>(
      'SELECT category_code AS code, count(*) AS n FROM instruments GROUP BY 1',
    );
  }

  async countsByCity(): Promise<{ code: string; n: number }[]> {
    return this.q.all<{ code: string; n: number }>(
      'SELECT city_code AS code, count(*) AS n FROM instruments GROUP BY 1',
    );
  }

  async countsByInstitution(): Promise<{ id: number; n: number }[]> {
    return this.q.all<{ id: number; n: number }>(
      'SELECT institution_id AS id, count(*) AS n FROM instruments GROUP BY 1',
    );
  }

  async institutions(cityCode?: string) {
    const where = cityCode
      ? and(eq(organisations.kind, 'institution'), eq(organisations.cityCode, cityCode))
      : eq(organisations.kind, 'institution');
    return this.q.orm.select().from(organisations).where(where).orderBy(asc(organisations.id)).all();
  }

  async organisation(id: number) {
    return this.q.orm.select().from(organisations).where(eq(organisations.id, id)).get();
  }

  async city(code: string) {
    return this.q.orm.select().from(cities).where(eq(cities.code, code)).get();
  }

  async category(code: string) {
    return this.q.orm.select().from(categories).where(eq(categories.code, code)).get();
  }

  // The record

  async instrument(id: number) {
    return this.q.orm.select().from(instruments).where(eq(instruments.id, id)).get();
  }

  async assetNumberTaken(institutionId: number, assetNumber: string, exceptId?: number): Promise<boolean> {
    const row = await this.q.orm
      .select({ id: instruments.id })
      .from(instruments)
      .where(and(eq(instruments.institutionId, institutionId), eq(instruments.assetNumber, assetNumber)))
      .get();
    return row !== undefined && row.id !== exceptId;
  }

  /** Read for every quote and booking: two fixed statements, no query building or row mapping. */
  async rateCard(instrumentId: number) {
    const card = await this.q.get<typeof rateCards.$inferSelect>(RATE_CARD_SQL, [instrumentId]);
    if (!card) return null;
    const items = await this.q.all<typeof rateCardItems.$inferSelect>(RATE_CARD_ITEMS_SQL, [instrumentId]);
    return { ...card, items };
  }

  async nextInstrumentId(): Promise<number> {
    return (await this.q.value<number>('SELECT coalesce(max(id), 0) + 1 FROM instruments')) ?? 1;
  }

  async insertInstrument(row: typeof instruments.$inferInsert): Promise<void> {
    await this.q.orm.insert(instruments).values(row).run();
  }

  async updateInstrument(id: number, changes: Partial<typeof instruments.$inferInsert>): Promise<void> {
    await this.q.orm.update(instruments).set(changes).where(eq(instruments.id, id)).run();
  }

  /** Several statements: call it on a transaction. */
  async replaceRateCard(
    instrumentId: number,
    card: Omit<typeof rateCards.$inferInsert, 'instrumentId'>,
    items: Omit<typeof rateCardItems.$inferInsert, 'instrumentId' | 'id'>[],
  ): Promise<void> {
    await this.q.orm
      .insert(rateCards)
      .values({ instrumentId, ...card })
      .onConflictDoUpdate({ target: rateCards.instrumentId, set: card })
      .run();
    // An item keeps its id while its unit and Chinese name stay (bookings remember the item they were
    // booked with); the others are replaced.
    const key = (it: { unit: string; labelZh: string }) => `${it.unit}\u0000${it.labelZh}`;
    const stored = await this.q.orm
      .select({ id: rateCardItems.id, unit: rateCardItems.unit, labelZh: rateCardItems.labelZh })
      .from(rateCardItems)
      .where(eq(rateCardItems.instrumentId, instrumentId))
      .all();
    const existing = new Map(stored.map((it) => [key(it), it.id]));
    const kept = new Map<number, (typeof items)[number]>();
    const added: (typeof items)[number][] = [];
    for (const it of items) {
      const id = existing.get(key(it));
      if (id !== undefined && !kept.has(id)) kept.set(id, it);
      else added.push(it);
    }
    const gone = [...existing.values()].filter((id) => !kept.has(id));
    if (gone.length) await this.q.orm.delete(rateCardItems).where(inArray(rateCardItems.id, gone)).run();
    for (const [id, it] of kept) await this.q.orm.update(rateCardItems).set(it).where(eq(rateCardItems.id, id)).run();
    if (added.length)
      await this.q.orm
        .insert(rateCardItems)
        .values(added.map((it) => ({ ...it, instrumentId })))
        .run();
  }

  /** Replace an instrument's index entry (its key changes with status, mode, city or category). */
  async reindex(oldKey: number | null, doc: SearchDocument): Promise<void> {
    if (oldKey !== null) await this.q.run(this.sql.unindex, [oldKey]);
    const row = searchIndexRow(this.q.engine, doc);
    await this.q.run(insertSql(row), row.values);
  }
}

/** SQL of the catalogue. The search hot path uses prepared statements directly; CRUD uses drizzle. */
import type { Statement } from 'better-sqlite3';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { statementCache, writeTransaction, type Db } from '../../../db/client.ts';
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
import { searchIndexSql, type SearchDocument } from './search-index.ts';
import { categoryPrefix, tag } from './search-text.ts';

export interface SearchFilters {
  /** FTS expression over the text columns (from matchExpression), or null. */
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

const SUMMARY_COLUMNS = `i.id, i.name_zh AS nameZh, i.name_en AS nameEn, i.model, i.manufacturer,
  i.category_code AS categoryCode, k.name AS categoryName, k.name_en AS categoryNameEn,
  i.institution_id AS institutionId, o.name AS institutionName,
  i.city_code AS cityCode, c.name AS cityName, c.name_en AS cityNameEn,
  i.sharing_mode AS sharingMode, i.run_status AS runStatus, i.original_value_fen AS originalValueFen,
  i.list_price_fen AS listPriceFen, i.list_price_unit AS listPriceUnit, i.photo_url AS photoUrl,
  i.created_at AS createdAt`;
const SUMMARY_JOINS = `JOIN organisations o ON o.id = i.institution_id
  JOIN cities c ON c.code = i.city_code JOIN categories k ON k.code = i.category_code`;

const quote = (token: string) => `"${token}"`;

function add(where: string[], params: unknown[], clause: string, ...values: unknown[]): void {
  where.push(clause);
  params.push(...values);
}

export type TextTier = 'any' | 'title' | 'not_title';

/** Divisors that extract the facet fields from a search key in SQL (see search-key.ts). */
const KEY_SQL = {
  city: 'x.rowid % 32',
  category: '(x.rowid / 32) % 16',
  mode: '(x.rowid / 140737488355328) % 4', // 2^47
};

/**
 * How a set of filters is asked of the index. Without text, every filter is an index tag. With
 * text, the facet filters (city, top category, sharing mode) are read from the key bits instead:
 * intersecting a long text doclist with a long tag doclist costs far more than a bit test.
 */
function plan(f: SearchFilters, tier: TextTier = 'any'): { expr: string | null; where: string[]; params: unknown[] } {
  const tags: string[] = [];
  const where: string[] = [];
  const params: unknown[] = [];
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

  const parts: string[] = [];
  if (f.text) parts.push(`({${tier === 'title' ? 'title' : 'title body'}} : (${f.text}))`);
  if (tags.length) parts.push(`(tags : (${tags.map(quote).join(' AND ')}))`);
  let expr = parts.length ? parts.join(' AND ') : null;
  if (expr && tier === 'not_title' && f.text) expr = `(${expr}) NOT ({title} : (${f.text}))`;
  return { expr, where, params };
}

/** Conditions on columns not in the index (price, value), against alias i. */
function rangeConditions(f: SearchFilters): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.minPriceFen !== undefined) add(where, params, 'i.list_price_fen >= ?', f.minPriceFen);
  if (f.maxPriceFen !== undefined) add(where, params, 'i.list_price_fen <= ?', f.maxPriceFen);
  if (f.minValueFen !== undefined) add(where, params, 'i.original_value_fen >= ?', f.minValueFen);
  return { where, params };
}

/** The tag filters as plain column conditions, for index-ordered browsing without text. */
function columnConditions(f: SearchFilters): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
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

const whereClause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

export interface FacetRow {
  cityCode: string;
  topCategory: string;
  sharingMode: SharingMode;
  n: number;
}

export class CatalogRepo {
  private readonly stmt: (sql: string) => Statement;
  constructor(readonly db: Db) {
    this.stmt = statementCache(db);
  }

  catalogVersion(): number {
    return this.stmt('SELECT version FROM catalog_meta WHERE id = 1').pluck().get() as number;
  }

  /** Search keys of every match: facets and the total are counted from these alone. */
  matchingKeys(f: SearchFilters): number[] {
    const { expr, where, params } = plan(f);
    const range = rangeConditions(f);
    if (expr) {
      const join = range.where.length ? 'JOIN instruments i ON i.search_key = x.rowid' : '';
      const sql = `SELECT x.rowid FROM instrument_fts x ${join}
        WHERE x.instrument_fts MATCH ? ${[...where, ...range.where].map((w) => `AND ${w}`).join(' ')}`;
      return this.stmt(sql)
        .pluck()
        .all(expr, ...params, ...range.params) as number[];
    }
    const cols = columnConditions(f);
    const sql = `SELECT i.search_key FROM instruments i ${whereClause([...cols.where, ...range.where])}`;
    return this.stmt(sql)
      .pluck()
      .all(...cols.params, ...range.params) as number[];
  }

  /** Counts of the whole catalogue by city, top category and sharing mode. */
  facetRowsOfEverything(): FacetRow[] {
    return this.stmt(
      `SELECT city_code AS cityCode, substr(category_code, 1, 2) AS topCategory, sharing_mode AS sharingMode,
        count(*) AS n FROM instruments GROUP BY 1, 2, 3`,
    ).all() as FacetRow[];
  }

  /** One page in search-key (relevance) order, after a key; uses the index when anything constrains. */
  keyOrderedPage(f: SearchFilters, tier: TextTier, afterKey: number, limit: number): number[] {
    const { expr, where, params } = plan(f, tier);
    const range = rangeConditions(f);
    if (expr) {
      const join = range.where.length ? 'JOIN instruments i ON i.search_key = x.rowid' : '';
      const sql = `SELECT x.rowid FROM instrument_fts x ${join}
        WHERE x.instrument_fts MATCH ? AND x.rowid > ? ${[...where, ...range.where].map((w) => `AND ${w}`).join(' ')}
        ORDER BY x.rowid LIMIT ?`;
      return this.stmt(sql)
        .pluck()
        .all(expr, afterKey, ...params, ...range.params, limit) as number[];
    }
    const sql = `SELECT i.search_key FROM instruments i
      ${whereClause(['i.search_key > ?', ...range.where])} ORDER BY i.search_key LIMIT ?`;
    return this.stmt(sql)
      .pluck()
      .all(afterKey, ...range.params, limit) as number[];
  }

  /** One page ordered by a column, after (value, id). Returns ids with their sort values. */
  columnOrderedPage(
    f: SearchFilters,
    sort: ColumnSort,
    after: { value: number; id: number } | null,
    limit: number,
  ): { id: number; value: number }[] {
    const { column, desc } = SORT_COLUMN[sort];
    const dir = desc ? 'DESC' : 'ASC';
    const range = rangeConditions(f);
    const where = [...range.where];
    const params = [...range.params];
    if (after) {
      if (column === 'id') add(where, params, `i.id ${desc ? '<' : '>'} ?`, after.id);
      else add(where, params, `(i.${column}, i.id) ${desc ? '<' : '>'} (?, ?)`, after.value, after.id);
    }
    const order = column === 'id' ? `i.id ${dir}` : `i.${column} ${dir}, i.id ${dir}`;
    if (f.text) {
      const p = plan(f);
      const sql = `SELECT i.id, i.${column} AS value FROM instrument_fts x JOIN instruments i ON i.search_key = x.rowid
        WHERE x.instrument_fts MATCH ? ${[...p.where, ...where].map((w) => `AND ${w}`).join(' ')}
        ORDER BY ${order} LIMIT ?`;
      return this.stmt(sql).all(p.expr, ...p.params, ...params, limit) as { id: number; value: number }[];
    }
    const cols = columnConditions(f);
    const sql = `SELECT i.id, i.${column} AS value FROM instruments i
      ${whereClause([...cols.where, ...where])} ORDER BY ${order} LIMIT ?`;
    return this.stmt(sql).all(...cols.params, ...params, limit) as { id: number; value: number }[];
  }

  /**
   * One page ordered by a column among known search keys (the matches counting already listed):
   * the covering search-key index answers it without evaluating the text query again.
   */
  columnOrderedPageOfKeys(
    keys: readonly number[],
    sort: ColumnSort,
    after: { value: number; id: number } | null,
    limit: number,
  ): { id: number; value: number }[] {
    const { column, desc } = SORT_COLUMN[sort];
    const dir = desc ? 'DESC' : 'ASC';
    const where = ['i.search_key IN (SELECT value FROM json_each(?))'];
    const params: unknown[] = [JSON.stringify(keys)];
    if (after) {
      if (column === 'id') add(where, params, `i.id ${desc ? '<' : '>'} ?`, after.id);
      else add(where, params, `(i.${column}, i.id) ${desc ? '<' : '>'} (?, ?)`, after.value, after.id);
    }
    const order = column === 'id' ? `i.id ${dir}` : `i.${column} ${dir}, i.id ${dir}`;
    const sql = `SELECT i.id, i.${column} AS value FROM instruments i ${whereClause(where)} ORDER BY ${order} LIMIT ?`;
    return this.stmt(sql).all(...params, limit) as { id: number; value: number }[];
  }

  /** A chunk of instruments in a column's order after a position, optionally within one city (index only). */
  columnOrderChunk(
    sort: ColumnSort,
    cityCode: string | null,
    after: { value: number; id: number } | null,
    limit: number,
  ): { id: number; value: number; key: number }[] {
    const { column, desc } = SORT_COLUMN[sort];
    const dir = desc ? 'DESC' : 'ASC';
    const where: string[] = [];
    const params: unknown[] = [];
    if (cityCode) add(where, params, 'i.city_code = ?', cityCode);
    if (after) add(where, params, `(i.${column}, i.id) ${desc ? '<' : '>'} (?, ?)`, after.value, after.id);
    const sql = `SELECT i.id, i.${column} AS value, i.search_key AS key FROM instruments i ${whereClause(where)}
      ORDER BY i.${column} ${dir}, i.id ${dir} LIMIT ?`;
    return this.stmt(sql).all(...params, limit) as { id: number; value: number; key: number }[];
  }

  summaries(ids: number[]): SummaryRow[] {
    if (!ids.length) return [];
    const rows = this.stmt(
      `SELECT ${SUMMARY_COLUMNS} FROM instruments i ${SUMMARY_JOINS} WHERE i.id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ids)) as SummaryRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is SummaryRow => r !== undefined);
  }

  // Reference data and aggregates

  allCities() {
    return this.db.select().from(cities).orderBy(asc(cities.ordinal)).all();
  }

  allCategories() {
    return this.db.select().from(categories).orderBy(asc(categories.code)).all();
  }

  countsByCategory(): { code: string; n: number }[] {
    return this.stmt('SELECT category_code AS code, count(*) AS n FROM instruments GROUP BY 1').all() as {
      code: string;
      n: number;
    }[];
  }

  countsByCity(): { code: string; n: number }[] {
    return this.stmt('SELECT city_code AS code, count(*) AS n FROM instruments GROUP BY 1').all() as {
      code: string;
      n: number;
    }[];
  }

  countsByInstitution(): { id: number; n: number }[] {
    return this.stmt('SELECT institution_id AS id, count(*) AS n FROM instruments GROUP BY 1').all() as {
      id: number;
      n: number;
    }[];
  }

  institutions(cityCode?: string) {
    const where = cityCode
      ? and(eq(organisations.kind, 'institution'), eq(organisations.cityCode, cityCode))
      : eq(organisations.kind, 'institution');
    return this.db.select().from(organisations).where(where).orderBy(asc(organisations.id)).all();
  }

  organisation(id: number) {
    return this.db.select().from(organisations).where(eq(organisations.id, id)).get();
  }

  city(code: string) {
    return this.db.select().from(cities).where(eq(cities.code, code)).get();
  }

  category(code: string) {
    return this.db.select().from(categories).where(eq(categories.code, code)).get();
  }

  // The record

  instrument(id: number) {
    return this.db.select().from(instruments).where(eq(instruments.id, id)).get();
  }

  assetNumberTaken(institutionId: number, assetNumber: string, exceptId?: number): boolean {
    const row = this.db
      .select({ id: instruments.id })
      .from(instruments)
      .where(and(eq(instruments.institutionId, institutionId), eq(instruments.assetNumber, assetNumber)))
      .get();
    return row !== undefined && row.id !== exceptId;
  }

  /** Read for every quote and booking: two cached statements, no query building or row mapping. */
  rateCard(instrumentId: number) {
    const card = this.stmt(
      `SELECT instrument_id AS instrumentId, setup_fee_fen AS setupFeeFen, minimum_charge_fen AS minimumChargeFen,
         urgent_surcharge_percent AS urgentSurchargePercent, off_hours_surcharge_percent AS offHoursSurchargePercent,
         notes, updated_at AS updatedAt
       FROM rate_cards WHERE instrument_id = ?`,
    ).get(instrumentId) as typeof rateCards.$inferSelect | undefined;
    if (!card) return null;
    const items = this.stmt(
      `SELECT id, instrument_id AS instrumentId, unit, label_zh AS labelZh, label_en AS labelEn,
         internal_fen AS internalFen, academic_fen AS academicFen, enterprise_fen AS enterpriseFen,
         sort_order AS sortOrder
       FROM rate_card_items WHERE instrument_id = ? ORDER BY sort_order, id`,
    ).all(instrumentId) as (typeof rateCardItems.$inferSelect)[];
    return { ...card, items };
  }

  nextInstrumentId(): number {
    return (this.stmt('SELECT ifnull(max(id), 0) + 1 FROM instruments').pluck().get() as number) ?? 1;
  }

  insertInstrument(row: typeof instruments.$inferInsert): void {
    this.db.insert(instruments).values(row).run();
  }

  updateInstrument(id: number, changes: Partial<typeof instruments.$inferInsert>): void {
    this.db.update(instruments).set(changes).where(eq(instruments.id, id)).run();
  }

  replaceRateCard(
    instrumentId: number,
    card: Omit<typeof rateCards.$inferInsert, 'instrumentId'>,
    items: Omit<typeof rateCardItems.$inferInsert, 'instrumentId' | 'id'>[],
  ): void {
    this.db
      .insert(rateCards)
      .values({ instrumentId, ...card })
      .onConflictDoUpdate({ target: rateCards.instrumentId, set: card })
      .run();
    // An item keeps its id while its unit and Chinese name stay (bookings remember the item they were
    // booked with); the others are replaced.
    const key = (it: { unit: string; labelZh: string }) => `${it.unit}\u0000${it.labelZh}`;
    const existing = new Map(
      this.db
        .select({ id: rateCardItems.id, unit: rateCardItems.unit, labelZh: rateCardItems.labelZh })
        .from(rateCardItems)
        .where(eq(rateCardItems.instrumentId, instrumentId))
        .all()
        .map((it) => [key(it), it.id]),
    );
    const kept = new Map<number, (typeof items)[number]>();
    const added: (typeof items)[number][] = [];
    for (const it of items) {
      const id = existing.get(key(it));
      if (id !== undefined && !kept.has(id)) kept.set(id, it);
      else added.push(it);
    }
    const gone = [...existing.values()].filter((id) => !kept.has(id));
    if (gone.length) this.db.delete(rateCardItems).where(inArray(rateCardItems.id, gone)).run();
    for (const [id, it] of kept) this.db.update(rateCardItems).set(it).where(eq(rateCardItems.id, id)).run();
    if (added.length)
      this.db
        .insert(rateCardItems)
        .values(added.map((it) => ({ ...it, instrumentId })))
        .run();
  }

  /** Replace an instrument's index entry (its key changes with status, mode, city or category). */
  reindex(oldKey: number | null, doc: SearchDocument): void {
    if (oldKey !== null) this.stmt(searchIndexSql.delete).run(oldKey);
    this.stmt(searchIndexSql.insert).run(doc.key, doc.title, doc.body, doc.tags);
  }

  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }
}

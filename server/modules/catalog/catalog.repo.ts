/**
 * The catalogue's repository: search runs the hand-written statements of search-sql.ts (one set per
 * engine); the records, rate cards and reference data use drizzle.
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
  type SharingMode,
} from '../../../db/schema/index.ts';
import { searchIndexRow, type SearchDocument } from './search-index.ts';
import { parseKeyList } from './search-key.ts';
import {
  add,
  insertSql,
  POSTGRES_SQL,
  SORT_COLUMN,
  SQLITE_SQL,
  STAMP_COLUMNS,
  whereClause,
  type ColumnSort,
  type EngineSql,
  type SearchFilters,
  type SummaryRow,
  type TextTier,
} from './search-sql.ts';

export type { ColumnSort, SearchFilters, SummaryRow, TextTier } from './search-sql.ts';

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

/** A rate card and its items in one statement (one row per item; one with null item columns when it has none). */
const RATE_CARD_SQL = `SELECT c.instrument_id AS "instrumentId", c.setup_fee_fen AS "setupFeeFen",
    c.minimum_charge_fen AS "minimumChargeFen", c.urgent_surcharge_percent AS "urgentSurchargePercent",
    c.off_hours_surcharge_percent AS "offHoursSurchargePercent", c.notes, c.updated_at AS "updatedAt",
    i.id AS "itemId", i.unit, i.label_zh AS "labelZh", i.label_en AS "labelEn", i.internal_fen AS "internalFen",
    i.academic_fen AS "academicFen", i.enterprise_fen AS "enterpriseFen", i.sort_order AS "sortOrder"
  FROM rate_cards c LEFT JOIN rate_card_items i ON i.instrument_id = c.instrument_id
  WHERE c.instrument_id = ? ORDER BY i.sort_order, i.id`;
type RateCardRow = typeof rateCards.$inferSelect &
  Omit<typeof rateCardItems.$inferSelect, 'id' | 'instrumentId' | 'unit'> & {
    itemId: number | null;
    unit: (typeof rateCardItems.$inferSelect)['unit'] | null;
  };

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

  /** Search keys of every match (ascending when the index answers): facets and the total are counted from these alone. */
  async matchingKeys(f: SearchFilters): Promise<Float64Array> {
    const { sql, params } = this.sql.matchingKeys(f);
    return parseKeyList((await this.q.column<string | null>(sql, params))[0] ?? null);
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

  /** Read for every quote and booking: one fixed statement, no query building. */
  async rateCard(instrumentId: number) {
    const rows = await this.q.all<RateCardRow>(RATE_CARD_SQL, [instrumentId]);
    const first = rows[0];
    if (!first) return null;
    const { setupFeeFen, minimumChargeFen, urgentSurchargePercent, offHoursSurchargePercent, notes, updatedAt } = first;
    const items: (typeof rateCardItems.$inferSelect)[] = [];
    for (const r of rows) {
      if (r.itemId === null || r.unit === null) continue; // the card's row when it has no items
      const { labelZh, labelEn, internalFen, academicFen, enterpriseFen, sortOrder } = r;
      items.push({
        id: r.itemId,
        instrumentId,
        unit: r.unit,
        labelZh,
        labelEn,
        internalFen,
        academicFen,
        enterpriseFen,
        sortOrder,
      });
    }
    return {
      instrumentId,
      setupFeeFen,
      minimumChargeFen,
      urgentSurchargePercent,
      offHoursSurchargePercent,
      notes,
      updatedAt,
      items,
    };
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

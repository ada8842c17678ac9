import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations } from './auth.ts';
import { instrumentOrigins, priceUnits, runStatuses, sharingModes } from './enums.ts';
import { categories, cities } from './reference.ts';

/** Sort value of an instrument without a published price. */
export const UNPRICED_SORT_FEN = 2 ** 50;

/** One large instrument, with the fields of the national instrument record. */
export const instruments = sqliteTable(
  'instruments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => organisations.id),
    assetNumber: text('asset_number').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en'),
    categoryCode: text('category_code')
      .notNull()
      .references(() => categories.code),
    origin: text('origin', { enum: instrumentOrigins }).notNull().default('purchased'),
    originalValueFen: integer('original_value_fen').notNull(),
    commissionedOn: text('commissioned_on'), // ISO date
    country: text('country'),
    manufacturer: text('manufacturer'),
    model: text('model'),
    specs: text('specs'),
    functions: text('functions'),
    subjectAreas: text('subject_areas', { mode: 'json' }).$type<string[]>().notNull().default([]),
    serviceContent: text('service_content'),
    feeNote: text('fee_note'),
    sharingMode: text('sharing_mode', { enum: sharingModes }).notNull(),
    runStatus: text('run_status', { enum: runStatuses }).notNull(),
    province: text('province').notNull().default('山东省'),
    cityCode: text('city_code')
      .notNull()
      .references(() => cities.code),
    district: text('district'),
    address: text('address'),
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    contactEmail: text('contact_email'),
    photoUrl: text('photo_url'),
    timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
    annualRunHours: integer('annual_run_hours'),
    annualServiceHours: integer('annual_service_hours'),
    /** Headline enterprise price ("from ¥X per hour/sample"), derived from the rate card. */
    listPriceFen: integer('list_price_fen'),
    listPriceUnit: text('list_price_unit', { enum: priceUnits }),
    /** listPriceFen, or a huge number when unpriced, so price sorts keep unpriced rows last and use an index. */
    priceSortFen: integer('price_sort_fen').notNull(),
    /** Row id of this instrument in the search index; packs its facet values (see search-key.ts). */
    searchKey: integer('search_key').notNull().unique(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('instruments_institution_asset').on(t.institutionId, t.assetNumber),
    // search_key at the end: sorted walks can test text matches without reading the table.
    index('instruments_city_price').on(t.cityCode, t.priceSortFen, t.id, t.searchKey),
    index('instruments_category_price').on(t.categoryCode, t.priceSortFen, t.id),
    index('instruments_institution').on(t.institutionId, t.id),
    index('instruments_price').on(t.priceSortFen, t.id, t.searchKey),
    index('instruments_value').on(t.originalValueFen, t.id, t.searchKey),
    // Text matches are joined by search key and sorted by price or value: answer that from the index alone.
    index('instruments_search_cover').on(t.searchKey, t.priceSortFen, t.originalValueFen),
  ],
);

/** How an instrument's use is charged; one per instrument. Amounts in fen. */
export const rateCards = sqliteTable('rate_cards', {
  instrumentId: integer('instrument_id')
    .primaryKey()
    .references(() => instruments.id, { onDelete: 'cascade' }),
  /** 开机费: charged once per booking. */
  setupFeeFen: integer('setup_fee_fen').notNull().default(0),
  /** Smallest amount billed for one booking (before surcharges). */
  minimumChargeFen: integer('minimum_charge_fen').notNull().default(0),
  /** Urgent jobs cost this much more, in percent (50 = ×1.5). */
  urgentSurchargePercent: integer('urgent_surcharge_percent').notNull().default(50),
  /**
   * Machine time in off-hours costs this much more, in percent of its share of the machine-time amount:
   * non-working days of the platform calendar, and before 08:00 / from 18:00 on working days (see pricing.ts).
   */
  offHoursSurchargePercent: integer('off_hours_surcharge_percent').notNull().default(0),
  notes: text('notes'),
  updatedAt: integer('updated_at').notNull(),
});

/** One priced service of a rate card: per hour of machine time or per sample, by user type. */
export const rateCardItems = sqliteTable(
  'rate_card_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    instrumentId: integer('instrument_id')
      .notNull()
      .references(() => instruments.id, { onDelete: 'cascade' }),
    unit: text('unit', { enum: priceUnits }).notNull(),
    labelZh: text('label_zh').notNull(),
    labelEn: text('label_en'),
    internalFen: integer('internal_fen').notNull(),
    academicFen: integer('academic_fen').notNull(),
    enterpriseFen: integer('enterprise_fen').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
  },
  (t) => [index('rate_card_items_instrument').on(t.instrumentId, t.sortOrder)],
);

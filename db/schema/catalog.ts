import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations, users } from './auth.ts';
import {
  importErrorPolicies,
  importFormats,
  importStatuses,
  instrumentOrigins,
  instrumentPurposes,
  listingKinds,
  listingSources,
  listingStatuses,
  priceUnits,
  purchaseFundings,
  runStatuses,
  sharingModes,
} from './enums.ts';
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
    /** National record fields beyond the first set: 资金来源, 通用/专用, 所属科研设施/平台, 海关监管, 共享规定, the unit's own booking page, the NRII 仪器编号. */
    purchaseFunding: text('purchase_funding', { enum: purchaseFundings }),
    purpose: text('purpose', { enum: instrumentPurposes }),
    hostFacility: text('host_facility'),
    customsSupervised: integer('customs_supervised', { mode: 'boolean' }).notNull().default(false),
    sharingRules: text('sharing_rules'),
    bookingUrl: text('booking_url'),
    nationalNumber: text('national_number'),
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

/**
 * A listing submission (入网审核): a new instrument record waiting to be published, or a change to the
 * key fields of a published one (category, value, sharing mode, prices) while the published version
 * stays in the catalogue. The record is kept as submitted; the instrument row is written on approval.
 */
export const listingSubmissions = sqliteTable(
  'listing_submissions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => organisations.id),
    /** The published instrument a change is for; for a new record, the instrument made on approval. */
    instrumentId: integer('instrument_id').references(() => instruments.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: listingKinds }).notNull(),
    status: text('status', { enum: listingStatuses }).notNull(),
    /** New: the whole record (with its rate card) as the API's instrument input; change: the changed fields only. */
    record: text('record', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** The published values of the changed fields when the change was submitted (what the reviewer compares). */
    published: text('published', { mode: 'json' }).$type<Record<string, unknown>>(),
    /** Reasons per field of the last return or rejection (field name → message), and an overall note. */
    fieldReasons: text('field_reasons', { mode: 'json' }).$type<Record<string, string>>(),
    note: text('note'),
    source: text('source', { enum: listingSources }).notNull().default('form'),
    importId: integer('import_id'),
    /** Copied out of the record for the queue's filters, and so a pending asset number stays reserved. */
    assetNumber: text('asset_number').notNull(),
    nameZh: text('name_zh').notNull(),
    categoryCode: text('category_code').notNull(),
    cityCode: text('city_code').notNull(),
    submittedBy: integer('submitted_by').references(() => users.id),
    submittedAt: integer('submitted_at').notNull(),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: integer('decided_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('listing_submissions_queue').on(t.status, t.cityCode, t.submittedAt),
    index('listing_submissions_institution').on(t.institutionId, t.status, t.id),
    index('listing_submissions_instrument').on(t.instrumentId, t.status),
    index('listing_submissions_asset').on(t.institutionId, t.assetNumber, t.status),
  ],
);

/**
 * A bulk import of instrument records from a sheet in the national template: the dry run's counts,
 * then the import's progress chunk by chunk (next_row is where a resumed import goes on), under a lease
 * so one node works on it at a time.
 */
export const instrumentImports = sqliteTable(
  'instrument_imports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => organisations.id),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    fileName: text('file_name').notNull(),
    format: text('format', { enum: importFormats }).notNull(),
    /** The uploaded sheet in the file store. */
    storedName: text('stored_name').notNull(),
    status: text('status', { enum: importStatuses }).notNull(),
    errorPolicy: text('error_policy', { enum: importErrorPolicies }),
    totalRows: integer('total_rows').notNull().default(0),
    validRows: integer('valid_rows').notNull().default(0),
    errorRows: integer('error_rows').notNull().default(0),
    /** Rows gone through in the current phase (validation or import), for the progress bar. */
    processedRows: integer('processed_rows').notNull().default(0),
    createdCount: integer('created_count').notNull().default(0),
    updatedCount: integer('updated_count').notNull().default(0),
    unchangedCount: integer('unchanged_count').notNull().default(0),
    /** Rows that went to listing review instead of straight into the catalogue. */
    submittedCount: integer('submitted_count').notNull().default(0),
    /** The first data row (1-based, as in the sheet) not yet imported. */
    nextRow: integer('next_row').notNull().default(0),
    failure: text('failure'),
    leasedBy: text('leased_by'),
    leaseUntil: integer('lease_until'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    index('instrument_imports_institution').on(t.institutionId, t.id),
    index('instrument_imports_status').on(t.status),
  ],
);

/** One problem the dry run found: the sheet's row (as numbered in the sheet) and column, in Chinese. */
export const instrumentImportErrors = sqliteTable(
  'instrument_import_errors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    importId: integer('import_id')
      .notNull()
      .references(() => instrumentImports.id, { onDelete: 'cascade' }),
    row: integer('row').notNull(),
    /** The template's column header, or null for a problem with the whole row. */
    column: text('column'),
    value: text('value'),
    message: text('message').notNull(),
  },
  (t) => [index('instrument_import_errors_import').on(t.importId, t.row)],
);

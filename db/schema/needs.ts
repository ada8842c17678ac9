/**
 * Testing needs and quotes (需求发布 / 供需对接): an enterprise says what it must measure; labs answer
 * with quotes; the accepted quote becomes a booking through the normal checkout.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisations, users } from './auth.ts';
import { instruments, rateCardItems } from './catalog.ts';
import { quoteStatuses, testingNeedStatuses, testingNeedVisibilities } from './enums.ts';
import { categories, cities } from './reference.ts';

export const testingNeeds = sqliteTable(
  'testing_needs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    enterpriseId: integer('enterprise_id')
      .notNull()
      .references(() => organisations.id),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    /** What must be measured, in the enterprise's words (searched against the catalogue). */
    description: text('description').notNull(),
    categoryCode: text('category_code').references(() => categories.code),
    sampleType: text('sample_type'),
    sampleCount: integer('sample_count'),
    /** The date the results are needed by (ISO date, Asia/Shanghai). */
    deadline: text('deadline'),
    budgetMinFen: integer('budget_min_fen'),
    budgetMaxFen: integer('budget_max_fen'),
    /** Preferred city of the lab, if any. */
    cityCode: text('city_code').references(() => cities.code),
    visibility: text('visibility', { enum: testingNeedVisibilities }).notNull(),
    status: text('status', { enum: testingNeedStatuses }).notNull(),
    /** Quotes are taken until then (UTC ms); the need expires after it. */
    expiresAt: integer('expires_at').notNull(),
    acceptedQuoteId: integer('accepted_quote_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('testing_needs_enterprise').on(t.enterpriseId, t.id),
    index('testing_needs_open').on(t.status, t.visibility, t.expiresAt),
  ],
);

/** The institutions an invited need is sent to, and those the platform matched and told about a public one. */
export const testingNeedInstitutions = sqliteTable(
  'testing_need_institutions',
  {
    needId: integer('need_id')
      .notNull()
      .references(() => testingNeeds.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => organisations.id),
    /** invited: chosen by the enterprise; matched: suggested by the catalogue search. */
    reason: text('reason', { enum: ['invited', 'matched'] }).notNull(),
    /** The matching instruments of this institution, best first. */
    instrumentIds: text('instrument_ids', { mode: 'json' }).$type<number[]>().notNull().default([]),
    notifiedAt: integer('notified_at'),
  },
  (t) => [
    primaryKey({ columns: [t.needId, t.institutionId] }),
    index('testing_need_institutions_institution').on(t.institutionId),
  ],
);

/** One priced line of a quote: from the rate card (rate item) or negotiated. */
export interface QuoteLine {
  rateItemId: number | null;
  label: string;
  unit: 'hour' | 'sample';
  quantity: number;
  unitFen: number;
  amountFen: number;
}

export const quotes = sqliteTable(
  'quotes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    needId: integer('need_id')
      .notNull()
      .references(() => testingNeeds.id),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => organisations.id),
    instrumentId: integer('instrument_id')
      .notNull()
      .references(() => instruments.id),
    rateItemId: integer('rate_item_id').references(() => rateCardItems.id, { onDelete: 'set null' }),
    lines: text('lines', { mode: 'json' }).$type<QuoteLine[]>().notNull(),
    totalFen: integer('total_fen').notNull(),
    /** True when the price is agreed for this need rather than taken from the rate card. */
    negotiated: integer('negotiated', { mode: 'boolean' }).notNull().default(false),
    /** The first day the lab can do the work, and the last day the quote holds (ISO dates). */
    earliestDate: text('earliest_date').notNull(),
    validUntil: text('valid_until').notNull(),
    note: text('note'),
    status: text('status', { enum: quoteStatuses }).notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    decidedAt: integer('decided_at'),
  },
  (t) => [index('quotes_need').on(t.needId, t.status), index('quotes_institution').on(t.institutionId, t.id)],
);

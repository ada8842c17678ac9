import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Instrument-months whose figures must be recomputed: written by triggers on bookings and voucher
 * uses (migration 0013), so every change — from any process — is seen without the services knowing.
 * Months are local to Asia/Shanghai (YYYY-MM).
 */
export const statsDirty = sqliteTable(
  'stats_dirty',
  {
    instrumentId: integer('instrument_id').notNull(),
    month: text('month').notNull(),
  },
  (t) => [primaryKey({ columns: [t.instrumentId, t.month] })],
);

/** The monthly roll-up of one instrument's sharing: additive counters, so any scope sums them. */
export const instrumentMonthStats = sqliteTable(
  'instrument_month_stats',
  {
    instrumentId: integer('instrument_id').notNull(),
    month: text('month').notNull(),
    institutionId: integer('institution_id').notNull(),
    cityCode: text('city_code'),
    topCategory: text('top_category').notNull(),
    openMinutes: integer('open_minutes').notNull(),
    bookedMinutes: integer('booked_minutes').notNull(),
    usedMinutes: integer('used_minutes').notNull(),
    externalMinutes: integer('external_minutes').notNull(),
    samples: integer('samples').notNull(),
    incomeFen: integer('income_fen').notNull(),
    voucherIncomeFen: integer('voucher_income_fen').notNull(),
    /** Voucher shares of enterprises' bills (both settlement modes): what SMEs saved. */
    savedFen: integer('saved_fen').notNull(),
    requests: integer('requests').notNull(),
    completed: integer('completed').notNull(),
    externalCompleted: integer('external_completed').notNull(),
    cancelled: integer('cancelled').notNull(),
    rejected: integer('rejected').notNull(),
    noShows: integer('no_shows').notNull(),
    ratingSum: integer('rating_sum').notNull(),
    ratingCount: integer('rating_count').notNull(),
    /** Approval turnaround counts per bucket (see stats/figures.ts TURNAROUND_EDGES). */
    turnaround: text('turnaround', { mode: 'json' }).$type<number[]>().notNull(),
    refreshedAt: integer('refreshed_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.instrumentId, t.month] }),
    index('instrument_month_stats_month').on(t.month, t.institutionId),
    index('instrument_month_stats_institution').on(t.institutionId, t.month),
  ],
);

/** Enterprises an instrument served in a month (distinct counts across any scope). */
export const instrumentMonthEnterprises = sqliteTable(
  'instrument_month_enterprises',
  {
    instrumentId: integer('instrument_id').notNull(),
    month: text('month').notNull(),
    enterpriseId: integer('enterprise_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.instrumentId, t.month, t.enterpriseId] }),
    index('instrument_month_enterprises_month').on(t.month, t.enterpriseId),
  ],
);

/** The counters every roll-up level carries (turnaround as 12 bucket columns, so levels add up in SQL). */
function counters() {
  return {
    openMinutes: integer('open_minutes').notNull().default(0),
    bookedMinutes: integer('booked_minutes').notNull().default(0),
    usedMinutes: integer('used_minutes').notNull().default(0),
    externalMinutes: integer('external_minutes').notNull().default(0),
    samples: integer('samples').notNull().default(0),
    incomeFen: integer('income_fen').notNull().default(0),
    voucherIncomeFen: integer('voucher_income_fen').notNull().default(0),
    savedFen: integer('saved_fen').notNull().default(0),
    requests: integer('requests').notNull().default(0),
    completed: integer('completed').notNull().default(0),
    externalCompleted: integer('external_completed').notNull().default(0),
    cancelled: integer('cancelled').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    noShows: integer('no_shows').notNull().default(0),
    ratingSum: integer('rating_sum').notNull().default(0),
    ratingCount: integer('rating_count').notNull().default(0),
    t0: integer('t0').notNull().default(0),
    t1: integer('t1').notNull().default(0),
    t2: integer('t2').notNull().default(0),
    t3: integer('t3').notNull().default(0),
    t4: integer('t4').notNull().default(0),
    t5: integer('t5').notNull().default(0),
    t6: integer('t6').notNull().default(0),
    t7: integer('t7').notNull().default(0),
    t8: integer('t8').notNull().default(0),
    t9: integer('t9').notNull().default(0),
    t10: integer('t10').notNull().default(0),
    t11: integer('t11').notNull().default(0),
  };
}

/**
 * Month sums per scope — the province (key ''), a city, a top-level category, an institution —
 * kept by adding each instrument-month's change, in the same transaction as the roll-up.
 */
export const scopeMonthStats = sqliteTable(
  'scope_month_stats',
  {
    scope: text('scope', { enum: ['province', 'city', 'category', 'institution'] }).notNull(),
    key: text('key').notNull(),
    month: text('month').notNull(),
    ...counters(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key, t.month] })],
);

/** Enterprises served per scope and month, with how many instrument-months served each. */
export const scopeMonthEnterprises = sqliteTable(
  'scope_month_enterprises',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    month: text('month').notNull(),
    enterpriseId: integer('enterprise_id').notNull(),
    refs: integer('refs').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key, t.month, t.enterpriseId] })],
);

/** One instrument's year, for rankings, institution tables and the underused list. */
export const instrumentYearStats = sqliteTable(
  'instrument_year_stats',
  {
    instrumentId: integer('instrument_id').notNull(),
    year: integer('year').notNull(),
    institutionId: integer('institution_id').notNull(),
    ...counters(),
  },
  (t) => [
    primaryKey({ columns: [t.instrumentId, t.year] }),
    index('instrument_year_stats_used').on(t.year, t.usedMinutes),
    index('instrument_year_stats_institution').on(t.institutionId, t.year),
  ],
);

import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Prefecture-level cities (Shandong's 16), with the provincial voucher ratio for enterprises there. */
export const cities = sqliteTable('cities', {
  code: text('code').primaryKey(), // administrative division code, e.g. 370100
  name: text('name').notNull(),
  nameEn: text('name_en').notNull(),
  province: text('province').notNull(),
  voucherRatioPercent: integer('voucher_ratio_percent').notNull(),
  /** 1..31, packed into instrument search keys (0 = none). */
  ordinal: integer('ordinal').notNull().unique(),
});

/** The national 6-digit instrument taxonomy (three levels: 010000 → 010100 → 010101). */
export const categories = sqliteTable('categories', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  nameEn: text('name_en'),
  parentCode: text('parent_code'),
  level: integer('level').notNull(),
  /** For top-level categories only: 0..15, packed into instrument search keys. */
  ordinal: integer('ordinal'),
});

/** County-level divisions (区县) of the cities: where an organisation registers, and a county finance office's area. */
export const counties = sqliteTable('counties', {
  code: text('code').primaryKey(), // administrative division code, e.g. 370102
  cityCode: text('city_code')
    .notNull()
    .references(() => cities.code),
  name: text('name').notNull(),
  nameEn: text('name_en'),
});

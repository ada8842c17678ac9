import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations, users } from './auth.ts';
import { bookings } from './booking.ts';
import { cities } from './reference.ts';
import {
  quotaIssueModes,
  rejectOutcomes,
  relationKinds,
  reviewLevels,
  settlementModes,
  voucherLimits,
  voucherUseStatuses,
} from './enums.ts';

/** How a programme's ratio is found: a base by the enterprise's city, then top-ups, never above 100%. */
export interface RatioRules {
  /** Percent for enterprises in cities not listed in byCity. */
  basePercent: number;
  /** City code → base percent (Shandong: 60 for 枣庄 临沂 德州 聊城 滨州 菏泽). */
  byCity: Record<string, number>;
  /** Extra percent when the provider is in the enterprise's own city (0 = none). */
  sameCityTopUpPercent: number;
}

/** A voucher programme (创新券) run by a province or a city for one year. */
export const voucherProgrammes = sqliteTable('voucher_programmes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  nameEn: text('name_en'),
  /** The issuing province; with issuerCityCode set, a city programme. */
  province: text('province').notNull(),
  issuerCityCode: text('issuer_city_code').references(() => cities.code),
  year: integer('year').notNull(),
  settlementMode: text('settlement_mode', { enum: settlementModes }).notNull(),
  ratioRules: text('ratio_rules', { mode: 'json' }).$type<RatioRules>().notNull(),
  orderCapFen: integer('order_cap_fen'),
  enterpriseYearCapFen: integer('enterprise_year_cap_fen').notNull(),
  groupYearCapFen: integer('group_year_cap_fen'),
  budgetFen: integer('budget_fen').notNull(),
  /** Local dates (Asia/Shanghai), inclusive: services from startsOn through useBy; claims through claimBy. */
  startsOn: text('starts_on').notNull(),
  useBy: text('use_by').notNull(),
  claimBy: text('claim_by').notNull(),
  /** 6-digit category codes (any level); empty = every category. */
  eligibleCategories: text('eligible_categories', { mode: 'json' }).$type<string[]>().notNull(),
  /** Provider organisation ids; empty = every certified provider. */
  eligibleProviders: text('eligible_providers', { mode: 'json' }).$type<number[]>().notNull(),
  allowOutOfProvince: integer('allow_out_of_province', { mode: 'boolean' }).notNull().default(false),
  reviewLevel: text('review_level', { enum: reviewLevels }).notNull().default('city'),
  rejectOutcome: text('reject_outcome', { enum: rejectOutcomes }).notNull().default('enterprise_debt'),
  /** How quotas are issued: by an admin, on application (申领) within the window, or to every certified enterprise. */
  quotaIssueMode: text('quota_issue_mode', { enum: quotaIssueModes }).notNull().default('admin'),
  /** Local dates, inclusive: when enterprises may apply (application mode). */
  applicationOpensOn: text('application_opens_on'),
  applicationClosesOn: text('application_closes_on'),
  /** Automatic mode: the quota each certified enterprise in scope gets for the programme's year. */
  automaticQuotaFen: integer('automatic_quota_fen'),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Enterprises whose caps are shared because they have the same actual controller. */
export const controllerGroups = sqliteTable('controller_groups', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  controller: text('controller').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** 科技型中小企业 certification of an enterprise, and its controller group. */
export const enterpriseCertifications = sqliteTable('enterprise_certifications', {
  organisationId: integer('organisation_id')
    .primaryKey()
    .references(() => organisations.id),
  certificateNo: text('certificate_no').notNull().unique(),
  certifiedOn: text('certified_on').notNull(),
  expiresOn: text('expires_on').notNull(),
  controllerGroupId: integer('controller_group_id').references(() => controllerGroups.id),
  revokedAt: integer('revoked_at'),
  updatedBy: integer('updated_by').references(() => users.id),
  updatedAt: integer('updated_at').notNull(),
});

/** A declared relation between an enterprise and a provider: no voucher may be used between them. */
export const relatedParties = sqliteTable(
  'related_parties',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    enterpriseId: integer('enterprise_id')
      .notNull()
      .references(() => organisations.id),
    providerId: integer('provider_id')
      .notNull()
      .references(() => organisations.id),
    relation: text('relation', { enum: relationKinds }).notNull(),
    note: text('note'),
    declaredBy: integer('declared_by').references(() => users.id),
    declaredAt: integer('declared_at').notNull(),
  },
  (t) => [uniqueIndex('related_parties_pair').on(t.enterpriseId, t.providerId, t.relation)],
);

/** An enterprise's quota under a programme (at most one per programme). */
export const voucherQuotas = sqliteTable(
  'voucher_quotas',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    programmeId: integer('programme_id')
      .notNull()
      .references(() => voucherProgrammes.id),
    enterpriseId: integer('enterprise_id')
      .notNull()
      .references(() => organisations.id),
    capFen: integer('cap_fen').notNull(),
    grantedBy: integer('granted_by').references(() => users.id),
    grantedAt: integer('granted_at').notNull(),
    revokedAt: integer('revoked_at'),
    revokeReason: text('revoke_reason'),
  },
  (t) => [uniqueIndex('voucher_quotas_programme_enterprise').on(t.programmeId, t.enterpriseId)],
);

/** One voucher use per booking: the share reserved at request and posted at completion. */
export const voucherUses = sqliteTable(
  'voucher_uses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .unique()
      .references(() => bookings.id),
    quotaId: integer('quota_id')
      .notNull()
      .references(() => voucherQuotas.id),
    programmeId: integer('programme_id')
      .notNull()
      .references(() => voucherProgrammes.id),
    enterpriseId: integer('enterprise_id')
      .notNull()
      .references(() => organisations.id),
    providerId: integer('provider_id')
      .notNull()
      .references(() => organisations.id),
    settlementMode: text('settlement_mode', { enum: settlementModes }).notNull(),
    status: text('status', { enum: voucherUseStatuses }).notNull(),
    ratioPercent: integer('ratio_percent').notNull(),
    eligibleFen: integer('eligible_fen').notNull(),
    reservedFen: integer('reserved_fen').notNull(),
    postedFen: integer('posted_fen'),
    limitedBy: text('limited_by', { enum: voucherLimits }).notNull(),
    justification: text('justification'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('voucher_uses_quota').on(t.quotaId, t.status),
    index('voucher_uses_programme').on(t.programmeId, t.status),
  ],
);

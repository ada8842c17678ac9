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
  type ReviewStageKind,
} from './enums.ts';

/** How a programme's ratio is found: a base by the enterprise's city, then top-ups, never above 100%. */
export interface RatioRules {
  /** Percent for enterprises in cities not listed in byCity. */
  basePercent: number;
  /** City code → base percent (Shandong: 60 for 枣庄 临沂 德州 聊城 滨州 菏泽). */
  byCity: Record<string, number>;
  /** Extra percent when the provider is in the enterprise's own city (0 = none). */
  sameCityTopUpPercent: number;
  /** County code → base percent, before byCity (省财政直管县 get the higher ratio); absent = none. */
  byCounty?: Record<string, number>;
}

/** Which parts of a price a voucher may pay for (the unit-priced service always). */
export interface EligibleParts {
  /** Urgent and off-hours surcharges. */
  surcharges: boolean;
  /** The start-up (set-up) fee and the minimum-charge top-up. */
  setupFee: boolean;
}

/** One stage of a claim's review: the enterprise's city office or the province; every line or a sample. */
export interface ReviewStage {
  kind: ReviewStageKind;
  /** Percent of lines the stage reviews (100 = every line; the rest pass on the earlier stage's decision). */
  samplePercent: number;
}

/** The rules of a programme version: what an order made while it is in force is planned and checked by. */
export interface ProgrammeRules {
  ratioRules: RatioRules;
  orderCapFen: number | null;
  enterpriseYearCapFen: number;
  groupYearCapFen: number | null;
  startsOn: string;
  useBy: string;
  claimBy: string;
  eligibleCategories: string[];
  eligibleProviders: number[];
  allowOutOfProvince: boolean;
  eligibleParts: EligibleParts;
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
  /** Which parts of a price are eligible (surcharges, start-up fee); null = the unit-priced service and all parts. */
  eligibleParts: text('eligible_parts', { mode: 'json' }).$type<EligibleParts>(),
  /** The claim review stages in order; null = one stage at reviewLevel, every line. */
  reviewStages: text('review_stages', { mode: 'json' }).$type<ReviewStage[]>(),
  /** Days a reviewed claim is publicly noticed (公示) before payment opens; 0 = no notice. */
  publicNoticeDays: integer('public_notice_days').notNull().default(0),
  /** When programmes co-fund one order, lower runs first (a province's before a city's). */
  fundingOrder: integer('funding_order').notNull().default(0),
  /** The rules version in force now (programme_rule_versions.version). */
  rulesVersion: integer('rules_version').notNull().default(1),
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

/**
 * A programme's rules as of a time: an edit of ratios, caps, categories or dates writes a new version
 * that applies to orders made from `effectiveFrom`; orders made before keep the version they were planned with.
 */
export const programmeRuleVersions = sqliteTable(
  'programme_rule_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    programmeId: integer('programme_id')
      .notNull()
      .references(() => voucherProgrammes.id),
    version: integer('version').notNull(),
    effectiveFrom: integer('effective_from').notNull(),
    rules: text('rules', { mode: 'json' }).$type<ProgrammeRules>().notNull(),
    note: text('note'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('programme_rule_versions_version').on(t.programmeId, t.version)],
);

/**
 * A ceiling shared by several programmes (e.g. a combined province-plus-city amount per enterprise or
 * controller group per year): every voucher use under any of them counts against it.
 */
export const sharedCaps = sqliteTable('shared_caps', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  year: integer('year').notNull(),
  /** Per enterprise, or per controller group. */
  scope: text('scope', { enum: ['enterprise', 'group'] }).notNull(),
  capFen: integer('cap_fen').notNull(),
  programmeIds: text('programme_ids', { mode: 'json' }).$type<number[]>().notNull(),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: integer('created_at').notNull(),
});

/** What a voucher use was planned with: the rules version's caps and parts, and the places at order time. */
export interface PlannedTerms {
  ruleVersion: number;
  orderCapFen: number | null;
  enterpriseYearCapFen: number;
  groupYearCapFen: number | null;
  eligibleParts: EligibleParts;
  enterpriseCityCode: string | null;
  enterpriseCountyCode: string | null;
  providerCityCode: string | null;
  /** Shared caps it counted against (id → the cap then). */
  sharedCaps: Record<string, number>;
}

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
    /** The rules version, caps and places it was planned with (null on uses from before versions were kept). */
    planned: text('planned', { mode: 'json' }).$type<PlannedTerms>(),
    /** Co-funded orders: 1 for the first programme drawn on, 2 for the next. */
    sequence: integer('sequence').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // One use per programme per order; co-funded orders hold one use of each programme.
    uniqueIndex('voucher_uses_booking_programme').on(t.bookingId, t.programmeId),
    index('voucher_uses_quota').on(t.quotaId, t.status),
    index('voucher_uses_programme').on(t.programmeId, t.status),
  ],
);

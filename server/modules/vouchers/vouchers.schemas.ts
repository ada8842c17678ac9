/** Request and response shapes of the voucher API. Imports only zod and the vocabularies. */
import { z } from 'zod';
import {
  quotaIssueModes,
  rejectOutcomes,
  relationKinds,
  reviewLevels,
  settlementModes,
  voucherLimits,
  voucherUseStatuses,
} from '../../../db/schema/enums.ts';

const positiveFen = z.number().int('whole fen').min(1, 'more than zero').max(1e12);
const percent = z.number().int('whole percent').min(0).max(100, 'at most 100%');
export const localDateSchema = z.iso.date('a date YYYY-MM-DD');

export const ratioRulesSchema = z
  .object({
    basePercent: percent,
    byCity: z.record(z.string().regex(/^\d{6}$/, 'a 6-digit city code'), percent),
    sameCityTopUpPercent: percent,
    /** County code → base percent, before byCity (省财政直管县 get the higher ratio). */
    byCounty: z.record(z.string().regex(/^\d{6}$/, 'a 6-digit county code'), percent).optional(),
  })
  .strict();

export const eligiblePartsSchema = z
  .object({
    /** Urgent and off-hours surcharges. */
    surcharges: z.boolean(),
    /** The start-up fee and the minimum-charge top-up. */
    setupFee: z.boolean(),
  })
  .strict();

export const programmeInputSchema = z
  .object({
    name: z.string().trim().min(2).max(100),
    nameEn: z.string().trim().max(200).nullish(),
    province: z.string().trim().min(2).max(20).default('山东省'),
    issuerCityCode: z
      .string()
      .regex(/^\d{6}$/)
      .nullish(),
    year: z.number().int().min(2000).max(2100),
    settlementMode: z.enum(settlementModes).default('deduct'),
    ratioRules: ratioRulesSchema,
    orderCapFen: positiveFen.nullish(),
    enterpriseYearCapFen: positiveFen,
    groupYearCapFen: positiveFen.nullish(),
    budgetFen: positiveFen,
    startsOn: localDateSchema,
    useBy: localDateSchema,
    claimBy: localDateSchema,
    eligibleCategories: z
      .array(z.string().regex(/^\d{6}$/, 'a 6-digit category code'))
      .max(200)
      .default([]),
    eligibleProviders: z.array(z.number().int().positive()).max(2000).default([]),
    allowOutOfProvince: z.boolean().default(false),
    /** Who reviews claims: the finance office of the enterprise's city, or the provincial office. */
    reviewLevel: z.enum(reviewLevels).default('city'),
    /**
     * The claim review stages in order (e.g. the enterprise's city office, then the province re-checks a
     * sample); none: one stage at reviewLevel, every line. The first stage reviews every line.
     */
    reviewStages: z
      .array(z.object({ kind: z.enum(reviewLevels), samplePercent: z.number().int().min(1).max(100) }).strict())
      .min(1)
      .max(3)
      .refine((stages) => stages[0]!.samplePercent === 100, 'the first stage reviews every line (samplePercent 100)')
      .nullish(),
    /** Days a reviewed claim is in public notice (公示) before payment opens (Asia/Shanghai calendar days); 0: none. */
    publicNoticeDays: z.number().int().min(0).max(30).optional(),
    /** A rejected claim line: the enterprise owes the provider the voucher share, or it is written off. */
    rejectOutcome: z.enum(rejectOutcomes).default('enterprise_debt'),
    /**
     * How quotas are issued: by an admin one by one, on application (申领) within the window, or
     * automatically to every certified enterprise of the programme's scope (automaticQuotaFen each).
     * The window is kept only in application mode, the automatic amount only in automatic mode.
     */
    quotaIssueMode: z.enum(quotaIssueModes).default('admin'),
    applicationOpensOn: localDateSchema.nullish(),
    applicationClosesOn: localDateSchema.nullish(),
    automaticQuotaFen: positiveFen.nullish(),
    /** Which parts of a price the voucher pays for; null: every part (the unit-priced service always). */
    eligibleParts: eligiblePartsSchema.nullish(),
    /** Co-funded orders: lower draws first (the province's programme before a city's at equal values). */
    fundingOrder: z.number().int().min(0).max(100).optional(),
    /**
     * When changed rules (ratios, caps, categories, providers, dates, parts) apply: now if absent, or a
     * later time (ISO 8601). Orders made before keep the version they were planned with.
     */
    effectiveFrom: z.iso.datetime({ offset: true }).optional(),
    /** Why the rules changed (kept with the version). */
    versionNote: z.string().trim().max(500).optional(),
  })
  .strict();
export type ProgrammeInput = z.infer<typeof programmeInputSchema>;

export const programmeSchema = programmeInputSchema.omit({ effectiveFrom: true, versionNote: true }).extend({
  eligibleParts: eligiblePartsSchema.nullable(),
  reviewStages: z.array(z.object({ kind: z.enum(reviewLevels), samplePercent: z.number().int() })).nullable(),
  publicNoticeDays: z.number().int(),
  /** The rules version in force now. */
  rulesVersion: z.number().int(),
  id: z.number().int(),
  nameEn: z.string().nullable(),
  issuerCityCode: z.string().nullable(),
  orderCapFen: z.number().int().nullable(),
  groupYearCapFen: z.number().int().nullable(),
  applicationOpensOn: z.string().nullable(),
  applicationClosesOn: z.string().nullable(),
  automaticQuotaFen: z.number().int().nullable(),
  /*
   * The budget figures are the issuer's money: null (terms only) when another city's finance office
   * reads a city's programme.
   */
  budgetFen: z.number().int().nullable(),
  /** Budget still free: budget − reserved − used. */
  budgetAvailableFen: z.number().int().nullable(),
  budgetReservedFen: z.number().int().nullable(),
  budgetUsedFen: z.number().int().nullable(),
  quotaCount: z.number().int().nullable(),
  status: z.enum(['upcoming', 'open', 'claims_only', 'closed']),
});
export type ProgrammeView = z.infer<typeof programmeSchema>;

/** One version of a programme's rules and when it applies from. */
export const ruleVersionSchema = z.object({
  version: z.number().int(),
  effectiveFrom: z.string(),
  inForce: z.boolean(),
  rules: z.object({
    ratioRules: ratioRulesSchema,
    orderCapFen: z.number().int().nullable(),
    enterpriseYearCapFen: z.number().int(),
    groupYearCapFen: z.number().int().nullable(),
    startsOn: z.string(),
    useBy: z.string(),
    claimBy: z.string(),
    eligibleCategories: z.array(z.string()),
    eligibleProviders: z.array(z.number().int()),
    allowOutOfProvince: z.boolean(),
    eligibleParts: eligiblePartsSchema,
  }),
  note: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
export type RuleVersionView = z.infer<typeof ruleVersionSchema>;

export const sharedCapInputSchema = z
  .object({
    name: z.string().trim().min(2).max(100),
    year: z.number().int().min(2000).max(2100),
    /** Per enterprise, or per controller group (certified enterprises of one group together). */
    scope: z.enum(['enterprise', 'group']),
    capFen: positiveFen,
    programmeIds: z.array(z.number().int().positive()).min(2).max(20),
  })
  .strict();
export type SharedCapInput = z.infer<typeof sharedCapInputSchema>;
export const sharedCapSchema = sharedCapInputSchema.extend({
  id: z.number().int(),
  programmeNames: z.array(z.string()),
  createdAt: z.string(),
});
export type SharedCapView = z.infer<typeof sharedCapSchema>;

export const certificationInputSchema = z
  .object({
    certificateNo: z.string().trim().min(4).max(40),
    certifiedOn: localDateSchema,
    expiresOn: localDateSchema,
    controllerGroupId: z.number().int().positive().nullish(),
  })
  .strict();

export const enterpriseSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  cityCode: z.string().nullable(),
  cityName: z.string().nullable(),
  creditCode: z.string().nullable(),
  certification: z
    .object({
      certificateNo: z.string(),
      certifiedOn: z.string(),
      expiresOn: z.string(),
      valid: z.boolean(),
      revokedAt: z.string().nullable(),
      controllerGroup: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    })
    .nullable(),
  /** What the enterprise's quotas have left to spend (in the admin list). */
  quotaBalanceFen: z.number().int().optional(),
});
export type EnterpriseView = z.infer<typeof enterpriseSchema>;

export const controllerGroupInputSchema = z
  .object({ name: z.string().trim().min(2).max(100), controller: z.string().trim().min(2).max(100) })
  .strict();
export const controllerGroupSchema = controllerGroupInputSchema.extend({
  id: z.number().int(),
  members: z.array(z.object({ id: z.number().int(), name: z.string() })),
});

export const relatedPartyInputSchema = z
  .object({
    enterpriseId: z.number().int().positive(),
    providerId: z.number().int().positive(),
    relation: z.enum(relationKinds),
    note: z.string().trim().max(500).optional(),
  })
  .strict();
export const relatedPartySchema = z.object({
  id: z.number().int(),
  enterprise: z.object({ id: z.number().int(), name: z.string() }),
  provider: z.object({ id: z.number().int(), name: z.string() }),
  relation: z.enum(relationKinds),
  note: z.string().nullable(),
  declaredAt: z.string(),
});

export const quotaInputSchema = z
  .object({
    programmeId: z.number().int().positive(),
    enterpriseId: z.number().int().positive(),
    capFen: positiveFen,
  })
  .strict();

/** A quota with its money: cap = reserved + used + available (+ released back when revoked/expired). */
export const quotaSchema = z.object({
  id: z.number().int(),
  programmeId: z.number().int(),
  programmeName: z.string(),
  settlementMode: z.enum(settlementModes),
  enterprise: z.object({ id: z.number().int(), name: z.string() }),
  capFen: z.number().int(),
  reservedFen: z.number().int(),
  usedFen: z.number().int(),
  availableFen: z.number().int(),
  useBy: z.string(),
  claimBy: z.string(),
  status: z.enum(['active', 'revoked', 'expired', 'not_started']),
  grantedAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type QuotaView = z.infer<typeof quotaSchema>;

export const voucherUseSchema = z.object({
  id: z.number().int(),
  programmeId: z.number().int(),
  status: z.enum(voucherUseStatuses),
  reservedFen: z.number().int(),
  postedFen: z.number().int().nullable(),
  ratioPercent: z.number().int(),
  settlementMode: z.enum(settlementModes),
  /** Co-funded orders: 1 for the programme drawn on first, 2 for the next. */
  sequence: z.number().int().optional(),
  programmeName: z.string().optional(),
  limitedBy: z.enum(voucherLimits).optional(),
  /** The rules version the use was planned with (null: before versions were kept). */
  ruleVersion: z.number().int().nullable().optional(),
});

export const voucherUseHistorySchema = voucherUseSchema.extend({
  bookingId: z.number().int(),
  instrumentName: z.string(),
  providerName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const voucherShareSchema = z.object({
  programmeId: z.number().int(),
  programmeName: z.string(),
  quotaId: z.number().int(),
  ratioPercent: z.number().int(),
  settlementMode: z.enum(settlementModes),
  /** In reimburse mode the enterprise pays all now and claims this share afterwards. */
  claimableFen: z.number().int(),
  /** The rules version the share is planned with, and the amount its ratio applies to (eligible parts). */
  ruleVersion: z.number().int(),
  eligibleFen: z.number().int(),
});

/** The voucher part of a quote: how much the voucher pays and which rule set the amount. */
export const voucherSplitSchema = z.object({
  totalFen: z.number().int(),
  voucherFen: z.number().int(),
  selfPayFen: z.number().int(),
  limitedBy: z.enum(voucherLimits).nullable(),
  voucher: voucherShareSchema.nullable(),
  /** Every programme's share in funding order (a co-funded order: the province's, then the city's). */
  vouchers: z.array(voucherShareSchema.extend({ voucherFen: z.number().int(), limitedBy: z.enum(voucherLimits) })),
  /** Why no voucher applies, when the enterprise asked for one or holds quotas (codes, see vouchers.service). */
  ineligible: z.array(z.object({ programmeId: z.number().int(), reason: z.string(), detail: z.string() })),
});
export type VoucherSplit = z.infer<typeof voucherSplitSchema>;

// ---- The admin lists' queries (issue 17): search, filters, a stable sort, numbered pages ----

const listInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const listId = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
  .transform(Number)
  .optional();
/** Numbered pages: skip `offset` rows of the order, `limit` a page. */
const paging = {
  offset: listInt(0, 100_000).optional(),
  limit: listInt(1, 200).optional(),
  /** The direction of `sort` (default: ascending for names, descending for amounts and dates). */
  order: z.enum(['asc', 'desc']).optional(),
};

/** How an enterprise's certification stands today (the list's filter). */
export const certificationStates = ['valid', 'expired', 'revoked', 'none'] as const;
export const enterpriseListQuery = z
  .object({
    /** Part of the name or the credit code. */
    q: z.string().trim().max(100).optional(),
    /** A city's enterprises (a city's finance office sees its own city's only, whatever is asked). */
    city: z
      .string()
      .regex(/^\d{6}$/, 'a 6-digit city code')
      .optional(),
    certification: z.enum(certificationStates).optional(),
    /** By name (code-point order on both engines) or by the quota money left; default: registration order. */
    sort: z.enum(['name', 'balance']).optional(),
    ...paging,
  })
  .strict();
export type EnterpriseListQuery = z.infer<typeof enterpriseListQuery>;

export const quotaListQuery = z
  .object({
    programmeId: listId,
    enterpriseId: listId,
    /** Part of the enterprise's name. */
    q: z.string().trim().max(100).optional(),
    status: z.enum(['active', 'revoked', 'expired', 'not_started']).optional(),
    /** By the amount granted or the time granted; default: newest granted first. */
    sort: z.enum(['amount', 'granted']).optional(),
    ...paging,
  })
  .strict();
export type QuotaListQuery = z.infer<typeof quotaListQuery>;

export const relatedPartyListQuery = z
  .object({
    enterpriseId: listId,
    /** Part of the enterprise's or the provider's name. */
    q: z.string().trim().max(100).optional(),
    relation: z.enum(relationKinds).optional(),
    /** By the declaration time (default, newest first) or the enterprise's name. */
    sort: z.enum(['declared', 'enterprise']).optional(),
    ...paging,
  })
  .strict();
export type RelatedPartyListQuery = z.infer<typeof relatedPartyListQuery>;

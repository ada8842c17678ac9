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
  })
  .strict();
export type ProgrammeInput = z.infer<typeof programmeInputSchema>;

export const programmeSchema = programmeInputSchema.extend({
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
});

export const voucherUseHistorySchema = voucherUseSchema.extend({
  bookingId: z.number().int(),
  instrumentName: z.string(),
  providerName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The voucher part of a quote: how much the voucher pays and which rule set the amount. */
export const voucherSplitSchema = z.object({
  totalFen: z.number().int(),
  voucherFen: z.number().int(),
  selfPayFen: z.number().int(),
  limitedBy: z.enum(voucherLimits).nullable(),
  voucher: z
    .object({
      programmeId: z.number().int(),
      programmeName: z.string(),
      quotaId: z.number().int(),
      ratioPercent: z.number().int(),
      settlementMode: z.enum(settlementModes),
      /** In reimburse mode the enterprise pays all now and claims this share afterwards. */
      claimableFen: z.number().int(),
    })
    .nullable(),
  /** Why no voucher applies, when the enterprise asked for one or holds quotas (codes, see vouchers.service). */
  ineligible: z.array(z.object({ programmeId: z.number().int(), reason: z.string(), detail: z.string() })),
});
export type VoucherSplit = z.infer<typeof voucherSplitSchema>;

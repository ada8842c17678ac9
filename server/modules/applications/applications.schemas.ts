/** Request and response shapes of SME certification and voucher applications (申领). Imports only zod, the vocabularies and the document's shape. */
import { z } from 'zod';
import { applicationStatuses, reviewActions, reviewLevels, settlementModes } from '../../../db/schema/enums.ts';
import { documentSchema } from '../documents/documents.schemas.ts';

const localDate = z.iso.date('a date YYYY-MM-DD');
const positiveFen = z.number().int('whole fen').min(1, 'more than zero').max(1e12);
const reason = z.string().trim().min(2, 'at least 2 characters').max(1000);

/**
 * 科技型中小企业入库登记编号: 18 digits, the first four the year of the evaluation (checked against
 * registrationYear by the service).
 */
export const registrationNoSchema = z
  .string()
  .trim()
  .regex(/^\d{18}$/, 'an 18-digit registration number');

export const certificationApplicationInputSchema = z
  .object({
    registrationNo: registrationNoSchema,
    /** The year of the national evaluation (入库年度): the registration is valid through its 31 December. */
    registrationYear: z.number().int().min(2017).max(2100),
  })
  .strict();
export type CertificationApplicationInput = z.infer<typeof certificationApplicationInputSchema>;

export const certificationApprovalSchema = z
  .object({
    /** The date of entry into the national database (default: today). */
    certifiedOn: localDate.optional(),
    /** Default and latest: 31 December of the evaluation year. */
    expiresOn: localDate.optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .strict();

export const voucherApplicationInputSchema = z
  .object({
    programmeId: z.number().int().positive(),
    amountFen: positiveFen,
    plannedUse: z.string().trim().min(10, 'at least 10 characters').max(2000),
    /** The enterprise declares it has no related party among the providers it means to use: must be true. */
    declaresNoRelatedParties: z.boolean(),
  })
  .strict();
export type VoucherApplicationInput = z.infer<typeof voucherApplicationInputSchema>;
export const voucherApplicationChangeSchema = voucherApplicationInputSchema.omit({ programmeId: true });

export const voucherApprovalSchema = z
  .object({ approvedFen: positiveFen, note: z.string().trim().max(1000).optional() })
  .strict();

export const reviewReasonSchema = z.object({ note: reason }).strict();

const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** The certification table's orders: submitted time (newest or oldest first), or the enterprise's name. */
export const certificationSorts = ['newest', 'oldest', 'enterprise'] as const;
/** The voucher table's orders: those, and the amount asked (largest or smallest first). */
export const voucherSorts = [...certificationSorts, 'amount_desc', 'amount_asc'] as const;

const queueFields = {
  status: z.enum(applicationStatuses).optional(),
  /** Part of the enterprise's name or credit code (or, for certification, the registration number). */
  q: z.string().trim().max(100).optional(),
  /** The enterprise's city (6-digit code); a city's office sees its own city's anyway. */
  city: z
    .string()
    .regex(/^\d{6}$/, 'a 6-digit city code')
    .optional(),
  /** Numbered pages: skip this many rows of the order (default 0). */
  offset: intParam(0, 100_000).optional(),
  /** Rows a page (default 200). */
  limit: intParam(1, 200).optional(),
};

export const queueQuerySchema = z.object({ ...queueFields, sort: z.enum(certificationSorts).optional() }).strict();
export const voucherQueueQuerySchema = z
  .object({
    ...queueFields,
    programmeId: z
      .string()
      .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
      .transform(Number)
      .optional(),
    sort: z.enum(voucherSorts).optional(),
  })
  .strict();
export type CertificationQueueQuery = z.infer<typeof queueQuerySchema>;
export type VoucherQueueQuery = z.infer<typeof voucherQueueQuerySchema>;

/** The enterprise as its reviewers see it (contact details masked in lists, whole in the detail). */
export const applicantSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  creditCode: z.string().nullable(),
  cityCode: z.string().nullable(),
  cityName: z.string().nullable(),
  legalRepresentative: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
});

export const historyEntrySchema = z.object({
  action: z.enum(reviewActions),
  note: z.string().nullable(),
  at: z.string(),
  actorName: z.string().nullable(),
  actorOrganisation: z.string().nullable(),
});

/** The enterprise's 科技型中小企业 certification as it stands (valid: not revoked, not lapsed today). */
export const certificationStateSchema = z.object({
  certificateNo: z.string(),
  certifiedOn: z.string(),
  expiresOn: z.string(),
  valid: z.boolean(),
  revoked: z.boolean(),
});

/** Who reviews: a city's finance office (city code) or the province's. */
export const reviewOfficeSchema = z.object({
  level: z.enum(reviewLevels),
  cityCode: z.string().nullable(),
  cityName: z.string().nullable(),
});

const reviewFields = {
  status: z.enum(applicationStatuses),
  reviewNote: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewerName: z.string().nullable(),
  submittedAt: z.string(),
  updatedAt: z.string(),
  /** The caller may approve, return or reject it now. */
  mayReview: z.boolean(),
  /** The caller (the applicant) may change and resubmit it, upload to it, or withdraw it now. */
  mayEdit: z.boolean(),
};

export const certificationApplicationSchema = z.object({
  id: z.number().int(),
  registrationNo: z.string(),
  registrationYear: z.number().int(),
  enterprise: applicantSchema,
  certifiedOn: z.string().nullable(),
  expiresOn: z.string().nullable(),
  ...reviewFields,
});
export type CertificationApplicationView = z.infer<typeof certificationApplicationSchema>;

export const certificationApplicationDetailSchema = certificationApplicationSchema.extend({
  documents: z.array(documentSchema),
  history: z.array(historyEntrySchema),
  certification: certificationStateSchema.nullable(),
});
export type CertificationApplicationDetail = z.infer<typeof certificationApplicationDetailSchema>;

/** What an applicant needs to know of a programme it applies under. */
export const programmeTermsSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  nameEn: z.string().nullable(),
  year: z.number().int(),
  issuerCityCode: z.string().nullable(),
  issuerCityName: z.string().nullable(),
  settlementMode: z.enum(settlementModes),
  enterpriseYearCapFen: z.number().int(),
  orderCapFen: z.number().int().nullable(),
  startsOn: z.string(),
  useBy: z.string(),
  applicationOpensOn: z.string().nullable(),
  applicationClosesOn: z.string().nullable(),
});

export const voucherApplicationSchema = z.object({
  id: z.number().int(),
  programme: programmeTermsSchema,
  enterprise: applicantSchema,
  amountFen: z.number().int(),
  approvedFen: z.number().int().nullable(),
  plannedUse: z.string(),
  declaresNoRelatedParties: z.boolean(),
  quotaId: z.number().int().nullable(),
  reviewOffice: reviewOfficeSchema,
  ...reviewFields,
});
export type VoucherApplicationView = z.infer<typeof voucherApplicationSchema>;

export const voucherApplicationDetailSchema = voucherApplicationSchema.extend({
  history: z.array(historyEntrySchema),
  certification: certificationStateSchema.nullable(),
  /** For reviewers: the programme's budget still free (null for the applicant). */
  budgetAvailableFen: z.number().int().nullable(),
});
export type VoucherApplicationDetail = z.infer<typeof voucherApplicationDetailSchema>;

/** Why an enterprise may not apply under a programme now (null: it may). */
export const applyBlocks = [
  'not_certified',
  'certification_expired',
  'out_of_scope',
  'window_not_open',
  'window_closed',
  'programme_ended',
  'already_applied',
  'holds_quota',
] as const;
export type ApplyBlock = (typeof applyBlocks)[number];

export const openProgrammeSchema = programmeTermsSchema.extend({
  /** The enterprise's application in it that still counts (open or approved), if any. */
  application: z.object({ id: z.number().int(), status: z.enum(applicationStatuses) }).nullable(),
  holdsQuota: z.boolean(),
  blockedBy: z.enum(applyBlocks).nullable(),
});

/** What the signed-in enterprise may apply for now. */
export const eligibilitySchema = z.object({
  certification: certificationStateSchema.nullable(),
  /** Its certification application under way (submitted or returned), if any. */
  certificationApplication: z.object({ id: z.number().int(), status: z.enum(applicationStatuses) }).nullable(),
  programmes: z.array(openProgrammeSchema),
});
export type Eligibility = z.infer<typeof eligibilitySchema>;
